import { describe, expect, it } from 'vitest';
import { testEnv } from '@conduit/local/testing';
import { runSoak, soakProblems } from '../src/soak/run';

/**
 * The queue path the full soak uses (`npm run soak -w reliability -- --events 10000`), at a size CI
 * can afford: ElasticMQ started from the jars .ci/run fetched, the soak's queue created on it, every
 * fault kind injected once. The full size is a documented command (docs/reliability.md), not a test.
 */
describe('fault-injection soak on ElasticMQ (small)', () => {
  it('150 webhooks through ElasticMQ under every fault: nothing lost, nothing duplicated, Temporal agrees', async () => {
    const result = await runSoak({
      events: 150,
      rate: 30,
      concurrency: 8,
      sqs: { kind: 'elasticmq' },
      drainTimeoutMs: 120_000,
      postgresServerUrl: testEnv.databaseServerUrl(),
      log: (l) => console.log(l),
    });
    expect(result.sqs).toMatch(/^ElasticMQ /);
    for (const kind of Object.keys(result.faults)) expect.soft(result.faults[kind as keyof typeof result.faults], kind).toBeGreaterThan(0);
    expect(result.accepted + result.refused).toBe(150);
    // The sampler read the queue on ElasticMQ while the load ran.
    expect(result.peakBacklog).toBeGreaterThan(0);
    expect(soakProblems(result)).toEqual([]);
  }, 240_000);
});
