import type { Goal, Report, Row } from './model';
import { bytes, headline, num, systemCpuPerRun } from './format';

/** The speed targets of issues 3, 4 and 6 and the team's own, checked against this run's figures (a row with errors meets none). */
export function evaluateGoals(report: Omit<Report, 'goals'>, dispatchRatio: number | undefined): Goal[] {
  const goals: Goal[] = [];
  const ours = (prefix: string) => report.rows.filter((r) => r.target === 'conduit' && r.scenario.startsWith(prefix));

  const ingress = ours('1.');
  if (ingress.length) {
    // Only rows that measured something without errors count (a silent window has p99 0, not a fast one).
    const within = ingress.filter((r) => r.errors === 0 && headline(r) > 0 && (r.latency?.p99 ?? Infinity) <= 50);
    const best = within.sort((a, b) => headline(b) - headline(a))[0];
    goals.push({
      source: 'issue 4',
      goal: 'Webhook ingress ≥ 5,000 accepted req/s with p99 ≤ 50 ms (durable write included)',
      measured: best ? `${num(headline(best), 'req/s')} at ${best.variant} (p99 ${num(best.latency!.p99)} ms)` : `p99 above 50 ms at every concurrency`,
      met: best ? headline(best) >= 5_000 && best.errors === 0 : false,
    });
  }
  const e2e = ours('2.').filter((r) => r.errors === 0);
  if (e2e.length) {
    const best = Math.max(...e2e.map(headline));
    const peer = report.rows.filter((r) => r.target === 'n8n' && r.scenario.startsWith('2.') && r.errors === 0);
    const peerBest = peer.length ? Math.max(...peer.map(headline)) : undefined;
    goals.push({
      source: 'team target',
      goal: 'End to end: ≥ 10× the completed runs per second of n8n (best concurrency of each)',
      measured: peerBest
        ? `${num(best, 'runs/s')} vs n8n ${num(peerBest, 'runs/s')} (${(best / peerBest).toFixed(1)}×)`
        : `${num(best, 'runs/s')}; n8n not measured`,
      met: peerBest !== undefined && best >= 10 * peerBest,
    });
  }
  // Issue 21: all processes of each system together, per completed run, at each concurrency both measured.
  for (const row of e2e) {
    const peer = report.rows.find((r) => r.target === 'n8n' && r.scenario === row.scenario && r.variant === row.variant && r.errors === 0);
    const mine = systemCpuPerRun(row);
    const theirs = peer && systemCpuPerRun(peer);
    if (mine === undefined) continue;
    goals.push({
      source: 'issue 21',
      goal: `End to end at ${row.variant}: total CPU per completed run ≤ n8n's`,
      measured: theirs === undefined ? `${num(mine)} ms; n8n not measured` : `${num(mine)} ms vs n8n ${num(theirs)} ms`,
      met: theirs === undefined ? null : mine <= theirs,
    });
  }
  // Issue 21 item 7: idle memory, every process of each system.
  const idle = ours('9.').find((r) => r.variant.includes('npm start'));
  const n8nIdle = report.rows.find((r) => r.target === 'n8n' && r.scenario.startsWith('9.'));
  if (idle) {
    goals.push({
      source: 'issue 21',
      goal: 'Idle memory of `npm start`, all processes together, ≤ n8n idle memory',
      measured: n8nIdle ? `${num(headline(idle), 'MiB')} vs n8n ${num(headline(n8nIdle), 'MiB')}` : `${num(headline(idle), 'MiB')}; n8n not measured`,
      met: n8nIdle ? headline(idle) <= headline(n8nIdle) : null,
    });
  }
  const worker = ours('9.').find((r) => r.variant.startsWith('cloud worker'));
  if (worker) {
    goals.push({ source: 'issue 21', goal: 'The cloud worker alone ≤ 300 MiB idle', measured: num(headline(worker), 'MiB'), met: headline(worker) <= 300 });
  }
  for (const row of ours('3.')) {
    goals.push({
      source: 'team target',
      goal: `A run of ${row.variant} completes in ≤ 0.3 s end to end`,
      measured: `median ${num(headline(row), 'ms')}`,
      met: headline(row) <= 300 && row.errors === 0,
    });
    goals.push({
      source: 'issue 3',
      goal: `A run of ${row.variant} completes in ≤ 1.0 s end to end`,
      measured: `median ${num(headline(row), 'ms')} (${num(row.figures?.perStepMs ?? Number.NaN)} ms per step)`,
      met: headline(row) <= 1_000 && row.errors === 0,
    });
    if (row.variant.includes('run_script') && row.figures?.stepOwnP50Ms !== undefined) {
      goals.push({
        source: 'issue 3',
        goal: '`run_script` adds ≤ 5 ms per call once warm',
        measured: `p50 ${num(row.figures.stepOwnP50Ms)} ms from a step's start to its end`,
        met: row.figures.stepOwnP50Ms <= 5,
      });
    }
  }
  const loopPeer = (row: Row): string => {
    const peer = report.rows.find((r) => r.target === 'n8n' && r.scenario === row.scenario && r.variant === row.variant);
    return peer ? `; n8n ${num(headline(peer) / 1000)} s` : '';
  };
  for (const row of ours('8.')) {
    const items = row.figures?.items ?? 0;
    goals.push({
      source: 'issue 16',
      goal:
        items >= 10_000
          ? `for_each over ${row.variant} completes (history within limits)`
          : `for_each over ${row.variant} of one update_record ≤ 5 s end to end`,
      measured: `${num(headline(row) / 1000)} s (${num(row.figures?.perItemMs ?? Number.NaN)} ms per item)${loopPeer(row)}`,
      met: row.errors === 0 && (items >= 10_000 || headline(row) <= 5_000),
    });
  }
  const trigger = ours('4.')[0];
  if (trigger?.latency) {
    goals.push({
      source: 'issue 4',
      goal: 'Record PATCH → first action started: p50 ≤ 30 ms, p99 ≤ 100 ms',
      measured: `p50 ${num(trigger.latency.p50)} ms, p99 ${num(trigger.latency.p99)} ms`,
      met: trigger.latency.p50 <= 30 && trigger.latency.p99 <= 100 && trigger.errors === 0,
    });
  }
  const scale: Row[] = ours('5b.');
  if (scale.length === 2 && dispatchRatio !== undefined) {
    goals.push({
      source: 'issue 4',
      goal: `Dispatch cost flat from ${scale[0]!.variant} to ${scale[1]!.variant} (ratio ≤ 1.2)`,
      measured: `ratio ${dispatchRatio.toFixed(2)} (p50 ${num(headline(scale[0]!))} → ${num(headline(scale[1]!))} ms)`,
      met: dispatchRatio <= 1.2,
    });
  }
  const find = ours('7.')[0];
  if (find?.latency) {
    goals.push({
      source: 'issue 16',
      goal: "`find_records` by one field's equality over 100,000 records: p50 ≤ 10 ms, p99 ≤ 30 ms inside the step",
      measured: `p50 ${num(find.latency.p50)} ms, p99 ${num(find.latency.p99)} ms`,
      met: find.latency.p50 <= 10 && find.latency.p99 <= 30 && find.errors === 0,
    });
  }
  // Issue 23: the noisy neighbour (scenario 10).
  const noisy = ours('10.');
  const bQuiet = noisy.find((r) => r.variant.startsWith('B:') && r.variant.includes('quiet'));
  const bBusy = noisy.find((r) => r.variant.startsWith('B:') && r.variant.includes('during'));
  if (bQuiet?.latency && bBusy?.latency) {
    goals.push({
      source: 'issue 23',
      goal: "Noisy neighbour: B's record change → first action p99 during A's burst ≤ 2× its quiet p99",
      measured: `p99 ${num(bBusy.latency.p99)} ms vs ${num(bQuiet.latency.p99)} ms quiet (p50 ${num(bBusy.latency.p50)} vs ${num(bQuiet.latency.p50)} ms)`,
      met: bBusy.errors === 0 && bQuiet.errors === 0 && bBusy.latency.p99 <= 2 * bQuiet.latency.p99,
    });
  }
  const aAlone = noisy.find((r) => r.variant.startsWith('A:') && r.variant.includes('alone'));
  const aBeside = noisy.find((r) => r.variant.startsWith('A:') && r.variant.includes('beside'));
  if (aAlone && aBeside) {
    goals.push({
      source: 'issue 23',
      goal: "Noisy neighbour: A's burst at full speed beside B (≥ 90 % of its rate alone)",
      measured: `${num(headline(aBeside), 'runs/s')} vs ${num(headline(aAlone), 'runs/s')} alone`,
      met: aAlone.errors === 0 && aBeside.errors === 0 && headline(aBeside) >= 0.9 * headline(aAlone),
    });
  }
  for (const s of report.sizes.filter((x) => x.limitBytes !== undefined)) {
    const imp = s.importMs?.[0];
    goals.push({
      source: 'issue 6',
      goal: `${s.artifact}: ≤ ${bytes(s.limitBytes)}, cold import ≤ 200 ms`,
      measured: `${bytes(s.bytes)}, cold import ${imp === undefined ? '–' : `${num(imp)} ms`}`,
      met: s.bytes <= s.limitBytes! && (imp === undefined || imp <= 200),
    });
  }
  return goals;
}
