import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth, useSession } from '../../auth/session';
import { api } from '../../lib/api';
import { mySessionsQuery, queryKeys } from '../../lib/queries';
import { ErrorMessage } from '../../ui/forms';
import { Ago, Loading, PageHeader } from '../../ui/Page';

/** Who I am, my roles, and my open sessions, with "sign out everywhere else". */
export default function AccountPage() {
  const { user } = useSession();
  const { signOut } = useAuth();
  const sessions = useQuery(mySessionsQuery());
  const client = useQueryClient();
  const action = useMutation({
    mutationFn: () => api.post('/auth/sessions/end-others'),
    // Reloaded whatever the answer: the list shows which sessions are still open.
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.mySessions }),
  });
  return (
    <>
      <PageHeader title="My account" />
      <section className="panel stack">
        <dl className="facts">
          <dt>Name</dt>
          <dd>{user.displayName}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Roles</dt>
          <dd>{user.roles.join(', ') || 'none'}</dd>
          <dt>Two-factor authentication</dt>
          <dd>{user.mfaEnabled ? 'On' : 'Off'}</dd>
        </dl>
      </section>
      <section className="stack" style={{ marginTop: '1rem' }}>
        <div className="page-header">
          <h2>Signed-in sessions</h2>
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={action.isPending}
              onClick={() => action.mutate()}
            >
              Sign out all other sessions
            </button>
            <button type="button" className="button" onClick={() => void signOut('You signed out.')}>
              Sign out
            </button>
          </div>
        </div>
        <ErrorMessage error={action.error ?? sessions.error} />
        {sessions.isLoading && !sessions.data && <Loading what="sessions" />}
        {sessions.data && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">IP</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last active</th>
                </tr>
              </thead>
              <tbody>
                {sessions.data.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {s.userAgent ?? 'Unknown'}{' '}
                      {s.current && <span className="badge badge--info">this one</span>}
                    </td>
                    <td>{s.ip ?? '—'}</td>
                    <td>
                      <Ago at={s.createdAt} />
                    </td>
                    <td>
                      <Ago at={s.lastSeenAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
