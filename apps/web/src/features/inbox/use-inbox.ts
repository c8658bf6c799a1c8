import {
  AgentClientEvent,
  AgentServerEvent,
  CommonErrorCode,
  ZAccessChanged,
  ZAgentState,
  ZConversationAck,
  ZConversationAssigned,
  ZConversationPage,
  ZConversationOffered,
  ZConversationUpdated,
  ZConversationWithdrawn,
  ZFetchMessagesAck,
  ZHandoffBrief,
  ZMessageCreated,
  ZMessageDeliveryChanged,
  ZRealtimeResumed,
  ZSendMessageAck,
  ZTypingChanged,
  type AgentState,
  type Conversation,
  type ConversationAssigned,
  type ConversationListItem,
  type ConversationPage,
} from '@baton/contracts';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useSession } from '../../auth/session';
import { agentSocket, ask, onAgentEvent, SocketRequestError } from '../../lib/agent-socket';
import { api, clientMessageId, query } from '../../lib/api';
import {
  heldConversations,
  inboxReducer,
  initialInbox,
  lastSeq,
  loadOutbox,
  needsBackfill,
  saveOutbox,
  type InboxAction,
  type InboxState,
  type PendingMessage,
} from './inbox-state';
import { notifyAgent } from './notify';

const WAITING_PAGE = 50;
const FETCH_PAGE = 200;
/** Every socket of an instance hears `realtime.resumed` at once: their re-reads spread over this long. */
const RESUME_SPREAD_MS = 2_000;

/** Every conversation assigned to me, a page at a time (there are rarely more than one). */
async function allMine(): Promise<ConversationListItem[]> {
  const items: ConversationListItem[] = [];
  let cursor: string | null = null;
  do {
    const page: ConversationPage = await api.get(
      `/conversations${query({ view: 'mine', limit: 200, cursor })}`,
      ZConversationPage,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const waitingPage = (cursor: string | null) =>
  api.get(`/conversations${query({ view: 'queued', limit: WAITING_PAGE, cursor })}`, ZConversationPage);

/**
 * The inbox's live state: lists from REST, then kept current by the `/agent` socket. A message that
 * arrives past a hole in `seq` (its predecessor's event was lost) back-fills its conversation. After
 * a reconnect it reloads the lists, re-joins and back-fills every listed conversation whose messages
 * it holds, and resends whatever was still unsent, so nothing is missed and nothing typed is lost.
 */
export function useInbox(onAgentState: (state: AgentState) => void) {
  const { user } = useSession();
  const me = user.id;
  const [state, dispatch] = useReducer(inboxReducer, me, (id) => initialInbox(loadOutbox(id)));
  /** The state as of the last action, for handlers; every action goes through `apply`, which keeps it. */
  const stateRef = useRef<InboxState>(state);
  /** Back-fills under way per conversation, and those asked for again meanwhile. */
  const backfills = useRef(new Map<string, Promise<void>>());
  const backfillAgain = useRef(new Set<string>());

  /** Dispatches, and brings the ref up to date at once (what follows reads it before React re-renders). */
  const apply = useCallback((action: InboxAction) => {
    stateRef.current = inboxReducer(stateRef.current, action);
    dispatch(action);
  }, []);

  useEffect(() => saveOutbox(me, state.pending), [me, state.pending]);

  /** Mine whole (capacity bounds them) and the first page of those waiting; more on "Load more". */
  const loadLists = useCallback(async () => {
    const [mine, waiting] = await Promise.all([allMine(), waitingPage(null)]);
    apply({
      type: 'conversations.loaded',
      conversations: [...mine, ...waiting.items],
      me,
      waitingCursor: waiting.nextCursor,
    });
    onAgentState(await api.get('/agents/me/state', ZAgentState));
  }, [apply, me, onAgentState]);

  const loadMoreWaiting = useCallback(async () => {
    const cursor = stateRef.current.waitingCursor;
    if (!cursor) return;
    const page = await waitingPage(cursor);
    apply({ type: 'conversations.added', conversations: page.items, me, waitingCursor: page.nextCursor });
  }, [apply, me]);

  /** My conversations again (a new one needs its channel and last message), leaving the waiting pages be. */
  const reloadMine = useCallback(async () => {
    apply({ type: 'conversations.added', conversations: await allMine(), me });
    onAgentState(await api.get('/agents/me/state', ZAgentState));
  }, [apply, me, onAgentState]);

  /** Every message after the last contiguous `seq`, a page at a time; asked again while running, runs once more. */
  const backfill = useCallback(
    (conversationId: string): Promise<void> => {
      const running = backfills.current.get(conversationId);
      if (running) {
        backfillAgain.current.add(conversationId);
        return running;
      }
      const pages = async () => {
        for (;;) {
          const afterSeq = lastSeq(stateRef.current, conversationId);
          const { messages } = await ask(
            AgentClientEvent.FetchMessages,
            { conversationId, afterSeq, limit: FETCH_PAGE },
            ZFetchMessagesAck,
          );
          apply({ type: 'messages.backfilled', conversationId, afterSeq, messages, limit: FETCH_PAGE });
          if (messages.length < FETCH_PAGE) return;
        }
      };
      const run = (async () => {
        try {
          do {
            backfillAgain.current.delete(conversationId);
            await pages();
          } while (backfillAgain.current.has(conversationId));
        } finally {
          backfills.current.delete(conversationId);
        }
      })();
      backfills.current.set(conversationId, run);
      return run;
    },
    [apply],
  );

  /** Messages from a live event or an acknowledgement; one past a hole in `seq` back-fills what is missing. */
  const received = useCallback(
    (action: Extract<InboxAction, { type: 'messages.added' }>) => {
      apply(action);
      if (needsBackfill(stateRef.current, action.conversationId))
        void backfill(action.conversationId).catch(() => undefined);
    },
    [apply, backfill],
  );

  const deliver = useCallback(
    async (p: PendingMessage) => {
      try {
        const { message } = await ask(
          AgentClientEvent.SendMessage,
          {
            conversationId: p.conversationId,
            body: p.body,
            clientMessageId: p.clientMessageId,
            internal: p.internal,
          },
          ZSendMessageAck,
        );
        received({ type: 'messages.added', conversationId: p.conversationId, messages: [message] });
      } catch (error) {
        // A lost connection is not a failure: the message is resent when the socket is back.
        if (error instanceof SocketRequestError && error.code === 'timeout') return;
        apply({
          type: 'pending.failed',
          clientMessageId: p.clientMessageId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
    [apply, received],
  );

  const open = useCallback(
    async (conversationId: string) => {
      const { conversation } = await ask(
        AgentClientEvent.JoinConversation,
        { conversationId },
        ZConversationAck,
      );
      apply({ type: 'conversation.changed', conversation, me });
      await backfill(conversationId);
      if (!stateRef.current.briefs[conversationId]) {
        const brief = await api.get(`/conversations/${conversationId}/handoff`, ZHandoffBrief);
        apply({ type: 'brief.loaded', conversationId, brief });
      }
    },
    [apply, backfill, me],
  );

  useEffect(() => {
    /**
     * Re-reads the lists, then re-joins and back-fills the open conversation and every listed one whose
     * messages this tab holds (their live events may have been lost meanwhile); the reload forgot the rest.
     */
    const reread = async () => {
      await loadLists().catch(() => undefined);
      const { selectedId } = stateRef.current;
      const held = new Set(heldConversations(stateRef.current));
      if (selectedId) held.add(selectedId);
      for (const conversationId of held)
        void open(conversationId).catch((error: unknown) => {
          if (error instanceof SocketRequestError && error.code === CommonErrorCode.NotFound)
            apply({ type: 'conversation.withdrawn', conversationId });
        });
    };
    const pendingRereads = new Set<ReturnType<typeof setTimeout>>();
    const onConnect = () => {
      void reread();
      for (const p of stateRef.current.pending) if (!p.failed) void deliver(p);
    };
    const onAssigned = ({ conversation, handoff }: ConversationAssigned) => {
      apply({ type: 'conversation.changed', conversation, me });
      apply({ type: 'brief.loaded', conversationId: conversation.id, brief: handoff });
      apply({ type: 'offer.gone', conversationId: conversation.id });
      apply({ type: 'arrived', conversationId: conversation.id });
      // The list row needs its channel and last message, which only the list carries.
      void reloadMine().catch(() => undefined);
      notifyAgent(
        'New conversation assigned',
        handoff.summary ?? handoff.reason ?? 'A customer is waiting for you.',
      );
    };
    const onUpdated = ({ conversation }: { conversation: Conversation }) => {
      const before = stateRef.current.conversations[conversation.id];
      const held = (c: Conversation | undefined) => c?.status === 'assigned' && c.assigneeId === me;
      apply({ type: 'conversation.changed', conversation, me });
      // Taking or letting go of a conversation changes my load: re-read it rather than guess.
      if (held(before) !== held(conversation))
        void api.get('/agents/me/state', ZAgentState).then(onAgentState, () => undefined);
    };
    const socket = agentSocket();
    socket.on('connect', onConnect);
    const unsubscribe = [
      () => socket.off('connect', onConnect),
      onAgentEvent(AgentServerEvent.MessageCreated, ZMessageCreated, ({ message }) =>
        received({
          type: 'messages.added',
          conversationId: message.conversationId,
          messages: [message],
          fromServerPush: true,
        }),
      ),
      onAgentEvent(AgentServerEvent.ConversationAssigned, ZConversationAssigned, onAssigned),
      onAgentEvent(AgentServerEvent.ConversationOffered, ZConversationOffered, (offer) => {
        apply({ type: 'offer.received', offer });
        notifyAgent('Conversation offered', offer.handoff.summary ?? 'Accept or decline the offer.');
      }),
      onAgentEvent(AgentServerEvent.ConversationUpdated, ZConversationUpdated, onUpdated),
      onAgentEvent(AgentServerEvent.TypingChanged, ZTypingChanged, (t) => {
        if (t.author === 'customer')
          apply({ type: 'typing', conversationId: t.conversationId, typing: t.typing });
      }),
      onAgentEvent(AgentServerEvent.MessageDeliveryChanged, ZMessageDeliveryChanged, (d) => {
        const m = stateRef.current.messages[d.conversationId]?.find((x) => x.seq === d.seq);
        if (m)
          apply({
            type: 'messages.added',
            conversationId: d.conversationId,
            messages: [{ ...m, deliveryStatus: d.deliveryStatus }],
          });
      }),
      onAgentEvent(AgentServerEvent.AgentStateChanged, ZAgentState, onAgentState),
      onAgentEvent(AgentServerEvent.ConversationWithdrawn, ZConversationWithdrawn, ({ conversationId }) =>
        apply({ type: 'conversation.withdrawn', conversationId }),
      ),
      onAgentEvent(AgentServerEvent.AccessChanged, ZAccessChanged, () => void reread()),
      // Live events may have been lost on the server's side (Redis was out of reach): re-read.
      onAgentEvent(AgentServerEvent.RealtimeResumed, ZRealtimeResumed, () => {
        const timer = setTimeout(() => {
          pendingRereads.delete(timer);
          void reread();
        }, Math.random() * RESUME_SPREAD_MS);
        pendingRereads.add(timer);
      }),
    ];
    if (socket.connected) onConnect();
    return () => {
      for (const off of unsubscribe) off();
      for (const timer of pendingRereads) clearTimeout(timer);
    };
  }, [apply, loadLists, reloadMine, open, deliver, received, me, onAgentState]);

  const send = useCallback(
    (conversationId: string, body: string, internal: boolean) => {
      const p: PendingMessage = {
        clientMessageId: clientMessageId(),
        conversationId,
        body,
        internal,
        failed: null,
      };
      apply({ type: 'pending.add', message: p });
      if (agentSocket().connected) void deliver(p);
    },
    [apply, deliver],
  );

  const retry = useCallback(
    (p: PendingMessage) => {
      apply({ type: 'pending.retry', clientMessageId: p.clientMessageId });
      void deliver({ ...p, failed: null });
    },
    [apply, deliver],
  );

  return { state, dispatch: apply, open, send, retry, reload: loadLists, loadMoreWaiting, me };
}
