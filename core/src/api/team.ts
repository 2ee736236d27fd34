/** Shapes of the team routes: members, invitations, sign-up, sessions, password, audit log. Browser-safe. */
import { z } from 'zod';
import { emailText, visibleText } from './text';

const id = z.string().meta({ example: '0b5e0c8e-7c55-4a53-9f5e-8f0b2f0f8a11' });
const date = z.string().meta({ description: 'ISO 8601 timestamp' });
export const TeamRoleSchema = z.enum(['admin', 'member']);
const email = emailText;
/** Length and common-password checks happen on the server with words for people; this is the outer bound. */
const password = z.string().min(1).max(1024);

export const MemberDtoSchema = z.object({ userId: id, email: z.string(), name: z.string(), role: TeamRoleSchema, joinedAt: date }).meta({ id: 'Member' });
export const MemberPatchBodySchema = z.object({ role: TeamRoleSchema });

export const InviteBodySchema = z.object({ email, role: TeamRoleSchema.default('member') });
export const InvitationDtoSchema = z
  .object({ id, email: z.string(), role: TeamRoleSchema, invitedBy: z.string().nullable(), createdAt: date, expiresAt: date })
  .meta({ id: 'Invitation' });
export const InvitationCreatedSchema = z.object({
  invitation: InvitationDtoSchema,
  link: z.string().meta({ description: 'the one-time link, shown once (also emailed)' }),
  emailed: z.boolean().meta({ description: 'false when the mail could not be sent; share the link yourself' }),
});
export const InvitationViewSchema = z
  .object({
    workspace: z.object({ name: z.string(), slug: z.string() }),
    email: z.string(),
    role: TeamRoleSchema,
    invitedBy: z.string().nullable(),
    expiresAt: date,
    existingUser: z.boolean().meta({ description: 'an account with this email exists: sign in, then accept' }),
  })
  .meta({ id: 'InvitationView' });
export const AcceptInviteBodySchema = z.object({
  name: visibleText(200).optional(),
  password: password.optional(),
});
export const AcceptInviteResultSchema = z.object({
  user: z.object({ id, email: z.string(), name: z.string() }),
  workspace: z.object({ id, name: z.string(), slug: z.string(), role: TeamRoleSchema }),
});

export const AuthOptionsSchema = z.object({ signup: z.boolean() }).meta({ id: 'AuthOptions' });
export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { message: 'Use lowercase letters, digits and dashes (not at the start or end).' });
export const SignupBodySchema = z.object({
  name: visibleText(200),
  email,
  password,
  workspaceName: visibleText(100),
  workspaceSlug: SlugSchema,
});

export const SessionDtoSchema = z
  .object({
    id: z.string(),
    device: z.string().meta({ description: 'browser and system, from the User-Agent' }),
    clientAddress: z.string().nullable(),
    createdAt: date,
    lastSeenAt: date,
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
export const PasswordChangeBodySchema = z.object({ currentPassword: password, newPassword: password });
export const EndedSchema = z.object({ ended: z.number().int() });

export const AuditEntryDtoSchema = z
  .object({
    id,
    at: date,
    actor: z.object({ kind: z.enum(['user', 'api_key', 'system']), id: z.string().nullable(), name: z.string() }),
    action: z.string().meta({ example: 'workflow.published' }),
    target: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
    summary: z.string(),
    clientAddress: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export const AuditQuerySchema = z.object({
  actor: z.string().max(200).optional().meta({ description: 'actor id, or part of their name' }),
  action: z.string().max(100).optional().meta({ description: 'an action, or a prefix ending in "." (workflow.)' }),
  target: z.string().max(200).optional().meta({ description: 'target id, or part of its name' }),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export type MemberDto = z.infer<typeof MemberDtoSchema>;
export type InvitationDto = z.infer<typeof InvitationDtoSchema>;
export type InvitationView = z.infer<typeof InvitationViewSchema>;
export type SessionDto = z.infer<typeof SessionDtoSchema>;
export type AuditEntryDto = z.infer<typeof AuditEntryDtoSchema>;
