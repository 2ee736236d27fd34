import { createSignal } from 'solid-js';
import type { WaitForApprovalAction } from '@conduit/core/definition';
import { SelectField, TextField } from '../fields';
import type { ActionFormProps } from './types';

const ON_TIMEOUT = [
  { value: 'reject', label: 'Reject' },
  { value: 'approve', label: 'Approve' },
  { value: 'fail', label: 'Fail the step' },
] as const;

/** wait_for_approval: who decides, what they read, how long the run waits and what happens then. */
export function WaitForApprovalForm(props: ActionFormProps<WaitForApprovalAction>) {
  // The typed text is kept as typed (a trailing comma included); the draft gets the parsed list.
  const [text, setText] = createSignal(props.action.approvers.join(', '));
  return (
    <>
      <TextField
        label="Approvers"
        path={[...props.path, 'approvers']}
        value={text()}
        vars
        placeholder="admin, finance@example.com"
        hint='Email addresses separated by commas; "admin" means every admin of the workspace.'
        onInput={(t) => {
          setText(t);
          props.patch({
            approvers: t
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          });
        }}
      />
      <TextField
        label="Message"
        path={[...props.path, 'message']}
        value={props.action.message}
        vars
        multiline
        hint="What the approvers read in the email and the app."
        onInput={(message) => props.patch({ message })}
      />
      <TextField
        label="Time out after"
        path={[...props.path, 'timeout']}
        value={props.action.timeout}
        placeholder="2d"
        hint="For example 30m, 2d; at most 30 days. The emailed links expire then."
        onInput={(timeout) => props.patch({ timeout })}
      />
      <SelectField
        label="When nobody answers in time"
        path={[...props.path, 'onTimeout']}
        value={props.action.onTimeout}
        options={ON_TIMEOUT}
        onChange={(onTimeout) => props.patch({ onTimeout })}
      />
    </>
  );
}
