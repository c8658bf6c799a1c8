import { AgentClientEvent, ZConversationAck } from '@baton/contracts';
import { useState } from 'react';
import { ask } from '../../lib/agent-socket';
import { ErrorMessage } from '../../ui/forms';
import type { Offer } from './inbox-state';

/** An offer waits for the agent's answer until it expires (the inbox drops it then); the countdown shows the deadline. */
export function OfferCard({
  offer,
  now,
  onAccepted,
  onGone,
}: {
  offer: Offer;
  now: number;
  onAccepted: (id: string) => void;
  onGone: (id: string) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const id = offer.conversation.id;
  const left = Math.max(1, Math.round((Date.parse(offer.expiresAt) - now) / 1000));
  const answer = async (accept: boolean) => {
    try {
      await ask(
        accept ? AgentClientEvent.AcceptOffer : AgentClientEvent.DeclineOffer,
        { conversationId: id },
        ZConversationAck,
      );
      onGone(id);
      if (accept) onAccepted(id);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="offer" role="alert">
      <strong>New conversation offered</strong>
      <p>{offer.handoff?.summary ?? offer.conversation.handoff.summary ?? 'A customer is waiting.'}</p>
      {offer.handoff?.reason && (
        <p className="muted small">Reason: {offer.handoff.reason.replaceAll('_', ' ')}</p>
      )}
      <p className="offer__countdown" aria-live="off">
        {left} s left
      </p>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button button--primary" onClick={() => void answer(true)}>
          Accept
        </button>
        <button type="button" className="button" onClick={() => void answer(false)}>
          Decline
        </button>
      </div>
    </div>
  );
}
