import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTemporalActions, DEFAULT_DEPLOYMENT, estimate, PRICES, WEBHOOK_RUN } from '../src/cost';
import { REPO_ROOT } from '../src/paths';

const history = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'worker/test/histories', `${name}.json`), 'utf8')) as unknown;

describe('cost estimate', () => {
  it('counts Temporal Cloud actions in real run histories: starts, each activity attempt, timers, local activities per workflow task', () => {
    // Email, webhook and the slow script are activities; the record steps and the quick script local; one wait.
    expect(countTemporalActions(history('every-action'))).toEqual({
      total: 8,
      byKind: { 'workflow started': 1, 'activity attempt': 3, 'local activities (one per workflow task)': 3, 'timer started': 1 },
    });
    // Seven light steps finish in one workflow task: one action for all their local activities.
    expect(countTemporalActions(history('segments')).total).toBe(2);
    // Retried activities: the started event's attempt number counts every attempt, also those that left no event.
    expect(countTemporalActions(history('retries')).byKind['activity attempt']).toBe(5);
    // An approval waits for a signal.
    expect(countTemporalActions(history('approval')).byKind.signal).toBe(1);
    expect(() => countTemporalActions({ events: [] })).toThrow();
  });

  it('adds idle and per-run costs from the counts', () => {
    const run = { ...WEBHOOK_RUN, temporalActions: 8, workerRunsPerSecond: 40 };
    const lines = estimate(run, DEFAULT_DEPLOYMENT);
    const line = (part: string) => lines.find((l) => l.part.startsWith(part))!;
    expect(line('Temporal').perMillionRuns).toBe(8 * PRICES.temporalPerMillionActions);
    expect(line('SQS').perMillionRuns).toBeCloseTo(1.2 * PRICES.sqsPerMillionRequests);
    expect(line('Fargate').idle).toBeCloseTo((0.5 * PRICES.fargateArmVcpuHour + PRICES.fargateArmGbHour + PRICES.publicIpv4Hour) * 730);
    expect(line('Secrets').idle).toBeCloseTo(PRICES.secretsManagerSecretMonth + 5 * PRICES.cloudWatchAlarmMonth);
    const twoTasks = estimate(run, { ...DEFAULT_DEPLOYMENT, workerTasks: 2 });
    expect(twoTasks.find((l) => l.part.startsWith('Fargate'))!.idle).toBeCloseTo(2 * line('Fargate').idle);
  });
});
