import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { companies, events, sql, workflowExecutions, workflows, workspaces, eq, inArray, type DbHandle } from '@conduit/core/testing';
import { decodeMessage, encodeMessage } from '@conduit/core/events';
import { createTestDb } from '@conduit/local/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, type LambdaName } from '../src/bundle';

/**
 * The bundled handlers (the files that deploy), imported into this process and called with sample
 * API Gateway, SQS and EventBridge events, against the real services the test run started:
 * PostgreSQL, the Temporal dev server, and moto for SQS and Secrets Manager. The database URL
 * reaches the handlers the cloud way: from a Secrets Manager secret named in CONDUIT_SECRET_ID.
 * (Lambdas force the Neon driver in the cloud; here DATABASE_DRIVER is unset, so the same code
 * talks to the local PostgreSQL with node-postgres. Neon needs its proxy, which is not local.)
 */
const services = {
  database: process.env.TEST_DATABASE_URL,
  temporal: process.env.TEST_TEMPORAL_ADDRESS,
  aws: process.env.TEST_SQS_ENDPOINT,
};
const missing = Object.entries(services)
  .filter(([, v]) => !v)
  .map(([k]) => k);
if (missing.length) {
  console.warn(`[lambda handlers] skipped: test services not running (${missing.join(', ')}); run through the root vitest config`);
}

/** A Lambda handler as the runtime calls it; results are read loosely (JSON from the bundle). */
type Handler = (event: unknown, context?: unknown) => Promise<any>;
const load = async (name: LambdaName): Promise<Handler> => {
  const bundle = await bundleLambda(name);
  return ((await import(pathToFileURL(bundle.file).href)) as { handler: Handler }).handler;
};

const ENV_KEYS = [
  'CONDUIT_SECRET_ID',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'SQS_QUEUE_URL',
  'SQS_ENDPOINT',
  'DATABASE_URL',
  'DATABASE_DRIVER',
  'ENCRYPTION_KEY',
];
const savedEnv: Record<string, string | undefined> = {};

describe.skipIf(missing.length > 0)('lambda handlers in-process', () => {
  let db: DbHandle;
  let workspaceId: string;
  let queueUrl: string;
  let sqs: SQSClient;

  beforeAll(async () => {
    const testDb = await createTestDb('pg');
    db = testDb;
    const endpoint = services.aws!;
    const region = 'us-east-1';
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    sqs = new SQSClient({ region, endpoint, credentials });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `events-${randomUUID()}` }))).QueueUrl!;
    const secretName = `conduit/test-${randomUUID()}/runtime`;
    const secrets = new SecretsManagerClient({ region, endpoint, credentials });
    await secrets.send(
      new CreateSecretCommand({
        Name: secretName,
        SecretString: JSON.stringify({
          DATABASE_URL: testDb.url,
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          TEMPORAL_API_KEY: '',
          SMTP_URL: '',
        }),
      }),
    );
    secrets.destroy();

    for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
    delete process.env.DATABASE_URL; // only the secret may provide it
    delete process.env.ENCRYPTION_KEY;
    delete process.env.DATABASE_DRIVER;
    Object.assign(process.env, {
      CONDUIT_SECRET_ID: secretName,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: region,
      TEMPORAL_ADDRESS: services.temporal!,
      TEMPORAL_NAMESPACE: 'default',
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: endpoint,
    });

    const [ws] = await db.db
      .insert(workspaces)
      .values({ name: 'Lambda test', slug: `lambda-${randomUUID()}` })
      .returning();
    workspaceId = ws!.id;
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    sqs?.destroy();
    await db?.close();
  });

  const storeEvent = async (receivedAt = new Date()) => {
    const [row] = await db.db
      .insert(events)
      .values({
        workspaceId,
        source: 'webhook',
        type: 'webhook.received',
        payload: {
          kind: 'webhook',
          method: 'POST',
          body: { n: 1 },
          query: {},
          headers: {},
          contentType: 'application/json',
          receivedAt: receivedAt.toISOString(),
        },
        causation: { depth: 0, chain: [] },
        receivedAt,
      })
      .returning();
    return row!;
  };

  const apiEvent = (method: string, path: string, body?: string) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'example.execute-api.us-east-1.amazonaws.com', 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'example',
      domainName: 'example.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  });

  it('api: answers an API Gateway v2 event through the Hono app', async () => {
    const api = await load('api');
    const me = await api(apiEvent('GET', '/api/me'));
    expect(me.statusCode).toBe(401);
    expect(JSON.parse(me.body)).toMatchObject({ error: { code: expect.any(String) } });
    const spec = await api(apiEvent('GET', '/api/openapi.json'));
    expect(spec.statusCode).toBe(200);
    expect(JSON.parse(spec.body)).toHaveProperty('openapi');
  });

  it('ingress: answers 404 for an unknown hook, without storing anything', async () => {
    const ingress = await load('ingress');
    const before = (await db.db.select().from(events).where(eq(events.workspaceId, workspaceId))).length;
    const res = await ingress(apiEvent('POST', `/hooks/${randomUUID()}`, '{"a":1}'));
    expect(res.statusCode).toBe(404);
    expect((await db.db.select().from(events).where(eq(events.workspaceId, workspaceId))).length).toBe(before);
  });

  it('dispatcher: dispatches a stored event and reports only the malformed record as failed', async () => {
    const dispatcher = await load('dispatcher');
    const event = await storeEvent();
    const record = (messageId: string, body: string) => ({
      messageId,
      receiptHandle: `rh-${messageId}`,
      body,
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:events',
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'x', ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: {},
    });
    const res = await dispatcher({ Records: [record('m-ok', encodeMessage(event)), record('m-bad', '{"eventId":"nope"}')] });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    const [after] = await db.db.select().from(events).where(eq(events.id, event.id));
    expect(after!.dispatchedAt).not.toBeNull();
    expect(after!.status).toBe('dispatched');
    await expect(dispatcher({ Records: 'not a list' })).rejects.toThrow();
  });

  it('sweeper: re-sends an event that was stored but never dispatched to the queue', async () => {
    const sweeper = await load('sweeper');
    const stale = await storeEvent(new Date(Date.now() - 60_000));
    const result = await sweeper({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    expect(result).toMatchObject({ republished: expect.any(Number) });
    const seen: string[] = [];
    for (let i = 0; i < 5 && !seen.includes(stale.id); i++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of out.Messages ?? []) {
        const msg = decodeMessage(m.Body ?? '');
        if (msg) seen.push(msg.eventId);
      }
    }
    expect(seen).toContain(stale.id);
  });

  it("sweeper with the retention rule's input: deletes a finished run past the retention, keeps a young one", async () => {
    const sweeper = await load('sweeper');
    const [co] = await db.db.insert(companies).values({ workspaceId, name: 'Co' }).returning();
    const [wf] = await db.db
      .insert(workflows)
      .values({ workspaceId, companyId: co!.id, name: 'Old runs', trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    const runs = await db.db
      .insert(workflowExecutions)
      .values(['old', 'young'].map((t) => ({ workspaceId, workflowId: wf!.id, status: 'completed' as const, temporalWorkflowId: `${t}-${randomUUID()}` })))
      .returning();
    const [old, young] = runs.map((r) => r.id);
    await db.db.execute(
      sql`update ${workflowExecutions} set created_at = now() - interval '100 days', completed_at = now() - interval '100 days' where id = ${old!}`,
    );
    // The rule's constant input replaces the whole EventBridge event.
    const result = await sweeper({ job: 'retention' });
    expect(result).toMatchObject({ pruned: { executions: 1, done: true } });
    const left = await db.db
      .select({ id: workflowExecutions.id })
      .from(workflowExecutions)
      .where(inArray(workflowExecutions.id, [old!, young!]));
    expect(left.map((r) => r.id)).toEqual([young]);
  });
});
