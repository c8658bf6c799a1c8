import type { Conversation } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { conversationCustomerQuery } from '../../lib/queries';
import { ErrorMessage } from '../../ui/forms';

const SOURCE: Record<string, string> = {
  bot: 'Handed over by the chat bot',
  api: 'Handed over by your own bot (handoff API)',
  agent: 'Sent on by an agent',
  system: 'Went straight to the queue',
};
const ENGINE: Record<string, string> = {
  knowledge_base: 'Knowledge-base answers',
  llm: 'AI assistant',
};

/**
 * The handoff context in words an agent reads at a glance; ids and anything unknown go under
 * "Technical details", shown on demand.
 */
function describeContext(context: Record<string, unknown>) {
  const facts: [string, string][] = [];
  const technical: [string, string][] = [];
  for (const [key, value] of Object.entries(context)) {
    if (value === null || value === '' || value === undefined) continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (key === 'source') facts.push(['From', SOURCE[text] ?? text]);
    else if (key === 'engine') facts.push(['Bot kind', ENGINE[text] ?? text]);
    else if (key === 'language') facts.push(['Language', text]);
    else if (key === 'url') facts.push(['Page', text]);
    else if (key === 'note') facts.push(['Note from the bot', text]);
    else technical.push([key, text]);
  }
  return { facts, technical };
}

/** Who the customer is and what travelled with the handoff (page, language, case data). */
export function CustomerPanel({ conversation }: { conversation: Conversation }) {
  const customer = useQuery(conversationCustomerQuery(conversation.id));
  const { facts, technical } = describeContext(conversation.handoff.context ?? {});
  const c = customer.data;
  return (
    <aside className="customer panel" aria-label="Customer">
      <h2>Customer</h2>
      <ErrorMessage error={customer.error} />
      {c && (
        <dl>
          <dt>Name</dt>
          <dd>{c.name ?? <span className="muted">Not given (anonymous visitor)</span>}</dd>
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
      {facts.length > 0 && (
        <>
          <h3>How it reached you</h3>
          <dl>
            {facts.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {technical.length > 0 && (
        <details className="customer__technical">
          <summary>Technical details</summary>
          <dl>
            {technical.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </aside>
  );
}
