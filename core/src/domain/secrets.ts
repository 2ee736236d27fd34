import { and, asc, eq, inArray } from 'drizzle-orm';
import { literalCredentials, SECRET_NAME_PATTERN, secretUses, walkActions, type WorkflowAction } from '../definition';
import type { SecretBox } from '../crypto';
import type { Db, DbOrTx } from '../db/client';
import { users, workflowSecrets, workflowVersions, workflows, workspaceSecrets } from '../db/schema';
import type { Logger } from '../logging';
import { InvalidInputError } from './drafts';

/** What anyone may learn about a secret: never its value. */
export type SecretInfo = {
  name: string;
  hint: string | null;
  createdAt: Date;
  createdBy: string | null;
  updatedAt: Date;
  updatedBy: string | null;
};

/** A workflow that references a secret: in its draft, in its running (active) version, or both. */
export type SecretUser = { workflowId: string; name: string; active: boolean; inDraft: boolean; inActiveVersion: boolean; versions: number[] };

/** Refused: the secret is referenced by workflows that are on. */
export class SecretInUseError extends Error {
  constructor(
    readonly secret: string,
    readonly workflows: SecretUser[],
  ) {
    super(`the secret ${secret} is used by active workflows: ${workflows.map((w) => `"${w.name}"`).join(', ')}; remove it from them or turn them off first`);
    this.name = 'SecretInUseError';
  }
}

/** The last 4 characters, only when the value is long enough that they give nothing away. */
export const secretHint = (value: string): string | null => (value.length >= 12 ? `…${value.slice(-4)}` : null);

export function checkSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name))
    throw new InvalidInputError([
      {
        code: 'invalid',
        message: 'Name: use upper case letters, digits and _, starting with a letter, at most 64 characters (for example STRIPE_KEY)',
        path: 'name',
      },
    ]);
}

export async function listSecrets(db: DbOrTx, workspaceId: string): Promise<SecretInfo[]> {
  const rows = await db
    .select({
      name: workspaceSecrets.name,
      hint: workspaceSecrets.hint,
      createdAt: workspaceSecrets.createdAt,
      createdBy: workspaceSecrets.createdBy,
      updatedAt: workspaceSecrets.updatedAt,
      updatedBy: workspaceSecrets.updatedBy,
    })
    .from(workspaceSecrets)
    .where(eq(workspaceSecrets.workspaceId, workspaceId))
    .orderBy(asc(workspaceSecrets.name));
  const ids = [...new Set(rows.flatMap((r) => [r.createdBy, r.updatedBy]).filter((x): x is string => !!x))];
  const people = ids.length ? await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids)) : [];
  const emailOf = new Map(people.map((p) => [p.id, p.email]));
  return rows.map((r) => ({
    ...r,
    createdBy: r.createdBy ? (emailOf.get(r.createdBy) ?? null) : null,
    updatedBy: r.updatedBy ? (emailOf.get(r.updatedBy) ?? null) : null,
  }));
}

export async function secretNames(db: DbOrTx, workspaceId: string): Promise<Set<string>> {
  const rows = await db.select({ name: workspaceSecrets.name }).from(workspaceSecrets).where(eq(workspaceSecrets.workspaceId, workspaceId));
  return new Set(rows.map((r) => r.name));
}

/** Creates or replaces a secret; the value is sealed before it reaches the database. */
export async function putSecret(
  db: DbOrTx,
  box: Pick<SecretBox, 'seal'>,
  q: { workspaceId: string; name: string; value: string; by: string | null; at?: Date },
): Promise<{ created: boolean; secret: SecretInfo }> {
  checkSecretName(q.name);
  if (q.value.length === 0) throw new InvalidInputError([{ code: 'invalid', message: 'Value: a secret cannot be empty', path: 'value' }]);
  const at = q.at ?? new Date();
  const ciphertext = box.seal(q.value);
  const hint = secretHint(q.value);
  const existed = (await secretNames(db, q.workspaceId)).has(q.name);
  await db
    .insert(workspaceSecrets)
    .values({ workspaceId: q.workspaceId, name: q.name, ciphertext, hint, createdBy: q.by, updatedBy: q.by, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: [workspaceSecrets.workspaceId, workspaceSecrets.name], set: { ciphertext, hint, updatedBy: q.by, updatedAt: at } });
  const secret = (await listSecrets(db, q.workspaceId)).find((s) => s.name === q.name)!;
  return { created: !existed, secret };
}

/**
 * Which workflows reference which secrets, from every draft and every published version: a
 * version may still be running after the draft dropped the reference.
 */
export async function secretUsage(db: DbOrTx, workspaceId: string): Promise<Map<string, SecretUser[]>> {
  const wfs = await db
    .select({ id: workflows.id, name: workflows.name, isActive: workflows.isActive, actions: workflows.actions, activeVersionId: workflows.activeVersionId })
    .from(workflows)
    .where(eq(workflows.workspaceId, workspaceId))
    .orderBy(asc(workflows.name));
  const versions = await db
    .select({ id: workflowVersions.id, workflowId: workflowVersions.workflowId, version: workflowVersions.version, actions: workflowVersions.actions })
    .from(workflowVersions)
    .where(eq(workflowVersions.workspaceId, workspaceId))
    .orderBy(asc(workflowVersions.version));
  const out = new Map<string, SecretUser[]>();
  for (const w of wfs) {
    const mine = new Map<string, SecretUser>();
    const entry = (name: string): SecretUser => {
      let u = mine.get(name);
      if (!u) {
        u = { workflowId: w.id, name: w.name, active: w.isActive, inDraft: false, inActiveVersion: false, versions: [] };
        mine.set(name, u);
      }
      return u;
    };
    for (const name of secretUses(w.actions).keys()) entry(name).inDraft = true;
    for (const v of versions) {
      if (v.workflowId !== w.id) continue;
      for (const name of secretUses(v.actions).keys()) {
        const u = entry(name);
        u.versions.push(v.version);
        if (v.id === w.activeVersionId) u.inActiveVersion = true;
      }
    }
    for (const [name, u] of mine) out.set(name, [...(out.get(name) ?? []), u]);
  }
  return out;
}

/** Deletes a secret unless an active workflow's running version uses it; null when there is none. */
export async function deleteSecret(db: DbOrTx, q: { workspaceId: string; name: string }): Promise<SecretInfo | null> {
  const existing = (await listSecrets(db, q.workspaceId)).find((s) => s.name === q.name);
  if (!existing) return null;
  const blocking = ((await secretUsage(db, q.workspaceId)).get(q.name) ?? []).filter((u) => u.active && u.inActiveVersion);
  if (blocking.length > 0) throw new SecretInUseError(q.name, blocking);
  await db.delete(workspaceSecrets).where(and(eq(workspaceSecrets.workspaceId, q.workspaceId), eq(workspaceSecrets.name, q.name)));
  return existing;
}

/**
 * The values of the named secrets, opened now (never cached: a replaced value is used by the next
 * step that needs it). For the worker only; a name with no secret is missing from the map.
 */
export async function openSecrets(
  db: DbOrTx,
  box: Pick<SecretBox, 'open'>,
  q: { workspaceId: string; names: readonly string[] },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (q.names.length === 0) return out;
  const rows = await db
    .select({ name: workspaceSecrets.name, ciphertext: workspaceSecrets.ciphertext })
    .from(workspaceSecrets)
    .where(and(eq(workspaceSecrets.workspaceId, q.workspaceId), inArray(workspaceSecrets.name, [...q.names])));
  for (const r of rows) out.set(r.name, box.open(r.ciphertext));
  return out;
}

/** Publishing refuses a reference to a secret the workspace does not have, naming step, field and secret. */
export async function checkSecretsExist(db: DbOrTx, workspaceId: string, actions: readonly WorkflowAction[]): Promise<void> {
  const uses = secretUses(actions);
  if (uses.size === 0) return;
  const have = await secretNames(db, workspaceId);
  const issues = [...uses]
    .filter(([name]) => !have.has(name))
    .flatMap(([name, where]) =>
      where.map((w) => ({
        code: 'unknown_secret',
        message: `Step "${w.step}", ${w.field}: there is no secret ${name} in this workspace; add it under Settings → Secrets`,
      })),
    );
  if (issues.length > 0) throw new InvalidInputError(issues, 'unknown_secret');
}

/** "Won deal: notify" + "X-Api-Key" → "WON_DEAL_NOTIFY_X_API_KEY", a valid secret name. */
export function generatedSecretName(workflowName: string, field: string): string {
  const part = (s: string) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  let name = `${part(workflowName) || 'WORKFLOW'}_${part(field) || 'CREDENTIAL'}`;
  if (!/^[A-Z]/.test(name)) name = `W_${name}`;
  return name.slice(0, 64).replace(/_+$/, '');
}

type Rewrite = { actions: WorkflowAction[]; moved: { name: string; value: string }[] };

/** The actions with every literal credential replaced by a secret reference, and what was moved. */
function rewriteLiterals(actions: WorkflowAction[], nameFor: (field: string, value: string) => string): Rewrite {
  const copy = structuredClone(actions);
  const moved: { name: string; value: string }[] = [];
  walkActions(copy, (action) => {
    if (action.type !== 'send_webhook') return;
    for (const c of literalCredentials(action)) {
      const name = nameFor(c.name, c.value);
      moved.push({ name, value: c.value });
      const bag = (c.kind === 'header' ? action.headers : action.query) as Record<string, string>;
      bag[c.name] = `{{secrets.${name}}}`;
    }
  });
  return { actions: copy, moved };
}

/**
 * Start-up data migration (SQL cannot seal: the key is not in the database): every literal credential
 * in a draft or a published version moves into a generated secret `<WORKFLOW>_<HEADER>` and the
 * definition references it. Idempotent: a definition without literals is left alone. The same value
 * in a workflow's draft and versions shares one secret; a different value gets a numbered name.
 */
export async function migrateLiteralCredentials(db: Db, box: SecretBox, log?: Logger): Promise<{ secrets: number; definitions: number }> {
  const wfs = await db.select().from(workflows);
  const vers = await db.select().from(workflowVersions);
  let secretsMade = 0;
  let definitions = 0;
  for (const w of wfs) {
    const mine = vers.filter((v) => v.workflowId === w.id);
    const defs: { kind: 'draft' | 'version'; id: string; actions: WorkflowAction[] }[] = [
      { kind: 'draft', id: w.id, actions: w.actions },
      ...mine.map((v) => ({ kind: 'version' as const, id: v.id, actions: v.actions })),
    ];
    if (!defs.some((d) => walkHasLiteral(d.actions))) continue;
    const taken = await secretNames(db, w.workspaceId);
    const byValue = new Map<string, string>();
    const fresh: { name: string; value: string }[] = [];
    const nameFor = (field: string, value: string) => {
      const key = `${field.toLowerCase()}\u0000${value}`;
      const known = byValue.get(key);
      if (known) return known;
      const base = generatedSecretName(w.name, field);
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 60)}_${i}`;
      taken.add(name);
      byValue.set(key, name);
      fresh.push({ name, value });
      return name;
    };
    await db.transaction(async (tx) => {
      for (const d of defs) {
        const r = rewriteLiterals(d.actions, nameFor);
        if (r.moved.length === 0) continue;
        definitions++;
        if (d.kind === 'draft') await tx.update(workflows).set({ actions: r.actions }).where(eq(workflows.id, d.id));
        else await tx.update(workflowVersions).set({ actions: r.actions }).where(eq(workflowVersions.id, d.id));
      }
      for (const s of fresh) {
        await putSecret(tx, box, { workspaceId: w.workspaceId, name: s.name, value: s.value, by: null });
        secretsMade++;
        log?.info('moved a literal credential into a secret', { workflowId: w.id, secret: s.name });
      }
    });
  }
  return { secrets: secretsMade, definitions };
}

function walkHasLiteral(actions: readonly WorkflowAction[]): boolean {
  let found = false;
  walkActions(actions, (a) => {
    if (literalCredentials(a).length > 0) found = true;
  });
  return found;
}

/**
 * Re-encrypts every sealed secret (workspace secrets and the workflows' webhook secrets) from the
 * old key to the new, in one transaction: the step of rotating ENCRYPTION_KEY that the database needs.
 * Rows already sealed under the new key are left as they are, so a second run is harmless.
 */
export async function resealSecrets(db: Db, from: SecretBox, to: SecretBox): Promise<{ resealed: number; alreadyNew: number }> {
  return db.transaction(async (tx) => {
    let resealed = 0;
    let alreadyNew = 0;
    const reseal = (ciphertext: string): string | null => {
      try {
        to.open(ciphertext);
        alreadyNew++;
        return null;
      } catch {
        resealed++;
        return to.seal(from.open(ciphertext));
      }
    };
    for (const r of await tx.select().from(workspaceSecrets)) {
      const next = reseal(r.ciphertext);
      if (next)
        await tx
          .update(workspaceSecrets)
          .set({ ciphertext: next })
          .where(and(eq(workspaceSecrets.workspaceId, r.workspaceId), eq(workspaceSecrets.name, r.name)));
    }
    for (const r of await tx.select().from(workflowSecrets)) {
      const next = reseal(r.ciphertext);
      if (next)
        await tx
          .update(workflowSecrets)
          .set({ ciphertext: next })
          .where(and(eq(workflowSecrets.workflowId, r.workflowId), eq(workflowSecrets.kind, r.kind)));
    }
    return { resealed, alreadyNew };
  });
}
