import { z } from 'zod';

/** The parts of an OpenAPI 3.1 document the fuzzer reads; everything else passes through. */
const SchemaObject: z.ZodType<JsonSchemaLike> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    properties: z.record(z.string(), SchemaObject).optional(),
    required: z.array(z.string()).optional(),
    items: SchemaObject.optional(),
    anyOf: z.array(SchemaObject).optional(),
    oneOf: z.array(SchemaObject).optional(),
    enum: z.array(z.unknown()).optional(),
    format: z.string().optional(),
  }),
);
export type JsonSchemaLike = {
  type?: string | string[];
  properties?: Record<string, JsonSchemaLike>;
  required?: string[];
  items?: JsonSchemaLike;
  anyOf?: JsonSchemaLike[];
  oneOf?: JsonSchemaLike[];
  enum?: unknown[];
  format?: string;
  [k: string]: unknown;
};

const Parameter = z.looseObject({
  name: z.string(),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  schema: SchemaObject.optional(),
  required: z.boolean().optional(),
});
const Operation = z.looseObject({
  parameters: z.array(Parameter).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), z.looseObject({ schema: SchemaObject.optional() })) }).optional(),
});
const OpenApiDocSchema = z.looseObject({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

export type ApiOperation = {
  method: string;
  /** OpenAPI template, e.g. /api/workspaces/{ws}/workflows/{id}. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchemaLike | undefined }>;
  body: JsonSchemaLike | undefined;
};

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document with its parameters and JSON body schema. */
export function operationsOf(doc: unknown): ApiOperation[] {
  const parsed = OpenApiDocSchema.parse(doc);
  const out: ApiOperation[] = [];
  for (const [path, ops] of Object.entries(parsed.paths)) {
    for (const [method, raw] of Object.entries(ops)) {
      if (!METHODS.has(method)) continue;
      const op = Operation.parse(raw);
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return out;
}

/** Fills an OpenAPI path template; values are URL-encoded. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? `missing-${name}`));
}

/** The JSON type a schema asks for (first of a union), for picking a wrong one. */
export function typeOf(s: JsonSchemaLike | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.enum) return typeof s.enum[0];
  const first = s.anyOf?.[0] ?? s.oneOf?.[0];
  return first ? typeOf(first) : undefined;
}
