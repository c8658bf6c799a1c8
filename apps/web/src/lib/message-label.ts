import type { Message } from '@baton/contracts';

/**
 * Who wrote a message and what it is, in the words staff read above it. Taken from the message's own
 * `kind` and author, never from who holds the conversation: a supervisor's whisper or barge-in is
 * theirs, and a note keeps its writer's name after a transfer.
 */
export function messageLabel(m: Message, me: string): string {
  const mine = m.authorUserId !== null && m.authorUserId === me;
  const author = mine ? 'You' : (m.authorName ?? 'Former staff member');
  switch (m.kind) {
    case 'customer':
      return 'Customer';
    case 'bot':
      return 'Bot';
    case 'system':
      return 'System';
    case 'reply':
      return author;
    case 'note':
      return `Internal note · ${author}`;
    case 'whisper':
      return `Whisper from ${mine ? 'you' : author} · staff only`;
    case 'barge_in':
      return `${author} (supervisor) wrote to the customer`;
  }
}
