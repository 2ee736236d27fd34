import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, workspaces, type DbHandle } from '@conduit/core/testing';
import { serialize } from 'pg-protocol';
import { classifyDbError, createDb, rowsOf } from '@conduit/core/db';
import { startPgliteThread } from '../src/db/pglite-remote';

/**
 * The embedded database (`npm start`'s PGlite) runs in its own thread and node-postgres speaks to it
 * in the wire protocol (core/src/db/pglite-remote.ts). What a caller relies on: answers and errors
 * as from a server, a session that survives an error, NOTIFY, the event loop free while it works,
 * and a process that ends when its work does.
 */
describe('PGlite in its own thread', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createDb({ url: 'memory://' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers statements, prepared ones and transactions; a refused statement leaves the session usable', async () => {
    const [w] = await h.db.insert(workspaces).values({ name: 'Thread', slug: 'thread' }).returning();
    expect(w?.name).toBe('Thread');
    const dup = await h.db
      .insert(workspaces)
      .values({ name: 'Again', slug: 'thread' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    // Drizzle wraps the driver's error; the database's own code is on its cause.
    expect((dup as { cause?: { code?: string } }).cause?.code).toBe('23505');
    expect(classifyDbError(dup)).toBeNull();
    const rows = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from workspaces where slug = ${'thread'}`));
    expect(rows[0]?.n).toBe(1);
    // A transaction holds the one session; a statement sent meanwhile waits and sees the commit.
    let inside = false;
    const tx = h.db.transaction(async (t) => {
      await t.insert(workspaces).values({ name: 'Tx', slug: 'thread-tx' });
      inside = true;
      await new Promise((r) => setTimeout(r, 100));
    });
    while (!inside) await new Promise((r) => setTimeout(r, 5));
    const after = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from workspaces where slug = 'thread-tx'`));
    await tx;
    expect(after[0]?.n).toBe(1);
  });

  it('statements sent at once are pipelined, each answered as its own; those sent during a transaction stay out of it', async () => {
    const slugs = (prefix: string) =>
      h.db.execute(sql`select count(*)::int as n from workspaces where slug like ${`${prefix}%`}`).then((r) => rowsOf<{ n: number }>(r)[0]?.n);
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const rolledBack = h.db
      .transaction(async (t) => {
        await t.insert(workspaces).values({ name: 'In tx', slug: 'pipe-tx' });
        opened();
        await new Promise((r) => setTimeout(r, 50));
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    await isOpen;
    // Sent while the transaction is open: they wait for it, then go to the session together.
    // (Drizzle sends a query when it is awaited: .then sends each now, in this order.)
    const outside = Array.from({ length: 20 }, (_, i) =>
      h.db
        .insert(workspaces)
        .values({ name: `Out ${i}`, slug: `pipe-out-${i}` })
        .then((r) => r),
    );
    const clash = h.db
      .insert(workspaces)
      .values({ name: 'Clash', slug: 'pipe-out-0' })
      .then(
        () => null,
        (e: unknown) => (e as { cause?: { code?: string } }).cause?.code,
      );
    await Promise.all(outside);
    expect(await clash).toBe('23505');
    expect(((await rolledBack) as Error).message).toBe('roll back');
    expect(await slugs('pipe-tx')).toBe(0);
    expect(await slugs('pipe-out-')).toBe(20);
  });

  it('delivers NOTIFY to a listener', async () => {
    const heard: string[] = [];
    await h.pglite!.listen('thread_test', (p) => heard.push(p));
    await h.pglite!.exec("select pg_notify('thread_test', 'hello')");
    expect(heard).toEqual(['hello']);
  });

  it("keeps the process's event loop free while the database works", async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = performance.now();
    await h.db.execute(sql`select count(*) from generate_series(1, 4000000) a, lateral (select md5(a::text)) m`);
    const took = performance.now() - started;
    lag.disable();
    // In-thread, the loop would stall for the whole statement.
    expect(took).toBeGreaterThan(500);
    expect(lag.max / 1e6).toBeLessThan(took / 2);
  });

  it('a script that leaves it open still exits when its work is done', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const script = fileURLToPath(new URL('./fixtures/pglite-left-open.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', tsx, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 60_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(out).toContain('answer 42');
    expect(code).toBe(0);
  });

  it('close ends the thread: a later exchange is refused as the thread exited, not left waiting', async () => {
    // On the thread itself, not through a pool (a pool refuses by itself once ended).
    const thread = await startPgliteThread(undefined, []);
    const query = (text: string) => new Uint8Array(serialize.query(text));
    const answer = Buffer.from(await thread.exchange(query('select 41 + 1'))).toString('latin1');
    expect(answer).toContain('42');
    await thread.close();
    await expect(thread.exchange(query('select 1'))).rejects.toThrow(/thread exited/);
  });
});
