import type { Conversation, ConversationListItem, HandoffBrief, Message } from '@baton/contracts';
import { hasGap, receive, receivePage, type SeqLine } from '@baton/contracts/seq-line';
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
  /** Stored messages per conversation, in `seq` order, each once. */
  messages: Record<string, Message[]>;
  /**
   * Per conversation, the last `seq` with nothing missing before it: back-fills ask after it, so a
   * live event lost on the way leaves a hole the next back-fill fills.
   */
  contiguous: Record<string, number>;
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
  /** A page of `messages.fetch` after `afterSeq` (at most `limit`): what it proves moves `contiguous`. */
  | {
      type: 'messages.backfilled';
      conversationId: string;
      afterSeq: number;
      messages: Message[];
      limit: number;
    }
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
  contiguous: {},
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

const lineOf = (state: InboxState, conversationId: string): SeqLine<Message> => ({
  messages: state.messages[conversationId] ?? [],
  contiguous: state.contiguous[conversationId] ?? 0,
});

/** The messages added to a conversation, the outbox and preview following them. */
function withLine(
  state: InboxState,
  conversationId: string,
  line: SeqLine<Message>,
  unread: Record<string, number>,
): InboxState {
  const messages = [...line.messages];
  const stored = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
  return {
    ...state,
    messages: { ...state.messages, [conversationId]: messages },
    contiguous: { ...state.contiguous, [conversationId]: line.contiguous },
    pending: state.pending.filter((p) => !stored.has(p.clientMessageId)),
    unread,
    previews: withLastMessage(state.previews, conversationId, messages),
  };
}

/** Keeps only the entries of conversations still on screen. */
function onlyOf<T>(record: Record<string, T>, ids: Record<string, unknown>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([id]) => id in ids));
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
      if (action.type === 'conversations.added') return { ...state, conversations, previews, waitingCursor };
      // The lists as they are now: the messages of conversations no longer in them are stale; reading
      // one again back-fills it from the start.
      return {
        ...state,
        conversations,
        previews,
        waitingCursor,
        messages: onlyOf(state.messages, conversations),
        contiguous: onlyOf(state.contiguous, conversations),
      };
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
      const id = action.conversationId;
      const { line, added } = receive(lineOf(state, id), action.messages);
      const fromCustomer = added.filter((m) => m.authorKind === 'customer').length;
      const unread =
        action.fromServerPush && id !== state.selectedId && fromCustomer > 0
          ? { ...state.unread, [id]: (state.unread[id] ?? 0) + fromCustomer }
          : state.unread;
      return withLine(state, id, line, unread);
    }
    case 'messages.backfilled': {
      const { conversationId: id, afterSeq, messages, limit } = action;
      const { line } = receivePage(lineOf(state, id), afterSeq, messages, { limit });
      return withLine(state, id, line, state.unread);
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

/** Where a back-fill of this conversation starts: after the last `seq` with nothing missing before it. */
export function lastSeq(state: InboxState, conversationId: string): number {
  return state.contiguous[conversationId] ?? 0;
}

/** A message arrived past a hole in `seq`: an event was lost on the way, and a back-fill fills it. */
export function needsBackfill(state: InboxState, conversationId: string): boolean {
  return hasGap(lineOf(state, conversationId));
}

/** Conversations whose messages this tab holds: each is re-joined and back-filled after a reconnect. */
export function heldConversations(state: InboxState): string[] {
  return Object.keys(state.messages).filter((id) => id in state.conversations);
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
