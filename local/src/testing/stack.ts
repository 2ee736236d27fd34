import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { startStack as startFullStack, type Stack, type StackOptions } from '../stack';

export type TestStack = Stack & { dataDir: string; namespace: string | undefined };

/**
 * The whole product for a test: a temp data folder (removed on stop), a free port, no web build
 * unless asked. Inside `npm test` it uses the shared Temporal dev server with a namespace of its
 * own, so parallel test files never run each other's workflows; outside, it starts a dev server.
 */
export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'conduit-stack-'));
  const temporalAddress = opts.temporalAddress ?? process.env.TEST_TEMPORAL_ADDRESS;
  const namespace = temporalAddress && !opts.temporalNamespace ? await createNamespace(temporalAddress) : opts.temporalNamespace;
  try {
    const stack = await startFullStack({
      port: 0,
      web: false,
      ...opts,
      dataDir,
      ...(temporalAddress ? { temporalAddress } : {}),
      ...(namespace ? { temporalNamespace: namespace } : {}),
    });
    return {
      ...stack,
      dataDir,
      namespace,
      async stop() {
        await stack.stop();
        if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** A fresh namespace on a running server; usable at once on the dev server. */
async function createNamespace(address: string, prefix = 'test'): Promise<string> {
  const namespace = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const conn = await Connection.connect({ address });
  try {
    await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  } finally {
    await conn.close();
  }
  return namespace;
}
