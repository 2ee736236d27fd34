/**
 * The password rule for new and changed passwords: a minimum length and not one of the ~50,000
 * most common passwords (the list @zxcvbn-ts/language-common maintains). Loaded on first use, so
 * a cold API function that never sets a password does not pay for the list.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

let common: Promise<Set<string>> | undefined;
const commonPasswords = (): Promise<Set<string>> =>
  (common ??= import('@zxcvbn-ts/language-common').then((m) => new Set((m.dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()))));

/** Null when the password is acceptable, else a sentence for the person choosing it. */
export async function passwordProblem(password: string, context: { email?: string; name?: string } = {}): Promise<string | null> {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower)) return 'This password is one of the most common ones; choose another.';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if ((local && local.length >= 3 && lower.includes(local)) || (context.name && lower === context.name.toLowerCase()))
    return 'Do not use your email address or name as your password.';
  if (new Set(lower).size < 4) return 'Use more different characters.';
  return null;
}
