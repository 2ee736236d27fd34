import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@solidjs/testing-library';
import { buildTimeline } from '../src/monitor/timeline';
import { RunsChart, runsPerDay } from '../src/monitor/RunsChart';
import type { Step } from '../src/api/schemas';

afterEach(cleanup);

const step = (actionId: string, path: string, seq: number, status: Step['status'] = 'completed'): Step =>
  ({ actionId, actionType: 'send_email', path, seq, status, attempts: 1 }) as Step;

describe('run timeline', () => {
  it('nests branch steps under their condition in definition order, skipped steps included', () => {
    const tree = buildTimeline([
      step('save', 'actions[2]', 4),
      step('notify', 'actions[0]', 0),
      step('mail', 'actions[1].then[0]', 2),
      step('big', 'actions[1]', 1),
      step('other', 'actions[1].else[0]', 3, 'skipped'),
      step('deep', 'actions[1].then[1].then[0]', 6),
      step('inner', 'actions[1].then[1]', 5),
    ]);
    expect(tree.map((n) => n.step.actionId)).toEqual(['notify', 'big', 'save']);
    const big = tree[1]!;
    expect(big.then.map((n) => n.step.actionId)).toEqual(['mail', 'inner']);
    expect(big.else.map((n) => [n.step.actionId, n.step.status])).toEqual([['other', 'skipped']]);
    expect(big.then[1]!.then.map((n) => n.step.actionId)).toEqual(['deep']);
  });
});

describe('loop iterations in the timeline', () => {
  it("groups a loop's rows by item, in item order, nested loops and branches inside", () => {
    const loop = { ...step('loop', 'actions[0]', 0), actionType: 'for_each' } as Step;
    const inner = { ...step('inner', 'actions[0]#1.steps[1]', 5), actionType: 'for_each' } as Step;
    const tree = buildTimeline([
      loop,
      step('a', 'actions[0]#10.steps[0]', 9),
      step('a', 'actions[0]#1.steps[0]', 4),
      inner,
      step('t', 'actions[0]#1.steps[1]#0.steps[0]', 6),
      step('t', 'actions[0]#1.steps[1]#1.steps[0]', 7),
      step('c', 'actions[0]#2.steps[0]', 8),
      step('m', 'actions[0]#2.steps[0].then[0]', 9),
      step('a', 'actions[0]#0.steps[0]', 1),
      step('after', 'actions[1]', 10),
    ]);
    expect(tree.map((n) => n.step.actionId)).toEqual(['loop', 'after']);
    const its = tree[0]!.iterations;
    expect(its.map((i) => i.index)).toEqual([0, 1, 2, 10]);
    expect(its[1]!.steps.map((n) => n.step.actionId)).toEqual(['a', 'inner']);
    expect(its[1]!.steps[1]!.iterations.map((i) => i.steps[0]!.step.path)).toEqual(['actions[0]#1.steps[1]#0.steps[0]', 'actions[0]#1.steps[1]#1.steps[0]']);
    expect(its[2]!.steps[0]!.then.map((n) => n.step.actionId)).toEqual(['m']);
  });
});

describe('runs per day', () => {
  it('counts runs by local day and status, with empty days present', () => {
    const now = new Date(2026, 10, 25, 15, 0);
    const at = (daysAgo: number, h = 10) => new Date(2026, 10, 25 - daysAgo, h).toISOString();
    const data = runsPerDay(
      [
        { createdAt: at(0), status: 'completed' },
        { createdAt: at(0, 1), status: 'failed' },
        { createdAt: at(2), status: 'completed' },
        { createdAt: at(9), status: 'completed' },
      ],
      7,
      now,
    );
    expect(data).toHaveLength(7);
    expect(data[6]!.day).toBe('2026-11-25');
    expect(data[6]!.counts).toMatchObject({ completed: 1, failed: 1 });
    expect(data[4]!.counts.completed).toBe(1);
    expect(data.reduce((n, d) => n + d.counts.completed, 0)).toBe(2);
  });

  it('draws an SVG whose accessible name sums the runs', () => {
    const data = runsPerDay([{ createdAt: new Date().toISOString(), status: 'failed' }], 7);
    render(() => <RunsChart data={data} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/^1 runs over 7 days: .*1 failed/);
  });
});
