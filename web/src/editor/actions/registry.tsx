import type { Component } from 'solid-js';
import { ACTION_META, type ActionOf, type ActionType, type WorkflowAction } from '@conduit/core/definition';
import { CallWorkflowForm } from './CallWorkflowForm';
import { WaitForApprovalForm } from './ApprovalForm';
import { ConditionForm } from './ConditionForm';
import { ForEachForm } from './ForEachForm';
import { CreateRecordForm, DeleteRecordForm, RunScriptForm, SendEmailForm, SendWebhookForm, UpdateRecordForm, WaitForm } from './forms';
import { FindRecordsForm, UpsertRecordForm } from './RecordQueryForms';
import type { ActionFormProps } from './types';

/**
 * What a new action starts from: `record` when the trigger brings a record (`{{trigger.record…}}`).
 * Without one, a starter leaves the field for the person to fill instead of a reference that would
 * resolve to nothing at run time.
 */
export type StarterContext = { record: boolean };

/** What the editor adds for a type: its form and the values a new action of it starts with. */
type Entry<K extends ActionType> = {
  Form: Component<ActionFormProps<ActionOf<K>>>;
  starter: (ctx: StarterContext) => Omit<ActionOf<K>, 'id' | 'onFailure'>;
};

/**
 * The editor's one registry of action types. Typed over every ActionType, so a new action type in
 * core fails to compile here until it has a form. Label and description come from core's meta table.
 */
export const ACTION_FORMS: { [K in ActionType]: Entry<K> } = {
  send_email: { Form: SendEmailForm, starter: () => ({ type: 'send_email', to: '', subject: '', body: '' }) },
  send_webhook: {
    Form: SendWebhookForm,
    starter: () => ({ type: 'send_webhook', method: 'POST', url: '', headers: {}, query: {}, bodyType: 'json', timeoutMs: 10_000, sign: false }),
  },
  create_record: { Form: CreateRecordForm, starter: () => ({ type: 'create_record', object: 'deal', data: {} }) },
  update_record: {
    Form: UpdateRecordForm,
    starter: (c) => ({ type: 'update_record', object: 'deal', recordId: c.record ? '{{trigger.record.id}}' : '', data: {} }),
  },
  delete_record: { Form: DeleteRecordForm, starter: (c) => ({ type: 'delete_record', object: 'deal', recordId: c.record ? '{{trigger.record.id}}' : '' }) },
  run_script: { Form: RunScriptForm, starter: () => ({ type: 'run_script', code: 'return { ok: true };', memoryMb: 64, cpuMs: 1000 }) },
  wait: { Form: WaitForm, starter: () => ({ type: 'wait', duration: '1h' }) },
  wait_for_approval: {
    Form: WaitForApprovalForm,
    starter: (c) => ({
      type: 'wait_for_approval',
      approvers: ['admin'],
      message: c.record ? 'Please approve: {{trigger.record.name}}' : 'Please approve this request.',
      timeout: '2d',
      onTimeout: 'reject',
    }),
  },
  condition: {
    Form: ConditionForm,
    starter: (c) => ({ type: 'condition', if: { all: [{ left: c.record ? '{{trigger.record.amount}}' : '', op: 'gt', right: 0 }] }, then: [], else: [] }),
  },
  find_records: {
    Form: FindRecordsForm,
    starter: (c) => ({
      type: 'find_records',
      object: 'contact',
      where: { all: [{ left: 'email', op: 'eq', right: c.record ? '{{trigger.record.email}}' : '' }] },
      limit: 100,
    }),
  },
  upsert_record: {
    Form: UpsertRecordForm,
    starter: (c) => ({ type: 'upsert_record', object: 'contact', match: ['email'], data: { email: c.record ? '{{trigger.record.email}}' : '' } }),
  },
  for_each: { Form: ForEachForm, starter: () => ({ type: 'for_each', items: '', concurrency: 1, maxItems: 1000, steps: [] }) },
  call_workflow: { Form: CallWorkflowForm, starter: () => ({ type: 'call_workflow', workflowId: '', input: {}, wait: true }) },
};

type AnyEntry = { label: string; description: string; Form: Component<ActionFormProps<WorkflowAction>> };

/**
 * The form and words of a type, for code that holds an action of any type. The widening is sound: the
 * form is always given the action it was looked up by.
 */
export const formFor = (type: ActionType): AnyEntry => ({
  label: ACTION_META[type].label,
  description: ACTION_META[type].description,
  Form: ACTION_FORMS[type].Form as Component<ActionFormProps<WorkflowAction>>,
});
