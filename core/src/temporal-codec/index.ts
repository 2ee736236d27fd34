import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { DataConverter, LoadedDataConverter, Payload, PayloadCodec } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader (npm start) sees no named exports in it.
import proto from '@temporalio/proto';
import type { Config } from '../config';
import { parseKey } from '../crypto/secrets';
import { OffloadCodec, type PayloadStore } from './offload';

export * from './offload';

/**
 * Temporal payload encryption. Every payload the product hands to Temporal (run input, activity
 * arguments and results, query answers, schedule arguments, memos, failure details) goes through
 * this codec, so Temporal's history holds only ciphertext.
 *
 * Format of an encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`;
 * data = 12-byte IV ‖ AES-256-GCM ciphertext of the original Payload (protobuf) ‖ 16-byte tag. The
 * key id is bound to the ciphertext as associated data, so a payload cannot be relabelled.
 *
 * Keys: derived from ENCRYPTION_KEY with HKDF-SHA256 under an info string of their own, so the raw
 * key that seals secrets at rest is never used for payloads too. The key id is a fingerprint of the
 * derived key: old keys are listed (ENCRYPTION_KEYS_OLD) without naming them.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const HKDF_INFO = 'conduit temporal payload codec v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where the API serves the codec server protocol (`<this>/decode`); the local Temporal UI is pointed at it. */
export const TEMPORAL_CODEC_PATH = '/api/temporal-codec';

type PayloadKey = { id: string; key: Buffer };

/** The payload key and its id, from one ENCRYPTION_KEY value (64 hex characters or base64 of 32 bytes). */
export function derivePayloadKey(encryptionKey: string): PayloadKey {
  const key = Buffer.from(hkdfSync('sha256', parseKey(encryptionKey), Buffer.alloc(0), HKDF_INFO, 32));
  const id = createHash('sha256').update('conduit payload key id').update(key).digest('base64url').slice(0, 12);
  return { id, key };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

/** Raised for an encrypted payload whose key is not configured (or whose bytes were altered). */
export class PayloadDecryptionError extends Error {}

export class EncryptionCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly byId: Map<string, Buffer>;

  /** current: encrypts and decrypts; old: decrypt only (payloads written before a key rotation). */
  constructor(current: string, old: readonly string[] = []) {
    this.current = derivePayloadKey(current);
    this.byId = new Map([this.current, ...old.map(derivePayloadKey)].map((k) => [k.id, k.key]));
  }

  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      cipher.setAAD(utf8(this.current.id));
      const plain = proto.temporal.api.common.v1.Payload.encode(p).finish();
      const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) }, data: body };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      // Not ours: histories recorded before encryption was on (the replay tests' fixtures), or
      // payloads written by a process without a key. Passed through for the next converter.
      if (text(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return p;
      const id = text(p.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(id);
      if (!key)
        throw new PayloadDecryptionError(
          `a Temporal payload is encrypted with key ${id || '(no id)'}, which is not configured: add the ENCRYPTION_KEY it was written with to ENCRYPTION_KEYS_OLD`,
        );
      const data = p.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('a Temporal payload is too short to be an encrypted one');
      try {
        const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        d.setAAD(utf8(id));
        d.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([d.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), d.final()]);
        return proto.temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new PayloadDecryptionError(`a Temporal payload encrypted with key ${id} does not open: it was altered or the key is wrong`);
      }
    });
  }
}

/** The codec of this process: null when ENCRYPTION_KEY is unset (then payloads travel as plain JSON). */
export function payloadCodecFromConfig(config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_OLD'>): EncryptionCodec | null {
  return config.ENCRYPTION_KEY ? new EncryptionCodec(config.ENCRYPTION_KEY, config.ENCRYPTION_KEYS_OLD) : null;
}

/**
 * The failure converter module, by path: the worker loads it, and the workflow bundle is built with it.
 * From source the .ts file; in the compiled worker (worker/scripts/build.ts) the CommonJS file beside it.
 */
export const failureConverterPath = new URL(import.meta.url.endsWith('.ts') ? './failure-converter.ts' : './failure-converter.cjs', import.meta.url).pathname;

/**
 * The data converter of every Temporal client and worker of the product (API, dispatcher, worker,
 * local launcher, bench, reliability): encryption with ENCRYPTION_KEY (without a key, payloads
 * travel as plain JSON), then large payloads stored in the database and read back from it
 * (offload.ts). Schedules write through `neverStoring` of it.
 */
export function temporalDataConverter(
  config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_OLD'>,
  // Required, so no client can forget it: a client without the database (noPayloadStore) can
  // neither store nor read a large payload, and says so when it meets one.
  store: PayloadStore,
): DataConverter {
  const codec = payloadCodecFromConfig(config);
  // Encoded in this order, decoded in the reverse: what the database stores is already encrypted.
  return { payloadCodecs: [...(codec ? [codec] : []), new OffloadCodec(store, { offload: true })] };
}

/** Runs a converter's codecs as the SDK does on the way out: first to last. */
export async function encodePayloads(converter: Pick<DataConverter, 'payloadCodecs'>, payloads: Payload[]): Promise<Payload[]> {
  for (const codec of converter.payloadCodecs ?? []) payloads = await codec.encode(payloads);
  return payloads;
}

/** Runs a converter's codecs as the SDK does on the way back: last to first. */
export async function decodePayloads(converter: Pick<DataConverter, 'payloadCodecs'>, payloads: Payload[]): Promise<Payload[]> {
  for (const codec of [...(converter.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

/** A loaded converter whose large payloads stay in Temporal (reading stored ones still works). */
export function neverStoring(converter: LoadedDataConverter): LoadedDataConverter {
  return { ...converter, payloadCodecs: converter.payloadCodecs.map((c) => (c instanceof OffloadCodec ? c.readOnly() : c)) };
}

/**
 * The worker's: the same codecs, and failures' messages moved into encrypted attributes (the
 * workflow bundle is built with the same converter: workflowBundleOptions).
 */
export function workerDataConverter(config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_OLD'>, store: PayloadStore): DataConverter {
  return { ...temporalDataConverter(config, store), failureConverterPath };
}
