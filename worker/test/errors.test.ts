import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStepError, isTransient } from '../src/activities/errors';
import { ScriptSandbox, type ScriptResult, type ScriptRun } from '../src/activities/sandbox';
import { StepError } from '../src/activities/types';
import { startHarness, type Harness } from './harness';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('error classification', () => {
  it('keeps a StepError as it is', () => {
    const e = new StepError('no such record');
    expect(asStepError(e)).toBe(e);
    expect(asStepError(new StepError('busy', true)).retryable).toBe(true);
  });

  it('retries network errors and PostgreSQL connection, serialization and deadlock failures, also when wrapped', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', '08006', '08001', '40001', '40P01', '57P01', '53300'])
      expect(asStepError(withCode(`failed ${code}`, code)), code).toMatchObject({ retryable: true, message: `failed ${code}` });
    // drizzle wraps the driver's error; Node reports a dual-stack refusal as an AggregateError.
    expect(isTransient(Object.assign(new Error('Failed query: insert …'), { cause: withCode('terminating connection', '57P01') }))).toBe(true);
    expect(isTransient(new AggregateError([withCode('connect ECONNREFUSED ::1', 'ECONNREFUSED')], 'connect failed'))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('fails anything else at once, saying so', () => {
    const bug = asStepError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(bug.retryable).toBe(false);
    expect(bug.message).toBe(
      "unexpected TypeError: Cannot read properties of undefined (reading 'id') (not retried: an error that is not known to be transient)",
    );
    expect(asStepError(new RangeError('Invalid time value')).retryable).toBe(false);
    expect(asStepError(withCode('duplicate key value violates unique constraint', '23505')).retryable).toBe(false);
    expect(asStepError('thrown text')).toMatchObject({
      retryable: false,
      message: 'unexpected string: thrown text (not retried: an error that is not known to be transient)',
    });
  });
});

/** A sandbox whose scripts misbehave on demand: `bug` throws a TypeError, `transient` fails once with ECONNRESET. */
class FaultySandbox extends ScriptSandbox {
  readonly calls = new Map<string, number>();
  override run(run: ScriptRun): Promise<ScriptResult> {
    const n = (this.calls.get(run.code) ?? 0) + 1;
    this.calls.set(run.code, n);
    if (run.code.includes('bug')) return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')"));
    if (run.code.includes('transient') && n === 1) return Promise.reject(withCode('read ECONNRESET', 'ECONNRESET'));
    return super.run(run);
  }
}

describe('through the worker', () => {
  let h: Harness;
  const sandbox = new FaultySandbox();
  beforeAll(async () => {
    h = await startHarness({ db: 'pglite', worker: { sandbox } });
  });
  afterAll(async () => {
    await h?.close();
    await sandbox.close();
  });

  it('a handler bug fails after exactly one attempt; a transient error is retried, in regular and local activities', async () => {
    const retry = { maxAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 500 };
    const r = await h.startRun([
      { id: 'bug', type: 'run_script', cpuMs: 3_000, code: '/* bug remote */ return 1', retry, onFailure: 'continue' },
      { id: 'flaky', type: 'run_script', cpuMs: 3_000, code: '/* transient remote */ return 2', retry },
      { id: 'bugLocal', type: 'run_script', code: '/* bug local */ return 3', retry, onFailure: 'continue' },
      { id: 'flakyLocal', type: 'run_script', code: '/* transient local */ return 4', retry },
      { id: 'after', type: 'run_script', code: 'return 5' },
    ]);
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.bug).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/^unexpected TypeError: Cannot read properties of undefined/) });
    expect(s.bugLocal).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/^unexpected TypeError/) });
    expect(s.flaky).toMatchObject({ status: 'completed', output: 2, attempts: 2 });
    expect(s.flakyLocal).toMatchObject({ status: 'completed', output: 4 });
    expect(s.after).toMatchObject({ status: 'completed', output: 5 });
    expect(sandbox.calls.get('/* bug remote */ return 1')).toBe(1);
    expect(sandbox.calls.get('/* bug local */ return 3')).toBe(1);
    expect(sandbox.calls.get('/* transient remote */ return 2')).toBe(2);
    expect(sandbox.calls.get('/* transient local */ return 4')).toBe(2);
  });
});
