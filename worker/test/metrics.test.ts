import { prometheusBind } from './prometheus-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunCounters, parsePrometheus, quantileOfDelta, startTemporalMetricsReporter } from '../src/metrics';
import { startHarness, type Harness } from './harness';

let h: Harness;
const runs = createRunCounters();
beforeAll(async () => {
  h = await startHarness({ worker: { runEvents: runs } });
});
afterAll(async () => {
  await h?.close();
});

describe('Temporal metrics as CloudWatch EMF', () => {
  it("reads the SDK's own Prometheus exporter and reports schedule-to-start and free slots for a real worker", async () => {
    const lines: string[] = [];
    const reporter = startTemporalMetricsReporter({
      runs,
      stage: 'test',
      url: `http://${prometheusBind}/metrics`,
      intervalMs: 3_600_000,
      write: (l) => lines.push(l),
    });
    try {
      await reporter.tick(); // the baseline
      for (let i = 0; i < 3; i++) {
        const { handle } = await h.startRun([{ id: 'pause', type: 'wait', duration: '10ms' }]);
        await handle.result();
      }
      const failed = await h.startRun([{ id: 'boom', type: 'run_script', code: 'throw new Error("no")' }]);
      await failed.handle.result();
      await reporter.tick();
      const emf = JSON.parse(lines.at(-1)!);
      expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('Conduit');
      expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Stage']]);
      expect(emf.Stage).toBe('test');
      // Three runs made workflow tasks: their p99 wait for a worker is a histogram bound, a number of ms.
      expect(typeof emf.WorkflowTaskScheduleToStartMs).toBe('number');
      expect(emf.WorkflowTaskScheduleToStartMs).toBeGreaterThan(0);
      expect(emf.WorkflowSlotsAvailable).toBeGreaterThan(0);
      // The runs this worker began and finished since the baseline, by outcome.
      expect(emf).toMatchObject({ RunsStarted: 4, RunsCompleted: 3, RunsFailed: 1, RunsCancelled: 0 });
      const names = emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);
      expect(names).toEqual(expect.arrayContaining(['WorkflowTaskScheduleToStartMs', 'WorkflowSlotsAvailable']));
      for (const n of names) expect(typeof emf[n]).toBe('number');
    } finally {
      reporter.stop();
    }
  });
});

describe('reading Prometheus histograms', () => {
  const text = [
    '# HELP temporal_activity_schedule_to_start_latency x',
    'temporal_activity_schedule_to_start_latency_bucket{task_queue="a",le="10"} 90',
    'temporal_activity_schedule_to_start_latency_bucket{task_queue="a",le="100"} 99',
    'temporal_activity_schedule_to_start_latency_bucket{task_queue="a",le="1000"} 100',
    'temporal_activity_schedule_to_start_latency_bucket{task_queue="a",le="+Inf"} 100',
    'temporal_worker_task_slots_available{worker_type="ActivityWorker",task_queue="a\\"b"} 97',
  ].join('\n');

  it('parses names, labels (escapes included) and values', () => {
    const s = parsePrometheus(text);
    expect(s).toHaveLength(5);
    expect(s[4]).toEqual({ name: 'temporal_worker_task_slots_available', labels: { worker_type: 'ActivityWorker', task_queue: 'a"b' }, value: 97 });
  });

  it('takes the quantile of what the histogram gained since the last scrape, not of all time', () => {
    const before = new Map([
      [10, 90],
      [100, 99],
      [1000, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    const after = new Map([
      [10, 90],
      [100, 99],
      [1000, 110],
      [Number.POSITIVE_INFINITY, 110],
    ]);
    // All 10 new observations fell between 100 and 1000 ms.
    expect(quantileOfDelta(before, after, 0.5)).toBe(1000);
    expect(quantileOfDelta(new Map(), before, 0.5)).toBe(10);
    expect(quantileOfDelta(new Map(), before, 0.99)).toBe(100);
    expect(quantileOfDelta(after, after, 0.99)).toBeNull();
  });
});
