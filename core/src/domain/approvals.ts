import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { approvals, approvalTokens, memberships, users, workflowExecutions, workflows, type ApprovalStatus } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { audit, type AuditContext } from './audit';
import { sha256 } from './auth';
import { isUuid } from './ids';

// wait_for_approval: the row a run waits on, the single-use emailed links (only their hash is kept),
// and the decisions. The database is the truth: a decision is written here first, then signalled to
// the run; a run whose signal never came reads the row when its timer fires (settleApproval).

export type ApprovalRow = typeof approvals.$inferSelect;
export type ApprovalDecision = 'approve' | 'reject';
/** What the run's step gets: a decision by a person, or the onTimeout outcome (by null). */
export type DecisionSignal = { approvalId: string; decision: 'approved' | 'rejected'; by: string | null; at: string; comment: string | null };

const decided = (d: ApprovalDecision) => (d === 'approve' ? 'approved' : 'rejected');

/** The email addresses of the workspace's admins (what the approver "admin" stands for). */
export async function adminEmails(db: DbOrTx, workspaceId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'admin')));
  return rows.map((r) => r.email.toLowerCase());
}

export type NewApproval = {
  workspaceId: string;
  executionId: string;
  workflowId: string;
  actionId: string;
  temporalWorkflowId: string;
  approvers: string[];
  message: string;
  onTimeout: 'approve' | 'reject' | 'fail';
  expiresAt: Date;
};

/** One email's pair of links (the tokens in clear, only ever handed to the mailer). */
export type ApprovalLinks = { email: string; approve: string; reject: string };

/**
 * Creates the approval (or finds the one an earlier attempt made) and a fresh pair of single-use
 * tokens per approver email; "admin" is expanded to the workspace's admins. Tokens from an earlier
 * attempt stay valid: every token decides the same one approval, and only once.
 */
export async function openApproval(db: DbOrTx, a: NewApproval): Promise<{ approval: ApprovalRow; links: ApprovalLinks[] }> {
  const approvers = [...new Set(a.approvers.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const emails = new Set(approvers.filter((s) => s !== 'admin'));
  if (approvers.includes('admin')) for (const e of await adminEmails(db, a.workspaceId)) emails.add(e);
  const [inserted] = await db
    .insert(approvals)
    .values({ ...a, approvers, status: 'pending' })
    .onConflictDoNothing()
    .returning();
  const approval =
    inserted ??
    (await db
      .select()
      .from(approvals)
      .where(and(eq(approvals.executionId, a.executionId), eq(approvals.actionId, a.actionId)))
      .then((r) => r[0]));
  if (!approval) throw new Error('approval insert conflicted but no row was found');
  const links: ApprovalLinks[] = [...emails].map((email) => ({
    email,
    approve: randomBytes(32).toString('base64url'),
    reject: randomBytes(32).toString('base64url'),
  }));
  if (links.length)
    await db.insert(approvalTokens).values(
      links.flatMap((l) => [
        { tokenHash: sha256(l.approve), approvalId: approval.id, email: l.email, decision: 'approve' as const, expiresAt: approval.expiresAt },
        { tokenHash: sha256(l.reject), approvalId: approval.id, email: l.email, decision: 'reject' as const, expiresAt: approval.expiresAt },
      ]),
    );
  return { approval, links };
}

/** Whether this person may decide: named by email, or an admin when "admin" is among the approvers. */
export function isApprover(approval: Pick<ApprovalRow, 'approvers'>, who: { email: string; role: string | null }): boolean {
  return approval.approvers.includes(who.email.toLowerCase()) || (approval.approvers.includes('admin') && who.role === 'admin');
}

export type ApprovalView = ApprovalRow & { workflowName: string; runStatus: string };

const viewColumns = { approval: approvals, workflowName: workflows.name, runStatus: workflowExecutions.status };
const toView = (r: { approval: ApprovalRow; workflowName: string; runStatus: string }): ApprovalView => ({
  ...r.approval,
  workflowName: r.workflowName,
  runStatus: r.runStatus,
});

/** Approvals of the workspace this person may decide, newest first; `pending` also leaves out runs that ended. */
export async function listApprovalsFor(
  db: DbOrTx,
  q: { workspaceId: string; email: string; role: string | null; status?: ApprovalStatus; limit?: number },
): Promise<ApprovalView[]> {
  const email = q.email.toLowerCase();
  const mine = q.role === 'admin' ? sql`(${approvals.approvers} ? ${email} or ${approvals.approvers} ? 'admin')` : sql`${approvals.approvers} ? ${email}`;
  const rows = await db
    .select(viewColumns)
    .from(approvals)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, approvals.executionId))
    .innerJoin(workflows, eq(workflows.id, approvals.workflowId))
    .where(
      and(
        eq(approvals.workspaceId, q.workspaceId),
        mine,
        ...(q.status ? [eq(approvals.status, q.status)] : []),
        ...(q.status === 'pending' ? [inArray(workflowExecutions.status, ['pending', 'running']), gt(approvals.expiresAt, sql`now()`)] : []),
      ),
    )
    .orderBy(desc(approvals.createdAt))
    .limit(q.limit ?? 100);
  return rows.map(toView);
}

export async function getApproval(db: DbOrTx, q: { workspaceId: string; id: string }): Promise<ApprovalView | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select(viewColumns)
    .from(approvals)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, approvals.executionId))
    .innerJoin(workflows, eq(workflows.id, approvals.workflowId))
    .where(and(eq(approvals.workspaceId, q.workspaceId), eq(approvals.id, q.id)));
  return row ? toView(row) : null;
}

/** Why a decision was refused (each a 409 or 410 to the caller, in words). */
export type DecideRefusal = 'decided' | 'expired' | 'run_ended' | 'used';
export type DecideResult = { ok: true; approval: ApprovalRow; signal: DecisionSignal } | { ok: false; reason: DecideRefusal; approval: ApprovalView };

/** Records a decision if the approval is still open (pending, not expired, its run still going). */
async function decideOpen(
  db: DbOrTx,
  view: ApprovalView,
  d: { decision: ApprovalDecision; by: string; comment: string | null; at: Date; audit?: AuditContext | undefined; via?: 'link' },
): Promise<DecideResult> {
  if (view.status !== 'pending') return { ok: false, reason: 'decided', approval: view };
  if (view.runStatus !== 'pending' && view.runStatus !== 'running') return { ok: false, reason: 'run_ended', approval: view };
  if (view.expiresAt.getTime() <= d.at.getTime()) return { ok: false, reason: 'expired', approval: view };
  const [row] = await db
    .update(approvals)
    .set({ status: decided(d.decision), decidedBy: d.by, decidedAt: d.at, comment: d.comment })
    .where(and(eq(approvals.id, view.id), eq(approvals.status, 'pending')))
    .returning();
  // Lost a race with another decision or the timeout.
  if (!row) return { ok: false, reason: 'decided', approval: view };
  if (d.audit)
    await audit(db, d.audit, {
      workspaceId: view.workspaceId,
      action: 'approval.decided',
      target: { type: 'approval', id: row.id, name: view.workflowName },
      summary: `${row.status} step "${view.actionId}"${d.via === 'link' ? ' by emailed link' : ''}`,
    });
  return { ok: true, approval: row, signal: signalOf(row) };
}

export function signalOf(row: ApprovalRow): DecisionSignal {
  const decision = row.status === 'approved' ? 'approved' : 'rejected';
  return { approvalId: row.id, decision, by: row.decidedBy, at: (row.decidedAt ?? new Date()).toISOString(), comment: row.comment };
}

/** A decision in the app by a signed-in approver (the caller checked isApprover). */
export function decideApproval(
  db: DbOrTx,
  view: ApprovalView,
  d: { decision: ApprovalDecision; by: string; comment: string | null; at: Date; audit?: AuditContext | undefined },
): Promise<DecideResult> {
  // The decision and its audit entry commit together.
  return db.transaction((tx) => decideOpen(tx, view, d));
}

export type TokenView = { approval: ApprovalView; email: string; decision: ApprovalDecision; usedAt: Date | null; expiresAt: Date };

/** What an emailed link stands for; null for a token that was never issued (forged or mistyped). */
export async function findApprovalToken(db: DbOrTx, token: string): Promise<TokenView | null> {
  if (token.length < 20 || token.length > 100) return null;
  const [t] = await db
    .select()
    .from(approvalTokens)
    .where(eq(approvalTokens.tokenHash, sha256(token)));
  if (!t) return null;
  const [row] = await db
    .select(viewColumns)
    .from(approvals)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, approvals.executionId))
    .innerJoin(workflows, eq(workflows.id, approvals.workflowId))
    .where(eq(approvals.id, t.approvalId));
  if (!row) return null;
  return { approval: toView(row), email: t.email, decision: t.decision, usedAt: t.usedAt, expiresAt: t.expiresAt };
}

/** Decides through an emailed link: the token is spent in the same transaction as the decision. */
/** `clientAddress`: given, the decision is audited, attributed to the link's recipient (their account when they have one). */
export async function decideByToken(
  db: DbOrTx,
  token: string,
  d: { comment: string | null; at: Date; clientAddress?: string | null | undefined },
): Promise<DecideResult | null> {
  return db.transaction(async (tx) => {
    const t = await findApprovalToken(tx, token);
    if (!t) return null;
    if (t.usedAt) return { ok: false, reason: 'used', approval: t.approval } as const;
    const spent = await tx
      .update(approvalTokens)
      .set({ usedAt: d.at })
      .where(and(eq(approvalTokens.tokenHash, sha256(token)), sql`${approvalTokens.usedAt} is null`))
      .returning({ h: approvalTokens.tokenHash });
    if (spent.length === 0) return { ok: false, reason: 'used', approval: t.approval } as const;
    const [person] = await tx.select({ id: users.id, name: users.name }).from(users).where(sql`lower(${users.email}) = ${t.email.toLowerCase()}`);
    const ctx: AuditContext | undefined =
      d.clientAddress === undefined
        ? undefined
        : { actor: { kind: 'user', id: person?.id ?? null, name: person?.name || t.email }, clientAddress: d.clientAddress };
    const r = await decideOpen(tx, t.approval, { decision: t.decision, by: t.email, comment: d.comment, at: d.at, audit: ctx, via: 'link' });
    // A refused decision leaves the link unspent only when nothing was decided; otherwise it is done either way.
    return r;
  });
}

/**
 * The run's timer fired (or it woke without a signal): a decision already recorded wins (its signal
 * may have been lost); otherwise the approval expires now. Returns the person's decision, or null
 * when it expired (the step applies onTimeout).
 */
export async function settleApproval(db: DbOrTx, q: { workspaceId: string; id: string; at: Date }): Promise<DecisionSignal | null> {
  await db
    .update(approvals)
    .set({ status: 'expired', decidedAt: q.at })
    .where(and(eq(approvals.id, q.id), eq(approvals.workspaceId, q.workspaceId), eq(approvals.status, 'pending')));
  const [row] = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.id, q.id), eq(approvals.workspaceId, q.workspaceId)));
  if (!row) throw new Error(`approval ${q.id} not found`);
  return row.status === 'approved' || row.status === 'rejected' ? signalOf(row) : null;
}
