/**
 * The operator command: `npm run admin -- <command> [options]`, against DATABASE_URL (any
 * PostgreSQL, Neon included) or, when it is empty, the PGlite folder `npm start` uses (stop
 * `npm start` first: PGlite is single-process). Migrations are applied on open, like a start.
 *
 *   create-workspace --name "Acme" --slug acme --admin-email ada@acme.com
 *   invite --workspace acme --email max@acme.com [--role member|admin]
 *   set-limits --workspace acme [--events-per-second 200] [--concurrent-runs 50] [--monthly-runs 1000000|none]
 *
 * The first two print a one-time invitation link (also mailed through SMTP_URL, or the dev inbox);
 * set-limits prints the workspace's limits and usage (docs/limits.md).
 */
import { parseArgs } from 'node:util';
import { SlugSchema } from '@conduit/core/api';
import { appBaseUrl, loadConfig, type Config } from '@conduit/core/config';
import { createDb, type Db } from '@conduit/core/db';
import {
  createInvitation,
  createWorkspace,
  defaultCompanyId,
  findWorkspace,
  recordAudit,
  ROLES,
  setWorkspaceLimits,
  SYSTEM_ACTOR,
  workspaceUsage,
  type Role,
  type WorkspaceLimits,
  type WorkspaceUsage,
} from '@conduit/core/domain';
import { createMailer, invitationMail } from '@conduit/core/mail';
import { ensureDataDir } from './data-dir';

const USAGE = `Usage: npm run admin -- <command> [options]

  create-workspace --name <name> --slug <slug> --admin-email <email>
      Creates a workspace and invites its first admin; prints the one-time invitation link.
  invite --workspace <slug or id> --email <email> [--role member|admin]
      Invites someone to an existing workspace; prints the link.
  set-limits --workspace <slug or id> [--events-per-second <n|none>] [--concurrent-runs <n|none>] [--monthly-runs <n|none>]
      Changes the workspace's limits (none lifts one); without options, shows them and the usage.

The database: DATABASE_URL (postgres://…), else the PGlite folder in DATA_DIR (default .data).
The link starts with PUBLIC_URL (default http://localhost:<PORT>).`;

export type AdminResult = { workspace: { id: string; slug: string; name: string }; email: string; role: Role; link: string; emailed: boolean };

const OPERATOR = { ...SYSTEM_ACTOR, name: 'Operator (npm run admin)' };

async function invite(db: Db, config: Config, ws: { id: string; name: string; slug: string }, email: string, role: Role): Promise<AdminResult> {
  const { token, invitation } = await db.transaction(async (tx) => {
    const r = await createInvitation(tx, { workspaceId: ws.id, email, role, invitedBy: null });
    await recordAudit(tx, {
      workspaceId: ws.id,
      actor: OPERATOR,
      action: 'member.invited',
      target: { type: 'invitation', id: r.invitation.id, name: r.invitation.email },
      summary: `invited ${r.invitation.email} as ${role} from the operator command`,
    });
    return r;
  });
  const link = `${appBaseUrl(config)}/invite/${token}`;
  let emailed = true;
  try {
    const mailer = await createMailer(config, db);
    await mailer.send(
      invitationMail({
        workspaceId: ws.id,
        workspaceName: ws.name,
        invitationId: invitation.id,
        to: invitation.email,
        role,
        inviter: 'Your Conduit operator',
        link,
        from: config.MAIL_FROM,
      }),
    );
    mailer.close();
  } catch {
    emailed = false; // the printed link is what counts
  }
  return { workspace: ws, email: invitation.email, role, link, emailed };
}

/** Runs one command; exported for the tests, which pass their own database. */
export async function runAdmin(argv: string[], db: Db, config: Config): Promise<AdminResult> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      'admin-email': { type: 'string' },
      workspace: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', default: 'member' },
    },
    strict: true,
  });
  const email = (values['admin-email'] ?? values.email ?? '').trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`${command === 'invite' ? '--email' : '--admin-email'}: give an email address`);
  if (command === 'create-workspace') {
    const name = values.name?.trim();
    if (!name) throw new UsageError('--name: give the workspace a name');
    const slug = SlugSchema.safeParse(values.slug ?? '');
    if (!slug.success) throw new UsageError(`--slug: ${slug.error.issues[0]?.message ?? 'invalid'}`);
    if (await findWorkspace(db, slug.data)) throw new UsageError(`--slug: a workspace "${slug.data}" exists already`);
    const ws = await db.transaction(async (tx) => {
      const ws = await createWorkspace(tx, { name, slug: slug.data });
      await defaultCompanyId(tx, ws);
      return ws;
    });
    return invite(db, config, ws, email, 'admin');
  }
  if (command === 'invite') {
    const ws = values.workspace ? await findWorkspace(db, values.workspace) : null;
    if (!ws) throw new UsageError(`--workspace: no workspace "${values.workspace ?? ''}"`);
    const role = values.role as Role;
    if (!ROLES.includes(role)) throw new UsageError('--role: member or admin');
    return invite(db, config, ws, email, role);
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'give a command');
}

export class UsageError extends Error {}

const LIMIT_OPTIONS = { 'events-per-second': 'eventsPerSecond', 'concurrent-runs': 'maxConcurrentRuns', 'monthly-runs': 'monthlyRunQuota' } as const;
const LIMIT_MAX = { eventsPerSecond: 1_000_000, maxConcurrentRuns: 1_000_000, monthlyRunQuota: 1_000_000_000 } as const;

/** `set-limits`: changes the given limits (audited), then answers with the limits and usage now. */
export async function runSetLimits(
  argv: string[],
  db: Db,
): Promise<{ workspace: { id: string; name: string; slug: string }; usage: WorkspaceUsage; changed: string[] }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspace: { type: 'string' },
      'events-per-second': { type: 'string' },
      'concurrent-runs': { type: 'string' },
      'monthly-runs': { type: 'string' },
    },
    strict: true,
  });
  const ws = values.workspace ? await findWorkspace(db, values.workspace) : null;
  if (!ws) throw new UsageError(`--workspace: no workspace "${values.workspace ?? ''}"`);
  const change: Partial<WorkspaceLimits> = {};
  for (const [option, key] of Object.entries(LIMIT_OPTIONS) as [keyof typeof LIMIT_OPTIONS, keyof WorkspaceLimits][]) {
    const raw = values[option]?.trim();
    if (raw === undefined) continue;
    if (raw === 'none') change[key] = null;
    else if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= LIMIT_MAX[key]) change[key] = Number(raw);
    else throw new UsageError(`--${option}: a whole number from 1 to ${LIMIT_MAX[key].toLocaleString('en-US')}, or none`);
  }
  const changed = Object.entries(change).map(([k, v]) => `${k} ${v === null ? 'no limit' : v}`);
  if (changed.length > 0)
    await db.transaction(async (tx) => {
      await setWorkspaceLimits(tx, ws.id, change);
      await recordAudit(tx, {
        workspaceId: ws.id,
        actor: OPERATOR,
        action: 'limits.updated',
        target: { type: 'workspace', id: ws.id, name: ws.name },
        summary: `limits changed by the operator: ${changed.join(', ')}`,
      });
    });
  const usage = await workspaceUsage(db, ws.id);
  if (!usage) throw new Error('the workspace vanished');
  return { workspace: { id: ws.id, name: ws.name, slug: ws.slug }, usage, changed };
}

const limitText = (v: number | null, unit: string) => (v === null ? 'no limit' : `${v.toLocaleString('en-US')} ${unit}`);

const invitedReport = (r: AdminResult) =>
  [
    '',
    `Workspace:  ${r.workspace.name} (${r.workspace.slug})`,
    `Invited:    ${r.email} as ${r.role}${r.emailed ? ' (mailed too)' : ''}`,
    `Link:       ${r.link}`,
    '            Works once, for 7 days. Open it to choose a name and password.',
    '',
  ].join('\n');

function limitsReport(r: Awaited<ReturnType<typeof runSetLimits>>): string {
  const { limits } = r.usage;
  return [
    '',
    `Workspace:          ${r.workspace.name} (${r.workspace.slug})${r.changed.length ? '  (limits changed)' : ''}`,
    `Events per second:  ${limitText(limits.eventsPerSecond, 'a second')}`,
    `Runs at once:       ${limitText(limits.maxConcurrentRuns, 'runs')} (${r.usage.running} running, ${r.usage.queued} queued)`,
    `Runs per month:     ${limitText(limits.monthlyRunQuota, 'runs')} (${r.usage.runs.toLocaleString('en-US')} used in ${r.usage.month})`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const url = config.DATABASE_URL || ensureDataDir(config.DATA_DIR).pglite;
  let code = 0;
  const handle = await createDb({ url, driver: config.DATABASE_DRIVER }).catch((e: unknown) => {
    process.stderr.write(`Could not open the database: ${e instanceof Error ? e.message : String(e)}\n(With PGlite, stop \`npm start\` first.)\n`);
    process.exit(1);
  });
  try {
    const argv = process.argv.slice(2);
    if (argv[0] === 'set-limits') process.stdout.write(limitsReport(await runSetLimits(argv.slice(1), handle.db)));
    else process.stdout.write(invitedReport(await runAdmin(argv, handle.db, config)));
  } catch (e) {
    code = e instanceof UsageError ? 2 : 1;
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${e instanceof UsageError ? `\n${USAGE}\n` : ''}`);
  } finally {
    await handle.close();
  }
  process.exit(code);
}
