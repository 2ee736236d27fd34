import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export type ProcInfo = { pid: number; ppid: number; pgid: number; comm: string };

/** Every live process (Linux /proc), for checking that a launcher left nothing behind. */
function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
      if (state === 'Z') continue; // exited, waiting to be reaped: not running
      out.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), comm });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export const groupMembers = (pgid: number) => listProcesses().filter((p) => p.pgid === pgid);

export function isAlive(pid: number): boolean {
  return listProcesses().some((p) => p.pid === pid);
}

export type Launched = {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `re` in the output (stdout + stderr). */
  waitFor: (re: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
};

/** Spawns a command in its own process group, as a terminal would run it. */
export function launch(cmd: string, args: string[], opts: SpawnOptions): Launched {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  let log = '';
  const waiters = new Set<() => void>();
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-200_000);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // 'close' rather than 'exit': it waits until every holder of the pipes (npm's child, the
  // launcher, may outlive npm by a moment) has gone and their last lines have been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => log,
    exited,
    waitFor: (re, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = log.match(re);
          if (m) return done(() => resolve(m));
          if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before printing ${re}:\n${log.slice(-4_000)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${log.slice(-4_000)}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Last resort for a test's cleanup: kill whatever is left of a group. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
