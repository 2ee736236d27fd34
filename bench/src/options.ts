import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

const SCENARIOS = ['ingress', 'e2e', 'steps', 'trigger', 'fanout', 'sizes', 'find', 'loop', 'memory', 'noisy'] as const;

/** How much each scenario measures; `quick` is a smoke run that proves the harness works. */
export type Profile = {
  name: 'quick' | 'full';
  /** A/B rounds for the side-by-side scenarios (A = Conduit, B = n8n, alternating). */
  rounds: number;
  ingress: { concurrencies: number[]; warmupSec: number; durationSec: number };
  /** Ingress concurrencies measured on the embedded default (`npm start`); issue 21's target is at 64. */
  embeddedIngress: number[];
  e2e: { concurrencies: number[]; warmupSec: number; durationSec: number };
  steps: { warmupRuns: number; runs: number };
  trigger: { warmup: number; samples: number };
  fanout: { sizes: number[]; samples: number; scale: number[]; scaleSamples: number };
  find: { records: number; warmup: number; samples: number };
  /** Issue 23: A's burst of webhooks; B's record changes (one a second) measured alone. */
  noisy: { burst: number; warmup: number; samples: number };
};

const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    rounds: 1,
    ingress: { concurrencies: [1, 16], warmupSec: 1, durationSec: 2 },
    embeddedIngress: [64],
    e2e: { concurrencies: [1, 16], warmupSec: 1, durationSec: 2 },
    steps: { warmupRuns: 1, runs: 2 },
    trigger: { warmup: 2, samples: 5 },
    fanout: { sizes: [1, 10, 100], samples: 3, scale: [10, 1_000], scaleSamples: 5 },
    find: { records: 100_000, warmup: 5, samples: 50 },
    noisy: { burst: 300, warmup: 2, samples: 5 },
  },
  full: {
    name: 'full',
    rounds: 2,
    ingress: { concurrencies: [1, 16, 64, 256], warmupSec: 2, durationSec: 5 },
    embeddedIngress: [16, 64, 256],
    e2e: { concurrencies: [1, 32], warmupSec: 2, durationSec: 5 },
    steps: { warmupRuns: 2, runs: 8 },
    trigger: { warmup: 5, samples: 50 },
    fanout: { sizes: [1, 10, 100], samples: 8, scale: [10, 10_000], scaleSamples: 30 },
    find: { records: 100_000, warmup: 20, samples: 300 },
    noisy: { burst: 5_000, warmup: 3, samples: 30 },
  },
};

const ArgsSchema = z.object({
  quick: z.boolean(),
  n8n: z.boolean(),
  only: z.array(z.enum(SCENARIOS)),
  out: z.string(),
  n8nDir: z.string(),
});
export type Options = z.infer<typeof ArgsSchema> & { profile: Profile };

const USAGE = `usage: npm run bench -- [--quick] [--no-n8n] [--only ingress,e2e,steps,trigger,fanout,sizes,find,loop,memory,noisy] [--out FILE.md] [--n8n-dir DIR]`;

export function parseArgs(argv: string[]): Options {
  const raw: Record<string, unknown> = { quick: false, n8n: true, only: [...SCENARIOS] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') raw.quick = true;
    else if (a === '--no-n8n') raw.n8n = false;
    else if (a === '--only')
      raw.only = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--out') raw.out = resolve(value());
    else if (a === '--n8n-dir') raw.n8nDir = resolve(value());
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  // A smoke run never overwrites the committed report unless asked to.
  raw.out ??= raw.quick ? join(REPO_ROOT, 'bench/.out/BENCHMARKS.quick.md') : join(REPO_ROOT, 'BENCHMARKS.md');
  raw.n8nDir ??= process.env.CONDUIT_BENCH_N8N_DIR ?? join(homedir(), '.cache/conduit-bench/n8n');
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`);
  return { ...parsed.data, profile: PROFILES[parsed.data.quick ? 'quick' : 'full'] };
}
