import { freePort, waitFor } from './ports';
import { startProcess } from './process';

export type SqsServer = { endpoint: string; stop: () => Promise<void> };

/** moto's SQS-compatible server (pip install 'moto[server]'). */
export async function startMoto(cmd = process.env.MOTO_SERVER ?? 'moto_server'): Promise<SqsServer> {
  const port = await freePort();
  const proc = startProcess(cmd, ['-H', '127.0.0.1', '-p', String(port)]);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('moto SQS server', async () => {
    if (proc.child.exitCode !== null) throw new Error(proc.output());
    const r = await fetch(`${endpoint}/moto-api/`);
    return r.status < 500;
  });
  return { endpoint, stop: proc.stop };
}
