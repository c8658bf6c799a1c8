import type { Conversation } from '@baton/contracts';
import { navigate } from '../../lib/router';

/**
 * A card per conversation assigned to me while I was elsewhere in the inbox; it stays until I open
 * the conversation or dismiss it, so an arrival is never missed between two glances.
 */
export function ArrivalToasts({
  arrived,
  onDismiss,
}: {
  arrived: Conversation[];
  onDismiss: (conversationId: string) => void;
}) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {arrived.map((c) => (
        <div key={c.id} className="toast">
          <div>
            <strong>New conversation assigned</strong>
            <p className="small">{c.handoff.summary ?? c.handoff.reason?.replaceAll('_', ' ') ?? ''}</p>
          </div>
          <div className="actions">
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => navigate(`/inbox/${c.id}`)}
            >
              Open
            </button>
            <button
              type="button"
              className="button button--small button--ghost"
              aria-label="Dismiss"
              onClick={() => onDismiss(c.id)}
            >
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
