import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { dateTime } from './format.ts';
import { Alert, Modal, States, useApi } from './ui.tsx';

type Role = 'owner' | 'staff' | 'viewer';

interface Member {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  invitedBy: string;
  createdAt: string;
  lastSignInAt: string | null;
}

export const ROLE_TEXT: Record<Role, string> = {
  owner: 'Owner: everything, including keys, settings, store connections and people',
  staff: 'Staff: restocks, the queue, orders, refunds, suppliers and escalations',
  viewer: 'Viewer: sees every page, changes nothing',
};

/** The team: invite by email with a role, change a role, remove someone. Owners only. */
export function People({ me }: { me: string | null }) {
  const team = useApi<{ members: Member[] }>('/v1/admin/members');
  const [error, setError] = useState('');
  const [removing, setRemoving] = useState<Member | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError('');
    try {
      await call();
      await team.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
    }
  };
  return (
    <section>
      <h2>People</h2>
      <p class="muted">Everyone signs in with a link sent to their own inbox. The secret key still works for the API and acts as an owner.</p>
      <Invite onInvited={() => void team.reload()} />
      <Alert message={error} />
      <States state={team} isEmpty={!team.data?.members.length} empty={<p class="muted">Nobody is on the team yet: invite someone above.</p>}>
        <table class="stack" aria-label="Team">
          <thead>
            <tr>
              <th>Person</th>
              <th>Role</th>
              <th>Invited by</th>
              <th>Last signed in</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {team.data?.members.map((m) => (
              <tr key={m.id}>
                <td data-label="Person">
                  {m.name ? <strong>{m.name} </strong> : null}
                  <code>{m.email}</code>
                </td>
                <td data-label="Role">
                  {m.email === me ? (
                    ROLE_TEXT[m.role].split(':')[0]
                  ) : (
                    <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void act(() => api(`/v1/admin/members/${m.id}`, { method: 'PATCH', body: { role: (e.target as HTMLSelectElement).value } }))}>
                      {(Object.keys(ROLE_TEXT) as Role[]).map((r) => (
                        <option key={r} value={r}>
                          {ROLE_TEXT[r].split(':')[0]}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td data-label="Invited by">{m.invitedBy}</td>
                <td data-label="Last signed in">{m.lastSignInAt ? dateTime(m.lastSignInAt) : 'Not yet'}</td>
                <td data-label="Actions">
                  {m.email === me ? null : (
                    <button type="button" class="link" onClick={() => setRemoving(m)} aria-label={`Remove ${m.email}`}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </States>
      {removing ? (
        <Modal label={`Remove ${removing.email}`} onClose={() => setRemoving(null)}>
          <p>
            Remove <strong>{removing.email}</strong> from the team? They are signed out everywhere at once.
          </p>
          <div class="row">
            <button type="button" onClick={() => void act(() => api(`/v1/admin/members/${removing.id}`, { method: 'DELETE' })).then(() => setRemoving(null))}>
              Remove
            </button>
            <button type="button" class="link" onClick={() => setRemoving(null)}>
              Keep
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');
  const invite = async (e: Event) => {
    e.preventDefault();
    setError('');
    setSaid('');
    try {
      const { member, sent } = await api<{ member: Member; sent: boolean }>('/v1/admin/members', { method: 'POST', body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) } });
      setSaid(
        sent
          ? `Invitation sent to ${member.email}. The link works once.`
          : `${member.email} is on the team, but opted out of your shop's email, so no invitation went out. They can ask for a sign-in link on the sign-in page.`,
      );
      setEmail('');
      setName('');
      onInvited();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
    }
  };
  return (
    <form class="card invite" onSubmit={invite} aria-label="Invite someone">
      <h3>Invite someone</h3>
      <label for="invite-email">Email</label>
      <input id="invite-email" type="email" value={email} required onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
      <label for="invite-name">Name (optional)</label>
      <input id="invite-name" value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <label for="invite-role">Role</label>
      <select id="invite-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
        {(Object.keys(ROLE_TEXT) as Role[]).map((r) => (
          <option key={r} value={r}>
            {ROLE_TEXT[r]}
          </option>
        ))}
      </select>
      <button type="submit">Send invitation</button>
      {said ? <p role="status">{said}</p> : null}
      <Alert message={error} />
    </form>
  );
}
