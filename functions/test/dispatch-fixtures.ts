/** Shared setup for the trigger tests (dispatch, ingress, schedules, runs): real Temporal, real databases. */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { companies, workflowSecrets, workflowVersions, workflows, workspaces, type Db } from '@conduit/core/testing';
import type { WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import { createSecretBox } from '@conduit/core/crypto';
import { runWorkflowId, type RunInput } from '@conduit/core/temporal';
import { decodePayloads, noPayloadStore, temporalDataConverter } from '@conduit/core/temporal-codec';
import { testEnv } from '@conduit/local/testing';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@conduit/core/events';

export const ENCRYPTION_KEY = 'a'.repeat(64);
export const box = createSecretBox(ENCRYPTION_KEY);

/** A task queue no worker polls, so runs stay started-but-not-running and their input can be read. */
export const isolatedTaskQueue = () => `trigger-tests-${crypto.randomUUID()}`;

export async function connectTemporal(): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: testEnv.temporalAddress() });
  // The product's client: payloads encrypted under the tests' key, as the API and dispatcher do.
  return {
    client: new Client({ connection, dataConverter: temporalDataConverter({ ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD: [] }, noPayloadStore) }),
    close: () => connection.close(),
  };
}

export async function seedWorkspace(db: Db): Promise<{ workspaceId: string; companyId: string }> {
  const [ws] = await db
    .insert(workspaces)
    .values({ name: 'Acme', slug: `acme-${crypto.randomUUID()}` })
    .returning();
  const [co] = await db.insert(companies).values({ workspaceId: ws!.id, name: 'Acme Inc' }).returning();
  return { workspaceId: ws!.id, companyId: co!.id };
}

export const noopActions: WorkflowAction[] = [{ id: 'wait', type: 'wait', duration: '1s' } as WorkflowAction];

/** A workflow with a published version, active (or not), with a hook id and inbound secret when given. */
export async function seedWorkflow(
  db: Db,
  ws: { workspaceId: string; companyId: string },
  o: { trigger: WorkflowTrigger; actions?: WorkflowAction[]; active?: boolean; hookId?: string; secret?: string },
): Promise<{ workflowId: string; versionId: string; hookId: string | null }> {
  const actions = o.actions ?? noopActions;
  const active = o.active ?? true;
  const [wf] = await db
    .insert(workflows)
    .values({
      name: `wf ${o.trigger.type}`,
      workspaceId: ws.workspaceId,
      companyId: ws.companyId,
      trigger: o.trigger,
      actions,
      isActive: active,
      hookId: o.hookId ?? null,
    })
    .returning();
  const [v] = await db
    .insert(workflowVersions)
    .values({ workflowId: wf!.id, workspaceId: ws.workspaceId, version: 1, name: wf!.name, trigger: o.trigger, actions })
    .returning();
  await db
    .update(workflows)
    .set({
      activeVersionId: v!.id,
      activeTriggerType: o.trigger.type,
      activeTriggerObject: 'object' in o.trigger ? o.trigger.object : null,
    })
    .where((await import('@conduit/core/testing')).eq(workflows.id, wf!.id));
  if (o.secret) {
    await db.insert(workflowSecrets).values({ workflowId: wf!.id, workspaceId: ws.workspaceId, kind: 'webhook_inbound', ciphertext: box.seal(o.secret) });
  }
  return { workflowId: wf!.id, versionId: v!.id, hookId: o.hookId ?? null };
}

/** The input the Temporal workflow was started with, read back from its history. */
export async function startedInput(client: Client, executionId: string): Promise<RunInput> {
  const handle = client.workflow.getHandle(runWorkflowId(executionId));
  const history = await handle.fetchHistory();
  const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = first?.input?.payloads?.[0];
  if (!payload) throw new Error('no start input');
  const [plain] = await decodeStored(client, payload);
  return defaultPayloadConverter.fromPayload(plain!) as RunInput;
}

/** A payload as stored in Temporal, decrypted with the client's codec (when it has one). */
export async function decodeStored(client: Client, payload: Payload): Promise<Payload[]> {
  return decodePayloads(client.options.loadedDataConverter, [payload]);
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh queue on moto with a dead-letter queue after `maxReceiveCount` receives. */
export async function createTestQueues(o: { visibility?: number; maxReceiveCount?: number } = {}) {
  const endpoint = testEnv.sqsEndpoint();
  const client = createSqsClient({ endpoint });
  const name = `events-${crypto.randomUUID()}`;
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(o.visibility ?? 1),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: String(o.maxReceiveCount ?? 2) }),
      },
    }),
  );
  return { endpoint, client, queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}
