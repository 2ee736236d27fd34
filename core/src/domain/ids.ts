const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids from URLs are checked before they reach a uuid column: a malformed one is "not found", not a 500. */
export const isUuid = (s: string): boolean => UUID.test(s);
