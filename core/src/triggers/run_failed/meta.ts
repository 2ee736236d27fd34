import { defineTriggerMeta, isPlainObject } from '../define';
import type { RunFailedTrigger } from './schema';

/** The payload of a run_failed event (what `{{trigger.…}}` holds), as the run's end writes it. */
export type RunFailedPayload = {
  kind: 'run_failed';
  executionId: string;
  workflow: { id: string; name: string };
  step: { id: string; label: string } | null;
  error: string;
  failedAt: string;
};

export const runFailedMeta = defineTriggerMeta<RunFailedTrigger>({
  type: 'run_failed',
  label: 'Run failed',
  // Events written when a run ends failed (never for a run_failed workflow's own runs: no alert loop).
  source: { kind: 'run' },
  summary: (t) => (t.workflowId ? 'When a run of the chosen workflow fails' : 'When a run of any other workflow fails'),
  variables: () => [
    { value: 'trigger.executionId', label: 'the failed run (id)', group: 'Trigger' },
    { value: 'trigger.workflow.name', label: 'workflow name', group: 'Trigger' },
    { value: 'trigger.workflow.id', label: 'workflow id', group: 'Trigger' },
    { value: 'trigger.step.label', label: 'failed step', group: 'Trigger' },
    { value: 'trigger.step.id', label: 'failed step id', group: 'Trigger' },
    { value: 'trigger.error', label: 'error message', group: 'Trigger' },
    { value: 'trigger.failedAt', label: 'when it failed', group: 'Trigger' },
  ],
  sample: (t, at) => runFailedSample(t, {}, at.now),
  shapeSample: (t, sample, now) => runFailedSample(t, isPlainObject(sample) ? sample : {}, now),
});

function runFailedSample(t: RunFailedTrigger, given: Record<string, unknown>, now: string): RunFailedPayload & Record<string, unknown> {
  return {
    kind: 'run_failed',
    executionId: '00000000-0000-4000-8000-000000000000',
    workflow: { id: t.workflowId ?? '00000000-0000-4000-8000-000000000001', name: 'Sample workflow' },
    step: { id: 'notify', label: 'Send webhook' },
    error: 'step "notify" failed: the server answered 500',
    failedAt: now,
    ...given,
  };
}
