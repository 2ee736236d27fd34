import { createMemo, For } from 'solid-js';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@conduit/core/definition';

export type DayCounts = { day: string; counts: Record<ExecutionStatus, number> };

const COLORS: Record<ExecutionStatus, string> = {
  completed: '#2f855a',
  failed: '#c53030',
  running: '#2b6cb0',
  pending: '#718096',
  queued: '#6b46c1',
  cancelled: '#b7791f',
};

/** Buckets runs into local calendar days from `from` to today, one entry per day (zeros included). */
export function runsPerDay(runs: readonly { createdAt: string; status: ExecutionStatus }[], days: number, now = new Date()): DayCounts[] {
  const key = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const out: DayCounts[] = [];
  const index = new Map<string, DayCounts>();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    const entry = { day: key(d), counts: Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number> };
    out.push(entry);
    index.set(entry.day, entry);
  }
  for (const r of runs) {
    const e = index.get(key(new Date(r.createdAt)));
    if (e) e.counts[r.status]++;
  }
  return out;
}

/** Stacked bars of runs per day by status, as inline SVG (no chart library). */
export function RunsChart(props: { data: DayCounts[] }) {
  const W = 640;
  const H = 140;
  const max = createMemo(() => Math.max(1, ...props.data.map((d) => EXECUTION_STATUSES.reduce((n, s) => n + d.counts[s], 0))));
  const barW = () => W / Math.max(1, props.data.length);
  const total = () => props.data.reduce((n, d) => n + EXECUTION_STATUSES.reduce((m, s) => m + d.counts[s], 0), 0);
  const summary = () =>
    `${total()} runs over ${props.data.length} days: ${EXECUTION_STATUSES.map((s) => `${props.data.reduce((n, d) => n + d.counts[s], 0)} ${s}`).join(', ')}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={summary()}>
        <For each={props.data}>
          {(d, i) => {
            let y = H;
            return (
              <g>
                <title>{`${d.day}: ${
                  EXECUTION_STATUSES.filter((s) => d.counts[s])
                    .map((s) => `${d.counts[s]} ${s}`)
                    .join(', ') || 'no runs'
                }`}</title>
                <For each={EXECUTION_STATUSES.filter((s) => d.counts[s] > 0)}>
                  {(s) => {
                    const h = (d.counts[s] / max()) * (H - 4);
                    y -= h;
                    return <rect x={i() * barW() + 2} y={y} width={Math.max(1, barW() - 4)} height={h} fill={COLORS[s]} />;
                  }}
                </For>
                <rect x={i() * barW()} y={0} width={barW()} height={H} fill="transparent" />
                {props.data.length <= 14 || i() % Math.ceil(props.data.length / 10) === 0 ? (
                  <text x={i() * barW() + barW() / 2} y={H + 14} text-anchor="middle" font-size="10" fill="#4a5568">
                    {d.day.slice(5)}
                  </text>
                ) : null}
              </g>
            );
          }}
        </For>
      </svg>
      <figcaption class="legend">
        <For each={EXECUTION_STATUSES}>
          {(s) => (
            <span>
              <i style={{ background: COLORS[s] }} /> {s}
            </span>
          )}
        </For>
      </figcaption>
    </figure>
  );
}
