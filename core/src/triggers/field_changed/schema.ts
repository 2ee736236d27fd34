import { z } from 'zod';
import { FieldNameSchema, JsonSchema, ObjectNameSchema } from '../../definition/common';

export const FieldChangedTriggerSchema = z.object({
  type: z.literal('field_changed'),
  object: ObjectNameSchema,
  field: FieldNameSchema,
  /** Match only when the old value equals this. */
  from: JsonSchema.optional(),
  /** Match only when the new value equals this. */
  to: JsonSchema.optional(),
});

export type FieldChangedTrigger = z.infer<typeof FieldChangedTriggerSchema>;
