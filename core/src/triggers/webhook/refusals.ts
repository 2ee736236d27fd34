import { z } from 'zod';

/**
 * Why the ingress refused a call to a known hook. Counted per hook, per reason, per minute (never the
 * body), so an admin can see a caller's failing integration. Unknown hook ids are not counted: they
 * belong to no workspace.
 */
export const HOOK_REFUSAL_REASONS = [
  'wrong_secret',
  'bad_signature',
  'stale_timestamp',
  'too_large',
  'rate_limited',
  'workspace_limit',
  'unsupported_type',
  'malformed',
  'wrong_method',
  'inactive',
] as const;
export const HookRefusalReasonSchema = z.enum(HOOK_REFUSAL_REASONS);
export type HookRefusalReason = z.infer<typeof HookRefusalReasonSchema>;

/** What each reason means to the person reading the log, with the HTTP status the caller got. */
export const HOOK_REFUSAL_WORDS: Record<HookRefusalReason, { status: number; text: string }> = {
  wrong_secret: { status: 401, text: 'missing or wrong secret' },
  bad_signature: { status: 401, text: 'missing or wrong signature' },
  stale_timestamp: { status: 401, text: 'signature timestamp too old or in the future' },
  too_large: { status: 413, text: 'body too large' },
  rate_limited: { status: 429, text: 'rate limited' },
  workspace_limit: { status: 429, text: 'over the workspace’s events-per-second limit' },
  unsupported_type: { status: 415, text: 'unsupported content type' },
  malformed: { status: 400, text: 'malformed body or idempotency key' },
  wrong_method: { status: 405, text: 'method not accepted' },
  inactive: { status: 404, text: 'workflow turned off' },
};
