import { createHash } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader (npm start) sees no named exports in it.
import proto from '@temporalio/proto';

/**
 * Large payloads stored in the database, with only their key in Temporal (the "claim check").
 *
 * Temporal refuses a payload over 2 MB and a workflow task's completion over 4 MB, and a refused
 * completion is retried forever: a run whose step results add up past that never ends. A run's
 * result and its continue-as-new input hold every step's output, and one workflow task can record
 * many steps' results, so a run of a few large outputs (scripts return up to 256 KB, find_records
 * up to 1 MB, each request's body up to 64 KB) reached it, and so did a retried run's start, whose
 * input carries the outputs of the run it resumes. Every process's codec stores each payload over
 * OFFLOAD_MIN_BYTES in the database and hands Temporal a reference, and resolves references with the
 * same store (core/src/domain/temporal-payloads.ts: the table, and its pruning). One exception: a
 * schedule keeps its arguments for as long as it exists, longer than a stored payload is kept, so
 * schedules are written through a codec that never stores (readOnly; core/src/schedules). The codec
 * runs after the encryption codec, so what is stored is ciphertext when ENCRYPTION_KEY is set, as
 * Temporal's own history would be.
 */
export const OFFLOADED_ENCODING = 'binary/conduit-offloaded';
export const OFFLOAD_KEY_METADATA = 'offload-key';
/** Payloads at least this large are stored in the database; smaller ones stay in Temporal. */
export const OFFLOAD_MIN_BYTES = 128 * 1024;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const keyOf = (p: Payload) => (text(p.metadata?.encoding) === OFFLOADED_ENCODING ? (text(p.metadata?.[OFFLOAD_KEY_METADATA]) ?? '') : null);

/** Where offloaded payloads live: by key, content-addressed (the key is the data's sha256). */
export type PayloadStore = {
  put(entries: readonly { key: string; data: Buffer }[]): Promise<void>;
  get(keys: readonly string[]): Promise<Map<string, Buffer>>;
};

/** Raised for a reference whose payload is gone (pruned) or was never stored. */
export class PayloadMissingError extends Error {}

/** For a client without the database (some tests'): it can neither store a large payload nor read one. */
export const noPayloadStore: PayloadStore = {
  async put() {
    throw new Error('this Temporal client has no database to store large payloads in');
  },
  async get() {
    throw new PayloadMissingError('this Temporal client has no database to read payloads stored there: give its data converter the store');
  },
};

export class OffloadCodec implements PayloadCodec {
  /** offload: whether large payloads are stored, or only read back (readOnly). */
  constructor(
    private readonly store: PayloadStore,
    private readonly opts: { offload: boolean; minBytes?: number },
  ) {}

  /** The same store, never writing to it: for what must outlive pruning (a schedule's arguments). */
  readOnly(): OffloadCodec {
    return new OffloadCodec(this.store, { ...this.opts, offload: false });
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (!this.opts.offload) return payloads;
    const min = this.opts.minBytes ?? OFFLOAD_MIN_BYTES;
    const stored: { key: string; data: Buffer }[] = [];
    const out = payloads.map((p) => {
      if ((p.data?.length ?? 0) < min) return p;
      const data = Buffer.from(proto.temporal.api.common.v1.Payload.encode(p).finish());
      const key = createHash('sha256').update(data).digest('base64url');
      stored.push({ key, data });
      return { metadata: { encoding: utf8(OFFLOADED_ENCODING), [OFFLOAD_KEY_METADATA]: utf8(key) }, data: new Uint8Array() };
    });
    if (stored.length) await this.store.put(stored);
    return out;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    const keys = payloads.map(keyOf).filter((k): k is string => k !== null);
    if (!keys.length) return payloads;
    const found = await this.store.get([...new Set(keys)]);
    return payloads.map((p) => {
      const key = keyOf(p);
      if (key === null) return p;
      const data = found.get(key);
      if (!data) throw new PayloadMissingError(`a Temporal payload stored in the database (${key || 'no key'}) is gone: it was pruned or never written`);
      return proto.temporal.api.common.v1.Payload.decode(data);
    });
  }
}
