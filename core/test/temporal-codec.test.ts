import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../src/config';
import { derivePayloadKey, EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, payloadCodecFromConfig } from '../src/temporal-codec';

const KEY_1 = randomBytes(32).toString('base64');
const KEY_2 = randomBytes(32).toString('hex');
const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const MARKER = 'marker-7f3a-customer@example.com';

describe('Temporal payload codec', () => {
  it('encrypts: no clear text, encoding and key id in the metadata, and back again', async () => {
    const codec = new EncryptionCodec(KEY_1);
    const plain = defaultPayloadConverter.toPayload({ email: MARKER });
    const [enc] = await codec.encode([plain]);
    expect(text(enc!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc!.metadata![KEY_ID_METADATA])).toBe(codec.keyId);
    expect(Buffer.from(enc!.data!).includes(MARKER)).toBe(false);
    expect(Buffer.from(enc!.data!).toString('base64')).not.toContain(Buffer.from(MARKER).toString('base64'));
    const [dec] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual({ email: MARKER });
    // A fresh IV each time: the same value never gives the same bytes.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(enc!.data!))).toBe(false);
  });

  it('derives its key from ENCRYPTION_KEY with HKDF: not the raw key, stable, distinct per key', () => {
    const a = derivePayloadKey(KEY_1);
    expect(a.key.equals(Buffer.from(KEY_1, 'base64'))).toBe(false);
    expect(derivePayloadKey(KEY_1).id).toBe(a.id);
    expect(derivePayloadKey(KEY_2).id).not.toBe(a.id);
    expect(() => derivePayloadKey('short')).toThrow(/32 bytes/);
  });

  it('passes payloads it did not encrypt through (histories recorded before encryption, replay fixtures)', async () => {
    const codec = new EncryptionCodec(KEY_1);
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('after a rotation, decrypts with an old key and encrypts with the new one only', async () => {
    const before = new EncryptionCodec(KEY_1);
    const [old] = await before.encode([defaultPayloadConverter.toPayload(MARKER)]);
    const after = new EncryptionCodec(KEY_2, [KEY_1]);
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toBe(MARKER);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload('new')]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(derivePayloadKey(KEY_2).id);
    // Without the old key, a clear refusal that says what to configure.
    await expect(new EncryptionCodec(KEY_2).decode([old!])).rejects.toThrow(/ENCRYPTION_KEYS_OLD/);
  });

  it('refuses altered bytes and a relabelled key id', async () => {
    const codec = new EncryptionCodec(KEY_1, [KEY_2]);
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(MARKER)]);
    const flipped = Buffer.from(enc!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...enc!, data: flipped }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    const relabelled = { ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode(derivePayloadKey(KEY_2).id) } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/does not open/);
  });

  it('is on whenever ENCRYPTION_KEY is set; old keys come from ENCRYPTION_KEYS_OLD (comma-separated)', async () => {
    expect(payloadCodecFromConfig(loadConfig({}))).toBeNull();
    const codec = payloadCodecFromConfig(loadConfig({ ENCRYPTION_KEY: KEY_2, ENCRYPTION_KEYS_OLD: ` ${KEY_1} , ` }));
    const [old] = await new EncryptionCodec(KEY_1).encode([defaultPayloadConverter.toPayload(1)]);
    expect(defaultPayloadConverter.fromPayload((await codec!.decode([old!]))[0]!)).toBe(1);
  });
});
