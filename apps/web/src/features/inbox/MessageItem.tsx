import type { Message } from '@baton/contracts';
import { messageLabel } from '../../lib/message-label';
import './message-item.css';

/** One message of the inbox, labelled and styled by its kind and real author. */
export function MessageItem({ message: m, me }: { message: Message; me: string }) {
  const mine = m.authorKind === 'agent' && m.authorUserId === me;
  const classes = [
    'message',
    `message--${m.authorKind}`,
    `message--kind-${m.kind}`,
    mine ? 'message--mine' : '',
    m.kind === 'note' ? 'message--note' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const toCustomer = m.kind === 'reply' || m.kind === 'barge_in';
  return (
    <li className={classes}>
      <div className="message__meta">
        {messageLabel(m, me)} ·{' '}
        <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
        {toCustomer && (
          <span className={`delivery delivery--${m.deliveryStatus ?? 'stored'}`}>
            {' '}
            · {m.deliveryStatus ?? 'sent'}
          </span>
        )}
      </div>
      <div className="message__body">{m.body}</div>
    </li>
  );
}
