import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SqsServer } from './moto';
import { freePort, waitFor } from './ports';
import { startProcess } from './process';

export const ELASTICMQ_VERSION = '1.7.1';
const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

const LockLine = z.object({ sha1: z.string().regex(/^[0-9a-f]{40}$/), path: z.string().regex(/^[\w./-]+\.jar$/) });

/**
 * The jars ElasticMQ runs from. Maven Central publishes the server as a thin jar (the one-file
 * "standalone" jar lives only on the project's own download site), so the lock file pins the
 * server and every runtime dependency Maven resolved for it, each with its sha1.
 */
function lockedJars(): Array<z.infer<typeof LockLine>> {
  const text = readFileSync(fileURLToPath(new URL('./elasticmq.lock', import.meta.url)), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [sha1, path] = l.trim().split(/\s+/);
      return LockLine.parse({ sha1, path });
    });
}

/** Where the jars are kept between runs: ELASTICMQ_HOME, or ~/.cache/conduit/elasticmq-<version>. */
export function elasticMqHome(): string {
  return process.env.ELASTICMQ_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'conduit', `elasticmq-${ELASTICMQ_VERSION}`);
}

const sha1 = (b: Buffer | Uint8Array) => createHash('sha1').update(b).digest('hex');

/**
 * Downloads whatever jar is missing from Maven Central into `home` (checked against the lock's
 * sha1, written under a temporary name and renamed, so an interrupted fetch leaves no half jar).
 * A second call with everything present reads the files and downloads nothing.
 */
export async function fetchElasticMq(home = elasticMqHome(), log: (line: string) => void = () => {}): Promise<string[]> {
  const jars: string[] = [];
  let fetched = 0;
  for (const { sha1: want, path } of lockedJars()) {
    const file = join(home, path);
    jars.push(file);
    if (existsSync(file) && sha1(readFileSync(file)) === want) continue;
    const res = await fetch(`${MAVEN_CENTRAL}/${path}`, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`ElasticMQ: ${MAVEN_CENTRAL}/${path} answered ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const got = sha1(body);
    if (got !== want) throw new Error(`ElasticMQ: ${path} has sha1 ${got}, the lock file pins ${want}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.part`, body);
    renameSync(`${file}.part`, file);
    fetched++;
  }
  log(fetched ? `ElasticMQ ${ELASTICMQ_VERSION}: fetched ${fetched} jar(s) into ${home}` : `ElasticMQ ${ELASTICMQ_VERSION}: cached in ${home}`);
  return jars;
}

export type ElasticMqOptions = {
  /** The java binary (JAVA, or `java` on PATH). */
  java?: string;
  home?: string;
  /** Heap ceiling; 10,000 small messages need far less. */
  maxHeap?: string;
};

/**
 * ElasticMQ, an SQS-compatible server on the JVM, on a free port with no predefined queue (callers
 * create theirs through the SQS API). Unlike moto it keeps each queue indexed, so a backlog of tens
 * of thousands of messages costs each receive little. Fetches the jars first when they are missing.
 */
export async function startElasticMq(o: ElasticMqOptions = {}): Promise<SqsServer> {
  const jars = await fetchElasticMq(o.home);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'conduit-elasticmq-'));
  const conf = join(dir, 'elasticmq.conf');
  writeFileSync(
    conf,
    [
      'include classpath("application.conf")',
      `node-address { protocol = http, host = 127.0.0.1, port = ${port}, context-path = "" }`,
      `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }`,
      'rest-stats { enabled = false }',
      '',
    ].join('\n'),
  );
  const java = o.java ?? process.env.JAVA ?? 'java';
  const proc = startProcess(java, [`-Xmx${o.maxHeap ?? '1g'}`, `-Dconfig.file=${conf}`, '-cp', jars.join(':'), 'org.elasticmq.server.Main']);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'ElasticMQ',
      async () => {
        if (proc.child.exitCode !== null) throw new Error(proc.output());
        const r = await fetch(`${endpoint}/?Action=ListQueues`);
        return r.ok;
      },
      60_000,
    );
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${proc.output()}`);
  }
  return { endpoint, stop };
}

// `tsx local/src/services/elasticmq.ts` fetches the jars (what .ci/run and the documented soak use).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await fetchElasticMq(elasticMqHome(), (l) => console.log(l));
}
