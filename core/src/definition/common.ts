import { z } from 'zod';
import { MAX_WAIT_MS, parseDuration } from './duration';

/** Any JSON value. Stored JSON and templated fields are validated against this. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
);
export const JsonObjectSchema = z.record(z.string(), JsonSchema);
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** Object types such as `contact` or `deal`. */
export const OBJECT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const ObjectNameSchema = z.string().regex(OBJECT_NAME_PATTERN, 'use lowercase letters, digits and _ (for example "deal")');

/** Record field names; no leading underscore and no prototype keys. */
export const FieldNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'use letters, digits and _, starting with a letter');

/** True when the string contains a {{ }} template; such fields are checked at run time. */
export const isTemplated = (s: string): boolean => s.includes('{{');

export { DURATION_PATTERN, MAX_WAIT_MS, parseDuration } from './duration';

export const DurationSchema = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'use a duration such as "30s", "15m", "2d" or "1h30m"')
  .refine((s) => (parseDuration(s) ?? 0) <= MAX_WAIT_MS, 'at most 366 days');
