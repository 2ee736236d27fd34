import { createResource, createSignal, For, Show } from 'solid-js';
import { useParams } from '@solidjs/router';
import type { InvitationDto, MemberDto } from '@conduit/core/api';
import { errorText } from '../api/client';
import { teamApi } from '../api/team';
import { session } from '../app/session';
import { confirmAction } from '../components/confirm';
import { confirmed } from './confirmed';
import { ErrorText, fmtTime } from '../components/ui';
import { CopyOnce } from './CopyOnce';

type Role = 'admin' | 'member';
const roleWords: Record<Role, string> = { admin: 'Admin', member: 'Member' };

/** Settings → Members: who is in the workspace, invitations, roles. Admins change; members read. */
export default function Members() {
  const params = useParams<{ ws: string }>();
  const isAdmin = () => session.me()?.workspaces.find((w) => w.id === params.ws)?.role === 'admin';
  const myId = () => session.me()?.user?.id;
  const [members, { refetch: refetchMembers }] = createResource(() => params.ws, teamApi.members);
  const [invites, { refetch: refetchInvites }] = createResource(
    () => (isAdmin() ? params.ws : undefined),
    (ws) => teamApi.invites(ws),
  );
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('member');
  const [inviteError, setInviteError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [created, setCreated] = createSignal<{ link: string; email: string; emailed: boolean }>();
  const [rowMsg, setRowMsg] = createSignal<{ id: string; text: string }>();
  let emailInput: HTMLInputElement | undefined;

  const invite = async (e: SubmitEvent) => {
    e.preventDefault();
    setInviteError(undefined);
    setBusy(true);
    try {
      const r = await teamApi.invite(params.ws, email(), role());
      setCreated({ link: r.link, email: r.invitation.email, emailed: r.emailed });
      setEmail('');
      void refetchInvites();
    } catch (err) {
      setInviteError(errorText(err));
      emailInput?.focus();
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (m: MemberDto, next: Role, select: HTMLSelectElement) => {
    setRowMsg(undefined);
    const ok = await confirmAction({
      title: `Make ${m.name} ${next === 'admin' ? 'an admin' : 'a member'}?`,
      message:
        next === 'admin'
          ? 'Admins change workflows, members, API keys and read the audit log.'
          : 'Members read everything, edit records and run the workflows that allow it; they no longer change workflows or members.',
      confirmLabel: `Make ${roleWords[next].toLowerCase()}`,
    });
    if (!ok) {
      select.value = m.role;
      return;
    }
    try {
      await teamApi.setRole(params.ws, m.userId, next);
      await refetchMembers();
      if (m.userId === myId()) await session.refetch();
    } catch (err) {
      select.value = m.role;
      setRowMsg({ id: m.userId, text: errorText(err) });
    }
  };

  const remove = (m: MemberDto) => {
    setRowMsg(undefined);
    return confirmed(
      {
        title: `Remove ${m.name}?`,
        message: `${m.email} loses access to this workspace at once; the API keys they created here stop working.`,
        confirmLabel: 'Remove',
        danger: true,
      },
      async () => {
        await teamApi.removeMember(params.ws, m.userId);
        await refetchMembers();
      },
      { focusId: 'members-title', onError: (text) => setRowMsg({ id: m.userId, text }) },
    );
  };

  const revoke = (i: InvitationDto) =>
    confirmed(
      {
        title: `Revoke the invitation of ${i.email}?`,
        message: 'The link stops working; you can invite them again later.',
        confirmLabel: 'Revoke',
        danger: true,
      },
      async () => {
        await teamApi.revokeInvite(params.ws, i.id);
        await refetchInvites();
      },
      { focusId: 'pending-title', onError: (text) => setRowMsg({ id: i.id, text }) },
    );

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title" tabindex="-1">
        Members
      </h1>
      <Show when={isAdmin()} fallback={<p class="muted">Only admins invite people and change roles.</p>}>
        <form class="card" onSubmit={invite} aria-labelledby="invite-title">
          <h2 id="invite-title">Invite a colleague</h2>
          <div class="row wrap">
            <div class="field">
              <label for="invite-email">Email</label>
              <input
                id="invite-email"
                ref={emailInput}
                type="email"
                autocomplete="off"
                required
                value={email()}
                onInput={(e) => setEmail(e.currentTarget.value)}
                aria-describedby={inviteError() ? 'invite-error' : undefined}
              />
            </div>
            <div class="field narrow">
              <label for="invite-role">Role</label>
              <select id="invite-role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                <option value="member">Member</option>
                <option value="admin">Admin</option>
              </select>
            </div>
          </div>
          <ErrorText id="invite-error" message={inviteError()} />
          <div class="row end">
            <button type="submit" class="primary" disabled={busy()}>
              {busy() ? 'Inviting…' : 'Send invitation'}
            </button>
          </div>
        </form>
        <Show when={created()}>
          {(c) => (
            <CopyOnce
              id="invite-link"
              label={`Invitation link for ${c().email}`}
              value={c().link}
              note={`${c().emailed ? 'We emailed it too. ' : 'The mail could not be sent: pass the link on yourself. '}It works once, for 7 days, and is not shown again.`}
              onDone={() => {
                setCreated(undefined);
                emailInput?.focus();
              }}
            />
          )}
        </Show>
      </Show>

      <div class="table-wrap">
        <table class="table">
          <caption class="sr-only">Members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col" class="hide-narrow">
                Joined
              </th>
              <Show when={isAdmin()}>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={members()?.items}>
              {(m) => (
                <tr>
                  <td>
                    {m.name}
                    {m.userId === myId() ? ' (you)' : ''}
                    <div class="muted small">{m.email}</div>
                    <ErrorText message={rowMsg()?.id === m.userId ? rowMsg()?.text : undefined} />
                  </td>
                  <td>
                    <Show when={isAdmin()} fallback={roleWords[m.role]}>
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        onChange={(e) => void changeRole(m, e.currentTarget.value as Role, e.currentTarget)}>
                        <option value="member">Member</option>
                        <option value="admin">Admin</option>
                      </select>
                    </Show>
                  </td>
                  <td class="hide-narrow">{fmtTime(m.joinedAt)}</td>
                  <Show when={isAdmin()}>
                    <td>
                      <button type="button" class="danger" onClick={() => void remove(m)} aria-label={`Remove ${m.name}`}>
                        Remove
                      </button>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <ErrorText message={members.error ? errorText(members.error) : undefined} />

      <Show when={isAdmin()}>
        <h2 id="pending-title" tabindex="-1">
          Pending invitations
        </h2>
        <Show when={(invites()?.items.length ?? 0) > 0} fallback={<p class="muted">No pending invitations.</p>}>
          <div class="table-wrap">
            <table class="table">
              <caption class="sr-only">Pending invitations</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={invites()?.items}>
                  {(i) => (
                    <tr>
                      <td>
                        {i.email}
                        <Show when={i.invitedBy}>
                          <div class="muted small">invited by {i.invitedBy}</div>
                        </Show>
                        <ErrorText message={rowMsg()?.id === i.id ? rowMsg()?.text : undefined} />
                      </td>
                      <td>{roleWords[i.role]}</td>
                      <td>{fmtTime(i.expiresAt)}</td>
                      <td>
                        <button type="button" onClick={() => void revoke(i)} aria-label={`Revoke the invitation of ${i.email}`}>
                          Revoke
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </section>
  );
}
