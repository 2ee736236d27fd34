import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type Managed = { child: ChildProcess; stop: () => Promise<void>; output: () => string };

/**
 * Spawns a service and keeps its first and last output for error messages (a Go panic's cause is at
 * the top, above kilobytes of stack); stop() sends SIGTERM, then SIGKILL.
 */
export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Managed {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let head = '';
  let tail = '';
  let total = 0;
  const keep = (b: Buffer) => {
    const text = b.toString();
    total += text.length;
    if (head.length < 4_000) head += text.slice(0, 4_000 - head.length);
    tail = (tail + text).slice(-6_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Until 10,000 characters the head is a prefix of the tail's text: show the whole output once.
  const log = () => (total <= 10_000 ? head + tail.slice(Math.max(0, head.length - (total - tail.length))) : `${head}\n…\n${tail}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
