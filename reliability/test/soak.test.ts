import { describe, expect, it } from 'vitest';
import { testEnv } from '@conduit/local/testing';
import { recordSoak } from '../src/soak/record';
import { formatSoakTable, runSoak, soakProblems } from '../src/soak/run';

/**
 * The CI-sized soak: 500 webhooks (SOAK_EVENTS overrides) through separate ingress, dispatcher and
 * worker processes while every kind of fault is injected at least once. Its own Temporal dev server
 * and moto (they get stopped and cut off); a fresh database on the shared PostgreSQL server.
 * SOAK_SEED replays a run's fault schedule (the seed is printed at the start).
 */
const EVENTS = Number(process.env.SOAK_EVENTS ?? 500);
const SEED = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : undefined;

describe('fault-injection soak (CI size)', () => {
  it(`${EVENTS} webhooks under faults: nothing lost, nothing duplicated, every run final, Temporal agrees`, async () => {
    const t0 = Date.now();
    const result = await runSoak({
      events: EVENTS,
      ...(SEED === undefined ? {} : { seed: SEED }),
      rate: 25,
      concurrency: 16,
      drainTimeoutMs: 600_000,
      postgresServerUrl: testEnv.databaseServerUrl(),
      log: (l) => console.log(l),
    });
    console.log(formatSoakTable(result));
    recordSoak(result, {
      command: `${EVENTS === 500 ? '' : `SOAK_EVENTS=${EVENTS} `}npx vitest run --project reliability test/soak.test.ts`,
      durationMs: Date.now() - t0,
    });
    for (const kind of Object.keys(result.faults)) expect.soft(result.faults[kind as keyof typeof result.faults], kind).toBeGreaterThan(0);
    expect(result.sent).toBe(EVENTS);
    expect(result.accepted + result.refused).toBe(EVENTS);
    expect(soakProblems(result)).toEqual([]);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
  }, 1_200_000);
});
