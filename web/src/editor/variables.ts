import type { WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import type { Step } from '../api/schemas';
import type { Path } from './draft';
import type { Variable } from './context';
import { earlierStepIds } from './validate';

/** ["actions", 1, "then", 0, "url"] → [1, "then", 0]: where the field's action sits in the list. */
function actionPathOf(fieldPath: Path): (string | number)[] | undefined {
  if (fieldPath[0] !== 'actions' || typeof fieldPath[1] !== 'number') return undefined;
  const out: (string | number)[] = [fieldPath[1]];
  let i = 2;
  while ((fieldPath[i] === 'then' || fieldPath[i] === 'else') && typeof fieldPath[i + 1] === 'number') {
    out.push(fieldPath[i] as string, fieldPath[i + 1] as number);
    i += 2;
  }
  return out;
}

function triggerVariables(trigger: WorkflowTrigger, fields: string[]): Variable[] {
  const g = 'Trigger';
  switch (trigger.type) {
    case 'schedule':
      return [
        { value: 'trigger.scheduledAt', label: 'when this run was scheduled', group: g },
        { value: 'trigger.timezone', label: 'the schedule time zone', group: g },
      ];
    case 'webhook':
      return [
        { value: 'trigger.body', label: 'request body (parsed JSON)', group: g },
        { value: 'trigger.query', label: 'query parameters', group: g },
        { value: 'trigger.headers', label: 'request headers', group: g },
        { value: 'trigger.method', label: 'HTTP method', group: g },
        { value: 'trigger.receivedAt', label: 'when it arrived', group: g },
      ];
    default: {
      const withPrevious = trigger.type === 'record_updated' || trigger.type === 'field_changed';
      const out: Variable[] = [
        { value: 'trigger.record.id', label: `the ${trigger.object}'s id`, group: g },
        ...fields.filter((f) => f !== 'id').map((f) => ({ value: `trigger.record.${f}`, label: `${trigger.object} ${f}`, group: g })),
        { value: 'trigger.event', label: 'created, updated or deleted', group: g },
      ];
      if (withPrevious) {
        out.push(...fields.filter((f) => f !== 'id').map((f) => ({ value: `trigger.previous.${f}`, label: `${f} before the change`, group: 'Before the change' })));
        out.push({ value: 'trigger.changed', label: 'names of the changed fields', group: g });
      }
      return out;
    }
  }
}

/** Variables a field may use: the trigger, then outputs of steps that run before its action. */
export function variablesFor(
  fieldPath: Path,
  trigger: WorkflowTrigger,
  actions: readonly WorkflowAction[],
  fields: string[],
  testSteps: Map<string, Step>,
): Variable[] {
  const vars = triggerVariables(trigger, fields);
  const at = actionPathOf(fieldPath);
  if (!at) return vars;
  for (const id of earlierStepIds(actions, at)) {
    vars.push({ value: `steps.${id}.output`, label: `output of ${id}`, group: 'Earlier steps' });
    const out = testSteps.get(id)?.output;
    if (out && typeof out === 'object' && !Array.isArray(out))
      for (const k of Object.keys(out)) vars.push({ value: `steps.${id}.output.${k}`, label: 'from the last test run', group: 'Earlier steps' });
  }
  return vars;
}

export function samplePayload(trigger: WorkflowTrigger, record?: { id: string; data: Record<string, unknown> }): unknown {
  const now = new Date().toISOString();
  switch (trigger.type) {
    case 'schedule':
      return { kind: 'schedule', scheduledAt: now, timezone: trigger.timezone };
    case 'webhook':
      return { kind: 'webhook', method: 'POST', body: { hello: 'world' }, query: {}, headers: {}, contentType: 'application/json', receivedAt: now };
    default: {
      const id = record?.id ?? 'sample-record';
      const data = record?.data ?? { name: 'Acme renewal', stage: 'won', amount: 25000, ownerEmail: 'owner@example.com' };
      const recordView = { ...data, id, object: trigger.object };
      const fc = trigger.type === 'field_changed' ? trigger : undefined;
      const field = fc?.field;
      const previous =
        trigger.type === 'record_created' ? null : field ? { ...recordView, [field]: fc?.from ?? 'previous value' } : recordView;
      if (field && fc?.to !== undefined) (recordView as Record<string, unknown>)[field] = fc.to;
      const event = trigger.type === 'record_created' ? 'created' : trigger.type === 'record_deleted' ? 'deleted' : 'updated';
      return { kind: 'record', event, object: trigger.object, recordId: id, record: recordView, previous, changed: field ? [field] : [] };
    }
  }
}
