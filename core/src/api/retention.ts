import { z } from 'zod';

/** How long a workspace keeps finished runs, their steps and events: the bounds the API and the form share. */
export const RUN_RETENTION_DAYS = { min: 1, max: 3650, default: 90 } as const;

export const RunRetentionDaysSchema = z
  .number()
  .int('use a whole number of days')
  .min(RUN_RETENTION_DAYS.min, `keep runs for at least ${RUN_RETENTION_DAYS.min} day`)
  .max(RUN_RETENTION_DAYS.max, `keep runs for at most ${RUN_RETENTION_DAYS.max} days (10 years)`);

export const RetentionSettingsDtoSchema = z
  .object({
    days: z.number().int().meta({ description: 'finished runs, their steps and events older than this many days are deleted' }),
  })
  .meta({ id: 'RetentionSettings' });

export const RetentionSettingsBodySchema = z.object({
  days: RunRetentionDaysSchema.meta({ description: `whole days, ${RUN_RETENTION_DAYS.min}–${RUN_RETENTION_DAYS.max}` }),
});

export type RetentionSettingsDto = z.infer<typeof RetentionSettingsDtoSchema>;
