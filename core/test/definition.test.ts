import { describe, expect, it } from 'vitest';
import {
  ACTION_TYPES,
  TRIGGER_TYPES,
  WorkflowActionSchema,
  WorkflowDefinitionSchema,
  WorkflowTriggerSchema,
  describeIssues,
  parseDuration,
  walkActions,
  type WorkflowAction,
} from '@conduit/core/definition';

/** The ARCHITECTURE.md example, verbatim. */
const example = {
  name: 'Won deal follow-up',
  trigger: { type: 'field_changed', object: 'deal', field: 'stage', to: 'won' },
  actions: [
    { id: 'notify', type: 'send_webhook', method: 'POST', url: 'https://hooks.example.com/won', body: { deal: '{{trigger.record.name}}' } },
    {
      id: 'big',
      type: 'condition',
      if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 10000 }] },
      then: [{ id: 'mail', type: 'send_email', to: '{{trigger.record.ownerEmail}}', subject: 'Big win: {{trigger.record.name}}', body: 'Well done.' }],
      else: [],
    },
    { id: 'pause', type: 'wait', duration: '2d' },
    { id: 'score', type: 'run_script', code: 'return { score: input.trigger.record.amount / 1000 }' },
    { id: 'save', type: 'update_record', object: 'deal', recordId: '{{trigger.record.id}}', data: { score: '{{steps.score.output.score}}' } },
  ],
};

/** Error paths of a failed parse, formatted as the API reports them. */
function pathsOf(schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return describeIssues(r.error as never).map((e) => e.path ?? '');
}

describe('workflow definition', () => {
  it('accepts the architecture example and fills defaults', () => {
    const d = WorkflowDefinitionSchema.parse(example);
    const notify = d.actions[0] as Extract<WorkflowAction, { type: 'send_webhook' }>;
    expect(notify.timeoutMs).toBe(10_000);
    expect(notify.onFailure).toBe('stop');
    const big = d.actions[1] as Extract<WorkflowAction, { type: 'condition' }>;
    expect(big.then[0]?.type).toBe('send_email');
  });

  it('names the JSON path of a bad field inside a nested branch', () => {
    const bad = structuredClone(example);
    (bad.actions[1]!.then![0] as Record<string, unknown>).to = 'not-an-email';
    expect(pathsOf(WorkflowDefinitionSchema, bad)).toEqual(['actions[1].then[0].to']);
  });

  it('refuses duplicate action ids, nested ones included', () => {
    const bad = structuredClone(example);
    (bad.actions[1]!.then![0] as Record<string, unknown>).id = 'notify';
    expect(pathsOf(WorkflowDefinitionSchema, bad)).toEqual(['actions[1].then[0].id']);
  });

  it('refuses an empty name and an unknown trigger type', () => {
    expect(pathsOf(WorkflowDefinitionSchema, { ...example, name: '  ' })).toEqual(['name']);
    expect(pathsOf(WorkflowDefinitionSchema, { ...example, trigger: { type: 'sometimes' } })).toEqual(['trigger.type']);
  });

  it('visits nested actions with their paths', () => {
    const seen: string[] = [];
    walkActions(WorkflowDefinitionSchema.parse(example).actions, (a, p) => seen.push(`${a.id}@${p.join('.')}`));
    expect(seen).toEqual(['notify@0', 'big@1', 'mail@1.then.0', 'pause@2', 'score@3', 'save@4']);
  });
});

const validTriggers: Record<string, unknown> = {
  schedule: { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
  webhook: { type: 'webhook', auth: { mode: 'signature' } },
  record_created: { type: 'record_created', object: 'contact' },
  record_updated: { type: 'record_updated', object: 'deal' },
  record_deleted: { type: 'record_deleted', object: 'deal' },
  field_changed: { type: 'field_changed', object: 'deal', field: 'stage', from: 'open', to: 'won' },
  manual: { type: 'manual', object: 'contact', allowMembers: true },
  run_failed: { type: 'run_failed', workflowId: '00000000-0000-4000-8000-000000000001' },
};
const invalidTriggers: Record<string, [unknown, string]> = {
  schedule: [{ type: 'schedule', cron: '61 * * * *', timezone: 'UTC' }, 'cron'],
  webhook: [{ type: 'webhook', auth: { mode: 'header', headerName: 'bad header!' } }, 'auth.headerName'],
  record_created: [{ type: 'record_created', object: 'Deal Type' }, 'object'],
  record_updated: [{ type: 'record_updated' }, 'object'],
  record_deleted: [{ type: 'record_deleted', object: '' }, 'object'],
  field_changed: [{ type: 'field_changed', object: 'deal', field: '__proto__' }, 'field'],
  manual: [{ type: 'manual', allowMembers: 'yes' }, 'allowMembers'],
  run_failed: [{ type: 'run_failed', workflowId: 'not-a-workflow' }, 'workflowId'],
};

describe('triggers', () => {
  it('covers every trigger type in the tests', () => {
    expect(Object.keys(validTriggers).sort()).toEqual([...TRIGGER_TYPES].sort());
    expect(Object.keys(invalidTriggers).sort()).toEqual([...TRIGGER_TYPES].sort());
  });
  it.each(Object.entries(validTriggers))('accepts a valid %s trigger', (_t, v) => {
    expect(WorkflowTriggerSchema.safeParse(v).success).toBe(true);
  });
  it.each(Object.entries(invalidTriggers))('refuses an invalid %s trigger, naming the field', (_t, [v, path]) => {
    expect(pathsOf(WorkflowTriggerSchema, v)).toContain(path);
  });
  it('refuses an unknown time zone with a readable reason', () => {
    const r = WorkflowTriggerSchema.safeParse({ type: 'schedule', cron: '0 9 * * *', timezone: 'Mars/Olympus' });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)[0]?.message).toMatch(/time zone/);
  });
  it('refuses a cron with the wrong number of fields', () => {
    const r = WorkflowTriggerSchema.safeParse({ type: 'schedule', cron: '* * *', timezone: 'UTC' });
    expect(describeIssues(r.error!)[0]?.message).toMatch(/5 fields/);
  });
  it.each([
    ['', 'cron: enter five fields: minute hour day-of-month month weekday (e.g. 0 9 * * 1-5)'],
    ['61 * * * *', 'cron: the minute "61" is out of range (0–59)'],
    ['* * 32 * *', 'cron: the day of the month "32" is out of range (1–31)'],
    ['* * * * MON-FOO', 'cron: the weekday "MON-FOO" has characters a cron field does not take (numbers, *, ranges a-b, lists a,b and steps */n)'],
    ['*/0 * * * *', 'cron: a step (/n) must be 1 or more'],
    ['0 9-5 * * *', 'cron: the range 9-5 runs backwards; put the smaller value first'],
    ['0 0 31 2 *', 'cron: this schedule never fires: that day does not exist in that month'],
  ])('refuses the cron "%s" in words that name the field, never the library\'s', (cron, message) => {
    const r = WorkflowTriggerSchema.safeParse({ type: 'schedule', cron, timezone: 'UTC' });
    expect(describeIssues(r.error!).map((i) => i.message)).toEqual([message]);
  });
  it('accepts 29 February, which comes every four years', () => {
    expect(WorkflowTriggerSchema.safeParse({ type: 'schedule', cron: '0 9 29 2 *', timezone: 'UTC' }).success).toBe(true);
  });
});

const validActions: Record<string, unknown> = {
  call_workflow: { id: 'call', type: 'call_workflow', workflowId: '00000000-0000-4000-8000-000000000001', input: { id: '{{trigger.record.id}}' }, wait: false },
  send_email: { id: 'a', type: 'send_email', to: ['x@example.com', '{{trigger.record.email}}'], cc: 'y@example.com', subject: 'Hi', html: '<b>hi</b>' },
  send_webhook: {
    id: 'a',
    type: 'send_webhook',
    url: 'https://example.com/h',
    headers: { 'X-Thing': '1' },
    query: { q: '{{trigger.body.q}}' },
    body: 'raw',
    bodyType: 'text',
    sign: true,
  },
  create_record: { id: 'a', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } },
  update_record: { id: 'a', type: 'update_record', object: 'deal', recordId: '{{trigger.record.id}}', data: { stage: 'won' } },
  delete_record: { id: 'a', type: 'delete_record', object: 'deal', recordId: '{{trigger.record.id}}' },
  run_script: { id: 'a', type: 'run_script', code: 'return 1', cpuMs: 500, memoryMb: 32 },
  wait: { id: 'a', type: 'wait', until: '{{trigger.record.followUpAt}}' },
  condition: {
    id: 'a',
    type: 'condition',
    if: { any: [{ left: '{{trigger.record.email}}', op: 'exists' }, { all: [{ left: 1, op: 'in', right: [1, 2] }] }] },
    then: [{ id: 'b', type: 'wait', duration: '1h30m' }],
  },
  find_records: {
    id: 'a',
    type: 'find_records',
    object: 'contact',
    where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.body.email}}' }] },
    orderBy: [{ field: '_createdAt', direction: 'desc' }],
  },
  upsert_record: { id: 'a', type: 'upsert_record', object: 'contact', match: ['email'], data: { email: '{{trigger.body.email}}', name: 'Ada' } },
  for_each: { id: 'a', type: 'for_each', items: '{{trigger.record.tags}}', concurrency: 2, steps: [{ id: 'b', type: 'wait', duration: '1s' }] },
  wait_for_approval: {
    id: 'a',
    type: 'wait_for_approval',
    approvers: ['admin', 'ann@example.com'],
    message: 'Approve {{trigger.record.name}}?',
    timeout: '2d',
  },
};
const invalidActions: Record<string, [unknown, string]> = {
  send_email: [{ id: 'a', type: 'send_email', to: 'x@example.com', subject: 'Hi' }, 'body'],
  send_webhook: [{ id: 'a', type: 'send_webhook', url: 'ftp://example.com', timeoutMs: 10 }, 'url'],
  create_record: [{ id: 'a', type: 'create_record', object: 'contact', data: { 'bad key': 1 } }, 'data.bad key'],
  update_record: [{ id: 'a', type: 'update_record', object: 'deal', recordId: 'x', data: {} }, 'data'],
  delete_record: [{ id: 'a', type: 'delete_record', object: 'deal' }, 'recordId'],
  run_script: [{ id: 'a', type: 'run_script', code: 'return 1', memoryMb: 4096 }, 'memoryMb'],
  wait: [{ id: 'a', type: 'wait', duration: '2d', until: '2030-01-01T00:00:00Z' }, 'duration'],
  condition: [{ id: 'a', type: 'condition', if: { all: [{ left: 1, op: 'gt' }] } }, 'if.all[0].right'],
  find_records: [{ id: 'a', type: 'find_records', object: 'contact', limit: 0 }, 'limit'],
  upsert_record: [{ id: 'a', type: 'upsert_record', object: 'contact', match: ['email'], data: { name: 'Ada' } }, 'match[0]'],
  for_each: [{ id: 'a', type: 'for_each', items: '{{trigger.list}}', maxItems: 20_000 }, 'maxItems'],
  call_workflow: [{ id: 'a', type: 'call_workflow', workflowId: 'not-an-id' }, 'workflowId'],
  wait_for_approval: [{ id: 'a', type: 'wait_for_approval', approvers: ['admin'], message: 'ok?', timeout: '31d' }, 'timeout'],
};

describe('actions', () => {
  it('covers every action type in the tests', () => {
    expect(Object.keys(validActions).sort()).toEqual([...ACTION_TYPES].sort());
    expect(Object.keys(invalidActions).sort()).toEqual([...ACTION_TYPES].sort());
  });
  it.each(Object.entries(validActions))('accepts a valid %s action', (_t, v) => {
    const r = WorkflowActionSchema.safeParse(v);
    expect(r.success ? [] : describeIssues(r.error!)).toEqual([]);
  });
  it.each(Object.entries(invalidActions))('refuses an invalid %s action, naming the field', (_t, [v, path]) => {
    expect(pathsOf(WorkflowActionSchema, v)).toContain(path);
  });
  it('refuses action ids that cannot be referenced from templates', () => {
    expect(pathsOf(WorkflowActionSchema, { ...(validActions.wait as object), id: 'has space' })).toContain('id');
  });
  it('parses durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('soon')).toBeUndefined();
  });
});

describe('run_script syntax', () => {
  it('names the line and column of the first syntax error in the script as written, and accepts valid scripts', async () => {
    const { scriptSyntaxError } = await import('../src/actions/run_script/syntax');
    const { validateScripts } = await import('../src/domain/validate-scripts');
    expect(scriptSyntaxError('const a = input.trigger;\nreturn { ok: a };')).toBeNull();
    expect(scriptSyntaxError('await Promise.resolve(1);\nreturn 2;')).toBeNull();
    expect(scriptSyntaxError('const a = 1;\nreturn {{ oops')).toMatchObject({ line: 2, column: 9 });
    const errors = validateScripts([
      { id: 'ok', type: 'run_script', code: 'return 1;', memoryMb: 64, cpuMs: 1000, onFailure: 'stop' },
      {
        id: 'c',
        type: 'condition',
        if: { all: [] },
        then: [{ id: 's', type: 'run_script', code: 'return {{ oops', memoryMb: 64, cpuMs: 1000, onFailure: 'stop' }],
        else: [],
        onFailure: 'stop',
      },
    ] as never);
    expect(errors).toEqual([
      { code: 'invalid_script', path: 'actions[1].then[0].code', message: expect.stringMatching(/^syntax error at line 1, column \d+: /) },
    ]);
  });
});
