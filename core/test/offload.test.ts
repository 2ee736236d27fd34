import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultPayloadConverter, defaultDataConverter, type Payload } from '@temporalio/common';
import { companies, eq, sql, temporalPayloads, workflowExecutions, workflows, workspaces, type DbHandle } from '@conduit/core/testing';
import { dbPayloadStore, pruneStoredPayloads } from '@conduit/core/domain';
import {
  decodePayloads as decode,
  encodePayloads as encode,
  neverStoring,
  noPayloadStore,
  OFFLOAD_MIN_BYTES,
  OFFLOADED_ENCODING,
  PayloadMissingError,
  temporalDataConverter,
  workerDataConverter,
} from '@conduit/core/temporal-codec';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

const KEY = { ENCRYPTION_KEY: 'c'.repeat(64), ENCRYPTION_KEYS_OLD: [] };
const converter = new DefaultPayloadConverter();

const encoding = (p: Payload) => new TextDecoder().decode(p.metadata?.encoding);

describe.each(TEST_DB_KINDS)('Temporal payloads stored in the database (%s)', (kind) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb(kind);
  });
  afterAll(async () => h?.close());

  it('stores a large payload encrypted and hands Temporal only its key; a small one stays as it is', async () => {
    const worker = workerDataConverter(KEY, dbPayloadStore(h.db));
    const client = temporalDataConverter(KEY, dbPayloadStore(h.db));
    const big = { text: 'secret-marker '.repeat(20_000) };
    const small = { n: 1 };
    const out = await encode(worker, [converter.toPayload(big), converter.toPayload(small)]);
    expect(encoding(out[0]!)).toBe(OFFLOADED_ENCODING);
    expect(out[0]!.data?.length ?? 0).toBe(0);
    expect(encoding(out[1]!)).toBe('binary/encrypted');
    // What the database holds is the encrypted payload, not the text.
    const rows = await h.db.select().from(temporalPayloads);
    const row = rows.find((r) => r.data.length > OFFLOAD_MIN_BYTES)!;
    expect(row).toBeDefined();
    expect(Buffer.from(row.data).includes('secret-marker')).toBe(false);
    // A client (the API, the dispatcher) reads it back with the same store.
    const back = await decode(client, out);
    expect(converter.fromPayload(back[0]!)).toEqual(big);
    expect(converter.fromPayload(back[1]!)).toEqual(small);
    // A client stores what it sends too (a retried run's start carries earlier outputs)...
    const sent = await encode(client, [converter.toPayload({ start: big })]);
    expect(encoding(sent[0]!)).toBe(OFFLOADED_ENCODING);
    expect(converter.fromPayload((await decode(worker, sent))[0]!)).toEqual({ start: big });
    // ...except through the schedules' converter: a schedule's arguments outlive any pruning. It
    // still reads what was stored.
    const schedules = neverStoring({ ...defaultDataConverter, payloadCodecs: client.payloadCodecs! });
    const kept = await encode(schedules, [converter.toPayload({ schedule: big })]);
    expect(encoding(kept[0]!)).toBe('binary/encrypted');
    expect(converter.fromPayload((await decode(schedules, out))[0]!)).toEqual(big);
  });

  it('says so when a stored payload is gone', async () => {
    const worker = workerDataConverter(KEY, dbPayloadStore(h.db));
    const out = await encode(worker, [converter.toPayload('y'.repeat(OFFLOAD_MIN_BYTES * 2))]);
    await h.db.delete(temporalPayloads);
    await expect(decode(worker, out)).rejects.toBeInstanceOf(PayloadMissingError);
    // Without a store (some tests' clients), the same clear error.
    await expect(decode(temporalDataConverter(KEY, noPayloadStore), out)).rejects.toThrow(/no database/);
  });

  it('prunes a stored payload only once it is a week old and older than every open run', async () => {
    await h.db.delete(temporalPayloads);
    const [w] = await h.db
      .insert(workspaces)
      .values({ name: 'p', slug: `p-${Date.now()}` })
      .returning();
    const [c] = await h.db.insert(companies).values({ workspaceId: w!.id, name: 'p' }).returning();
    const [wf] = await h.db
      .insert(workflows)
      .values({ workspaceId: w!.id, companyId: c!.id, name: 'Flow', trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    const store = dbPayloadStore(h.db);
    const put = async (key: string, ageDays: number) => {
      await store.put([{ key, data: Buffer.from(key) }]);
      await h.db.execute(sql`update ${temporalPayloads} set stored_at = now() - make_interval(days => ${ageDays}::int) where key = ${key}`);
    };
    await put('ten-days', 10);
    await put('eight-days', 8);
    await put('one-day', 1);
    // A run open for nine days (a long wait): what it stored since it began must stay.
    const [run] = await h.db
      .insert(workflowExecutions)
      .values({ workspaceId: w!.id, workflowId: wf!.id, status: 'running', temporalWorkflowId: `t-${Date.now()}` })
      .returning();
    await h.db.execute(sql`update ${workflowExecutions} set created_at = now() - make_interval(days => 9) where id = ${run!.id}`);
    const keys = async () => (await h.db.select({ key: temporalPayloads.key }).from(temporalPayloads)).map((r) => r.key).sort();

    expect(await pruneStoredPayloads(h.db)).toBe(1);
    expect(await keys()).toEqual(['eight-days', 'one-day']);
    // Stored again (the same content written by a later run): its time moves on.
    await store.put([{ key: 'eight-days', data: Buffer.from('eight-days') }]);
    await h.db.update(workflowExecutions).set({ status: 'completed' }).where(eq(workflowExecutions.id, run!.id));
    expect(await pruneStoredPayloads(h.db)).toBe(0);
    await h.db.execute(sql`update ${temporalPayloads} set stored_at = now() - make_interval(days => 8) where key = 'eight-days'`);
    expect(await pruneStoredPayloads(h.db)).toBe(1);
    expect(await keys()).toEqual(['one-day']);
  });
});
