import { ConduitApi } from '../targets/conduit/api';
import { startConduit, startEmbedded, type ConduitOptions, type ConduitStack, type EmbeddedStack } from '../targets/conduit/stack';
import { SINK_OBJECT } from './definitions';
import type { Ctx } from './context';

export type Session = { stack: ConduitStack; api: ConduitApi };

/** A fresh Conduit stack, logged in as the demo admin; always stopped, whatever `fn` does. */
export async function withConduit<T>(ctx: Ctx, fn: (s: Session) => Promise<T>, opts: ConduitOptions = {}): Promise<T> {
  const t0 = Date.now();
  const stack = await startConduit(ctx.pgUrl, opts);
  try {
    ctx.log(`  conduit stack up in ${Date.now() - t0} ms at ${stack.url}`);
    const api = await ConduitApi.login(stack.url, stack.login);
    return await fn({ stack, api });
  } finally {
    await stack.stop();
  }
}

export type EmbeddedSession = { stack: EmbeddedStack; api: ConduitApi };

/** A fresh embedded stack as `npm start` runs it (PGlite, in-process queue), logged in; always stopped. */
export async function withEmbedded<T>(ctx: Ctx, fn: (s: EmbeddedSession) => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const stack = await startEmbedded();
  try {
    ctx.log(`  embedded stack (npm start) up in ${Date.now() - t0} ms at ${stack.url}`);
    const api = await ConduitApi.login(stack.url, stack.login);
    return await fn({ stack, api });
  } finally {
    await stack.stop();
  }
}

/** `count` sink records to write into (one per concurrent client avoids a single hot row). */
export async function sinkRecords(api: ConduitApi, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await api.createRecord(SINK_OBJECT, { n: 0, i }));
  return ids;
}
