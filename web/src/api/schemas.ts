/**
 * Response shapes the web app relies on. Loose on purpose (extra fields pass) so the API can
 * grow; switch these to the DTO schemas in `@conduit/core/api` once they exist.
 */
import { z } from 'zod';
import { ExecutionStatusSchema, JsonSchema, StepStatusSchema } from '@conduit/core/definition';

const date = z.string();

export const WorkspaceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  slug: z.string().optional(),
  role: z.string().default('member'),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const MeSchema = z.looseObject({
  user: z.looseObject({ id: z.string(), email: z.string(), name: z.string().optional() }).nullable(),
  workspaces: z.array(WorkspaceSchema),
  temporalUiUrl: z.string().optional(),
});
export type Me = z.infer<typeof MeSchema>;

/** The draft definition is kept unvalidated here: the editor validates it with the core schemas. */
export const WorkflowSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  isActive: z.boolean(),
  trigger: z.looseObject({ type: z.string() }),
  actions: z.array(z.looseObject({ id: z.string(), type: z.string() })),
  hookId: z.string().nullish(),
  /** Path of the public webhook URL, e.g. /hooks/<hookId>. */
  hookPath: z.string().nullish(),
  activeVersionId: z.string().nullish(),
  hasSecret: z.boolean().optional(),
  createdAt: date.optional(),
  updatedAt: date.optional(),
  lastRun: z.looseObject({ status: ExecutionStatusSchema, at: date.nullish(), createdAt: date.nullish() }).nullish(),
  runsLast7Days: z.number().optional(),
});
export type Workflow = z.infer<typeof WorkflowSchema>;

export const VersionSchema = z.looseObject({
  id: z.string(),
  version: z.number(),
  name: z.string(),
  trigger: z.looseObject({ type: z.string() }),
  actions: z.array(z.looseObject({ id: z.string(), type: z.string() })),
  publishedAt: date,
  publishedBy: z.union([z.string(), z.looseObject({ email: z.string().optional(), name: z.string().optional() })]).nullish(),
  publishedByEmail: z.string().nullish(),
});
export type Version = z.infer<typeof VersionSchema>;

export const StepSchema = z.looseObject({
  id: z.string().optional(),
  actionId: z.string(),
  actionType: z.string(),
  path: z.string(),
  seq: z.number().default(0),
  status: StepStatusSchema,
  input: JsonSchema.nullish(),
  output: JsonSchema.nullish(),
  error: z.string().nullish(),
  attempts: z.number().default(0),
  startedAt: date.nullish(),
  completedAt: date.nullish(),
});
export type Step = z.infer<typeof StepSchema>;

export const ExecutionSchema = z.looseObject({
  id: z.string(),
  workflowId: z.string(),
  workflowName: z.string().nullish(),
  status: ExecutionStatusSchema,
  input: JsonSchema.nullish(),
  output: JsonSchema.nullish(),
  error: z.string().nullish(),
  startedAt: date.nullish(),
  completedAt: date.nullish(),
  createdAt: date,
  recordId: z.string().nullish(),
  versionId: z.string().nullish(),
  version: z.number().nullish(),
  temporalWorkflowId: z.string().nullish(),
  temporalRunId: z.string().nullish(),
  isTest: z.boolean().optional(),
  retryOf: z.string().nullish(),
  steps: z.array(StepSchema).optional(),
});
export type Execution = z.infer<typeof ExecutionSchema>;

export const EventSchema = z.looseObject({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  object: z.string().nullish(),
  recordId: z.string().nullish(),
  workflowId: z.string().nullish(),
  payload: JsonSchema.nullish(),
  status: z.string(),
  outcome: z.looseObject({ runs: z.array(z.string()).default([]), deduplicated: z.number().default(0), error: z.string().optional() }).nullish(),
  attempts: z.number().optional(),
  receivedAt: date,
  dispatchedAt: date.nullish(),
});
export type InboundEvent = z.infer<typeof EventSchema>;

export const RecordSchema = z.looseObject({
  id: z.string(),
  object: z.string(),
  data: z.record(z.string(), JsonSchema),
  createdAt: date.optional(),
  updatedAt: date.optional(),
});
export type RecordRow = z.infer<typeof RecordSchema>;

export const DevMailSchema = z.looseObject({
  id: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string().nullish(),
  createdAt: date,
});

/** Lists come as `{ items, nextCursor }`; a bare array is accepted too. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z
    .union([
      z.array(item).transform((items) => ({ items, nextCursor: null as string | null })),
      z.looseObject({ items: z.array(item), nextCursor: z.string().nullish() }).transform((p) => ({ items: p.items, nextCursor: p.nextCursor ?? null })),
      z.looseObject({ data: z.array(item), nextCursor: z.string().nullish() }).transform((p) => ({ items: p.data, nextCursor: p.nextCursor ?? null })),
    ]);
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Single objects may come bare or wrapped as `{ workflow: … }`. */
export const oneOf = <T extends z.ZodType>(item: T, key: string) =>
  z.union([item, z.looseObject({ [key]: item }).transform((o) => o[key] as z.infer<T>)]);
