import { describeIssues, shapeTriggerSample, TriggerPayloadSchema, type TriggerPayload, type WorkflowTrigger } from '@conduit/core/definition';
import { invalid } from '../http/errors';

/**
 * The trigger payload of a test run: a full payload when the sample already is one, else the
 * sample shaped like what the workflow's trigger delivers (its type's module says how).
 */
export function testTriggerPayload(trigger: WorkflowTrigger, sample: unknown, now: Date): TriggerPayload {
  const direct = TriggerPayloadSchema.safeParse(sample);
  if (direct.success) return direct.data;
  const parsed = TriggerPayloadSchema.safeParse(shapeTriggerSample(trigger, sample, now));
  if (!parsed.success) throw invalid(describeIssues(parsed.error, ['payload']));
  return parsed.data;
}
