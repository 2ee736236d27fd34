import { For, type Component } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { TRIGGER_TYPES, type TriggerType, type WorkflowTrigger } from '@conduit/core/definition';
import { TRIGGER_LABELS } from '../../app/describe';
import { useEditor } from '../context';
import { newTrigger } from '../defaults';
import { ScheduleForm } from './ScheduleForm';
import { WebhookForm } from './WebhookForm';
import { FieldChangedForm, RecordForm } from './RecordForms';
import type { TriggerFormProps } from './types';

/** One form per trigger type; adding a type to the core schema fails to compile here until it has one. */
export const TRIGGER_FORMS: { [K in TriggerType]: Component<TriggerFormProps<Extract<WorkflowTrigger, { type: K }>>> } = {
  schedule: ScheduleForm,
  webhook: WebhookForm,
  record_created: RecordForm,
  record_updated: RecordForm,
  record_deleted: RecordForm,
  field_changed: FieldChangedForm,
};

export function TriggerForm() {
  const { store } = useEditor();
  const trigger = () => store.draft.trigger;
  const form = () => TRIGGER_FORMS[trigger().type] as Component<TriggerFormProps<WorkflowTrigger>>;
  return (
    <fieldset class="section trigger" aria-labelledby="trigger-legend">
      <legend id="trigger-legend">Trigger</legend>
      <div class="field">
        <label for="trigger-type">When</label>
        <select id="trigger-type" value={trigger().type}
          onChange={(e) => store.replaceAt(['trigger'], newTrigger(e.currentTarget.value as TriggerType, trigger()))}>
          <For each={TRIGGER_TYPES}>{(t) => <option value={t}>{TRIGGER_LABELS[t]}</option>}</For>
        </select>
      </div>
      <Dynamic component={form()} trigger={trigger()} patch={(p: Record<string, unknown>) => store.patchAt(['trigger'], p)} />
    </fieldset>
  );
}
