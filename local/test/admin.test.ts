import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@conduit/core/config';
import { findInvitation, listAudit, listDevMail, listMembers } from '@conduit/core/domain';
import type { Db } from '@conduit/core/db';
import { runAdmin, runSetLimits, UsageError } from '../src/admin';
import { createTestDb } from '@conduit/local/testing';

/** The operator command against a real database: a workspace, its first admin's one-time link, mailed to the dev inbox. */
describe('npm run admin', () => {
  let db: Db;
  let close: () => Promise<void>;
  const config = loadConfig({ PUBLIC_URL: 'https://conduit.example.com' });
  beforeAll(async () => {
    const h = await createTestDb('pglite');
    db = h.db;
    close = h.close;
  });
  afterAll(() => close());

  it('create-workspace prints a one-time admin invitation link, also in the dev inbox', async () => {
    const r = await runAdmin(['create-workspace', '--name', 'Globex', '--slug', 'globex', '--admin-email', 'Hank@Globex.test'], db, config);
    expect(r).toMatchObject({ workspace: { name: 'Globex', slug: 'globex' }, email: 'hank@globex.test', role: 'admin', emailed: true });
    expect(r.link).toMatch(/^https:\/\/conduit\.example\.com\/invite\/[A-Za-z0-9_-]{40,}$/);
    const token = r.link.split('/invite/')[1]!;
    const inv = await findInvitation(db, token);
    expect(inv).toMatchObject({ invitation: { email: 'hank@globex.test', role: 'admin' }, workspace: { slug: 'globex' }, existingUser: false });
    expect(await listMembers(db, r.workspace.id)).toEqual([]);
    const mail = await listDevMail(db, { workspaceId: r.workspace.id });
    expect(mail.items[0]?.text).toContain(r.link);
  });

  it('refuses a taken slug, a bad email and an unknown command in words', async () => {
    await expect(runAdmin(['create-workspace', '--name', 'G', '--slug', 'globex', '--admin-email', 'a@b.c'], db, config)).rejects.toThrow(
      /--slug: a workspace "globex" exists/,
    );
    await expect(runAdmin(['create-workspace', '--name', 'G', '--slug', 'g2', '--admin-email', 'nope'], db, config)).rejects.toThrow(UsageError);
    await expect(runAdmin(['invite', '--workspace', 'nowhere', '--email', 'a@b.c'], db, config)).rejects.toThrow(/no workspace "nowhere"/);
    await expect(runAdmin(['frobnicate', '--email', 'a@b.c'], db, config)).rejects.toThrow(/unknown command/);
  });

  it('invite adds someone to an existing workspace with the role given', async () => {
    const r = await runAdmin(['invite', '--workspace', 'globex', '--email', 'max@globex.test', '--role', 'member'], db, config);
    expect(r).toMatchObject({ email: 'max@globex.test', role: 'member' });
  });

  it('set-limits shows the defaults, changes what it is given (audited), lifts with none, and names a bad value', async () => {
    const shown = await runSetLimits(['--workspace', 'globex'], db);
    expect(shown.usage.limits).toEqual({ eventsPerSecond: 100, maxConcurrentRuns: 100, monthlyRunQuota: 100_000 });
    expect(shown.changed).toEqual([]);
    const set = await runSetLimits(['--workspace', 'globex', '--events-per-second', '500', '--monthly-runs', 'none'], db);
    expect(set.usage.limits).toEqual({ eventsPerSecond: 500, maxConcurrentRuns: 100, monthlyRunQuota: null });
    const audit = await listAudit(db, { workspaceId: set.workspace.id, limit: 5 });
    expect(audit.items.map((e) => e.summary)).toContain('limits changed by the operator: eventsPerSecond 500, monthlyRunQuota no limit');
    await expect(runSetLimits(['--workspace', 'globex', '--concurrent-runs', '0'], db)).rejects.toThrow(
      /--concurrent-runs: a whole number from 1 to 1,000,000, or none/,
    );
    await expect(runSetLimits(['--workspace', 'globex', '--concurrent-runs', '2.5'], db)).rejects.toThrow(UsageError);
    await expect(runSetLimits(['--workspace', 'nowhere'], db)).rejects.toThrow(/no workspace "nowhere"/);
  });
});
