import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');

export type ChildName = 'ingress' | 'dispatcher' | 'worker';

/**
 * One child process of the soak (a tsx entry under ./children), supervised: an exit the soak did
 * not ask for is restarted after a short pause, as a process manager would. Spawned as `node
 * --import tsx`, one process, so SIGKILL hits the process that does the work.
 */
export class Child {
  private proc: ChildProcess | null = null;
  private log = '';
  private stopping = false;
  private expectExit = false;
  /** Exits the soak did not cause (crashes it then restarted from). */
  unexpectedExits = 0;
  /** Exits a fault caused (SIGKILL, armed crash). */
  inducedExits = 0;
  starts = 0;
  readyInfo: Record<string, unknown> = {};
  private restarting: Promise<void> | null = null;

  constructor(
    readonly name: ChildName,
    private env: Record<string, string>,
    private onEvent: (name: ChildName, what: string) => void = () => {},
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  output(): string {
    return this.log;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const entry = fileURLToPath(new URL(`./children/${this.name}.ts`, import.meta.url));
    const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = child;
    this.starts++;
    const keep = (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-6_000);
    };
    child.stderr?.on('data', keep);
    // SOAK_VERBOSE=1 shows the children's errors as they happen.
    if (process.env.SOAK_VERBOSE) child.stderr?.on('data', (b: Buffer) => process.stderr.write(`[${this.name}] ${b.toString()}`));
    let buffer = '';
    const readyPromise = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        // Never leave a half-started process behind: a retry would otherwise run two of them.
        this.expectExit = this.proc === child;
        child.kill('SIGKILL');
        reject(new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.log}`));
      }, timeoutMs);
      child.stdout?.on('data', (b: Buffer) => {
        keep(b);
        buffer += b.toString();
        const m = /READY (\{.*\})\n/.exec(buffer);
        if (m) {
          clearTimeout(t);
          this.readyInfo = JSON.parse(m[1]!) as Record<string, unknown>;
          buffer = '';
          resolve();
        } else if (buffer.length > 100_000) buffer = buffer.slice(-1_000);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(t);
        reject(new Error(`${this.name} exited before ready (${code ?? signal}):\n${this.log}`));
      });
    });
    child.once('exit', (code, signal) => {
      if (this.proc !== child) return;
      this.proc = null;
      if (this.stopping) return;
      if (this.expectExit) {
        this.expectExit = false;
        return;
      }
      const crashed = /CRASH between receive and start/.test(this.log.slice(-500));
      if (crashed) this.inducedExits++;
      else this.unexpectedExits++;
      this.onEvent(this.name, crashed ? 'crashed as armed; restarting' : `exited (${code ?? signal}); restarting`);
      this.log = '';
      this.restarting = (async () => {
        // Until it is back or the soak stops: a dependency may be down for minutes (the long Temporal outage).
        for (let attempt = 0; !this.stopping; attempt++) {
          await sleep(Math.min(5_000, 500 + attempt * 250));
          try {
            if (!this.stopping) await this.start();
            return;
          } catch {
            // keep trying: a dependency (Temporal, PostgreSQL) may still be down
          }
        }
      })().finally(() => (this.restarting = null));
    });
    await readyPromise;
  }

  /** SIGKILL now; the caller restarts it (a fault, not a crash). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.expectExit = true;
    this.inducedExits++;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  signal(sig: NodeJS.Signals): void {
    this.proc?.kill(sig);
  }

  /** Waits for a supervised restart in progress, if any. */
  async settled(): Promise<void> {
    await this.restarting;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting?.catch(() => {});
    const p = this.proc;
    if (!p) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(t);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
