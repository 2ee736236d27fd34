import { z } from 'zod';
import {
  AcceptInviteResultSchema,
  ApiKeyCreatedSchema,
  ApiKeyDtoSchema,
  AuditEntryDtoSchema,
  AuthOptionsSchema,
  EndedSchema,
  InvitationCreatedSchema,
  InvitationDtoSchema,
  InvitationViewSchema,
  MemberDtoSchema,
  SessionDtoSchema,
  pageOf,
} from '@conduit/core/api';
import { request, type Query } from './client';

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;
type Role = 'admin' | 'member';

/** Members, invitations, API keys, the audit log and one's own account. */
export const teamApi = {
  options: () => request('GET', '/api/auth/options', AuthOptionsSchema),
  signup: (b: { name: string; email: string; password: string; workspaceName: string; workspaceSlug: string }) =>
    request('POST', '/api/auth/signup', AcceptInviteResultSchema, b),

  members: (w: string) => request('GET', `${ws(w)}/members`, pageOf(MemberDtoSchema)),
  setRole: (w: string, userId: string, role: Role) => request('PATCH', `${ws(w)}/members/${enc(userId)}`, MemberDtoSchema, { role }),
  removeMember: (w: string, userId: string) => request('DELETE', `${ws(w)}/members/${enc(userId)}`, z.unknown()),
  invites: (w: string) => request('GET', `${ws(w)}/invites`, pageOf(InvitationDtoSchema)),
  invite: (w: string, email: string, role: Role) => request('POST', `${ws(w)}/invites`, InvitationCreatedSchema, { email, role }),
  revokeInvite: (w: string, id: string) => request('DELETE', `${ws(w)}/invites/${enc(id)}`, InvitationDtoSchema),
  invitation: (token: string) => request('GET', `/api/invites/${enc(token)}`, InvitationViewSchema),
  accept: (token: string, body: { name?: string; password?: string }) => request('POST', `/api/invites/${enc(token)}/accept`, AcceptInviteResultSchema, body),

  apiKeys: (w: string) => request('GET', `${ws(w)}/api-keys`, pageOf(ApiKeyDtoSchema)),
  createApiKey: (w: string, b: { name: string; role: Role; expiresAt?: string }) => request('POST', `${ws(w)}/api-keys`, ApiKeyCreatedSchema, b),
  revokeApiKey: (w: string, id: string) => request('DELETE', `${ws(w)}/api-keys/${enc(id)}`, ApiKeyDtoSchema),

  audit: (w: string, q: Query) => request('GET', `${ws(w)}/audit`, pageOf(AuditEntryDtoSchema), undefined, q),

  sessions: () => request('GET', '/api/me/sessions', pageOf(SessionDtoSchema)),
  endSession: (id: string) => request('DELETE', `/api/me/sessions/${enc(id)}`, EndedSchema),
  endOtherSessions: () => request('POST', '/api/me/sessions/end-others', EndedSchema, {}),
  changePassword: (currentPassword: string, newPassword: string) => request('POST', '/api/me/password', EndedSchema, { currentPassword, newPassword }),
};
