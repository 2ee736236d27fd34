import { describe, expect, it } from 'vitest';
import { createFaultPlan, FAULT_KINDS, type FaultKind } from '../src/soak/faults';
import { createRng } from '../src/soak/rng';

const none = () => Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

/** The kinds a plan asks for until every one has taken once, each taking at the first try. */
function firstRound(seed: number): FaultKind[] {
  const plan = createFaultPlan(createRng(seed));
  const taken = none();
  const order: FaultKind[] = [];
  while (plan.covering(taken)) {
    const k = plan.next(taken, true)!;
    order.push(k);
    taken[k]++;
  }
  return order;
}

describe('soak fault plan', () => {
  it('meets every kind in its first round, whatever the seed: the crash that needs traffic, quick outages, then restarts', () => {
    for (let seed = 0; seed < 500; seed++) {
      const order = firstRound(seed);
      expect(order[0]).toBe('dispatcher_killed_before_start');
      expect(order.slice(1, 3).sort()).toEqual(['postgres_connections_dropped', 'sqs_unavailable']);
      expect(order.slice(3).sort()).toEqual(['temporal_restarted', 'worker_killed']);
    }
  });

  it('orders the first round by seed, within each rank', () => {
    // Two ranks of two kinds each: four orders, all of which some seed picks.
    expect(new Set(Array.from({ length: 50 }, (_, seed) => firstRound(seed).join())).size).toBe(4);
  });

  it('retries a fault that did not take, and stops once the load is over and every kind has taken', () => {
    const plan = createFaultPlan(createRng(7));
    const taken = none();
    expect(plan.next(taken, true)).toBe('dispatcher_killed_before_start');
    // The armed crash found no message: it is asked for again while events flow, skipped after.
    expect(plan.next(taken, true)).toBe('dispatcher_killed_before_start');
    expect(plan.next(taken, false)).not.toBe('dispatcher_killed_before_start');
    for (const k of FAULT_KINDS) taken[k] = 1;
    expect(FAULT_KINDS).toContain(plan.next(taken, true));
    expect(plan.next(taken, false)).toBeNull();
  });
});
