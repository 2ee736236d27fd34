import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where each test family leaves the figures of its last run; report.ts turns them into RELIABILITY.md. */
export const RESULTS_DIR = process.env.RELIABILITY_RESULTS_DIR ?? fileURLToPath(new URL('../results', import.meta.url));

const Figure = z.union([z.number(), z.string(), z.boolean()]);

const CheckSchema = z.object({
  name: z.string(),
  /** passed; failed; known_failure: a reported bug in someone else's code, pinned with it.fails. */
  outcome: z.enum(['passed', 'failed', 'known_failure']),
  detail: z.string().optional(),
});
export type Check = z.infer<typeof CheckSchema>;

const FamilyResultSchema = z.object({
  family: z.string(),
  title: z.string(),
  /** The command that reproduces this run. */
  command: z.string(),
  ranAt: z.string(),
  durationMs: z.number(),
  /** Named numbers: payloads tried, refused, events sent, faults injected… */
  figures: z.record(z.string(), Figure),
  checks: z.array(CheckSchema).default([]),
  /** Extra rows (the soak's per-fault counts, per-route tallies). */
  table: z.array(z.record(z.string(), Figure)).optional(),
  notes: z.array(z.string()).default([]),
});
export type FamilyResult = z.infer<typeof FamilyResultSchema>;

function writeResult(result: FamilyResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.family}.json`);
  writeFileSync(file, `${JSON.stringify(FamilyResultSchema.parse(result), null, 2)}\n`);
  return file;
}

/** Every result file in the folder; a file that does not parse is reported, not skipped silently. */
export function readResults(dir = RESULTS_DIR): { results: FamilyResult[]; invalid: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return { results: [], invalid: [] };
  }
  const results: FamilyResult[] = [];
  const invalid: string[] = [];
  for (const n of names) {
    try {
      const parsed = FamilyResultSchema.safeParse(JSON.parse(readFileSync(join(dir, n), 'utf8')));
      if (parsed.success) results.push(parsed.data);
      else invalid.push(n);
    } catch {
      invalid.push(n);
    }
  }
  return { results, invalid };
}

/**
 * Collects figures and check outcomes during a test file and writes them once at the end
 * (afterAll), so a run leaves one file per family.
 */
export function createRecorder(meta: { family: string; title: string; command: string; notes?: string[] }) {
  const started = Date.now();
  const figures: Record<string, number | string | boolean> = {};
  const checks: Check[] = [];
  const table: Array<Record<string, number | string | boolean>> = [];
  return {
    add(name: string, n = 1) {
      const cur = figures[name];
      figures[name] = (typeof cur === 'number' ? cur : 0) + n;
    },
    set(name: string, v: number | string | boolean) {
      figures[name] = v;
    },
    check(name: string, outcome: Check['outcome'], detail?: string) {
      checks.push({ name, outcome, ...(detail ? { detail } : {}) });
    },
    row(r: Record<string, number | string | boolean>) {
      table.push(r);
    },
    figures,
    /** `durationMs` overrides the time since the recorder was made (the soak measures its own). */
    write(dir?: string, durationMs?: number) {
      return writeResult(
        {
          family: meta.family,
          title: meta.title,
          command: meta.command,
          ranAt: new Date().toISOString(),
          durationMs: durationMs ?? Date.now() - started,
          figures,
          checks,
          ...(table.length ? { table } : {}),
          notes: meta.notes ?? [],
        },
        dir,
      );
    },
  };
}
export type Recorder = ReturnType<typeof createRecorder>;
