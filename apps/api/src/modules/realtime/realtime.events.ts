/** socket.io rooms. Joining one is a permission decision made by the server, never by the client. */
export const Room = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  /** Members of a queue who may read conversations: its list changes (`conversation.updated`). */
  queue: (id: string) => `queue:${id}`,
  /**
   * Staff sockets that opened a conversation, one room per way of seeing it: as a member of its queue
   * or as its assignee. Events go only to the rooms of its current queue and assignee, so a socket
   * whose user lost that way of seeing it receives nothing more, on every instance, at once.
   */
  conversationViaQueue: (id: string, queueId: string) => `conversation:${id}:queue:${queueId}`,
  conversationViaAssignee: (id: string, userId: string) => `conversation:${id}:user:${userId}`,
  /** On `/customer`: every socket of one contact (a customer may have several tabs). */
  contact: (id: string) => `contact:${id}`,
  /** Supervisors of one queue (and admins): they receive that queue's live numbers and agents. */
  supervise: (queueId: string) => `supervise:${queueId}`,
} as const;

/** The queue a `conversationViaQueue` room grants, or null for any other room. */
export function queueOfConversationRoom(room: string): string | null {
  return /^conversation:[^:]+:queue:(.+)$/.exec(room)?.[1] ?? null;
}

export const isConversationRoom = (room: string): boolean => room.startsWith('conversation:');

interface AudienceOf {
  id: string;
  status: string;
  queueId: string | null;
  assigneeId: string | null;
}

/** The rooms through which a conversation can be seen right now: its queue's and its assignee's. */
export function conversationRooms(c: AudienceOf): string[] {
  const rooms: string[] = [];
  if (c.queueId) rooms.push(Room.conversationViaQueue(c.id, c.queueId));
  if (c.assigneeId) rooms.push(Room.conversationViaAssignee(c.id, c.assigneeId));
  return rooms;
}

/**
 * Who receives a conversation's live events (messages, typing, delivery, SLA): the sockets that
 * opened it through a way of seeing it that still holds, and every tab of the agent holding it. A
 * closed conversation has no audience: nothing about it is live any more.
 */
export function conversationAudience(c: AudienceOf): string[] {
  if (c.status === 'closed') return [];
  const rooms = conversationRooms(c);
  if (c.status === 'assigned' && c.assigneeId) rooms.push(Room.user(c.assigneeId));
  return rooms;
}

/** Sent to every API instance when a conversation moved from one queue to another. */
export const CONVERSATION_MOVED = 'conversation.moved';

export interface ConversationMoved {
  conversationId: string;
  fromQueueId: string;
  toQueueId: string;
}
