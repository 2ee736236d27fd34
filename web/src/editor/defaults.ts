import {
  ACTION_META,
  childListsOf,
  triggerVariables,
  type ActionOf,
  type ActionType,
  type WorkflowAction,
  type WorkflowDefinitionInput,
  type WorkflowTrigger,
} from '@conduit/core/definition';
import { ACTION_FORMS, type StarterContext } from './actions/registry';

/** What a freshly created workflow looks like: valid, inactive, with no actions yet. */
export function newWorkflowDefinition(): WorkflowDefinitionInput {
  return { name: 'Untitled workflow', trigger: { type: 'record_created', object: 'deal' }, actions: [] };
}

/** Whether the trigger brings a record, as its variables say (record triggers, a manual run on a record). */
export const starterContext = (trigger: WorkflowTrigger): StarterContext => ({
  record: triggerVariables(trigger, []).some((v) => v.value === 'trigger.record.id'),
});

/** A unique id such as "send_email_2", so `{{steps.<id>}}` stays readable. */
function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function newAction<K extends ActionType>(type: K, taken: ReadonlySet<string>, ctx: StarterContext): ActionOf<K> {
  const starter: Omit<ActionOf<K>, 'id' | 'onFailure'> = ACTION_FORMS[type].starter(ctx);
  // Sound: the starter of type K plus the two fields it leaves out make an action of type K.
  return { ...starter, id: uniqueId(ACTION_META[type].idBase, taken), onFailure: 'stop' } as ActionOf<K>;
}

/** Deep copy with fresh ids for the copy and everything nested in it. */
export function duplicateAction(action: WorkflowAction, taken: Set<string>): WorkflowAction {
  const copy = structuredClone(unwrap(action)) as WorkflowAction;
  const renumber = (a: WorkflowAction) => {
    a.id = uniqueId(a.id.replace(/_\d+$/, ''), taken);
    taken.add(a.id);
    for (const child of childListsOf(a)) child.actions.forEach(renumber);
  };
  renumber(copy);
  return copy;
}

/** Stores hand out proxies; structuredClone needs plain data. */
const unwrap = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
