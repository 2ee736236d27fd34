// The stored model's value types, for code outside the domain (the tables themselves stay here).
export { EVENT_SOURCES, EVENT_STATUSES, ROLES, SECRET_KINDS } from '../db/schema';
export type { EventOutcome, EventSource, EventStatus, Role, SecretKind } from '../db/schema';
