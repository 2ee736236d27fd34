/**
 * The finishing pass over the document the route schemas generate: what holds for every operation
 * (refusals, identifiers, the request guard's string rules) is declared here once rather than on
 * 71 routes, and the 405 answer for a known path reads the same document.
 */
import type { Context } from 'hono';

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; parameters?: Json[]; requestBody?: Json; responses: Record<string, Json>; security?: unknown[] };
export type OpenApiDocument = Json & { paths: Record<string, Record<string, Operation>>; components?: Json & { schemas?: Record<string, Json> } };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * What jsonGuard (body-guard.ts) and paramGuard refuse, as JSON Schema: no U+0000 in any string
 * (PostgreSQL text and jsonb cannot hold it) and no prototype-reaching key.
 */
const NO_NUL_PATTERN = '^[^\\u0000]*$';
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const KEY_SCHEMA = { type: 'string', pattern: NO_NUL_PATTERN, not: { enum: [...FORBIDDEN_KEYS] } };
/** Any JSON value the API stores: recursive, with the same string and key rules. */
const JSON_VALUE_ID = 'JsonValue';
const JSON_VALUE_SCHEMA = {
  description: 'any JSON value; strings and keys without U+0000, keys other than __proto__, constructor and prototype',
  anyOf: [
    { type: 'null' },
    { type: 'boolean' },
    { type: 'number' },
    { type: 'string', pattern: NO_NUL_PATTERN },
    { type: 'array', items: { $ref: `#/components/schemas/${JSON_VALUE_ID}` } },
    { type: 'object', propertyNames: KEY_SCHEMA, additionalProperties: { $ref: `#/components/schemas/${JSON_VALUE_ID}` } },
  ],
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const refusal = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_REF } } });
const REFUSALS = {
  400: 'invalid input; `error.path` names the field (path and query parameters included)',
  401: 'no session or API key where one is needed, or one that is unknown, expired or revoked (refused on every route)',
  403: 'the caller may not do this (a member on an admin operation, or a key on a people-only one)',
  404: 'no such workspace or resource in it (other workspaces’ ids included)',
  405: 'the path exists, the method does not (`Allow` lists the methods it has)',
  413: 'body larger than 1 MiB',
  415: 'body is not application/json',
  503: 'the database cannot be reached (`database_unavailable`) or its disk is full (`disk_full`); nothing was changed, `Retry-After` says when to try again (any route that reads or writes data)',
} as const;

/** A readable, stable operationId: method and path words, parameters as `By<Name>` (routes may set their own). */
function deriveOperationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .replace(/^workspaces\/\{ws\}\/?/, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith('{') ? `By${w[1]!.toUpperCase()}${w.slice(2, -1)}` : w));
  return [method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/** Walks a request-side schema: strings get the NUL rule, free JSON values become JsonValue, record keys the key rule. */
function tightenRequestSchema(schema: unknown, refs: Set<string>): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    refs.add(s.$ref.replace('#/components/schemas/', ''));
    return s;
  }
  // `z.unknown()` comes out as a schema with no type: any JSON value.
  const keys = Object.keys(s).filter((k) => k !== 'description' && k !== 'default' && k !== 'examples' && k !== 'example');
  if (keys.length === 0) return { $ref: `#/components/schemas/${JSON_VALUE_ID}`, ...(s.description ? { description: s.description } : {}) };
  const out: Json = { ...s };
  if ((s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'))) && !s.pattern && !s.enum && !s.const && !s.format)
    out.pattern = NO_NUL_PATTERN;
  if (s.type === 'object') {
    // Keys: the guard's rule. Undeclared fields are taken (and ignored) by the routes, so they may
    // be any JSON value the guard lets through.
    out.propertyNames = { ...KEY_SCHEMA, ...(s.propertyNames as Json | undefined) };
    if (s.additionalProperties === undefined) out.additionalProperties = { $ref: `#/components/schemas/${JSON_VALUE_ID}` };
  }
  for (const k of ['properties', 'patternProperties'] as const) {
    if (s[k] && typeof s[k] === 'object') out[k] = Object.fromEntries(Object.entries(s[k] as Json).map(([n, v]) => [n, tightenRequestSchema(v, refs)]));
  }
  for (const k of ['items', 'additionalProperties', 'not'] as const) if (s[k] && typeof s[k] === 'object') out[k] = tightenRequestSchema(s[k], refs);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const)
    if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map((x) => tightenRequestSchema(x, refs));
  return out;
}

/** Links between operations, so a client (or a stateful fuzzer) can follow created ids to real objects. */
type LinkSpec = { from: string; status: string; name: string; to: string; parameters: Record<string, string>; description: string };
const ws = '$request.path.ws';
const LINKS: LinkSpec[] = [
  ...(
    [
      ['GetWorkflow', 'getWorkflow'],
      ['UpdateWorkflow', 'updateWorkflow'],
      ['PublishWorkflow', 'publishWorkflow'],
      ['TestWorkflow', 'testWorkflow'],
      ['ListVersions', 'listWorkflowVersions'],
      ['DeleteWorkflow', 'deleteWorkflow'],
    ] as const
  ).map(([name, to]) => ({
    from: 'createWorkflow',
    status: '201',
    name,
    to,
    parameters: { ws, id: '$response.body#/id' },
    description: 'the workflow just created',
  })),
  ...(
    [
      ['GetRecord', 'getRecord'],
      ['UpdateRecord', 'updateRecord'],
      ['DeleteRecord', 'deleteRecord'],
    ] as const
  ).map(([name, to]) => ({
    from: 'createRecord',
    status: '201',
    name,
    to,
    parameters: { ws, object: '$request.path.object', id: '$response.body#/id' },
    description: 'the record just created',
  })),
  ...(['testWorkflow', 'runWorkflow', 'retryExecution'] as const).flatMap((from) =>
    (
      [
        ['GetExecution', 'getExecution'],
        ['CancelExecution', 'cancelExecution'],
      ] as const
    ).map(([name, to]) => ({ from, status: '201', name, to, parameters: { ws, id: '$response.body#/id' }, description: 'the run just started' })),
  ),
  ...(
    [
      ['GetEvent', 'getEvent'],
      ['ReplayEvent', 'replayEvent'],
    ] as const
  ).map(([name, to]) => ({
    from: 'listEvents',
    status: '200',
    name,
    to,
    parameters: { ws, id: '$response.body#/items/0/id' },
    description: 'the newest event of the page',
  })),
  {
    from: 'replayEvent',
    status: '202',
    name: 'GetEvent',
    to: 'getEvent',
    parameters: { ws, id: '$response.body#/event/id' },
    description: 'the event dispatched again (itself, or its fresh copy)',
  },
  {
    from: 'listExecutions',
    status: '200',
    name: 'GetExecution',
    to: 'getExecution',
    parameters: { ws, id: '$response.body#/items/0/id' },
    description: 'the newest run of the page',
  },
  {
    from: 'publishWorkflow',
    status: '200',
    name: 'GetVersion',
    to: 'getWorkflowVersion',
    parameters: { ws, id: '$response.body#/workflow/id', version: '$response.body#/version/version' },
    description: 'the version just published',
  },
];

/**
 * The finished document: every operation has an operationId and declares the refusals it can
 * answer, request strings and JSON values carry the request guard's rules, and links connect
 * created objects to the operations that use them.
 */
export function finishDocument(generated: object): OpenApiDocument {
  const doc = structuredClone(generated) as OpenApiDocument;
  doc.components ??= {};
  doc.components.schemas ??= {};
  const schemas = doc.components.schemas;
  schemas[JSON_VALUE_ID] = JSON_VALUE_SCHEMA;
  const byId = new Map<string, Operation>();
  // Components a request uses get the same rules (what a response shows of them was stored, so holds them too).
  const refs = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const methods = Object.keys(item).filter((m) => (HTTP_METHODS as readonly string[]).includes(m));
    for (const method of methods) {
      const op = item[method]!;
      op.operationId ??= deriveOperationId(method, path);
      if (byId.has(op.operationId)) throw new Error(`duplicate operationId ${op.operationId} (${method.toUpperCase()} ${path})`);
      byId.set(op.operationId, op);
      for (const p of op.parameters ?? []) p.schema = tightenRequestSchema(p.schema, refs);
      const media = (op.requestBody?.content as Record<string, Json> | undefined)?.['application/json'];
      if (media?.schema) media.schema = tightenRequestSchema(media.schema, refs);
      // The routes read a missing body as `{}`: a body with no required field may be left out.
      const bodySchema = media?.schema as Json | undefined;
      const resolved = typeof bodySchema?.$ref === 'string' ? doc.components?.schemas?.[bodySchema.$ref.replace('#/components/schemas/', '')] : bodySchema;
      if (op.requestBody && !(resolved?.required as unknown[] | undefined)?.length) op.requestBody.required = false;
      // Refusals by what the operation has: every /api route may see a bad credential; parameters
      // and bodies may be invalid; workspace routes may name an unknown workspace or resource.
      const has = (code: number) => code in op.responses;
      const add = (code: keyof typeof REFUSALS) => {
        if (!has(code)) op.responses[code] = refusal(REFUSALS[code]);
        else if (!op.responses[code]!.content) op.responses[code] = { ...refusal(String(op.responses[code]!.description ?? REFUSALS[code])) };
      };
      add(401);
      if (op.parameters?.length || op.requestBody) add(400);
      if (path.includes('{')) add(404);
      if (op.requestBody) {
        add(413);
        add(415);
      }
      // Every route reads the database (a session or key at least); a route that documents its own 503
      // (Temporal unreachable) has the database's reasons added to it.
      if (has(503) && op.responses[503]!.description && !String(op.responses[503]!.description).includes('database_unavailable'))
        op.responses[503] = refusal(`${String(op.responses[503]!.description)}; or ${REFUSALS[503]}`);
      else add(503);
      for (const [code, r] of Object.entries(op.responses)) {
        if (Number(code) >= 400 && !r.content) op.responses[code] = refusal(String(r.description ?? 'refused'));
      }
    }
  }
  const done = new Set([JSON_VALUE_ID]);
  for (let name = [...refs].find((r) => !done.has(r)); name; name = [...refs].find((r) => !done.has(r))) {
    done.add(name);
    if (schemas[name]) schemas[name] = tightenRequestSchema(schemas[name], refs) as Json;
  }
  nullableRefs(doc);
  for (const l of LINKS) {
    const from = byId.get(l.from);
    if (!from || !byId.has(l.to)) throw new Error(`link ${l.name}: no operation ${from ? l.to : l.from}`);
    const res = from.responses[l.status];
    if (!res) throw new Error(`link ${l.name}: ${l.from} has no ${l.status} response`);
    res.links = { ...(res.links as Json | undefined), [l.name]: { operationId: l.to, parameters: l.parameters, description: l.description } };
  }
  return doc;
}

/**
 * The generator writes a nullable registered schema as `allOf: [$ref, { type: [object, null] }]`,
 * which null cannot satisfy (it fails the $ref); `anyOf: [$ref, null]` says what is meant.
 */
function nullableRefs(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) nullableRefs(n);
    return;
  }
  const s = node as Json;
  const all = s.allOf as Json[] | undefined;
  if (
    all?.length === 2 &&
    typeof all[0]?.$ref === 'string' &&
    Array.isArray(all[1]?.type) &&
    (all[1].type as string[]).includes('null') &&
    Object.keys(all[1]).length === 1
  ) {
    delete s.allOf;
    s.anyOf = [all[0], { type: 'null' }];
  }
  for (const v of Object.values(s)) nullableRefs(v);
}

/** Path templates of the document as matchers, with the methods each declares (for 405 answers). */
export function methodTable(doc: OpenApiDocument): Array<{ match: RegExp; allow: string[] }> {
  return Object.entries(doc.paths).map(([path, item]) => ({
    match: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    allow: Object.keys(item)
      .filter((m) => (HTTP_METHODS as readonly string[]).includes(m))
      .map((m) => m.toUpperCase()),
  }));
}

/** 405 with `Allow` when the path is one of the document's and the method is not; null otherwise. */
export function methodNotAllowed(c: Context, table: Array<{ match: RegExp; allow: string[] }>): Response | null {
  const hit = table.find((t) => t.match.test(c.req.path));
  if (!hit || hit.allow.includes(c.req.method)) return null;
  c.header('Allow', hit.allow.join(', '));
  return c.json({ error: { code: 'method_not_allowed', message: `${c.req.method} is not allowed here; use ${hit.allow.join(' or ')}` } }, 405);
}
