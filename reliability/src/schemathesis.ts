import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** The Schemathesis release .ci/run installs; the test refuses another so figures stay comparable. */
export const SCHEMATHESIS_VERSION = '4.32.5';
export const ALL_PHASES = ['examples', 'coverage', 'fuzzing', 'stateful'] as const;

export type SchemathesisRun = {
  /** Origin of the running app, e.g. http://127.0.0.1:8787 (the document is read from /api/openapi.json). */
  origin: string;
  /** Bearer credential sent on every request. */
  apiKey: string;
  /**
   * Path parameters fixed in the document handed to the fuzzer (the caller's workspace), so requests
   * reach real data instead of 404 only. Written into the paths rather than set as Schemathesis
   * `[parameters]`: a set parameter overrides the fuzzer's own invalid value after the fact, and a
   * request it counts as invalid then goes out valid (and is "accepted").
   */
  pathParameters: Record<string, string>;
  maxExamples: number;
  /** Sequences the stateful phase tries (default: maxExamples); cheap next to the other phases, and what reaches real objects. */
  statefulExamples?: number;
  phases?: readonly (typeof ALL_PHASES)[number][];
  /** As Schemathesis prints it (up to 128 bits, so text). */
  seed?: string;
  workers?: number;
  /** Operations left out, by operationId (each with its reason at the call site). */
  excludeOperations?: string[];
  /** Per-operation statuses a check accepts beyond its defaults (each with its reason at the call site). */
  expectedStatuses?: Array<{ operationIds: string[]; check: 'positive_data_acceptance' | 'negative_data_rejection'; statuses: number[] }>;
  /** Whether the stateful phase adds links it infers to the ones the document declares (default: yes). */
  statefulInference?: boolean;
  /** Keep the NDJSON report here (for digging into a failure). */
  reportPath?: string;
  /** The CLI to run (default `st` on PATH). */
  command?: string;
};

const FailureSchema = z.object({ check: z.string().optional(), title: z.string().optional(), message: z.string().optional() }).loose();
/** The parts of the NDJSON event stream this harness reads (schemathesis 4.x `--report ndjson`). */
export type SchemathesisSummary = {
  exitCode: number;
  /** Operations selected (the document's, less the excluded ones) and those a scenario reached. */
  operations: { total: number; tested: number };
  requests: number;
  /** One line per distinct failure: "<check> on <METHOD path>: <title>". */
  failures: string[];
  errors: string[];
  /** Links the stateful phase followed, of those it had (declared and inferred), from its own summary. */
  links: { covered: number; total: number } | null;
  output: string;
  seconds: number;
};

const tomlString = (s: string) => JSON.stringify(s);

/** Schemathesis's default statuses for refusing schema-violating data, and 413 (see runSchemathesis). */
const NEGATIVE_REJECTION_STATUSES = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429];

/**
 * Runs the Schemathesis CLI against a live app with every check, and summarises its NDJSON report.
 * The config file pins the workspace path parameter and the Authorization header (kept out of argv).
 */
export async function runSchemathesis(o: SchemathesisRun): Promise<SchemathesisSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-st-'));
  try {
    const config = join(dir, 'schemathesis.toml');
    const res = await fetch(`${o.origin}/api/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/openapi.json: ${res.status}`);
    const document = join(dir, 'openapi.json');
    writeFileSync(document, JSON.stringify(pinPathParameters((await res.json()) as PinnableDocument, o.pathParameters)));
    const toml = [
      `generation.max-examples = ${o.maxExamples}`,
      '',
      // Given as the document's `apiKey` scheme, so the ignored_auth check knows what to leave out.
      '[auth.openapi.apiKey]',
      `bearer = ${tomlString(o.apiKey)}`,
      '',
    ];
    // A body past the API's 1 MiB limit is refused with 413 before its shape is read: the right refusal
    // for schema-violating data that large (a list fuzzed past its maxItems with large items, 5 MB).
    toml.push('[checks.negative_data_rejection]', `expected-statuses = [${NEGATIVE_REJECTION_STATUSES.join(', ')}]`, '');
    toml.push('[phases.stateful.generation]', `max-examples = ${o.statefulExamples ?? o.maxExamples}`, '');
    if (o.statefulInference === false) toml.push('[phases.stateful.inference]', 'algorithms = []', '');
    for (const e of o.expectedStatuses ?? []) {
      // The defaults Schemathesis documents for the check (413 added to the rejections), plus the extra ones.
      const defaults = e.check === 'positive_data_acceptance' ? [200, 201, 202, 204, 401, 403, 404, 409, 429] : NEGATIVE_REJECTION_STATUSES;
      const statuses = [...new Set([...defaults, ...e.statuses])].sort();
      toml.push(
        '[[operations]]',
        `include-operation-id = [${e.operationIds.map(tomlString).join(', ')}]`,
        `checks.${e.check}.expected-statuses = [${statuses.join(', ')}]`,
        '',
      );
    }
    writeFileSync(config, toml.join('\n'));
    const ndjson = o.reportPath ?? join(dir, 'events.ndjson');
    const args = [
      '--config-file',
      config,
      'run',
      document,
      '--url',
      o.origin,
      '--checks',
      'all',
      '--phases',
      (o.phases ?? ALL_PHASES).join(','),
      '--workers',
      String(o.workers ?? 2),
      '--report',
      'ndjson',
      '--report-ndjson-path',
      ndjson,
      '--no-color',
      '--generation-database',
      'none',
      '--request-timeout',
      '20',
      ...(o.seed !== undefined ? ['--seed', o.seed] : []),
      ...(o.excludeOperations ?? []).flatMap((id) => ['--exclude-operation-id', id]),
    ];
    const started = Date.now();
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      // In the temporary folder: Schemathesis keeps a .schemathesis cache in its working directory.
      const child = spawn(o.command ?? 'st', args, {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        out += b.toString();
      });
      child.once('error', reject);
      child.once('close', (c) => resolve({ code: c ?? -1, output: out }));
    });
    const seconds = (Date.now() - started) / 1000;
    const links = /API Links:\s+(\d+) covered \/ \d+ selected \/ (\d+) total/.exec(output);
    return {
      ...summarise(readFileSync(ndjson, 'utf8')),
      exitCode: code,
      output,
      seconds,
      links: links ? { covered: Number(links[1]), total: Number(links[2]) } : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type PinnableDocument = { paths: Record<string, Record<string, unknown>> };
type PinnableOperation = {
  parameters?: Array<{ in?: string; name?: string }>;
  responses?: Record<string, { links?: Record<string, { parameters?: Record<string, unknown> }> }>;
};

/** The document with `{name}` replaced by its value in every path, and the parameter (and link inputs for it) gone. */
function pinPathParameters<T extends PinnableDocument>(doc: T, values: Record<string, string>): T {
  const paths: Record<string, Record<string, unknown>> = {};
  const pinned = (p: { in?: string; name?: string }) => p.in === 'path' && p.name !== undefined && p.name in values;
  for (const [path, item] of Object.entries(doc.paths)) {
    const concrete = path.replace(/\{([^}]+)\}/g, (m, name: string) => (name in values ? encodeURIComponent(values[name]!) : m));
    const out: Record<string, unknown> = {};
    for (const [method, raw] of Object.entries(item)) {
      if (method === 'parameters' && Array.isArray(raw)) {
        out[method] = (raw as Array<{ in?: string; name?: string }>).filter((p) => !pinned(p));
        continue;
      }
      const op = structuredClone(raw) as PinnableOperation;
      if (op.parameters) op.parameters = op.parameters.filter((p) => !pinned(p));
      for (const r of Object.values(op.responses ?? {})) {
        for (const link of Object.values(r.links ?? {})) for (const name of Object.keys(values)) delete link.parameters?.[name];
      }
      out[method] = op;
    }
    paths[concrete] = out;
  }
  return { ...doc, paths };
}

/** Counts operations, requests and distinct failures from the NDJSON event stream. */
export function summarise(ndjson: string): Omit<SchemathesisSummary, 'exitCode' | 'output' | 'seconds' | 'links'> {
  let total = 0;
  const tested = new Set<string>();
  let requests = 0;
  const failures = new Set<string>();
  const errors = new Set<string>();
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const [kind, body] = Object.entries(event)[0] ?? [];
    if (!kind || !body) continue;
    if (kind === 'LoadingFinished') {
      const ops = (body.statistic as { operations?: { selected?: number } } | undefined)?.operations;
      total = ops?.selected ?? 0;
    }
    if (kind === 'ScenarioFinished') {
      const recorder = body.recorder as { label?: string; interactions?: Record<string, unknown>; checks?: Record<string, unknown[]> } | undefined;
      if (!recorder) continue;
      requests += Object.keys(recorder.interactions ?? {}).length;
      if (recorder.label && /^[A-Z]+ \//.test(recorder.label)) tested.add(recorder.label);
      for (const list of Object.values(recorder.checks ?? {})) {
        for (const raw of list) {
          const c = raw as { name?: string; status?: string; failure_info?: { failure?: unknown } | null };
          // 4.x writes statuses in lower case ('success', 'failure'); compare without case.
          if (c.status?.toUpperCase() !== 'FAILURE') continue;
          const f = FailureSchema.safeParse(c.failure_info?.failure);
          failures.add(`${c.name ?? f.data?.check ?? 'check'} on ${recorder.label ?? '?'}: ${f.data?.title ?? f.data?.message ?? ''}`);
        }
      }
    }
    if (kind === 'NonFatalError' || kind === 'FatalError')
      errors.add(`${String(body.label ?? kind)}: ${JSON.stringify(body.info ?? body.value ?? body).slice(0, 400)}`);
  }
  return { operations: { total, tested: tested.size }, requests, failures: [...failures].sort(), errors: [...errors] };
}
