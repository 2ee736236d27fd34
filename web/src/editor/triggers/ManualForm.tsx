import { For } from 'solid-js';
import type { ManualTrigger } from '@conduit/core/definition';
import { CheckField, TextField } from '../fields';
import { useEditor } from '../context';
import type { TriggerFormProps } from './types';

/** A manual trigger: optionally on one object's records, optionally open to members. */
export function ManualForm(props: TriggerFormProps<ManualTrigger>) {
  const { knownObjects } = useEditor();
  return (
    <>
      <TextField
        label="On records of (optional)"
        path={['trigger', 'object']}
        value={props.trigger.object ?? ''}
        list="object-list"
        hint="With an object such as contact, each of its records gets a Run workflow menu in Records. Leave empty for Run now only."
        onInput={(v) => props.patch({ object: v.trim() === '' ? undefined : v.trim() })}
      />
      <datalist id="object-list">
        <For each={knownObjects()}>{(o) => <option value={o} />}</For>
      </datalist>
      <CheckField
        label="Members may run it too (not only admins)"
        path={['trigger', 'allowMembers']}
        checked={props.trigger.allowMembers ?? false}
        onChange={(allowMembers) => props.patch({ allowMembers })}
      />
    </>
  );
}
