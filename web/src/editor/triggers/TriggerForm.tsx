import { For, type Component } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { TRIGGER_META, TRIGGER_TYPES, type TriggerOf, type TriggerType, type WorkflowTrigger } from '@conduit/core/definition';
import { useEditor } from '../context';
import { ScheduleForm } from './ScheduleForm';
import { WebhookForm } from './WebhookForm';
import { FieldChangedForm, RecordForm } from './RecordForms';
import { ManualForm } from './ManualForm';
import { RunFailedForm } from './RunFailedForm';
import type { TriggerFormProps } from './types';

type Entry<K extends TriggerType> = {
  Form: Component<TriggerFormProps<TriggerOf<K>>>;
  /** A new trigger of this type; keeps the object of the previous one where both have one. */
  starter: (object: string) => TriggerOf<K>;
};

/**
 * The editor's one registry of trigger types: typed over every TriggerType, so a new trigger type in
 * core fails to compile here until it has a form. Labels come from core's meta table.
 */
export const TRIGGER_FORMS: { [K in TriggerType]: Entry<K> } = {
  schedule: {
    Form: ScheduleForm,
    starter: () => ({ type: 'schedule', cron: '0 9 * * 1-5', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' }),
  },
  webhook: { Form: WebhookForm, starter: () => ({ type: 'webhook', auth: { mode: 'none' }, allowGet: false }) },
  record_created: { Form: RecordForm, starter: (object) => ({ type: 'record_created', object }) },
  record_updated: { Form: RecordForm, starter: (object) => ({ type: 'record_updated', object }) },
  record_deleted: { Form: RecordForm, starter: (object) => ({ type: 'record_deleted', object }) },
  field_changed: { Form: FieldChangedForm, starter: (object) => ({ type: 'field_changed', object, field: 'stage' }) },
  manual: { Form: ManualForm, starter: () => ({ type: 'manual', allowMembers: false }) },
  run_failed: { Form: RunFailedForm, starter: () => ({ type: 'run_failed' }) },
};

function newTrigger(type: TriggerType, previous?: WorkflowTrigger): WorkflowTrigger {
  return TRIGGER_FORMS[type].starter((previous && 'object' in previous ? previous.object : undefined) ?? 'deal');
}

export function TriggerForm() {
  const { store } = useEditor();
  const trigger = () => store.draft.trigger;
  // Sound widening: the form is given the trigger it was looked up by.
  const form = () => TRIGGER_FORMS[trigger().type].Form as Component<TriggerFormProps<WorkflowTrigger>>;
  return (
    <fieldset class="section trigger" aria-labelledby="trigger-legend">
      <legend id="trigger-legend">Trigger</legend>
      <div class="field">
        <label for="trigger-type">When</label>
        <select
          id="trigger-type"
          value={trigger().type}
          onChange={(e) => store.replaceAt(['trigger'], newTrigger(e.currentTarget.value as TriggerType, trigger()))}>
          <For each={TRIGGER_TYPES}>{(t) => <option value={t}>{TRIGGER_META[t].label}</option>}</For>
        </select>
      </div>
      <Dynamic component={form()} trigger={trigger()} patch={(p: Record<string, unknown>) => store.patchAt(['trigger'], p)} />
    </fieldset>
  );
}
