import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FAULT_READY_LINE, FaultReadySchema, type FaultReady } from './protocol';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const CHILD = fileURLToPath(new URL('./stack-child.ts', import.meta.url));

export type FaultStack = FaultReady & {
  child: ChildProcess;
  /** Set once the process has exited: how, and the end of what it printed on stderr. */
  exit: () => { code: number | null; signal: NodeJS.Signals | null; stderr: string } | null;
  stop: () => Promise<void>;
};

/** Starts stack-child.ts (the product as `npm start` runs it) and waits for its READY line. */
export async function startFaultStack(opts: {
  dataDir: string;
  databaseUrl?: string;
  temporalAddress: string;
  sinkUrl: string;
  reopen?: boolean;
}): Promise<FaultStack> {
  const child = spawn(process.execPath, ['--import', tsxLoader, CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null; stderr: string } | null = null;
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-8_000);
    if (process.env.FAULTS_VERBOSE) process.stderr.write(b);
  });
  const done = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal, stderr };
      r();
    }),
  );
  const ready = await new Promise<FaultReady>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith(FAULT_READY_LINE));
      if (line) resolve(FaultReadySchema.parse(JSON.parse(line.slice(FAULT_READY_LINE.length))));
    });
    void done.then(() => reject(new Error(`the stack exited before it was ready (${exited?.code ?? exited?.signal}): ${stderr}`)));
  });
  return {
    ...ready,
    child,
    exit: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(t);
    },
  };
}
