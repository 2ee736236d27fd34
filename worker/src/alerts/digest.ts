import { randomUUID } from 'node:crypto';
import { appBaseUrl, type Config } from '@conduit/core/config';
import { webhookSignatureHeaders, type SecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import { sendDueFailureDigests, type FailureDigest } from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';
import type { Mailer } from '../activities/mailer';
import type { SafeHttp } from '../activities/safe-http';

// The workspace failure alert's sender: every sweep mails (and, when set, posts a signed webhook
// for) each workflow whose digest is due. The state is in the database (failure_alert_state), so
// any worker may send and a crash between sweeps loses nothing; a failed send is tried again after the interval.

export type DigestDeps = { db: Db; config: Config; mailer: Mailer; http: SafeHttp; secrets: SecretBox | null; logger: Logger };

function digestText(d: FailureDigest, base: string): { subject: string; text: string } {
  const runs = `${base}/w/${d.workspaceId}/settings/runs`;
  const subject = d.count === 1 ? `A run of "${d.workflowName}" failed` : `${d.count} runs of "${d.workflowName}" failed`;
  const lines = [
    d.count === 1
      ? `A run of the workflow "${d.workflowName}" failed.`
      : `${d.count} runs of the workflow "${d.workflowName}" failed since ${d.firstFailedAt?.toUTCString() ?? 'the last alert'}.`,
    '',
    ...(d.lastError ? [`Latest error: ${d.lastError}`, ''] : []),
    ...d.executionIds.map((id) => `- ${runs}/${id}`),
    ...(d.count > d.executionIds.length ? [`… and ${d.count - d.executionIds.length} more.`] : []),
    '',
    `All failed runs of this workflow: ${runs}?workflowId=${d.workflowId}&status=failed`,
    '',
    'You get at most one of these per workflow every 15 minutes. Change the recipients or turn alerts off under Settings → Failure alerts.',
  ];
  return { subject, text: lines.join('\n') };
}

async function send(deps: DigestDeps, d: FailureDigest): Promise<void> {
  const base = appBaseUrl(deps.config);
  const { subject, text } = digestText(d, base);
  if (d.recipients.length > 0)
    await deps.mailer.send({
      workspaceId: d.workspaceId,
      executionId: d.executionIds[0] ?? randomUUID(),
      from: deps.config.MAIL_FROM,
      to: d.recipients,
      cc: [],
      bcc: [],
      subject,
      text,
      idempotencyKey: `failure-digest.${d.workflowId}.${d.executionIds[0] ?? ''}`,
    });
  if (d.webhookUrl) {
    const body = JSON.stringify({
      type: 'runs.failed',
      workflow: { id: d.workflowId, name: d.workflowName },
      count: d.count,
      executionIds: d.executionIds,
      firstFailedAt: d.firstFailedAt?.toISOString() ?? null,
      lastError: d.lastError,
      runsUrl: `${base}/w/${d.workspaceId}/settings/runs?workflowId=${d.workflowId}&status=failed`,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (d.webhookSecret && deps.secrets)
      Object.assign(headers, webhookSignatureHeaders({ secret: deps.secrets.open(d.webhookSecret), id: `digest_${randomUUID()}`, body }));
    // Through the SSRF-guarded client, like send_webhook.
    const res = await deps.http.request({ method: 'POST', url: d.webhookUrl, headers, body, timeoutMs: 10_000 });
    if (res.status >= 300) throw new Error(`the alert webhook answered ${res.status}`);
  }
}

export type DigestSweeper = { sweepOnce(now?: Date): Promise<number>; start(): void; stop(): Promise<void> };

export function createDigestSweeper(deps: DigestDeps, intervalMs: number): DigestSweeper {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  const sweepOnce = (now = new Date()) =>
    sendDueFailureDigests(deps.db, now, (d) => send(deps, d), {
      onFailed: (d, err) =>
        deps.logger.warn('failure digest not sent; tried again later', { workflowId: d.workflowId, error: err instanceof Error ? err.message : String(err) }),
    });
  const tick = () => {
    if (running) return;
    running = sweepOnce()
      .catch((e: Error) => {
        deps.logger.warn('failure digest sweep failed', { error: e.message });
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };
  return {
    sweepOnce,
    start() {
      if (intervalMs > 0 && !timer) timer = setInterval(tick, intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
