import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config';

export { RUN_ATTRIBUTES_HEADER, TRACE_ATTR } from './attributes';
export { SpanKind };

/** A started tracing SDK: spans of this process go over OTLP/HTTP through one batch processor. */
export type Tracing = {
  /** The worker exports the workflow sandbox's spans (a Temporal sink) through it too. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still batched (a Lambda calls it before it answers: a frozen process sends nothing). */
  flush(): Promise<void>;
  /** Flushes, stops the SDK and puts the no-op API back. */
  shutdown(): Promise<void>;
};

export type TracingConfig = Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'> & Partial<Pick<Config, 'OTEL_EXPORTER_OTLP_HEADERS'>>;

export const tracingEnabled = (config: TracingConfig): boolean => Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT);

/**
 * Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set, and registers it as the
 * process's tracer provider with W3C trace context propagation. Without it nothing is loaded (the
 * SDK modules are imported here, on demand) and the API stays the no-op it is by default: spans
 * are non-recording and nothing is propagated.
 */
export async function startTracing(config: TracingConfig, serviceName: string): Promise<Tracing | null> {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME || serviceName });
  // The generic OTLP endpoint is a base URL; the traces path is appended as the OTLP spec says.
  // Headers from the configuration, not the exporter's own read of process.env: a Lambda's come from its secret.
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, headers: parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS) });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** `k=v,k2=v2` (values URL-encoded) as the OTLP exporter spec writes OTEL_EXPORTER_OTLP_HEADERS. */
function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/**
 * Runs `fn` in a new active span (a child of `parent`, or of the active span), ended when `fn`
 * settles and marked as an error when it throws. With tracing off the span is the API's no-op one.
 */
export function inSpan<T>(
  name: string,
  opts: { attributes?: Attributes; kind?: SpanKind; parent?: Context | undefined },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const spanOpts = { kind: opts.kind ?? SpanKind.INTERNAL, ...(opts.attributes ? { attributes: opts.attributes } : {}) };
  return trace.getTracer('conduit').startActiveSpan(name, spanOpts, opts.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The W3C `traceparent` of the active span, to carry across a queue; undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` from a queue message continues (undefined without one). */
export function contextFromTraceparent(traceparent: string | undefined): Context | undefined {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : undefined;
}
