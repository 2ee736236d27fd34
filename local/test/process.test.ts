import { expect, it } from 'vitest';
import { startProcess } from '../src/services/process';

function run(script: string) {
  const proc = startProcess(process.execPath, ['-e', script]);
  return new Promise<string>((resolve) => proc.child.once('close', () => resolve(proc.output())));
}

it('keeps a short output whole', async () => {
  expect(await run(`process.stdout.write('ready\\n'); process.stderr.write('bye')`)).toBe('ready\nbye');
});

it('keeps the cause at the top of a long crash and its last lines', async () => {
  const out = await run(
    `console.error('panic: listen tcp 127.0.0.1:4242: bind: address already in use'); for (let i = 0; i < 2000; i++) console.error('goroutine frame ' + i);`,
  );
  expect(out).toContain('panic: listen tcp 127.0.0.1:4242: bind: address already in use');
  expect(out).toContain('goroutine frame 1999');
  expect(out).toContain('\n…\n');
  expect(out.length).toBeLessThan(10_100);
});
