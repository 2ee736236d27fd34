import type { Row } from './model';
import { geomean, median } from '../stats';

export function num(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const s = v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${s} ${unit}` : s;
}

export const ms = (v: number | undefined): string => (v === undefined ? '–' : num(v));

export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export const headline = (row: Row): number => median(row.metric.values);

/** The n8n row a Conduit row is compared with, if n8n ran that scenario. */
export function peerOf(row: Row, rows: Row[]): Row | undefined {
  if (row.target !== 'conduit') return undefined;
  const variant = row.peerVariant ?? row.variant;
  return rows.find((r) => r.target === 'n8n' && r.scenario === row.scenario && r.variant === variant);
}

/**
 * Conduit ÷ n8n for the headline figure. With A/B rounds, the geometric mean of each round's
 * ratio (A₁/B₁, A₂/B₂, …), so drift during the run cancels; else the ratio of the medians.
 */
export function ratio(row: Row, peer: Row): number {
  const a = row.rounds ?? [];
  const b = peer.rounds ?? [];
  if (a.length > 0 && a.length === b.length) return geomean(a.map((v, i) => v / (b[i] ?? Number.NaN)));
  return headline(row) / headline(peer);
}

export function describeRatio(row: Row, r: number): string {
  if (!Number.isFinite(r) || r <= 0) return '–';
  const better = row.metric.higherIsBetter ? r >= 1 : r <= 1;
  const factor = row.metric.higherIsBetter ? r : 1 / r;
  // Lower is better for time and for memory; only time is "faster".
  const lowerWords = row.metric.unit === 'MiB' ? ['less', 'more'] : ['faster', 'slower'];
  const word = row.metric.higherIsBetter ? (better ? 'more' : 'less') : better ? lowerWords[0] : lowerWords[1];
  const f = factor >= 1 ? factor : 1 / factor;
  return `${r.toFixed(r >= 10 ? 1 : 2)}× (${f.toFixed(f >= 10 ? 0 : 1)}× ${word})`;
}

/** CPU ms per completed run of all a row's system processes (the load client left out). */
export function systemCpuPerRun(r: Row): number | undefined {
  const cpu = Object.entries(r.figures ?? {}).filter(([k]) => k.startsWith('cpu:') && k !== 'cpu:bench client');
  return cpu.length ? cpu.reduce((n, [, v]) => n + v, 0) : undefined;
}

/** Request errors of one system's rows: Conduit's fail the bench; the peer's are its own result, reported. */
export const errorsOf = (rows: Row[], target: Row['target']): number => rows.filter((r) => r.target === target).reduce((n, r) => n + r.errors, 0);
