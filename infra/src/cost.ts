import { z } from 'zod';

/**
 * List prices the cost estimate uses (us-east-1, USD), each with where it was read. One table, so a
 * price change is one edit; `npm run cost -w infra` prints the estimate in docs/deploy.md from it.
 */
export const PRICES = {
  read: '2025 list prices (AWS us-east-1 pricing pages for each service, temporal.io/pricing, neon.com/pricing); re-check before relying on them',
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  cloudFrontPerMillionHttpsRequests: 1.0,
  sqsPerMillionRequests: 0.4,
  fargateArmVcpuHour: 0.03238,
  fargateArmGbHour: 0.00356,
  publicIpv4Hour: 0.005,
  secretsManagerSecretMonth: 0.4,
  cloudWatchAlarmMonth: 0.1,
  cloudWatchFreeAlarms: 10,
  /** Temporal Cloud Essentials: the plan's monthly minimum, the actions it includes, then the first tier's price. */
  temporalPlanMonth: 100,
  temporalIncludedActions: 1_000_000,
  temporalPerMillionActions: 50,
  /** Neon Launch plan: compute per CU-hour (the smallest always-on compute is 0.25 CU), storage per GB-month. */
  neonCuHour: 0.14,
  neonMinCu: 0.25,
  neonStorageGbMonth: 0.35,
} as const;

const HOURS_PER_MONTH = 730;

/** One recorded history, as worker/scripts/record-histories.ts writes it (events as proto JSON). */
const HistoryFileSchema = z.object({
  history: z.object({
    events: z.array(
      z
        .object({
          eventType: z.string(),
          markerRecordedEventAttributes: z.object({ markerName: z.string() }).passthrough().optional(),
          activityTaskStartedEventAttributes: z.object({ attempt: z.number().optional() }).passthrough().optional(),
        })
        .passthrough(),
    ),
  }),
});

export type ActionCount = { total: number; byKind: Record<string, number> };

/**
 * Temporal Cloud's billable actions in one run's history, by the rules of its "Actions" page: a
 * workflow start (also by continue-as-new or as a child), each activity attempt (the started event
 * carries the attempt number: earlier attempts leave no event of their own), each timer, signal,
 * update and search-attribute upsert, and the local activities of one workflow task together as one.
 */
export function countTemporalActions(file: unknown): ActionCount {
  const { events } = HistoryFileSchema.parse(file).history;
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => {
    byKind[kind] = (byKind[kind] ?? 0) + n;
  };
  let localInThisTask = false;
  for (const e of events) {
    switch (e.eventType.replace(/^EVENT_TYPE_/, '')) {
      case 'WORKFLOW_EXECUTION_STARTED':
        add('workflow started');
        break;
      case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        add('child workflow started');
        break;
      case 'ACTIVITY_TASK_STARTED':
        add('activity attempt', e.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      case 'TIMER_STARTED':
        add('timer started');
        break;
      case 'WORKFLOW_EXECUTION_SIGNALED':
        add('signal');
        break;
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        add('update');
        break;
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        add('search attributes upserted');
        break;
      case 'WORKFLOW_TASK_COMPLETED':
        localInThisTask = false;
        break;
      case 'MARKER_RECORDED':
        if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && !localInThisTask) {
          localInThisTask = true;
          add('local activities (one per workflow task)');
        }
        break;
    }
  }
  return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

/** What one run costs outside Temporal: requests and billed Lambda time, from how the stacks are wired. */
export type RunShape = {
  /** Temporal actions of the run, counted from its history. */
  temporalActions: number;
  /** Requests through CloudFront and the HTTP API (a webhook call: 1). */
  httpRequests: number;
  /** Events enqueued by the run's trigger (1 for a webhook) and by its record changes. */
  events: number;
  /** SQS messages the dispatcher receives per poll (infra/src/events.ts: batchSize). */
  sqsBatch: number;
  /** Billed ms of the ingress Lambda per request and of the dispatcher per batch (estimates: Lambda bills at 1 ms granularity). */
  ingressMs: number;
  dispatcherBatchMs: number;
  lambdaMemoryGb: number;
  /** Completed runs per second of one worker task, measured end to end (BENCHMARKS.md, scenario 2). */
  workerRunsPerSecond: number;
};

/**
 * A webhook-triggered run as the stacks carry it: one request through CloudFront and the HTTP API, one
 * event, the dispatcher's batch size (infra/src/events.ts) and memory (infra/src/lambda.ts). The billed
 * Lambda times are estimates (a Neon round trip or two per request), not measurements.
 */
export const WEBHOOK_RUN: Omit<RunShape, 'temporalActions' | 'workerRunsPerSecond'> = {
  httpRequests: 1,
  events: 1,
  sqsBatch: 10,
  ingressMs: 50,
  dispatcherBatchMs: 300,
  lambdaMemoryGb: 0.5,
};

/** The default deployment: one worker task (infra/src/worker.ts), its alarms, a small database. */
export const DEFAULT_DEPLOYMENT: Deployment = { workerTasks: 1, workerVcpu: 0.5, workerGb: 1, alarms: 15, neonStorageGb: 1 };

export type Deployment = { workerTasks: number; workerVcpu: number; workerGb: number; alarms: number; neonStorageGb: number };

export type CostLine = { part: string; idle: number; perMillionRuns: number; note: string };

/** Monthly cost at idle, and the cost of one million runs on top of it, line by line. */
export function estimate(run: RunShape, d: Deployment, p: typeof PRICES = PRICES): CostLine[] {
  const M = 1_000_000;
  const taskMonth = (d.workerVcpu * p.fargateArmVcpuHour + d.workerGb * p.fargateArmGbHour + p.publicIpv4Hour) * HOURS_PER_MONTH;
  // Each event: one SendMessage, and its share of the dispatcher's ReceiveMessage and DeleteMessageBatch.
  const sqsRequests = run.events * (1 + 2 / run.sqsBatch);
  const lambdaSeconds = run.httpRequests * run.ingressMs + (run.events / run.sqsBatch) * run.dispatcherBatchMs;
  const lambdaInvocations = run.httpRequests + run.events / run.sqsBatch;
  // Extra worker time beyond the always-on tasks, at the measured throughput of one task.
  const workerTaskHoursPerMillion = M / run.workerRunsPerSecond / 3600;
  const actionsPerMillion = run.temporalActions * M;
  return [
    {
      part: 'API Gateway (HTTP API) + CloudFront',
      idle: 0,
      perMillionRuns: run.httpRequests * (p.httpApiPerMillionRequests + p.cloudFrontPerMillionHttpsRequests),
      note: `${run.httpRequests} request(s) per run through both`,
    },
    {
      part: 'Lambda (ingress, dispatcher)',
      idle: 0,
      perMillionRuns: lambdaInvocations * p.lambdaPerMillionRequests + (lambdaSeconds / 1000) * run.lambdaMemoryGb * M * p.lambdaGbSecondArm,
      note: `${lambdaInvocations.toFixed(2)} invocations per run, ${run.ingressMs} ms ingress + ${run.dispatcherBatchMs} ms per dispatcher batch of ${run.sqsBatch}, ${run.lambdaMemoryGb * 1024} MB arm64`,
    },
    {
      part: 'SQS',
      idle: 0,
      perMillionRuns: sqsRequests * p.sqsPerMillionRequests,
      note: `${sqsRequests.toFixed(2)} requests per run; idle long polling stays inside the free million`,
    },
    {
      part: 'Fargate worker',
      idle: d.workerTasks * taskMonth,
      perMillionRuns: workerTaskHoursPerMillion * (d.workerVcpu * p.fargateArmVcpuHour + d.workerGb * p.fargateArmGbHour),
      note: `${d.workerTasks} task(s) of ${d.workerVcpu} vCPU / ${d.workerGb} GB with a public IPv4; a million runs is ${workerTaskHoursPerMillion.toFixed(1)} task-hours at ${run.workerRunsPerSecond} runs/s per task`,
    },
    {
      part: 'Temporal Cloud',
      idle: p.temporalPlanMonth,
      perMillionRuns: (actionsPerMillion / M) * p.temporalPerMillionActions,
      note: `${run.temporalActions} actions per run (counted from its history); the plan includes ${p.temporalIncludedActions / M} M actions, so the first ${(p.temporalIncludedActions / run.temporalActions / 1000).toFixed(0)} k runs a month cost nothing extra`,
    },
    {
      part: 'Neon',
      idle: p.neonMinCu * p.neonCuHour * HOURS_PER_MONTH + d.neonStorageGb * p.neonStorageGbMonth,
      perMillionRuns: 0,
      note: `the 1-minute sweep keeps a ${p.neonMinCu} CU compute awake all month, which also serves the runs; ${d.neonStorageGb} GB stored`,
    },
    {
      part: 'Secrets Manager + CloudWatch alarms',
      idle: p.secretsManagerSecretMonth + Math.max(0, d.alarms - p.cloudWatchFreeAlarms) * p.cloudWatchAlarmMonth,
      perMillionRuns: 0,
      note: `1 secret, ${d.alarms} alarms (the first ${p.cloudWatchFreeAlarms} free); logs not included`,
    },
  ];
}
