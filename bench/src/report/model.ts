import type { LatencySummary } from '../stats';

type Target = 'conduit' | 'n8n';

/** Variant prefix of the rows measured on the embedded default, the stack exactly as `npm start` runs it (issue 21 item 4). */
export const EMBEDDED = '`npm start` (PGlite)';
/** Variant prefix of n8n's queue-mode rows: main + worker, Redis, PostgreSQL (issue 21 item 6). */
export const QUEUE_MODE = 'queue mode';
export const isEmbedded = (r: { variant: string }): boolean => r.variant.startsWith(EMBEDDED);
export const isQueueMode = (r: { variant: string }): boolean => r.variant.startsWith(QUEUE_MODE);

/** One line of the results table: a figure measured on one target, over one or more rounds. */
export type Row = {
  /** Scenario number and title, e.g. "1. Webhook ingress". */
  scenario: string;
  /** e.g. "concurrency 16"; rows of both targets with the same scenario + variant are compared. */
  variant: string;
  target: Target;
  /** The headline figure: every value measured (per round or per sample); the table shows their median. */
  metric: { unit: string; higherIsBetter: boolean; values: number[] };
  /** The headline per A/B round, for the ratio to n8n (pairs of adjacent rounds cancel drift). */
  rounds?: number[];
  /** The n8n row's variant this row is compared with (default: the same variant). */
  peerVariant?: string;
  /** Latency in ms over all requests/samples of the row (autocannon: median of rounds for p50/p99). */
  latency?: LatencySummary;
  /** Rounds or samples measured (warm-ups excluded). */
  runs: number;
  /** Failed or unanswered requests and non-2xx answers other than designed refusals; any error fails the bench. */
  errors: number;
  /** Designed refusals (429 from a rate limit), counted apart: they are the product working, not failing. The note says why. */
  refused?: number;
  note?: string;
  /** Secondary figures other parts of the report read (e.g. per-step time). */
  figures?: Record<string, number>;
};

/**
 * One artifact's size. `loadedBytes` is what a cold start loads (a Lambda's entry and its static
 * imports), checked against `limitBytes`; `bytes` is all that ships, checked against `totalLimitBytes`.
 */
export type SizeRow = {
  artifact: string;
  bytes: number;
  gzipBytes?: number;
  loadedBytes?: number;
  importMs?: number[];
  limitBytes?: number;
  totalLimitBytes?: number;
  note?: string;
};

export type Goal = { source: string; goal: string; measured: string; met: boolean | null };

export type Machine = { cpuModel: string; cores: number; memoryGiB: number; os: string; loadAvg: number[] };

export type Report = {
  profile: string;
  startedAt: Date;
  finishedAt: Date;
  machine: Machine;
  versions: Record<string, string>;
  rows: Row[];
  sizes: SizeRow[];
  goals: Goal[];
  /** Why n8n was not compared, when it was not. */
  n8nStatus: { ok: true; version: string } | { ok: false; reason: string };
  /** Scenario failures (thrown errors); the bench exits non-zero when there are any, or any row has errors. */
  failures: string[];
  notes: string[];
};
