import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';

/**
 * PGlite in a worker thread (pglite-thread.mjs), spoken to in PostgreSQL's wire protocol: node-postgres
 * gets a connection whose bytes go to the thread instead of a socket, as PGlite's own node-postgres
 * adapter does in-thread. On `npm start` the web server, the dispatcher and the worker share one
 * event loop; the database's WebAssembly work now runs beside them on the second core.
 */
export type PgliteThread = {
  /** Sends protocol messages; resolves with the complete answer (every message up to ReadyForQuery). */
  exchange(bytes: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
};

type Reply = { id: number; data: Uint8Array | null; error?: { message: string; code?: string } };

const SCRIPT = fileURLToPath(new URL('./pglite-thread.mjs', import.meta.url));

/** Opens PGlite on `dir` (in memory when undefined) in a thread, with `startParams` added to its defaults. */
export async function startPgliteThread(dir: string | undefined, startParams: string[]): Promise<PgliteThread> {
  const worker = new Worker(SCRIPT, { workerData: { dir, startParams } });
  const waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  let next = 0;
  let dead: Error | null = null;
  const failAll = (e: Error) => {
    dead = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { kind: string; error?: { message: string } }) => {
      if (m.kind === 'ready') resolve();
      else reject(new Error(m.error?.message ?? 'the embedded database did not start'));
    });
  });
  // The thread keeps the process alive only while an answer is awaited, as a socket with a query in
  // flight would: an embedded database left open does not hold a finished script or test open.
  worker.unref();
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (waiting.size === 0) worker.unref();
    if (m.error) w.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
    else w.resolve(m.data ?? new Uint8Array(0));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`Connection terminated unexpectedly: the embedded database's thread exited (${code})`)));
  const send = (msg: { kind: 'protocol'; data: Uint8Array } | { kind: 'close' }) =>
    new Promise<Uint8Array>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = next++;
      if (waiting.size === 0) worker.ref();
      waiting.set(id, { resolve, reject });
      if (msg.kind === 'protocol') worker.postMessage({ id, ...msg }, [msg.data.buffer as ArrayBuffer]);
      else worker.postMessage({ id, ...msg });
    });
  return {
    exchange: (bytes) => send({ kind: 'protocol', data: bytes }),
    async close() {
      if (dead) return;
      await send({ kind: 'close' });
      await worker.terminate();
    },
  };
}

type Message = { name: string };

/**
 * What node-postgres's Client expects of its Connection, over the thread. The extended-query messages
 * pg writes for one query (parse, bind, describe, execute) are held and sent with its Sync (or Flush)
 * as one exchange, as a socket would carry them in one write: one trip to the thread per query.
 */
export class PgliteThreadConnection extends EventEmitter {
  _connecting = false;
  readonly stream = { destroy: () => this.end() };
  parsedStatements = {};
  submittedNamedStatements = {};
  #pending: Buffer[] = [];
  readonly #parser = new Parser();
  #chain: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(private readonly thread: PgliteThread) {
    super();
  }

  connect(): void {
    this._connecting = true;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  #hold(b: Buffer): void {
    this.#pending.push(b);
  }

  #send(): void {
    if (this.#pending.length === 0) return;
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    // A copy the thread may own: pg's serializer reuses its buffer.
    const own = new Uint8Array(bytes);
    // Sent at once (the thread answers in order); the answers are read in the order they were asked.
    const answered = this.thread.exchange(own);
    answered.catch(() => {}); // read in turn below; not unhandled while earlier answers are awaited
    this.#chain = this.#chain
      .then(() => answered)
      .then((answer) => {
        if (this.#ended) return;
        this.#parser.parse(Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength), (m: Message) => {
          this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
        });
      })
      .catch((e: unknown) => {
        if (!this.#ended) this.emit('error', e);
      });
  }

  query(text: string): void {
    this.#hold(serialize.query(text));
    this.#send();
  }
  parse(q: { name?: string; text: string; types?: unknown }): void {
    // pg passes a query's result-type parsers as `types` (drizzle sets them); only an array is parameter types.
    this.#hold(serialize.parse({ ...q, types: Array.isArray(q.types) ? (q.types as number[]) : [] }));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.#hold(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.#hold(serialize.execute(config));
  }
  describe(msg: Parameters<typeof serialize.describe>[0]): void {
    this.#hold(serialize.describe(msg));
  }
  close(msg: Parameters<typeof serialize.close>[0]): void {
    this.#hold(serialize.close(msg));
  }
  flush(): void {
    this.#hold(serialize.flush());
    this.#send();
  }
  sync(): void {
    this.#hold(serialize.sync());
    this.#send();
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#hold(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#hold(serialize.copyDone());
    this.#send();
  }
  sendCopyFail(msg: string): void {
    this.#hold(serialize.copyFail(msg));
    this.#send();
  }
  end(): void {
    this.#ended = true;
    this.#chain.then(() => this.emit('end'));
  }
  // A socket's handshake and controls: nothing to do in-process.
  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  ref(): void {}
  unref(): void {}
}

type Query = (config: unknown, values?: unknown) => Promise<unknown>;
/** What drizzle, the migrator and the callers here use of a pg Client. */
type SessionClient = EventEmitter & { query: Query; connect(): Promise<unknown>; end(): Promise<unknown> };
type Lease = { query: Query; release(err?: Error | boolean): void };

/**
 * PGlite's one session, shared the way a pg Pool would be, but without waiting for each statement's
 * answer before sending the next: a statement outside a transaction is pipelined (node-postgres's
 * pipeline mode; each ends with its own Sync, so one's error never touches another), and a
 * transaction (`connect()`, as drizzle takes one) has the session to itself from BEGIN to release;
 * statements arriving meanwhile wait, in order. Statements sent before a BEGIN run before it, as the
 * session takes them in order. The thread is then never idle while the main thread is busy.
 * The name ends in "Pool": drizzle recognizes a pool by its constructor name and takes a client
 * from it for each transaction.
 */
export class PgliteSessionPool extends EventEmitter {
  #client: Promise<SessionClient> | null = null;
  #held = false;
  #queue: Array<{ tx: boolean; go: () => void }> = [];
  #ended = false;

  constructor(private readonly makeClient: () => SessionClient) {
    super();
  }

  #session(): Promise<SessionClient> {
    if (this.#ended) return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
    if (!this.#client) {
      const client = this.makeClient();
      const opened = client.connect().then(() => {
        this.emit('connect', client);
        return client;
      });
      // A dead session (the thread gone) is replaced on the next statement.
      const drop = () => {
        if (this.#client === opened) this.#client = null;
      };
      client.on('error', (e: unknown) => {
        drop();
        this.emit('error', e, client);
      });
      client.on('end', drop);
      opened.catch(drop);
      this.#client = opened;
    }
    return this.#client;
  }

  /** Resolves when this caller may send: a statement unless a transaction holds or waits; a transaction when the session is free. */
  #turn(tx: boolean): Promise<void> {
    if (!this.#held && this.#queue.length === 0) {
      if (tx) this.#held = true;
      return Promise.resolve();
    }
    return new Promise((go) => this.#queue.push({ tx, go }));
  }

  #wake(): void {
    while (!this.#held && this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      if (next.tx) this.#held = true;
      next.go();
    }
  }

  async query(config: unknown, values?: unknown): Promise<unknown> {
    await this.#turn(false);
    const client = await this.#session();
    return client.query(config, values);
  }

  async connect(): Promise<Lease> {
    await this.#turn(true);
    let client: SessionClient;
    try {
      client = await this.#session();
    } catch (e) {
      this.#held = false;
      this.#wake();
      throw e;
    }
    let released = false;
    return {
      query: (config, values) => client.query(config, values),
      release: () => {
        if (released) return;
        released = true;
        this.#held = false;
        this.#wake();
      },
    };
  }

  async end(): Promise<void> {
    this.#ended = true;
    const client = await this.#client?.catch(() => null);
    await client?.end();
  }
}
