import type { Conversation, ConversationCustomer } from '@baton/contracts';
import { useApi } from '../../lib/use-api';
import { ErrorMessage } from '../../ui/forms';

/** Who the customer is and what travelled with the handoff (page, language, case data). */
export function CustomerPanel({ conversation }: { conversation: Conversation }) {
  const customer = useApi<ConversationCustomer>(`/conversations/${conversation.id}/customer`);
  const context = Object.entries(conversation.handoff.context ?? {}).filter(
    ([, v]) => v !== null && v !== '' && typeof v !== 'object',
  );
  const c = customer.data;
  return (
    <aside className="customer panel" aria-label="Customer">
      <h2>Customer</h2>
      <ErrorMessage error={customer.error} />
      {c && (
        <dl>
          <dt>Name</dt>
          <dd>{c.name ?? 'Anonymous visitor'}</dd>
          {c.email && (
            <>
              <dt>Email</dt>
              <dd>{c.email}</dd>
            </>
          )}
          {c.phone && (
            <>
              <dt>Phone</dt>
              <dd>{c.phone}</dd>
            </>
          )}
          <dt>Channel</dt>
          <dd>{c.channel ? `${c.channel.name} (${c.channel.kind})` : '—'}</dd>
          <dt>Earlier conversations</dt>
          <dd>{c.previousConversations}</dd>
          {c.firstSeenAt && (
            <>
              <dt>First seen</dt>
              <dd>{new Date(c.firstSeenAt).toLocaleDateString()}</dd>
            </>
          )}
        </dl>
      )}
      {context.length > 0 && (
        <>
          <h3>Handoff context</h3>
          <dl>
            {context.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </aside>
  );
}
