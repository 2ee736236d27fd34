import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Payload } from '@temporalio/common';
import type { Config } from '@conduit/core/config';
import { dbPayloadStore, findWorkspace, findWorkspaceForUser, listUserWorkspaces } from '@conduit/core/domain';
import { decodePayloads, TEMPORAL_CODEC_PATH, temporalDataConverter } from '@conduit/core/temporal-codec';
import { requirePrincipal, type Principal } from '../http/context';
import { forbidden } from '../http/errors';
import { body, errors, json, type Api, type RouteDeps } from './common';

/**
 * The Temporal codec server protocol (what the Temporal UI and `temporal workflow show
 * --codec-endpoint` call): POST <endpoint>/decode with `{ payloads: [{ metadata: { k: base64 },
 * data: base64 }] }` (protobuf JSON), answered in the same shape with the payloads decrypted (large
 * ones read from the database first).
 */
export { TEMPORAL_CODEC_PATH };

const base64 = z.string().max(16 * 1024 * 1024);
const PayloadJsonSchema = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }).meta({ id: 'TemporalPayload' });
const PayloadsSchema = z.object({ payloads: z.array(PayloadJsonSchema).max(10_000) }).meta({ id: 'TemporalPayloads' });
type PayloadJson = z.infer<typeof PayloadJsonSchema>;

const fromJson = (p: PayloadJson): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): PayloadJson => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * CORS for the Temporal UI only (TEMPORAL_UI_URL's origin), with credentials, so the operator's
 * session cookie goes along. Any other origin gets no CORS header at all: its browser refuses to
 * hand it the answer. Mounted before the API's own middleware, so a preflight is answered here.
 */
export function temporalCodecCors(config: Pick<Config, 'TEMPORAL_UI_URL'>): MiddlewareHandler {
  const allowed = new URL(config.TEMPORAL_UI_URL).origin;
  const handler = cors({
    origin: allowed,
    credentials: true,
    allowMethods: ['POST'],
    allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'],
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.header('origin') === allowed) return handler(c, next);
    await next();
    c.header('Vary', 'Origin', { append: true });
  };
}

/**
 * Who may decode: the payloads of every workspace pass through one codec, so this is an operator's
 * tool. An admin (signed in, or an admin API key) of any workspace; when TEMPORAL_CODEC_WORKSPACE
 * names one, only that workspace's admins (a deployment that hosts other people's workspaces).
 */
async function isCodecAdmin(deps: RouteDeps, principal: Principal): Promise<boolean> {
  const only = deps.config.TEMPORAL_CODEC_WORKSPACE;
  if (principal.kind === 'api_key') {
    if (principal.key.role !== 'admin') return false;
    if (!only) return true;
    return (await findWorkspace(deps.db, only))?.id === principal.key.workspaceId;
  }
  if (only) return (await findWorkspaceForUser(deps.db, only, principal.user.id))?.role === 'admin';
  return (await listUserWorkspaces(deps.db, principal.user.id)).some((w) => w.role === 'admin');
}

export function temporalCodecRoutes(app: Api, deps: RouteDeps): void {
  // The clients' codecs: decryption, and large payloads read back from the database.
  const converter = temporalDataConverter(deps.config, dbPayloadStore(deps.db));
  app.openapi(
    createRoute({
      method: 'post',
      path: `${TEMPORAL_CODEC_PATH}/decode`,
      tags: ['operations'],
      summary: 'Decrypt Temporal payloads for the Temporal UI or CLI (codec server protocol); admins only',
      request: { body: body(PayloadsSchema) },
      responses: { 200: json(PayloadsSchema, 'the payloads, decrypted where this deployment holds the key'), ...errors },
    }),
    async (c) => {
      const principal = requirePrincipal(c);
      if (!(await isCodecAdmin(deps, principal))) throw forbidden('only admins can decode Temporal payloads');
      const { payloads } = c.req.valid('json');
      // One by one: a payload under a key no longer configured stays encrypted, a pruned one stays a
      // reference (the UI shows it so), instead of failing the whole history.
      const out = await Promise.all(
        payloads.map(async (p) => {
          const [decoded] = await decodePayloads(converter, [fromJson(p)]).catch(() => [null]);
          return decoded ? toJson(decoded) : p;
        }),
      );
      return c.json({ payloads: out }, 200);
    },
  );
}
