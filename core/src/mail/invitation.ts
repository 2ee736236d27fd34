import type { Role } from '../domain/model';
import type { Mail } from './index';

/** The invitation mail, one wording for the API and the operator command. */
export function invitationMail(q: {
  workspaceId: string;
  workspaceName: string;
  invitationId: string;
  to: string;
  role: Role;
  inviter: string;
  link: string;
  from: string;
}): Mail {
  return {
    workspaceId: q.workspaceId,
    executionId: null,
    from: q.from,
    to: [q.to],
    cc: [],
    bcc: [],
    subject: `${q.inviter} invited you to ${q.workspaceName} on Conduit`,
    text: [
      `${q.inviter} invited you to join the workspace “${q.workspaceName}” on Conduit as ${q.role === 'admin' ? 'an admin' : 'a member'}.`,
      '',
      'Accept the invitation (the link works once, for 7 days):',
      q.link,
      '',
      'If you did not expect this, ignore this mail.',
    ].join('\n'),
    idempotencyKey: `invitation-${q.invitationId}`,
  };
}
