import { Permission } from '@baton/authz';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan, useSession } from '../../../auth/session';
import { channelsQuery, queuesQuery, usersQuery } from '../../../lib/queries';
import { Link } from '../../../lib/router';
import './getting-started.css';

const dismissedKey = (userId: string) => `baton.getting-started.dismissed.${userId}`;
/** Opening the demo page leaves no server-side trace an admin could be credited with; this browser remembers it. */
const DEMO_TRIED_KEY = 'baton.getting-started.demo-tried';

/**
 * A first-run checklist for admins, each step ticked from the real configuration: agents invited,
 * agents in a queue, the widget's allowed origins, the demo chat tried. Gone once done or dismissed.
 */
export function GettingStarted() {
  const { user } = useSession();
  const allowed = useCan(Permission.UserRead, Permission.QueueRead, Permission.ChannelManage);
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(dismissedKey(user.id)) === '1');
  const [demoTried, setDemoTried] = useState(() => localStorage.getItem(DEMO_TRIED_KEY) === '1');
  const show = allowed && !dismissed;
  const users = useQuery({ ...usersQuery(), enabled: show });
  const queues = useQuery({ ...queuesQuery(), enabled: show });
  const channels = useQuery({ ...channelsQuery(), enabled: show });
  if (!show || !users.data || !queues.data || !channels.data) return null;

  const agents = new Set(
    users.data.filter((u) => u.status === 'active' && u.roles.includes('agent')).map((u) => u.id),
  );
  const steps = [
    { done: agents.size > 0, to: '/admin/users', label: 'Invite your agents (Users → Invite, role "agent")' },
    {
      done: queues.data.some((q) => !q.archived && q.members.some((m) => agents.has(m.userId))),
      to: '/admin/queues',
      label: 'Add them to a queue (Queues → Members)',
    },
    {
      done: channels.data.some((c) => c.kind === 'webchat' && c.config.allowedOrigins.length > 0),
      to: '/admin/channels',
      label: "List your website's address in the chat channel's allowed origins (Channels)",
    },
  ];
  if (steps.every((s) => s.done) && demoTried) return null;

  const dismiss = () => {
    localStorage.setItem(dismissedKey(user.id), '1');
    setDismissed(true);
  };
  return (
    <section className="panel getting-started" aria-labelledby="getting-started-title">
      <div className="getting-started__head">
        <h2 id="getting-started-title">Getting started</h2>
        <button type="button" className="button button--small button--ghost" onClick={dismiss}>
          Dismiss
        </button>
      </div>
      <ol className="getting-started__steps">
        {steps.map((s) => (
          <li key={s.to} className={s.done ? 'is-done' : undefined}>
            <span aria-hidden="true">{s.done ? '✓' : '○'}</span> <Link to={s.to}>{s.label}</Link>
            {s.done && <span className="visually-hidden"> (done)</span>}
          </li>
        ))}
        <li className={demoTried ? 'is-done' : undefined}>
          <span aria-hidden="true">{demoTried ? '✓' : '○'}</span>{' '}
          <a
            href="/demo"
            target="_blank"
            rel="noopener"
            onClick={() => {
              localStorage.setItem(DEMO_TRIED_KEY, '1');
              setDemoTried(true);
            }}
          >
            Try the chat on the demo page, and write "agent" to reach a person
          </a>
          {demoTried && <span className="visually-hidden"> (done)</span>}
        </li>
      </ol>
    </section>
  );
}
