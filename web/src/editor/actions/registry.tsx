import type { Component } from 'solid-js';
import type { ActionType, WorkflowAction } from '@conduit/core/definition';
import { ACTION_LABELS } from '../../app/describe';
import {
  CreateRecordForm, DeleteRecordForm, RunScriptForm, SendEmailForm, SendWebhookForm, UpdateRecordForm, WaitForm,
} from './forms';
import { ConditionForm } from './ConditionForm';
import type { ActionFormProps } from './types';

type Entry<K extends ActionType> = { label: string; description: string; Form: Component<ActionFormProps<Extract<WorkflowAction, { type: K }>>> };

/**
 * The editor's one registry of action forms. Typed over every ActionType, so a new action type in
 * core fails to compile here until it has a form.
 */
export const ACTION_FORMS: { [K in ActionType]: Entry<K> } = {
  send_email: { label: ACTION_LABELS.send_email, description: 'Send an email (kept in the dev inbox locally).', Form: SendEmailForm },
  send_webhook: { label: ACTION_LABELS.send_webhook, description: 'Call an HTTP endpoint with JSON or text.', Form: SendWebhookForm },
  create_record: { label: ACTION_LABELS.create_record, description: 'Create a record of an object.', Form: CreateRecordForm },
  update_record: { label: ACTION_LABELS.update_record, description: 'Change fields of a record.', Form: UpdateRecordForm },
  delete_record: { label: ACTION_LABELS.delete_record, description: 'Delete a record.', Form: DeleteRecordForm },
  run_script: { label: ACTION_LABELS.run_script, description: 'Run JavaScript in a sandbox.', Form: RunScriptForm },
  wait: { label: ACTION_LABELS.wait, description: 'Pause the run for a while or until a date.', Form: WaitForm },
  condition: { label: ACTION_LABELS.condition, description: 'Branch: then / else.', Form: ConditionForm },
};

export const formFor = (type: ActionType) => ACTION_FORMS[type] as unknown as Entry<ActionType> & { Form: Component<ActionFormProps<WorkflowAction>> };
