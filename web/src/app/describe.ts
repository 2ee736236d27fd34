/** One-line, human descriptions of triggers and actions for lists and timelines. */
type Loose = { type: string; [k: string]: unknown };

const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function describeTrigger(t: Loose): string {
  switch (t.type) {
    case 'schedule':
      return `On schedule ${str(t.cron)} (${str(t.timezone ?? 'UTC')})`;
    case 'webhook':
      return 'When a webhook is received';
    case 'record_created':
      return `When a ${str(t.object)} is created`;
    case 'record_updated':
      return `When a ${str(t.object)} is updated`;
    case 'record_deleted':
      return `When a ${str(t.object)} is deleted`;
    case 'field_changed': {
      const from = t.from !== undefined ? ` from ${str(t.from)}` : '';
      const to = t.to !== undefined ? ` to ${str(t.to)}` : '';
      return `When a ${str(t.object)}'s ${str(t.field)} changes${from}${to}`;
    }
    default:
      return t.type;
  }
}

export const ACTION_LABELS = {
  send_email: 'Send email',
  send_webhook: 'Send webhook',
  create_record: 'Create record',
  update_record: 'Update record',
  delete_record: 'Delete record',
  run_script: 'Run script',
  wait: 'Wait',
  condition: 'Condition',
} as const;

export const TRIGGER_LABELS = {
  schedule: 'Schedule',
  webhook: 'Webhook',
  record_created: 'Record created',
  record_updated: 'Record updated',
  record_deleted: 'Record deleted',
  field_changed: 'Field changed',
} as const;
