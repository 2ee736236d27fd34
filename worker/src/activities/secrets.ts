import { openSecrets } from '@conduit/core/domain';
import type { Json } from '@conduit/core/definition';
import type { SecretField } from '../workflows/contract';
import { StepError, type ActivityDeps } from './types';

/** Values shorter than this are not searched for in outputs: masking "ab" everywhere would garble them and hide nothing. */
const MIN_CONCEALED = 4;

/**
 * The secret values one step used, to take back out of anything it stores: the output, the error.
 * A value becomes `[secret NAME]` wherever it appears, as written or URL-encoded (a token an API
 * echoes back, the final URL of a call whose query held a key).
 */
export class Concealer {
  private readonly pairs: { value: string; label: string }[] = [];

  add(label: string, value: string): void {
    if (value.length < MIN_CONCEALED) return;
    const mark = `[secret ${label}]`;
    for (const v of new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]))
      this.pairs.push({ value: v, label: mark });
    // Longest first, so a value that contains another is replaced whole.
    this.pairs.sort((a, b) => b.value.length - a.value.length);
  }

  get empty(): boolean {
    return this.pairs.length === 0;
  }

  text(s: string): string {
    let out = s;
    for (const p of this.pairs) if (out.includes(p.value)) out = out.split(p.value).join(p.label);
    return out;
  }

  json(value: Json): Json {
    if (this.empty) return value;
    const walk = (v: Json): Json => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const out: Record<string, Json> = {};
        for (const [k, x] of Object.entries(v))
          Object.defineProperty(out, this.text(k), { value: walk(x), enumerable: true, writable: true, configurable: true });
        return out;
      }
      return v;
    };
    return walk(value);
  }
}

/**
 * Opens the secrets the step's fields reference, now: no cache, so a value replaced a moment ago is
 * the one this attempt uses (running runs included). A secret deleted since publishing fails the step.
 */
export async function openStepSecrets(deps: ActivityDeps, workspaceId: string, fields: readonly SecretField[]): Promise<Map<string, string>> {
  const names = [...new Set(fields.flatMap((f) => f.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.secret]))))];
  if (names.length === 0) return new Map();
  if (!deps.secrets) throw new StepError('this step uses secrets, but ENCRYPTION_KEY is not configured on the worker');
  const values = await openSecrets(deps.db, deps.secrets, { workspaceId, names });
  const missing = names.filter((n) => !values.has(n));
  if (missing.length > 0)
    throw new StepError(`the secret ${missing.join(', ')} does not exist in this workspace (deleted after publishing?); add it under Settings → Secrets`);
  return values;
}

/** A copy of the action with each secret-bearing string joined from its pieces and the values. */
export function withSecrets<T>(action: T, fields: readonly SecretField[], values: ReadonlyMap<string, string>): T {
  if (fields.length === 0) return action;
  const copy = structuredClone(action) as unknown as Record<string | number, unknown>;
  for (const f of fields) {
    const text = f.parts.map((p) => (typeof p === 'string' ? p : values.get(p.secret)!)).join('');
    let node = copy;
    for (const seg of f.path.slice(0, -1)) {
      const next = node[seg];
      if (next === null || typeof next !== 'object') {
        node = {};
        break;
      }
      node = next as Record<string | number, unknown>;
    }
    const last = f.path[f.path.length - 1]!;
    if (last in node) node[last] = text;
  }
  return copy as unknown as T;
}
