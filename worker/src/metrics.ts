// The worker's view of Temporal, as CloudWatch metrics. The Temporal SDK's Core keeps its metrics in
// Prometheus form on a loopback port (Runtime telemetry); once a minute the worker reads them and
// writes one CloudWatch embedded-metric-format (EMF) line to stdout, which the awslogs driver turns
// into metrics: no agent, no extra permission. infra/src/worker.ts alarms and scales on them.

/** Where the SDK's Prometheus exporter listens (loopback only: nothing outside the task reads it). */
export const PROMETHEUS_BIND = '127.0.0.1:9464';
export const METRICS_NAMESPACE = 'Conduit';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus text exposition format, the lines the worker needs: `name{a="b",…} value`. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    const value = m[3] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Cumulative histogram buckets (le → count) of one metric, summed over every other label. */
function buckets(samples: Sample[], name: string): Map<number, number> {
  const b = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    b.set(le, (b.get(le) ?? 0) + s.value);
  }
  return b;
}

/**
 * The q-quantile of what a cumulative histogram gained between two scrapes, as the upper bound of the
 * bucket it falls in (the last finite bound when it falls in +Inf); null when nothing was observed.
 */
export function quantileOfDelta(before: Map<number, number>, after: Map<number, number>, q: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = bounds.map((le) => Math.max(0, (after.get(le) ?? 0) - (before.get(le) ?? 0)));
  const total = delta[delta.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (delta[i]! >= rank) return Number.isFinite(bounds[i]!) ? bounds[i]! : (bounds[i - 1] ?? 0);
  }
  return null;
}

/** Slots free of one worker type (WorkflowWorker, ActivityWorker, LocalActivityWorker), lowest over task queues. */
function slotsAvailable(samples: Sample[], workerType: string): number | null {
  const values = samples.filter((s) => s.name === 'temporal_worker_task_slots_available' && s.labels.worker_type === workerType).map((s) => s.value);
  return values.length ? Math.min(...values) : null;
}

/** Runs this worker moved to running and to their end since the last report (each transition counted once, by the row it changed). */
export function createRunCounters() {
  const n = { RunsStarted: 0, RunsCompleted: 0, RunsFailed: 0, RunsCancelled: 0 };
  return {
    began: () => void n.RunsStarted++,
    finished: (status: 'completed' | 'failed' | 'cancelled') =>
      void (status === 'completed' ? n.RunsCompleted++ : status === 'failed' ? n.RunsFailed++ : n.RunsCancelled++),
    /** The counts so far, reset to zero. */
    take(): Record<keyof typeof n, number> {
      const out = { ...n };
      for (const k of Object.keys(n) as Array<keyof typeof n>) n[k] = 0;
      return out;
    },
  };
}
export type RunCounters = ReturnType<typeof createRunCounters>;

export type TemporalMetricsReporter = {
  /** Reads the exporter once and writes one EMF line (a first call only sets the baseline). */
  tick(): Promise<void>;
  stop(): void;
};

/**
 * Reports, each interval: schedule-to-start p99 of workflow tasks and of activities (how long work
 * waited for a free worker: the backlog signal), the free workflow and activity slots, and the runs
 * begun and finished here since the last report.
 */
export function startTemporalMetricsReporter(opts: {
  stage: string;
  runs?: RunCounters;
  url?: string;
  intervalMs?: number;
  write?: (line: string) => void;
  fetch?: typeof fetch;
  now?: () => number;
  onError?: (err: unknown) => void;
}): TemporalMetricsReporter {
  const url = opts.url ?? `http://${PROMETHEUS_BIND}/metrics`;
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const get = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  let last: { wf: Map<number, number>; act: Map<number, number> } | null = null;

  const tick = async () => {
    const samples = parsePrometheus(await (await get(url)).text());
    const wf = buckets(samples, 'temporal_workflow_task_schedule_to_start_latency');
    const act = buckets(samples, 'temporal_activity_schedule_to_start_latency');
    const values: Record<string, number | null> = {
      WorkflowTaskScheduleToStartMs: last ? (quantileOfDelta(last.wf, wf, 0.99) ?? 0) : null,
      ActivityScheduleToStartMs: last ? (quantileOfDelta(last.act, act, 0.99) ?? 0) : null,
      WorkflowSlotsAvailable: slotsAvailable(samples, 'WorkflowWorker'),
      ActivitySlotsAvailable: slotsAvailable(samples, 'ActivityWorker'),
      ...opts.runs?.take(),
    };
    last = { wf, act };
    const present = Object.entries(values).filter((e): e is [string, number] => e[1] !== null);
    if (!present.length) return;
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [['Stage']],
              Metrics: present.map(([name]) => ({ Name: name, Unit: name.endsWith('Ms') ? 'Milliseconds' : 'Count' })),
            },
          ],
        },
        Stage: opts.stage,
        ...Object.fromEntries(present),
      }),
    );
  };
  const onError = opts.onError ?? (() => undefined);
  const timer = setInterval(() => void tick().catch(onError), opts.intervalMs ?? 60_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
