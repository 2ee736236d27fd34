/**
 * Tracing's switch: with no OTLP endpoint nothing starts and the API stays a no-op (no recording
 * span, no traceparent on a queue message); with one, spans reach a real OTLP/HTTP receiver and a
 * queue message carries the publisher's trace context across encode/decode.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { decodeMessage, encodeMessage } from '../src/events';
import { startOtlpReceiver, type OtlpReceiver } from '@conduit/core/testing';
import { contextFromTraceparent, currentTraceparent, inSpan, startTracing, TRACE_ATTR } from '../src/tracing';

const event = { id: crypto.randomUUID(), workspaceId: crypto.randomUUID() };

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('starts no SDK: spans do not record and messages carry no trace context', async () => {
    expect(await startTracing(loadConfig({}), 'conduit-test')).toBeNull();
    expect(await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }), 'conduit-test')).toBeNull();
    await inSpan('ingress', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(trace.getActiveSpan()?.spanContext().traceId ?? '0'.repeat(32)).toBe('0'.repeat(32));
      expect(currentTraceparent()).toBeUndefined();
      expect(JSON.parse(encodeMessage(event))).toEqual({ eventId: event.id, workspaceId: event.workspaceId });
    });
  });

  it('refuses an endpoint that is not a URL', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

describe('tracing on', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('exports spans over OTLP/HTTP and carries the trace through a queue message', async () => {
    const tracing = await startTracing(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=acme, x-api-key=k%3Dv' }),
      'conduit-test',
    );
    expect(tracing).not.toBeNull();
    try {
      const { traceId, spanId, body } = await inSpan('publish', { attributes: { [TRACE_ATTR.eventId]: event.id } }, async (span) => ({
        ...span.spanContext(),
        body: encodeMessage(event),
      }));
      const message = decodeMessage(body);
      expect(message?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      // The consumer's span continues the publisher's trace, as a child of the publishing span.
      await inSpan('consume', { parent: contextFromTraceparent(message?.traceparent) }, async () => {});
      await tracing!.flush();
      const publish = receiver.spans.find((s) => s.name === 'publish');
      const consume = receiver.spans.find((s) => s.name === 'consume');
      expect(publish).toMatchObject({ traceId, spanId, service: 'conduit-test', attrs: { [TRACE_ATTR.eventId]: event.id } });
      expect(consume).toMatchObject({ traceId, parentSpanId: spanId });
      expect(receiver.headers[0]).toMatchObject({ 'x-team': 'acme', 'x-api-key': 'k=v' });
    } finally {
      await tracing!.shutdown();
    }
    // Shut down, the API is the no-op again.
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
  });
});
