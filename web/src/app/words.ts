import type { ComparisonOp } from '@conduit/core/definition';

/** Comparison operators as a person says them, in the condition form and in a run's sentences. */
export const OP_LABELS: Record<ComparisonOp, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  in: 'is one of',
  exists: 'exists',
  is_empty: 'is empty',
  changed: 'changed',
};

/** A zod issue's facts, as much of them as the sentences below read (zod 4's issue shapes). */
type IssueLike = {
  code: string;
  message: string;
  expected?: unknown;
  input?: unknown;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
};

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of named values',
  record: 'a set of named values',
};
const FORMAT: Record<string, string> = {
  email: 'an email address',
  url: 'a web address such as https://example.com',
  uuid: 'an id',
  datetime: 'a date and time such as 2026-12-01T09:00:00Z',
  regex: 'in the expected format',
};
const RAW = /^(Invalid|Too small|Too big|Unrecognized key|Expected)/;
const plural = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`;

/**
 * A validator issue as a sentence about the field ("is required", "must be a number"), so no raw
 * validator text reaches a person. The one place such text is rewritten; messages a schema wrote
 * itself (custom issues) are already sentences and pass through.
 */
export function issueSentence(issue: IssueLike): string {
  // A message the schema wrote ("a subject is required") is kept; zod's own defaults are rewritten.
  if (!RAW.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small': {
      const n = issue.minimum ?? 0;
      if (issue.origin === 'string') return Number(n) <= 1 ? 'is required' : `must be at least ${plural(n, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return Number(n) <= 1 ? 'needs at least one entry' : `needs at least ${plural(n, 'entry')}`;
      return `must be at least ${n}`;
    }
    case 'too_big': {
      const n = issue.maximum ?? 0;
      if (issue.origin === 'string') return `must be at most ${plural(n, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `may have at most ${plural(n, 'entry')}`;
      return `must be at most ${n}`;
    }
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'is required';
      return `must be ${KIND[String(issue.expected)] ?? String(issue.expected)}`;
    case 'invalid_value':
      return issue.values && issue.values.length > 0 ? `must be one of: ${issue.values.map(String).join(', ')}` : 'has a value that is not allowed';
    case 'invalid_format':
      return `must be ${FORMAT[String(issue.format)] ?? 'in the expected format'}`;
    case 'unrecognized_keys':
      return `has settings this step does not know: ${(issue.keys ?? []).join(', ')}`;
    case 'not_multiple_of':
      return 'is not a multiple of the allowed step';
    default:
      return messageSentence(issue.message);
  }
}

/**
 * The same rewriting for a message that arrives as text (the server's refusal lists zod messages):
 * the common raw forms become sentences, anything else is kept.
 */
export function messageSentence(message: string): string {
  for (const [pattern, sentence] of RAW_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return sentence(m);
  }
  return message;
}

/** zod's default messages, as sentences about the field. */
const RAW_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Too small: expected string to have >=?(\d+) characters?/i, (m) => (Number(m[1]) <= 1 ? 'is required' : `must be at least ${m[1]} characters`)],
  [/^Too small: expected array to have >=?(\d+) items?/i, (m) => (Number(m[1]) <= 1 ? 'needs at least one entry' : `needs at least ${m[1]} entries`)],
  [/^Too small: expected number to be >=?(\S+)/i, (m) => `must be at least ${m[1]}`],
  [/^Too big: expected string to have <=?(\d+) characters?/i, (m) => `must be at most ${m[1]} characters`],
  [/^Too big: expected number to be <=?(\S+)/i, (m) => `must be at most ${m[1]}`],
  [/^Invalid input: expected (\w+), received (undefined|null)/i, () => 'is required'],
  [/^Invalid input: expected (\w+)/i, (m) => `must be ${KIND[m[1]!] ?? m[1]}`],
  [/^Invalid option: expected one of (.*)$/i, (m) => `must be one of: ${m[1]!.replace(/"/g, '').replace(/\|/g, ', ')}`],
  [/^Invalid (url|URL)/, () => `must be ${FORMAT.url}`],
  [/^Invalid email/i, () => `must be ${FORMAT.email}`],
  [/^Invalid input$/i, () => 'is not valid here'],
];

type TraceItem = { path: string; op: ComparisonOp; left: unknown; right: unknown; result: boolean };

/** "{{trigger.record.tier}}" → "tier": a reference by the name of what it points at; anything else as written. */
function nameOf(template: unknown): string | undefined {
  if (typeof template !== 'string') return undefined;
  const m = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(template);
  if (!m) return undefined;
  const segs = m[1]!.split('.');
  return segs[segs.length - 1];
}
const shown = (v: unknown): string => (v === null || v === undefined ? 'nothing' : typeof v === 'string' ? (v === '' ? 'empty' : v) : JSON.stringify(v));

/** The comparison at a trace path ("all[0].any[1]") inside the condition as written. */
function nodeAt(group: unknown, path: string): { left?: unknown; right?: unknown } | undefined {
  let node = group as Record<string, unknown> | undefined;
  for (const m of path.matchAll(/(all|any)\[(\d+)\]/g)) {
    const list = node?.[m[1]!];
    node = Array.isArray(list) ? (list[Number(m[2])] as Record<string, unknown>) : undefined;
  }
  return node;
}

/**
 * A condition step of a run in sentences, one per comparison: "tier equals big → true", and when a
 * reference was compared, what it held ("tier equals big → false (tier was small)").
 */
export function conditionSentences(input: unknown, output: unknown): { text: string; result: boolean }[] {
  const trace = (output as { trace?: TraceItem[] } | null)?.trace;
  if (!Array.isArray(trace)) return [];
  const written = (input as { if?: unknown } | null)?.if;
  return trace.map((t) => {
    const node = nodeAt(written, t.path);
    const subject = nameOf(node?.left) ?? shown(t.left);
    const op = OP_LABELS[t.op] ?? t.op;
    const unary = t.op === 'exists' || t.op === 'is_empty' || t.op === 'changed';
    const object = unary ? '' : ` ${nameOf(node?.right) ?? shown(t.right)}`;
    const was = nameOf(node?.left) !== undefined && !unary && !t.result ? ` (${subject} was ${shown(t.left)})` : '';
    return { text: `${subject} ${op}${object} → ${t.result ? 'true' : 'false'}${was}`, result: t.result };
  });
}

type GroupLike = { all: unknown[] } | { any: unknown[] };

/** A condition as written, in words for its card: "If tier equals big and amount is greater than 10000". */
export function conditionInWords(group: GroupLike): string {
  const part = (node: unknown): string => {
    if (node && typeof node === 'object' && ('all' in node || 'any' in node)) {
      const inner = conditionInWords(node as GroupLike);
      return `(${inner})`;
    }
    const c = node as { left?: unknown; op?: ComparisonOp; right?: unknown };
    const subject = nameOf(c.left) ?? shown(c.left);
    const unary = c.op === 'exists' || c.op === 'is_empty' || c.op === 'changed';
    return `${subject} ${c.op ? (OP_LABELS[c.op] ?? c.op) : '?'}${unary ? '' : ` ${nameOf(c.right) ?? shown(c.right)}`}`;
  };
  const list = 'all' in group ? group.all : group.any;
  return list.map(part).join('all' in group ? ' and ' : ' or ');
}

/** Audit log actions (`<thing>.<verb>`, functions/src/routes) as a person says them; an unknown one shows as stored. */
export const AUDIT_ACTION_WORDS: Record<string, string> = {
  'workflow.created': 'Created the workflow',
  'workflow.imported': 'Imported the workflow',
  'workflow.updated': 'Changed the draft of',
  'workflow.published': 'Published',
  'workflow.activated': 'Turned on',
  'workflow.deactivated': 'Turned off',
  'workflow.deleted': 'Deleted the workflow',
  'workflow.failure_alerts_changed': 'Changed the failure alert of',
  'webhook_secret.rotated': 'Rotated a webhook secret of',
  'execution.test_started': 'Started a test run of',
  'execution.cancelled': 'Cancelled a run',
  'execution.retried': 'Retried a run',
  'event.replayed': 'Replayed an event',
  'approval.decided': 'Decided an approval',
  'api_key.created': 'Created the API key',
  'api_key.revoked': 'Revoked the API key',
  'member.invited': 'Invited',
  'member.invitation_revoked': 'Revoked the invitation of',
  'member.joined': 'Joined',
  'member.role_changed': 'Changed the role of',
  'member.removed': 'Removed',
  'secret.set': 'Set the secret',
  'secret.deleted': 'Deleted the secret',
  'retention.updated': 'Changed how long runs are kept',
  'limits.updated': 'Changed the limits of',
  'failure_alert.changed': 'Changed the',
  'login.succeeded': 'Signed in',
  'login.failed': 'Failed to sign in',
};
