import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type Group = {
  child: ChildProcess;
  /** The last 16 KB of output, for error messages. */
  output: () => string;
  /** Every stdout line that started with `markerPrefix` (never truncated). */
  marked: string[];
  exited: Promise<number | null>;
  stop: (graceMs?: number) => Promise<void>;
};

/**
 * Spawns a process in its own process group, so stopping it also stops whatever it started
 * (a stack may spawn a worker; n8n spawns helpers). Only this group is ever signalled.
 */
export function spawnGroup(cmd: string, args: string[], opts: SpawnOptions = {}, markerPrefix?: string, onLine?: (line: string) => void): Group {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  let log = '';
  let partial = '';
  const marked: string[] = [];
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-16_000));
  child.stdout?.on('data', (b: Buffer) => {
    keep(b);
    if (!markerPrefix && !onLine) return;
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (markerPrefix && l.startsWith(markerPrefix)) marked.push(l);
      onLine?.(l);
    }
  });
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    child,
    output: () => log,
    marked,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        signal('SIGTERM');
        const t = setTimeout(() => signal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      // Children of the group that outlived their parent.
      signal('SIGKILL');
    },
  };
}

/** Runs a command to completion, bounded by time; resolves with its output, rejects on non-zero exit. */
export function runToEnd(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs: number; okCodes?: number[] }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(killer);
      if (code !== null && (opts.okCodes ?? [0]).includes(code)) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? sig}: ${out.slice(-2_000)}`));
    });
  });
}
