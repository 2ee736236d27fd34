import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const AnyValue = z.object({ stringValue: z.string().optional() }).loose();
const KeyValues = z.array(z.object({ key: z.string(), value: AnyValue })).default([]);
const OtlpSpan = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.number(),
  attributes: KeyValues,
});
/** The OTLP/HTTP JSON encoding of ExportTraceServiceRequest (the parts the tests read). */
const ExportTraceRequest = z.object({
  resourceSpans: z.array(
    z.object({ resource: z.object({ attributes: KeyValues }).loose(), scopeSpans: z.array(z.object({ spans: z.array(OtlpSpan).default([]) }).loose()) }),
  ),
});

export type ReceivedSpan = Omit<z.infer<typeof OtlpSpan>, 'attributes'> & {
  /** `service.name` of the span's resource. */
  service: string | undefined;
  /** String attributes by key. */
  attrs: Record<string, string | undefined>;
};

export type OtlpReceiver = {
  url: string;
  spans: ReceivedSpan[] /** The headers of each export request. */;
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
};

/**
 * A real OTLP/HTTP traces endpoint for tests: POST /v1/traces with the exporter's JSON body, every
 * span kept, flattened, in `spans`. Point OTEL_EXPORTER_OTLP_ENDPOINT at `url`.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      headers.push(req.headers);
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const body = ExportTraceRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (!body.success) {
        res.writeHead(400).end();
        return;
      }
      for (const rs of body.data.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans)
          for (const { attributes, ...s } of ss.spans)
            spans.push({ ...s, service, attrs: Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue])) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    headers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
