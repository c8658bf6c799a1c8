import type { ConversationStatus, CustomerMessage } from '@baton/contracts';

export interface ConversationView {
  id: string;
  status: ConversationStatus;
  agentName: string | null;
  /** Place in the queue while queued (1 = next); null otherwise or not yet known. */
  position: number | null;
  estimatedWaitSeconds: number | null;
}

/** "about 2 min", "less than a minute"; null when there is no estimate yet. */
export function formatWait(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return 'less than a minute';
  return `about ${Math.round(seconds / 60)} min`;
}

/** The line under the header that says where the conversation stands. */
export function statusLine(conversation: ConversationView | null): string {
  switch (conversation?.status) {
    case undefined:
      return '';
    case 'bot':
      return 'Our virtual assistant is answering';
    case 'queued': {
      if (conversation.position === null) return 'Waiting for an agent…';
      const wait = formatWait(conversation.estimatedWaitSeconds);
      return `Waiting for an agent — you are #${conversation.position}${wait ? `, ${wait}` : ''}`;
    }
    case 'assigned':
      return `${conversation.agentName ?? 'An agent'} is helping you`;
    case 'resolved':
      return 'This conversation is resolved. Write again if you need more help.';
    case 'closed':
      return 'This conversation has ended. Write to start a new one.';
  }
}

/**
 * Who wrote a message, as shown above it: staff by the name the message carries, so a supervisor who
 * barges in appears under their own name, and an earlier agent's reply keeps theirs after a transfer.
 */
export function authorLabel(message: Pick<CustomerMessage, 'authorKind' | 'authorName'>): string {
  switch (message.authorKind) {
    case 'customer':
      return 'You';
    case 'bot':
      return 'Bot';
    case 'agent':
      return message.authorName ?? 'Agent';
    case 'system':
      return 'Notice';
  }
}
