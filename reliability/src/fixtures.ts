import { randomUUID } from 'node:crypto';
import { createSecretBox } from '@conduit/core/crypto';
import { companies, workflowSecrets, workflowVersions, workflows, workspaces, eq, type Db } from '@conduit/core/testing';
import { WorkflowTriggerSchema, ActionsSchema } from '@conduit/core/definition';
import type { z } from 'zod';
import { generateHookId, generateWebhookSecret } from '@conduit/functions/testing';

export type SeededHook = { workspaceId: string; companyId: string; workflowId: string; versionId: string; hookId: string; secret: string | null };

/** A workspace with one company: the tenant the suite works in. */
export async function seedWorkspace(db: Db, name = 'reliability'): Promise<{ workspaceId: string; companyId: string }> {
  const slug = `${name}-${randomUUID().slice(0, 8)}`;
  // No limits: the suite measures durability under load, not a tenant's policy (docs/limits.md).
  const [ws] = await db
    .insert(workspaces)
    .values({ name, slug, eventsPerSecond: null, maxConcurrentRuns: null, monthlyRunQuota: null })
    .returning({ id: workspaces.id });
  const [co] = await db
    .insert(companies)
    .values({ workspaceId: ws!.id, name: `${name} company` })
    .returning({ id: companies.id });
  return { workspaceId: ws!.id, companyId: co!.id };
}

/**
 * An active webhook workflow, published as version 1, with its inbound secret sealed the way the
 * product stores it. Seeded straight into the tables so the suite does not depend on the settings
 * API to exercise ingress and the runtime; definitions still go through the product's schemas.
 */
export async function seedWebhookWorkflow(
  db: Db,
  o: {
    workspaceId: string;
    companyId: string;
    auth: 'none' | 'signature' | 'header';
    actions: z.input<typeof ActionsSchema>;
    encryptionKey?: string;
    name?: string;
  },
): Promise<SeededHook> {
  const trigger = WorkflowTriggerSchema.parse({ type: 'webhook', auth: { mode: o.auth } });
  const actions = ActionsSchema.parse(o.actions);
  const hookId = generateHookId();
  const [wf] = await db
    .insert(workflows)
    .values({ name: o.name ?? 'reliability hook', workspaceId: o.workspaceId, companyId: o.companyId, trigger, actions, hookId })
    .returning({ id: workflows.id });
  const workflowId = wf!.id;
  const [v] = await db
    .insert(workflowVersions)
    .values({ workflowId, workspaceId: o.workspaceId, version: 1, name: o.name ?? 'reliability hook', trigger, actions })
    .returning({ id: workflowVersions.id });
  await db.update(workflows).set({ isActive: true, activeVersionId: v!.id, activeTriggerType: 'webhook', activeTriggerObject: null }).where(eqId(workflowId));
  let secret: string | null = null;
  if (o.auth !== 'none') {
    if (!o.encryptionKey) throw new Error('a signed hook needs an encryption key');
    secret = o.auth === 'signature' ? generateWebhookSecret() : `hdr_${randomUUID()}`;
    await db.insert(workflowSecrets).values({
      workflowId,
      workspaceId: o.workspaceId,
      kind: 'webhook_inbound',
      ciphertext: createSecretBox(o.encryptionKey).seal(secret),
    });
  }
  return { workspaceId: o.workspaceId, companyId: o.companyId, workflowId, versionId: v!.id, hookId, secret };
}

const eqId = (id: string) => eq(workflows.id, id);

/** A fresh AES-256-GCM key as the configuration takes it (64 hex characters). */
export const newEncryptionKey = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
