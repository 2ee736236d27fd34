/**
 * The harness's reading of Schemathesis's NDJSON report: a failed check must reach the test's
 * assertion with the operation it failed on, or a failing run only says "exit code 1".
 */
import { describe, expect, it } from 'vitest';
import { summarise } from '../src/schemathesis';

const line = (kind: string, body: unknown) => JSON.stringify({ [kind]: body });
const scenario = (label: string, checks: Array<{ name: string; status: string; failure?: unknown }>) =>
  line('ScenarioFinished', {
    phase: 'fuzzing',
    status: checks.some((c) => c.status === 'failure') ? 'failure' : 'success',
    recorder: {
      label,
      interactions: { a: {}, b: {} },
      checks: { root: checks.map((c) => ({ name: c.name, status: c.status, failure_info: c.failure ? { failure: c.failure } : null })) },
    },
  });

describe('summarise', () => {
  it('lists a failed check (Schemathesis 4.x writes statuses in lower case) with its operation and title', () => {
    const ndjson = [
      line('LoadingFinished', { statistic: { operations: { selected: 2 } } }),
      scenario('GET /api/things', [{ name: 'not_a_server_error', status: 'success' }]),
      scenario('POST /api/things', [
        { name: 'positive_data_acceptance', status: 'failure', failure: { title: 'Schema-valid request rejected' } },
        { name: 'not_a_server_error', status: 'success' },
      ]),
    ].join('\n');
    const s = summarise(ndjson);
    expect(s.failures).toEqual(['positive_data_acceptance on POST /api/things: Schema-valid request rejected']);
    expect(s.operations).toEqual({ total: 2, tested: 2 });
    expect(s.requests).toBe(4);
  });

  it('lists nothing when every check passed', () => {
    expect(summarise(scenario('GET /api/things', [{ name: 'not_a_server_error', status: 'success' }])).failures).toEqual([]);
  });
});
