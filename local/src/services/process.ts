import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type Managed = { child: ChildProcess; stop: () => Promise<void>; output: () => string };

/** Spawns a service and keeps its last output for error messages; stop() sends SIGTERM, then SIGKILL. */
export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Managed {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
