import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readResults, RESULTS_DIR, type FamilyResult } from './results';

/** The repository root's RELIABILITY.md, written from the last runs' results; never edited by hand. */
const REPORT_PATH = process.env.RELIABILITY_REPORT ?? fileURLToPath(new URL('../../RELIABILITY.md', import.meta.url));

/** Families in the order a reader wants them: the soak first, then hostile input. */
const ORDER = [
  'soak-full',
  'soak',
  'soak-temporal-outage',
  'postgres-restart',
  'disk-full',
  'steady',
  'api-fuzz',
  'schemathesis',
  'api-authz',
  'ingress',
  'secrets',
  'login',
  'templating',
];

const cell = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: Array<Record<string, unknown>>): string[] {
  if (rows.length === 0) return [];
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c] ?? '')).join(' | ')} |`)];
}

function section(r: FamilyResult): string[] {
  const passed = r.checks.filter((c) => c.outcome === 'passed').length;
  const failed = r.checks.filter((c) => c.outcome === 'failed');
  const known = r.checks.filter((c) => c.outcome === 'known_failure');
  const out = [
    `## ${r.title}`,
    '',
    `Run it: \`${r.command}\``,
    '',
    `Last run: ${r.ranAt} (${(r.durationMs / 1000).toFixed(1)} s). Checks: ${passed} passed, ${failed.length} failed, ${known.length} known failures.`,
    '',
  ];
  if (r.notes.length) out.push(r.notes.join('\n'), '');
  const figures = Object.entries(r.figures);
  if (figures.length) out.push(...table(figures.map(([figure, value]) => ({ figure, value }))), '');
  if (r.table?.length) out.push(...table(r.table), '');
  if (r.checks.length) {
    out.push('Checks:', '');
    for (const c of r.checks) {
      const mark = c.outcome === 'passed' ? 'pass' : c.outcome === 'failed' ? '**FAIL**' : 'known failure (reported bug)';
      out.push(`- ${mark}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
    }
    out.push('');
  }
  return out;
}

function renderReport(results: FamilyResult[], invalid: string[] = []): string {
  const sorted = [...results].sort((a, b) => {
    const ia = ORDER.indexOf(a.family);
    const ib = ORDER.indexOf(b.family);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.family.localeCompare(b.family);
  });
  const summary = sorted.map((r) => ({
    family: r.title,
    'last run': r.ranAt.slice(0, 19).replace('T', ' '),
    checks: r.checks.length,
    failed: r.checks.filter((c) => c.outcome === 'failed').length,
    'known failures': r.checks.filter((c) => c.outcome === 'known_failure').length,
  }));
  const lines = [
    '# Reliability',
    '',
    '<!-- Written by `npm run report -w reliability` from reliability/results/*.json. Do not edit by hand. -->',
    '',
    'What the reliability and security suite checks, how to run each family, and the figures of its',
    'last run. Run everything: `npx vitest run --project reliability` (CI size), then',
    '`npm run report -w reliability`. The full soak (ElasticMQ, not in CI): `npm run soak -w reliability -- --events 10000`.',
    'How the suite works: [docs/reliability.md](docs/reliability.md).',
    '',
    ...table(summary),
    '',
  ];
  if (invalid.length) lines.push(`Result files that could not be read: ${invalid.join(', ')}`, '');
  for (const r of sorted) lines.push(...section(r));
  return `${lines.join('\n').trimEnd()}\n`;
}

function writeReport(dir = RESULTS_DIR, path = REPORT_PATH): string {
  const { results, invalid } = readResults(dir);
  writeFileSync(path, renderReport(results, invalid));
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = writeReport();
  console.log(`wrote ${path}`);
}
