import type { Conversation, ConversationListItem, HandoffBrief, Message } from '@baton/contracts';
import { z } from 'zod';

/** A message this tab sent that the server has not stored yet (kept across reloads until it is). */
export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  body: string;
  internal: boolean;
  failed: string | null;
}

export interface Offer {
  conversation: Conversation;
  handoff: HandoffBrief | null;
  expiresAt: string;
}

/** What the list shows beside a conversation: where the customer wrote from and the last visible message. */
export type Preview = Pick<ConversationListItem, 'channelName' | 'lastMessage'>;

export interface InboxState {
  conversations: Record<string, Conversation>;
  previews: Record<string, Preview>;
  /** Stored messages per conversation, in `seq` order without gaps or duplicates. */
  messages: Record<string, Message[]>;
  briefs: Record<string, HandoffBrief>;
  unread: Record<string, number>;
  offers: Offer[];
  typing: Record<string, boolean>;
  /** Conversations I can no longer see (moved out of my queues or my hands); shown read-only if open. */
  withdrawn: Record<string, true>;
  pending: PendingMessage[];
  /** Conversations assigned to me live that I have not opened yet, oldest first (the toasts and the tab title). */
  arrived: string[];
  selectedId: string | null;
  /** Where the next page of "Waiting in my queues" starts; null once every page is loaded. */
  waitingCursor: string | null;
}

export type InboxAction =
  /** The lists as the server has them now (the first page of waiting ones, with the cursor of the next). */
  | {
      type: 'conversations.loaded';
      conversations: ConversationListItem[];
      me: string;
      waitingCursor?: string | null;
    }
  /** More rows for the lists, keeping those loaded: the next page of waiting ones, or a row refreshed. */
  | {
      type: 'conversations.added';
      conversations: ConversationListItem[];
      me: string;
      waitingCursor?: string | null;
    }
  | { type: 'conversation.changed'; conversation: Conversation; me: string }
  | { type: 'conversation.withdrawn'; conversationId: string }
  | { type: 'brief.loaded'; conversationId: string; brief: HandoffBrief }
  | { type: 'messages.added'; conversationId: string; messages: Message[]; fromServerPush?: boolean }
  | { type: 'offer.received'; offer: Offer }
  | { type: 'offer.gone'; conversationId: string }
  | { type: 'typing'; conversationId: string; typing: boolean }
  | { type: 'pending.add'; message: PendingMessage }
  | { type: 'pending.failed'; clientMessageId: string; error: string }
  | { type: 'pending.retry'; clientMessageId: string }
  | { type: 'arrived'; conversationId: string }
  | { type: 'arrived.dismiss'; conversationId: string }
  | { type: 'select'; conversationId: string | null };

export const initialInbox = (pending: PendingMessage[]): InboxState => ({
  conversations: {},
  previews: {},
  messages: {},
  briefs: {},
  unread: {},
  offers: [],
  typing: {},
  withdrawn: {},
  pending,
  arrived: [],
  selectedId: null,
  waitingCursor: null,
});

/** Whether this conversation belongs in my lists: mine, or waiting in one of my queues. */
const listed = (c: Conversation, me: string) =>
  (c.status === 'assigned' && c.assigneeId === me) || c.status === 'queued';

function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  const bySeq = new Map(existing.map((m) => [m.seq, m]));
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The list's preview follows the newest message the customer can see (notes stay out of it). */
function withLastMessage(
  previews: Record<string, Preview>,
  conversationId: string,
  messages: Message[],
): Record<string, Preview> {
  const last = messages.findLast((m) => !m.internal);
  const current = previews[conversationId];
  if (!last || (current?.lastMessage && current.lastMessage.createdAt > last.createdAt)) return previews;
  if (
    current?.lastMessage?.createdAt === last.createdAt &&
    current.lastMessage.body === last.body.slice(0, 140)
  )
    return previews;
  return {
    ...previews,
    [conversationId]: {
      channelName: current?.channelName ?? null,
      lastMessage: { authorKind: last.authorKind, body: last.body.slice(0, 140), createdAt: last.createdAt },
    },
  };
}

export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'conversations.loaded':
    case 'conversations.added': {
      const conversations: Record<string, Conversation> =
        action.type === 'conversations.added' ? { ...state.conversations } : {};
      const previews = { ...state.previews };
      for (const { channelName, lastMessage, ...c } of action.conversations) {
        if (!listed(c, action.me)) continue;
        conversations[c.id] = c;
        previews[c.id] = { channelName, lastMessage };
      }
      // The open conversation stays visible even once it left my lists (resolved, transferred).
      const open = state.selectedId ? state.conversations[state.selectedId] : undefined;
      if (open && !conversations[open.id]) conversations[open.id] = open;
      const waitingCursor = action.waitingCursor === undefined ? state.waitingCursor : action.waitingCursor;
      return { ...state, conversations, previews, waitingCursor };
    }
    case 'conversation.changed': {
      const c = action.conversation;
      const conversations = { ...state.conversations };
      if (listed(c, action.me) || c.id === state.selectedId) conversations[c.id] = c;
      else delete conversations[c.id];
      const offers =
        c.status === 'queued' ? state.offers : state.offers.filter((o) => o.conversation.id !== c.id);
      const stillMine = c.status === 'assigned' && c.assigneeId === action.me;
      const arrived = stillMine ? state.arrived : state.arrived.filter((id) => id !== c.id);
      const { [c.id]: _back, ...withdrawn } = state.withdrawn;
      return { ...state, conversations, offers, arrived, withdrawn };
    }
    case 'conversation.withdrawn': {
      const id = action.conversationId;
      const conversations = { ...state.conversations };
      // The open one stays on screen, read-only, so the agent sees where it went rather than a blank.
      if (id !== state.selectedId) delete conversations[id];
      const { [id]: _unread, ...unread } = state.unread;
      return {
        ...state,
        conversations,
        unread,
        offers: state.offers.filter((o) => o.conversation.id !== id),
        arrived: state.arrived.filter((x) => x !== id),
        typing: { ...state.typing, [id]: false },
        withdrawn: { ...state.withdrawn, [id]: true },
      };
    }
    case 'brief.loaded':
      return { ...state, briefs: { ...state.briefs, [action.conversationId]: action.brief } };
    case 'messages.added': {
      const current = state.messages[action.conversationId] ?? [];
      const merged = mergeMessages(current, action.messages);
      const stored = new Set(merged.map((m) => m.clientMessageId).filter(Boolean));
      const added = merged.length - current.length;
      const unread =
        action.fromServerPush && action.conversationId !== state.selectedId && added > 0
          ? {
              ...state.unread,
              [action.conversationId]:
                (state.unread[action.conversationId] ?? 0) +
                action.messages.filter((m) => m.authorKind === 'customer').length,
            }
          : state.unread;
      return {
        ...state,
        messages: { ...state.messages, [action.conversationId]: merged },
        pending: state.pending.filter((p) => !stored.has(p.clientMessageId)),
        unread,
        previews: withLastMessage(state.previews, action.conversationId, merged),
      };
    }
    case 'offer.received':
      return {
        ...state,
        offers: [
          ...state.offers.filter((o) => o.conversation.id !== action.offer.conversation.id),
          action.offer,
        ],
      };
    case 'offer.gone':
      return { ...state, offers: state.offers.filter((o) => o.conversation.id !== action.conversationId) };
    case 'typing':
      return { ...state, typing: { ...state.typing, [action.conversationId]: action.typing } };
    case 'pending.add':
      return { ...state, pending: [...state.pending, action.message] };
    case 'pending.failed':
      return {
        ...state,
        pending: state.pending.map((p) =>
          p.clientMessageId === action.clientMessageId ? { ...p, failed: action.error } : p,
        ),
      };
    case 'pending.retry':
      return {
        ...state,
        pending: state.pending.map((p) =>
          p.clientMessageId === action.clientMessageId ? { ...p, failed: null } : p,
        ),
      };
    case 'arrived':
      if (action.conversationId === state.selectedId || state.arrived.includes(action.conversationId))
        return state;
      return { ...state, arrived: [...state.arrived, action.conversationId] };
    case 'arrived.dismiss':
      return { ...state, arrived: state.arrived.filter((id) => id !== action.conversationId) };
    case 'select': {
      const unread = { ...state.unread };
      if (action.conversationId) delete unread[action.conversationId];
      const arrived = state.arrived.filter((id) => id !== action.conversationId);
      return { ...state, selectedId: action.conversationId, unread, arrived };
    }
  }
}

export function lastSeq(state: InboxState, conversationId: string): number {
  return state.messages[conversationId]?.at(-1)?.seq ?? 0;
}

const outboxKey = (userId: string) => `baton.outbox.${userId}`;

/** What an earlier page of this tab stored; anything else (another version, an edit by hand) is dropped. */
const ZStoredOutbox = z.array(
  z.object({
    clientMessageId: z.string(),
    conversationId: z.string(),
    body: z.string(),
    internal: z.boolean(),
  }),
);

/** Unsent messages survive a reload: they are stored per user until the server has them. */
export function loadOutbox(userId: string): PendingMessage[] {
  try {
    const raw = localStorage.getItem(outboxKey(userId));
    const stored = raw ? ZStoredOutbox.safeParse(JSON.parse(raw)) : null;
    return stored?.success ? stored.data.map((p) => ({ ...p, failed: null })) : [];
  } catch {
    return [];
  }
}

export function saveOutbox(userId: string, pending: PendingMessage[]): void {
  if (pending.length === 0) localStorage.removeItem(outboxKey(userId));
  else localStorage.setItem(outboxKey(userId), JSON.stringify(pending));
}
