/**
 * Temporal payload encryption through the whole stack on the real dev server: what a trigger sends
 * never reaches Temporal's history in clear; an operator still reads it through the codec endpoint;
 * and after ENCRYPTION_KEY is rotated (the old one kept in ENCRYPTION_KEYS_OLD), a run started under
 * the old key finishes under the new one.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { derivePayloadKey, KEY_ID_METADATA } from '@conduit/core/temporal-codec';
import { findTemporalCli } from '../src/services/temporal';
import { signIn, postHook, type ApiClient } from '../src/testing/api-client';
import { startStack, type TestStack } from '../src/testing/stack';

const run = promisify(execFile);
const KEY_1 = randomBytes(32).toString('base64');
const KEY_2 = randomBytes(32).toString('base64');
const MARKER = `pii-marker-${randomBytes(6).toString('hex')}`;

describe('Temporal payload encryption end to end', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-codec-'));
  let stack: TestStack;
  let api: ApiClient;
  let adminKey: string;
  let namespace: string;
  const cli = findTemporalCli();

  const start = async (env: Record<string, string>) => {
    stack = await startStack({ dataDir, env: { ...process.env, ...env }, ...(stack?.namespace ? { temporalNamespace: stack.namespace } : {}) });
    namespace = stack.config.TEMPORAL_NAMESPACE;
    api = await signIn(stack.url, stack.login);
  };

  /** The history as stored: the protobuf bytes, where any clear text would show up as is. */
  async function storedHistory(workflowId: string) {
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      // No data converter: what anyone with access to Temporal (or its database) sees.
      const history = await new Client({ connection, namespace }).workflow.getHandle(workflowId).fetchHistory();
      return { history, bytes: Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()) };
    } finally {
      await connection.close();
    }
  }
  const keyIdsIn = (history: proto.temporal.api.history.v1.IHistory) => {
    const ids = new Set<string>();
    const walk = (v: unknown) => {
      if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
      const m = (v as { metadata?: Record<string, Uint8Array> }).metadata;
      if (m?.[KEY_ID_METADATA]) ids.add(new TextDecoder().decode(m[KEY_ID_METADATA]));
      for (const x of Object.values(v)) walk(x);
    };
    walk(history);
    return ids;
  };

  /** The CLI's JSON with every payload's data (base64 there) spelled out, as a person would read it. */
  const readable = (cliJson: string) => {
    const parts: string[] = [cliJson];
    const walk = (v: unknown) => {
      if (!v || typeof v !== 'object') return;
      const p = v as { metadata?: unknown; data?: unknown };
      if (p.metadata && typeof p.data === 'string') parts.push(Buffer.from(p.data, 'base64').toString('utf8'));
      for (const x of Object.values(v)) walk(x);
    };
    walk(JSON.parse(cliJson));
    return parts.join('\n');
  };

  beforeAll(async () => {
    await start({ ENCRYPTION_KEY: KEY_1 });
    const created = await api.call(z.object({ key: z.string() }), 'POST', `/api/workspaces/${api.workspace.id}/api-keys`, { name: 'ops', role: 'admin' });
    adminKey = created.key;
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a run’s history holds no clear text of its trigger payload, step outputs or step errors', { timeout: 120_000 }, async () => {
    const wf = await api.createWorkflow({
      name: 'Signup',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'save', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } },
        // Refused by the outbound guard; its error names the URL, which holds the marker.
        { id: 'ping', type: 'send_webhook', method: 'POST', url: 'http://127.0.0.1:9/{{trigger.body.email}}', onFailure: 'continue' },
      ],
    });
    const { workflow } = await api.activate(wf.id);
    expect((await postHook(stack.url, workflow.hookPath!, { email: MARKER })).status).toBe(202);
    const [done] = await api.waitForRuns(wf.id, 1);
    expect(done!.status).toBe('completed');
    // The product itself still sees everything (the worker and the API decrypt).
    expect(JSON.stringify(done!.steps![0]!.output)).toContain(MARKER);

    const { history, bytes } = await storedHistory(done!.temporalWorkflowId!);
    expect(history.events!.length).toBeGreaterThan(3);
    expect(bytes.includes(MARKER)).toBe(false);
    expect(bytes.includes(Buffer.from(MARKER).toString('base64').slice(0, 16))).toBe(false);
    expect([...keyIdsIn(history)]).toEqual([derivePayloadKey(KEY_1).id]);

    if (cli) {
      // The Temporal CLI prints JSON payloads as readable JSON: still no marker without the codec…
      const args = [
        'workflow',
        'show',
        '--address',
        stack.temporalAddress,
        '--namespace',
        namespace,
        '--workflow-id',
        done!.temporalWorkflowId!,
        '--output',
        'json',
      ];
      const plain = (await run(cli, args, { maxBuffer: 32 * 1024 * 1024 })).stdout;
      expect(plain).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      expect(readable(plain)).not.toContain(MARKER);
      // …and with the app's codec endpoint and an admin key, the operator reads it.
      const codecArgs = ['--codec-endpoint', `${stack.url}/api/temporal-codec`, '--codec-auth', `Bearer ${adminKey}`];
      const decoded = (await run(cli, [...args, ...codecArgs], { maxBuffer: 32 * 1024 * 1024 })).stdout;
      expect(readable(decoded)).toContain(MARKER);
    }
  });

  it('after a key rotation, a run started under the old key finishes under the new one', { timeout: 240_000 }, async () => {
    const wf = await api.createWorkflow({
      name: 'Slow signup',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'first', type: 'create_record', object: 'lead', data: { email: '{{trigger.body.email}}' } },
        { id: 'pause', type: 'wait', duration: '8s' },
        { id: 'second', type: 'create_record', object: 'lead', data: { again: '{{trigger.body.email}}' } },
      ],
    });
    const { workflow } = await api.activate(wf.id);
    expect((await postHook(stack.url, workflow.hookPath!, { email: MARKER })).status).toBe(202);
    // Stopped while the run waits: its input and first step are written under KEY_1.
    const deadline = Date.now() + 60_000;
    while (!(await api.executions(wf.id)).some((e) => e.status === 'running')) {
      if (Date.now() > deadline) throw new Error('the run never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    await stack.stop();

    await start({ ENCRYPTION_KEY: KEY_2, ENCRYPTION_KEYS_OLD: KEY_1 });
    const [done] = await api.waitForRuns(wf.id, 1, 120_000);
    expect(done!.status).toBe('completed');
    expect(done!.steps!.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect((await api.listRecords('lead')).map((r) => r.data)).toContainEqual({ again: MARKER });
    const { history, bytes } = await storedHistory(done!.temporalWorkflowId!);
    expect(bytes.includes(MARKER)).toBe(false);
    // Written under both keys, read back under the new configuration.
    expect(keyIdsIn(history)).toEqual(new Set([derivePayloadKey(KEY_1).id, derivePayloadKey(KEY_2).id]));

    // The codec endpoint decrypts the old key's payloads too.
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
    const body = { payloads: [{ metadata: Object.fromEntries(Object.entries(started.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(started.data) }] };
    const r = await fetch(`${stack.url}/api/temporal-codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    const out = (await r.json()) as { payloads: Array<{ data: string }> };
    expect(Buffer.from(out.payloads[0]!.data, 'base64').toString('utf8')).toContain(MARKER);
  });
});
