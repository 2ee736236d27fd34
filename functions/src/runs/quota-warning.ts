import { appBaseUrl, type Config } from '@conduit/core/config';
import type { Db } from '@conduit/core/db';
import { findWorkspace, listMembers, quotaResetsAt, usageMonth } from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';
import type { Mailer } from '@conduit/core/mail';
import type { QuotaWarning } from '@conduit/core/run-starter';

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Mails a workspace's admins when its runs this month pass 80 % of the quota (the admission that
 * crossed it reports it once a month). In the background: a run never waits on mail.
 */
export function quotaWarningMailer(deps: { db: Db; mailer: Pick<Mailer, 'send'>; config: Pick<Config, 'MAIL_FROM' | 'PUBLIC_URL' | 'PORT'>; log?: Logger }) {
  async function send(w: QuotaWarning) {
    const [workspace, members] = await Promise.all([findWorkspace(deps.db, w.workspaceId), listMembers(deps.db, w.workspaceId)]);
    const admins = members.filter((m) => m.role === 'admin').map((m) => m.email);
    if (!workspace || admins.length === 0) return;
    const share = Math.floor((w.runs / w.quota) * 100);
    const resets = quotaResetsAt().toISOString().slice(0, 10);
    await deps.mailer.send({
      workspaceId: w.workspaceId,
      executionId: null,
      from: deps.config.MAIL_FROM,
      to: admins,
      cc: [],
      bcc: [],
      subject: `${workspace.name} has used ${share} % of its monthly runs`,
      text: [
        `The workspace “${workspace.name}” has used ${n(w.runs)} of its ${n(w.quota)} runs this month (${share} %).`,
        '',
        `At ${n(w.quota)} runs, new runs are refused until the quota resets on ${resets}.`,
        'An operator can raise the quota; Settings → Usage shows what is used.',
        `${appBaseUrl(deps.config)}/w/${workspace.id}/settings/usage`,
      ].join('\n'),
      idempotencyKey: `quota-warning-${w.workspaceId}-${usageMonth()}`,
    });
  }
  return (w: QuotaWarning) => {
    send(w).catch((err: unknown) =>
      deps.log?.warn('quota warning not mailed', { workspaceId: w.workspaceId, error: err instanceof Error ? err.message : String(err) }),
    );
  };
}
