import type { Report, Row } from './model';
import { headline, num } from './format';

/** A small dependency-free SVG: one horizontal bar panel per figure, Conduit and n8n side by side. */

type Bar = { label: string; value: number; target: 'conduit' | 'n8n'; whisker?: number };
type Panel = { title: string; unit: string; bars: Bar[]; goal?: { value: number; label: string } };

const COLORS = { conduit: '#2563eb', n8n: '#ea580c' } as const;
const W = 960;
const LABEL_W = 300;
const BAR_H = 18;
const GAP = 6;
const PLOT_W = W - LABEL_W - 150;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panelsOf(report: Report): Panel[] {
  const rows = report.rows;
  const bars = (pred: (r: Row) => boolean, label: (r: Row) => string, whisker = false): Bar[] =>
    rows.filter(pred).map((r) => ({ label: label(r), value: headline(r), target: r.target, whisker: whisker ? r.latency?.p99 : undefined }));
  const panels: Panel[] = [
    {
      title: '1. Webhook ingress — accepted requests per second (higher is better)',
      unit: 'req/s',
      bars: bars(
        (r) => r.scenario.startsWith('1.'),
        (r) => `${r.target} · ${r.variant}`,
      ),
      goal: { value: 5_000, label: 'goal 5,000 req/s' },
    },
    {
      title: '2. Webhook → run completed — runs per second (higher is better)',
      unit: 'runs/s',
      bars: bars(
        (r) => r.scenario.startsWith('2.'),
        (r) => `${r.target} · ${r.variant}`,
      ),
    },
    {
      title: '3. One run of 40 sequential steps — ms, median with p99 whisker (lower is better)',
      unit: 'ms',
      bars: bars(
        (r) => r.scenario.startsWith('3.'),
        (r) => `${r.target} · ${r.variant}`,
        true,
      ),
      goal: { value: 1_000, label: 'goal 1.0 s' },
    },
    {
      title: '4–5. Record change → first action started / runs done — ms, p50 with p99 whisker (lower is better)',
      unit: 'ms',
      bars: bars(
        (r) => /^(4|5|5b)\./.test(r.scenario),
        (r) => r.variant,
        true,
      ),
    },
  ];
  return panels.filter((p) => p.bars.length > 0);
}

export function renderChart(report: Report): string {
  const panels = panelsOf(report);
  const parts: string[] = [];
  let y = 72;
  for (const p of panels) {
    const max = Math.max(...p.bars.map((b) => Math.max(b.value, b.whisker ?? 0)), p.goal?.value ?? 0) || 1;
    const x = (v: number) => LABEL_W + (Math.max(0, v) / max) * PLOT_W;
    parts.push(`<text x="12" y="${y}" class="title">${esc(p.title)}</text>`);
    y += 12;
    const top = y;
    for (const b of p.bars) {
      const w = Math.max(1, x(b.value) - LABEL_W);
      parts.push(`<text x="${LABEL_W - 8}" y="${y + BAR_H - 5}" class="label" text-anchor="end">${esc(b.label)}</text>`);
      parts.push(`<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[b.target]}" rx="2"/>`);
      if (b.whisker !== undefined && Number.isFinite(b.whisker)) {
        const wx = x(b.whisker).toFixed(1);
        parts.push(`<line x1="${(LABEL_W + w).toFixed(1)}" y1="${y + BAR_H / 2}" x2="${wx}" y2="${y + BAR_H / 2}" stroke="#111" stroke-width="1"/>`);
        parts.push(`<line x1="${wx}" y1="${y + 3}" x2="${wx}" y2="${y + BAR_H - 3}" stroke="#111" stroke-width="1"/>`);
      }
      const end = Math.max(x(b.value), b.whisker !== undefined && Number.isFinite(b.whisker) ? x(b.whisker) : 0);
      parts.push(`<text x="${(end + 6).toFixed(1)}" y="${y + BAR_H - 5}" class="value">${esc(num(b.value, p.unit))}</text>`);
      y += BAR_H + GAP;
    }
    if (p.goal) {
      const gx = x(p.goal.value).toFixed(1);
      parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${y - GAP + 4}" stroke="#16a34a" stroke-width="1.5" stroke-dasharray="4 3"/>`);
      parts.push(`<text x="${gx}" y="${y + 10}" class="goal" text-anchor="middle">${esc(p.goal.label)}</text>`);
      y += 14;
    }
    y += 30;
  }
  const legend =
    `<rect x="${W - 250}" y="14" width="12" height="12" fill="${COLORS.conduit}"/><text x="${W - 233}" y="25" class="label">Conduit</text>` +
    `<rect x="${W - 160}" y="14" width="12" height="12" fill="${COLORS.n8n}"/><text x="${W - 143}" y="25" class="label">n8n ${esc(report.n8nStatus.ok ? report.n8nStatus.version : '(not run)')}</text>`;
  const sub = `${report.machine.cores} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB · ${report.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · profile ${report.profile}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:600;fill:#111}.label{font-size:12px;fill:#333}.value{font-size:12px;fill:#111}.goal{font-size:11px;fill:#16a34a}.sub{font-size:11px;fill:#555}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="24" class="title">Conduit benchmarks</text><text x="12" y="42" class="sub">${esc(sub)}</text>`,
    legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
