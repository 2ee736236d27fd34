/**
 * The launcher's Temporal: the CLI found on PATH, or the SDK's managed server (the path taken when
 * no CLI is installed; here pointed at the same binary, since tests never download). Both keep
 * workflow state in the SQLite file across restarts, and a busy preferred port is never fought over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/services/ports';
import { findTemporalCli, spawnDevServer } from '../src/services/temporal';
import { isPortFree, startLocalTemporal, type LocalTemporalOptions } from '../src/temporal';

const dir = mkdtempSync(join(tmpdir(), 'conduit-temporal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withClient<T>(address: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

describe.each([
  ['the CLI on PATH', 'cli', {}],
  ["the SDK's managed server", 'sdk-download', { sdkExecutablePath: findTemporalCli() }],
] as const)('%s', (_name, source, extra: Partial<LocalTemporalOptions>) => {
  it('serves gRPC and the UI, and keeps workflows in its SQLite file across a restart', async () => {
    const dbFile = join(dir, `${source}.db`);
    const opts = { dbFile, preferredPort: await freePort(), preferredUiPort: await freePort(), ...extra };
    const first = await startLocalTemporal(opts);
    const workflowId = `kept-${source}`;
    try {
      expect(first.source).toBe(source);
      expect(first.address).toBe(`127.0.0.1:${opts.preferredPort}`);
      expect(first.uiUrl).toBe(`http://localhost:${opts.preferredUiPort}`);
      expect((await fetch(first.uiUrl!)).status).toBe(200);
      // Started with no worker: it stays RUNNING, which only a persisted history can show after a restart.
      await withClient(first.address, (c) => c.workflow.start('nobodyRunsThis', { taskQueue: 'none', workflowId }));
    } finally {
      await first.stop();
    }
    expect(await isPortFree(opts.preferredPort)).toBe(true);

    const second = await startLocalTemporal(opts);
    try {
      const status = await withClient(second.address, async (c) => (await c.workflow.getHandle(workflowId).describe()).status.name);
      expect(status).toBe('RUNNING');
    } finally {
      await second.stop();
    }
  });
});

it('takes another port when the preferred one is busy', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    expect(await isPortFree(port)).toBe(false);
    const t = await startLocalTemporal({ dbFile: join(dir, 'busy.db'), preferredPort: port, ui: false });
    try {
      expect(t.address).not.toBe(`127.0.0.1:${port}`);
      expect(t.uiUrl).toBeNull();
      await withClient(t.address, (c) => c.connection.workflowService.describeNamespace({ namespace: 'default' }));
    } finally {
      await t.stop();
    }
  } finally {
    busy.close();
  }
});

it('starts again on fresh ports when the server quits while starting (a port taken in between)', async () => {
  // The CLI's port race, made certain: the first try is handed a port another process holds.
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const taken = (busy.address() as { port: number }).port;
  const tries: number[] = [];
  try {
    const { proc, address } = await spawnDevServer(
      findTemporalCli()!,
      async () => {
        const port = tries.length === 0 ? taken : await freePort();
        tries.push(port);
        return {
          args: ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'error'],
          address: `127.0.0.1:${port}`,
        };
      },
      60_000,
    );
    try {
      expect(tries).toHaveLength(2);
      expect(address).toBe(`127.0.0.1:${tries[1]}`);
      await withClient(address, (c) => c.connection.workflowService.describeNamespace({ namespace: 'default' }));
    } finally {
      await proc.stop();
    }
  } finally {
    busy.close();
  }
});

it('reports a server that keeps quitting after three tries, not after the readiness timeout', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const taken = (busy.address() as { port: number }).port;
  let tries = 0;
  try {
    const start = spawnDevServer(
      findTemporalCli()!,
      async () => {
        tries++;
        return {
          args: ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(taken), '--headless', '--log-level', 'error'],
          address: `127.0.0.1:${taken}`,
        };
      },
      600_000,
    );
    await expect(start).rejects.toThrow(/exited while starting/);
    expect(tries).toBe(3);
  } finally {
    busy.close();
  }
});
