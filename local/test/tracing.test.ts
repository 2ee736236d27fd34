/**
 * Tracing end to end: the whole stack with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real OTLP/HTTP
 * receiver (core's test receiver: node:http, decoding the exporter's JSON). One webhook call must give one
 * trace whose spans go ingress → dispatch → start run → Temporal start → workflow → activity, each
 * the child of the one before, with the execution and event ids on them. On SQS (moto) the dispatch
 * runs in the consumer's poll loop, outside the request: only the message's traceparent links it.
 */
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@conduit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signIn, postHook, type ApiClient } from '../src/testing/api-client';
import { testEnv } from '../src/testing/env';
import { startStack, type TestStack } from '../src/testing/stack';

async function eventually<T>(what: string, fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A fresh queue on moto, through SQS's JSON protocol (the SDK is core's dependency, not this package's). */
async function createQueue(): Promise<{ SQS_ENDPOINT: string; SQS_QUEUE_URL: string }> {
  const endpoint = testEnv.sqsEndpoint();
  const r = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.CreateQueue',
      // moto serves every service on one port and routes by the credential scope; it checks no signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ QueueName: `traced-${crypto.randomUUID()}` }),
  });
  const { QueueUrl } = z.object({ QueueUrl: z.string().url() }).parse(await r.json());
  return { SQS_ENDPOINT: endpoint, SQS_QUEUE_URL: QueueUrl };
}

describe.each(['in-process', 'sqs'] as const)('tracing over OTLP/HTTP, %s queue', (queue) => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const sqs = queue === 'sqs' ? await createQueue() : {};
    stack = await startStack({ env: { ...process.env, ...sqs, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: '' } });
    api = await signIn(stack.url, stack.login);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('one webhook gives one trace from the ingress to the activity, with the run and event ids', { timeout: 150_000 }, async () => {
    const wf = await api.createWorkflow({
      name: 'Traced signup',
      trigger: { type: 'webhook' },
      actions: [{ id: 'save', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } }],
    });
    const { workflow } = await api.activate(wf.id);
    const hook = await postHook(stack.url, workflow.hookPath!, { email: 'trace@example.com' });
    expect(hook.status).toBe(202);
    const eventId = hook.eventId!;
    const [run] = await api.waitForRuns(wf.id, 1);
    expect(run?.status).toBe('completed');
    const executionId = run!.id;

    const byName = (name: string, pred: (s: ReceivedSpan) => boolean = () => true) => receiver.spans.find((s) => s.name === name && pred(s));
    const ingress = await eventually('the ingress span', () => byName('POST /hooks/:id', (s) => s.attrs['conduit.event_id'] === eventId));
    const inTrace = (s: ReceivedSpan) => s.traceId === ingress.traceId;
    // The activity span ends last: once it is here, the rest of the trace is too.
    const activity = await eventually('an activity span', () => receiver.spans.find((s) => inTrace(s) && s.name.startsWith('RunActivity:')));

    const dispatch = byName('dispatch event', inTrace);
    const startRun = byName('start run', inTrace);
    const temporalStart = byName('StartWorkflow:runWorkflow', inTrace);
    const workflowSpan = byName('RunWorkflow:runWorkflow', inTrace);
    const scheduled = receiver.spans.find((s) => inTrace(s) && s.spanId === activity.parentSpanId);

    // Parent links: each stage is the child of the one before it, across the queue and Temporal.
    expect(ingress.parentSpanId ?? '').toBe('');
    expect(dispatch?.parentSpanId).toBe(ingress.spanId);
    expect(startRun?.parentSpanId).toBe(dispatch?.spanId);
    expect(temporalStart?.parentSpanId).toBe(startRun?.spanId);
    expect(workflowSpan?.parentSpanId).toBe(temporalStart?.spanId);
    expect(scheduled?.name).toMatch(/^StartActivity:/);
    expect(scheduled?.parentSpanId).toBe(workflowSpan?.spanId);

    // The run's and the event's ids on every stage that knows them.
    expect(ingress.attrs['conduit.workflow_id']).toBe(wf.id);
    expect(dispatch?.attrs['conduit.event_id']).toBe(eventId);
    expect(startRun?.attrs).toMatchObject({ 'conduit.event_id': eventId, 'conduit.execution_id': executionId });
    expect(workflowSpan?.attrs).toMatchObject({ 'conduit.event_id': eventId, 'conduit.execution_id': executionId });
    expect(activity.attrs).toMatchObject({ 'conduit.event_id': eventId, 'conduit.execution_id': executionId });
    expect(ingress.service).toBe('conduit');
    expect(workflowSpan?.service).toBe('conduit');
  });
});
