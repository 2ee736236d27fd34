import { z } from 'zod';
import { FieldNameSchema, ObjectNameSchema } from '../../definition/common';
import { RecordDataSchema, actionBase } from '../common';

export const UpsertRecordActionSchema = z
  .object({
    ...actionBase,
    type: z.literal('upsert_record'),
    object: ObjectNameSchema,
    /** The fields that identify the record: one whose values all equal data's is updated, else one is created. */
    match: z.array(FieldNameSchema).min(1, 'choose at least one field to match on').max(10, 'match on at most 10 fields'),
    data: RecordDataSchema,
  })
  .superRefine((a, ctx) => {
    a.match.forEach((f, i) => {
      if (!Object.hasOwn(a.data, f)) ctx.addIssue({ code: 'custom', path: ['match', i], message: `"${f}" is matched on, so give it a value in Fields` });
      if (a.match.indexOf(f) !== i) ctx.addIssue({ code: 'custom', path: ['match', i], message: `"${f}" is listed twice` });
    });
  });

export type UpsertRecordAction = z.infer<typeof UpsertRecordActionSchema>;
