import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { noPayloadStore, workerDataConverter } from '@conduit/core/temporal-codec';
import { workflowBundleOptions } from '../src';

/**
 * Runs recorded with earlier code (scripts/record-histories.ts) must replay on this code without a
 * nondeterminism error: the proof that a change keeps running workflows working. A failure here
 * means the interpreter's command sequence changed; guard the change with patched() (docs/runtime.md).
 */
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  /* already installed in this process */
}

const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  const histories = files.map((f) => {
    const { workflowId, history } = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { workflowId: string; history: object };
    return { file: f, workflowId, history: proto.temporal.api.history.v1.History.fromObject(history) };
  });
  // The bundle is built exactly as the production worker builds it, with its data converter: older
  // recorded payloads are unencrypted (the codec passes them through), newer ones are encrypted with
  // this key (scripts/record-histories.ts records with it).
  const replay = Worker.runReplayHistories(
    {
      workflowsPath: workflowBundleOptions.workflowsPath,
      bundlerOptions: { preloadModules: workflowBundleOptions.preloadModules },
      interceptors: { workflowModules: workflowBundleOptions.workflowInterceptorModules },
      // No fixture holds a payload large enough to be stored in the database.
      dataConverter: workerDataConverter({ ENCRYPTION_KEY: '7'.repeat(64), ENCRYPTION_KEYS_OLD: [] }, noPayloadStore),
    },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  let i = 0;
  for await (const r of replay) results.set(histories[i++]!.file, r);
}, 120_000);

describe('recorded histories replay on the current workflow code', () => {
  it('covers the representative runs', () => {
    for (const name of [
      'every-action',
      'segments',
      'conditions',
      'waits',
      'on-failure',
      'retries',
      'cancel-wait',
      'cancel-script',
      'resume-failed',
      'resume',
      'continue-as-new-steps.run1',
      'continue-as-new-history.run1',
      'schedule-fire',
      'for-each.run1',
      'dry-run',
    ])
      expect(files).toContain(`${name}.json`);
  });

  it.each(files)('%s', (file) => {
    const r = results.get(file);
    expect(r, 'not replayed').toBeDefined();
    expect(r!.error ? `${r!.error.name}: ${r!.error.message}` : null).toBeNull();
  });
});
