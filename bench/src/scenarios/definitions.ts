import type { WorkflowActionInput } from '@conduit/core/definition';
import type { Definition } from '../targets/conduit/api';

/** Records the bench's workflows write to; no workflow listens to this object. */
export const SINK_OBJECT = 'bench_sink';

/** Conduit's peer of n8n's Webhook → Set: one light action that writes the request into a record. */
export function webhookToUpdate(name: string): Definition {
  return {
    name,
    trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
    actions: [{ id: 'save', type: 'update_record', object: SINK_OBJECT, recordId: '{{trigger.body.recordId}}', data: { n: '{{trigger.body.n}}' } }],
  };
}

export type StepKind = 'update_record' | 'run_script';

/** Forty sequential light steps behind a webhook (scenario 3). */
export function webhookSteps(kind: StepKind, count = 40): Definition {
  const actions: WorkflowActionInput[] = Array.from({ length: count }, (_, i) =>
    kind === 'update_record'
      ? { id: `s${i + 1}`, type: 'update_record', object: SINK_OBJECT, recordId: '{{trigger.body.recordId}}', data: { step: i + 1 } }
      : { id: `s${i + 1}`, type: 'run_script', code: `return { step: ${i + 1} };` },
  );
  return { name: `bench: ${count} × ${kind}`, trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false }, actions };
}

/** A record trigger whose one action touches a sink record (scenarios 4 and 5). */
export function recordUpdatedToUpdate(name: string, object: string, sinkId: string): Definition {
  return {
    name,
    trigger: { type: 'record_updated', object },
    actions: [{ id: 'touch', type: 'update_record', object: SINK_OBJECT, recordId: sinkId, data: { touched: '{{trigger.record.id}}' } }],
  };
}
