import { For, Show } from 'solid-js';
import type { FieldChangedTrigger, WorkflowTrigger } from '@conduit/core/definition';
import { LooseTextField, TextField } from '../fields';
import { useEditor } from '../context';
import type { TriggerFormProps } from './types';

type RecordTrigger = Extract<WorkflowTrigger, { type: 'record_created' | 'record_updated' | 'record_deleted' }>;

function ObjectField(props: { value: string; onInput: (v: string) => void }) {
  const { knownObjects } = useEditor();
  return (
    <>
      <TextField
        label="Object"
        path={['trigger', 'object']}
        value={props.value}
        list="object-list"
        hint="The record type, such as deal or contact."
        onInput={props.onInput}
      />
      <datalist id="object-list">
        <For each={knownObjects()}>{(o) => <option value={o} />}</For>
      </datalist>
    </>
  );
}

export function RecordForm(props: TriggerFormProps<RecordTrigger>) {
  return <ObjectField value={props.trigger.object} onInput={(object) => props.patch({ object })} />;
}

export function FieldChangedForm(props: TriggerFormProps<FieldChangedTrigger>) {
  const { knownFields } = useEditor();
  return (
    <>
      <ObjectField value={props.trigger.object} onInput={(object) => props.patch({ object })} />
      <TextField label="Field" path={['trigger', 'field']} value={props.trigger.field} list="trigger-field-list" onInput={(field) => props.patch({ field })} />
      <datalist id="trigger-field-list">
        <For each={knownFields(props.trigger.object)}>{(f) => <option value={f} />}</For>
      </datalist>
      <div class="row wrap">
        <LooseTextField
          label="From (optional)"
          path={['trigger', 'from']}
          value={props.trigger.from}
          hint="Only when the old value equals this. Leave empty for any."
          onInput={(v) => props.patch({ from: typeof v === 'string' && v.trim() === '' ? undefined : v })}
        />
        <LooseTextField
          label="To (optional)"
          path={['trigger', 'to']}
          value={props.trigger.to}
          hint="Only when the new value equals this. Leave empty for any."
          onInput={(v) => props.patch({ to: typeof v === 'string' && v.trim() === '' ? undefined : v })}
        />
      </div>
      <Show
        when={props.trigger.from !== undefined && props.trigger.to !== undefined && JSON.stringify(props.trigger.from) === JSON.stringify(props.trigger.to)}>
        <p class="hint">From and to are the same value, so this never fires.</p>
      </Show>
    </>
  );
}
