import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of process trees from /proc (Linux): user + system time of a root process and every
 * live descendant. Read before and after a measured window, the difference divided by the runs
 * completed in it is the CPU each process spent per run.
 */

/** Clock ticks per second of /proc's utime/stime (100 on Linux almost everywhere). */
const TICKS_PER_SEC = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

type Proc = { pid: number; ppid: number; ticks: number };

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field - 3.
      out.push({ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return out;
}

/**
 * A named set of processes: each root with its descendants, or exactly the given pids. `exclude`
 * cuts a subtree off (the embedded stack's Temporal dev server is its child but counted apart).
 */
export type CpuTarget = { roots: (number | undefined)[]; tree: boolean; exclude?: (number | undefined)[] };

/** CPU ms so far of each target (descendants that have exited are not counted). */
export function cpuSnapshot(targets: Record<string, CpuTarget>): Record<string, number> {
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(targets)) {
    let ticks = 0;
    const seen = new Set<number>((t.exclude ?? []).filter((pid): pid is number => pid !== undefined));
    const stack = t.roots.filter((pid): pid is number => pid !== undefined);
    while (stack.length) {
      const pid = stack.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      ticks += byPid.get(pid)?.ticks ?? 0;
      if (t.tree) for (const c of children.get(pid) ?? []) stack.push(c.pid);
    }
    out[name] = (ticks * 1000) / TICKS_PER_SEC;
  }
  return out;
}

/**
 * Runs `fn` and reports each target's CPU ms spent meanwhile and its peak resident memory (MiB, the
 * whole tree, sampled every 500 ms: a short spike between samples can be missed).
 */
export async function measureCpu<T>(
  targets: Record<string, CpuTarget>,
  fn: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number>; peakMiB: Record<string, number> }> {
  const peakMiB: Record<string, number> = Object.fromEntries(Object.keys(targets).map((k) => [k, 0]));
  const sampleRss = () => {
    for (const [name, t] of Object.entries(targets)) {
      const mib = t.roots.reduce<number>((n, root) => n + (t.tree ? treeRss(root, t.exclude) : treeRss(root).slice(0, 1)).reduce((m, p) => m + p.mib, 0), 0);
      peakMiB[name] = Math.max(peakMiB[name]!, mib);
    }
  };
  const before = cpuSnapshot(targets);
  sampleRss();
  const timer = setInterval(sampleRss, 500);
  try {
    const result = await fn();
    const after = cpuSnapshot(targets);
    sampleRss();
    return { result, cpuMs: Object.fromEntries(Object.keys(targets).map((k) => [k, Math.max(0, after[k]! - before[k]!)])), peakMiB };
  } finally {
    clearInterval(timer);
  }
}

/** Resident memory of one process, MiB, and its command name (from /proc/<pid>/status). */
function rssOf(pid: number): { name: string; mib: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { name: /^Name:\s+(.+)$/m.exec(status)?.[1]?.trim() ?? '?', mib: kb / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Resident memory of a process and every live descendant, one entry per process (kernel threads
 * and exited processes have none). Pages shared between processes are counted in each, like `ps`.
 */
export function treeRss(root: number | undefined, exclude: (number | undefined)[] = []): { pid: number; name: string; mib: number }[] {
  if (root === undefined) return [];
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: { pid: number; name: string; mib: number }[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (exclude.includes(pid)) continue;
    const r = rssOf(pid);
    if (r && r.mib > 0) out.push({ pid, ...r });
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}
