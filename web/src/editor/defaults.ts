import type { ActionType, TriggerType, WorkflowAction, WorkflowDefinitionInput, WorkflowTrigger } from '@conduit/core/definition';

/** What a freshly created workflow looks like: valid, inactive, with no actions yet. */
export function newWorkflowDefinition(): WorkflowDefinitionInput {
  return { name: 'Untitled workflow', trigger: { type: 'record_created', object: 'deal' }, actions: [] };
}

export function newTrigger(type: TriggerType, previous?: WorkflowTrigger): WorkflowTrigger {
  const object = previous && 'object' in previous ? previous.object : 'deal';
  switch (type) {
    case 'schedule':
      return { type, cron: '0 9 * * 1-5', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
    case 'webhook':
      return { type, auth: { mode: 'none' }, allowGet: false };
    case 'record_created':
    case 'record_updated':
    case 'record_deleted':
      return { type, object };
    case 'field_changed':
      return { type, object, field: 'stage' };
  }
}

/** A unique id such as "send_email_2", so `{{steps.<id>}}` stays readable. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

const BASE_IDS: Record<ActionType, string> = {
  send_email: 'email',
  send_webhook: 'webhook',
  create_record: 'create',
  update_record: 'update',
  delete_record: 'delete',
  run_script: 'script',
  wait: 'wait',
  condition: 'check',
};

/** Starting values per action type; the Record type makes a new action type a compile error here. */
const STARTERS: { [K in ActionType]: () => Omit<Extract<WorkflowAction, { type: K }>, 'id' | 'onFailure'> } = {
  send_email: () => ({ type: 'send_email', to: '', subject: '', body: '' }),
  send_webhook: () => ({ type: 'send_webhook', method: 'POST', url: '', headers: {}, query: {}, bodyType: 'json', timeoutMs: 10_000, sign: false }),
  create_record: () => ({ type: 'create_record', object: 'deal', data: {} }),
  update_record: () => ({ type: 'update_record', object: 'deal', recordId: '{{trigger.record.id}}', data: {} }),
  delete_record: () => ({ type: 'delete_record', object: 'deal', recordId: '{{trigger.record.id}}' }),
  run_script: () => ({ type: 'run_script', code: 'return { ok: true };', memoryMb: 64, cpuMs: 1000 }),
  wait: () => ({ type: 'wait', duration: '1h' }),
  condition: () => ({ type: 'condition', if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 0 }] }, then: [], else: [] }),
};

export function newAction(type: ActionType, taken: ReadonlySet<string>): WorkflowAction {
  return { ...STARTERS[type](), id: uniqueId(BASE_IDS[type], taken), onFailure: 'stop' } as WorkflowAction;
}

/** Deep copy with fresh ids for the copy and everything nested in it. */
export function duplicateAction(action: WorkflowAction, taken: Set<string>): WorkflowAction {
  const copy = structuredClone(unwrap(action)) as WorkflowAction;
  const renumber = (a: WorkflowAction) => {
    a.id = uniqueId(a.id.replace(/_\d+$/, ''), taken);
    taken.add(a.id);
    if (a.type === 'condition') {
      a.then.forEach(renumber);
      a.else.forEach(renumber);
    }
  };
  renumber(copy);
  return copy;
}

/** Stores hand out proxies; structuredClone needs plain data. */
const unwrap = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
