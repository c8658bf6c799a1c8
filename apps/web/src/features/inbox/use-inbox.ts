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
  inboxReducer,
  initialInbox,
  lastSeq,
  loadOutbox,
  saveOutbox,
  type InboxState,
  type PendingMessage,
} from './inbox-state';
import { notifyAgent } from './notify';

const WAITING_PAGE = 50;

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
 * The inbox's live state: lists from REST, then kept current by the `/agent` socket. After a
 * reconnect it reloads the lists, back-fills the open conversation by `seq` and resends
 * whatever was still unsent, so nothing typed is lost.
 */
export function useInbox(onAgentState: (state: AgentState) => void) {
  const { user } = useSession();
  const me = user.id;
  const [state, dispatch] = useReducer(inboxReducer, me, (id) => initialInbox(loadOutbox(id)));
  const stateRef = useRef<InboxState>(state);
  stateRef.current = state;

  useEffect(() => saveOutbox(me, state.pending), [me, state.pending]);

  /** Mine whole (capacity bounds them) and the first page of those waiting; more on "Load more". */
  const loadLists = useCallback(async () => {
    const [mine, waiting] = await Promise.all([allMine(), waitingPage(null)]);
    dispatch({
      type: 'conversations.loaded',
      conversations: [...mine, ...waiting.items],
      me,
      waitingCursor: waiting.nextCursor,
    });
    onAgentState(await api.get('/agents/me/state', ZAgentState));
  }, [me, onAgentState]);

  const loadMoreWaiting = useCallback(async () => {
    const cursor = stateRef.current.waitingCursor;
    if (!cursor) return;
    const page = await waitingPage(cursor);
    dispatch({ type: 'conversations.added', conversations: page.items, me, waitingCursor: page.nextCursor });
  }, [me]);

  /** My conversations again (a new one needs its channel and last message), leaving the waiting pages be. */
  const reloadMine = useCallback(async () => {
    dispatch({ type: 'conversations.added', conversations: await allMine(), me });
    onAgentState(await api.get('/agents/me/state', ZAgentState));
  }, [me, onAgentState]);

  const backfill = useCallback(async (conversationId: string) => {
    for (;;) {
      const after = lastSeq(stateRef.current, conversationId);
      const { messages } = await ask(
        AgentClientEvent.FetchMessages,
        { conversationId, afterSeq: after, limit: 200 },
        ZFetchMessagesAck,
      );
      dispatch({ type: 'messages.added', conversationId, messages });
      // Keep the ref current for the next page before React re-renders.
      stateRef.current = inboxReducer(stateRef.current, { type: 'messages.added', conversationId, messages });
      if (messages.length < 200) return;
    }
  }, []);

  const deliver = useCallback(async (p: PendingMessage) => {
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
      dispatch({ type: 'messages.added', conversationId: p.conversationId, messages: [message] });
    } catch (error) {
      // A lost connection is not a failure: the message is resent when the socket is back.
      if (error instanceof SocketRequestError && error.code === 'timeout') return;
      dispatch({
        type: 'pending.failed',
        clientMessageId: p.clientMessageId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }, []);

  const open = useCallback(
    async (conversationId: string) => {
      const { conversation } = await ask(
        AgentClientEvent.JoinConversation,
        { conversationId },
        ZConversationAck,
      );
      dispatch({ type: 'conversation.changed', conversation, me });
      await backfill(conversationId);
      if (!stateRef.current.briefs[conversationId]) {
        const brief = await api.get(`/conversations/${conversationId}/handoff`, ZHandoffBrief);
        dispatch({ type: 'brief.loaded', conversationId, brief });
      }
    },
    [backfill, me],
  );

  useEffect(() => {
    /** Re-reads the lists and the open conversation (and re-joins it, if still mine to see). */
    const reread = () => {
      void loadLists().catch(() => undefined);
      const selected = stateRef.current.selectedId;
      if (selected)
        void open(selected).catch((error: unknown) => {
          if (error instanceof SocketRequestError && error.code === CommonErrorCode.NotFound)
            dispatch({ type: 'conversation.withdrawn', conversationId: selected });
        });
    };
    const onConnect = () => {
      reread();
      for (const p of stateRef.current.pending) if (!p.failed) void deliver(p);
    };
    const onAssigned = ({ conversation, handoff }: ConversationAssigned) => {
      dispatch({ type: 'conversation.changed', conversation, me });
      dispatch({ type: 'brief.loaded', conversationId: conversation.id, brief: handoff });
      dispatch({ type: 'offer.gone', conversationId: conversation.id });
      dispatch({ type: 'arrived', conversationId: conversation.id });
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
      dispatch({ type: 'conversation.changed', conversation, me });
      // Taking or letting go of a conversation changes my load: re-read it rather than guess.
      if (held(before) !== held(conversation))
        void api.get('/agents/me/state', ZAgentState).then(onAgentState, () => undefined);
    };
    const socket = agentSocket();
    socket.on('connect', onConnect);
    const unsubscribe = [
      () => socket.off('connect', onConnect),
      onAgentEvent(AgentServerEvent.MessageCreated, ZMessageCreated, ({ message }) =>
        dispatch({
          type: 'messages.added',
          conversationId: message.conversationId,
          messages: [message],
          fromServerPush: true,
        }),
      ),
      onAgentEvent(AgentServerEvent.ConversationAssigned, ZConversationAssigned, onAssigned),
      onAgentEvent(AgentServerEvent.ConversationOffered, ZConversationOffered, (offer) => {
        dispatch({ type: 'offer.received', offer });
        notifyAgent('Conversation offered', offer.handoff.summary ?? 'Accept or decline the offer.');
      }),
      onAgentEvent(AgentServerEvent.ConversationUpdated, ZConversationUpdated, onUpdated),
      onAgentEvent(AgentServerEvent.TypingChanged, ZTypingChanged, (t) => {
        if (t.author === 'customer')
          dispatch({ type: 'typing', conversationId: t.conversationId, typing: t.typing });
      }),
      onAgentEvent(AgentServerEvent.MessageDeliveryChanged, ZMessageDeliveryChanged, (d) => {
        const m = stateRef.current.messages[d.conversationId]?.find((x) => x.seq === d.seq);
        if (m)
          dispatch({
            type: 'messages.added',
            conversationId: d.conversationId,
            messages: [{ ...m, deliveryStatus: d.deliveryStatus }],
          });
      }),
      onAgentEvent(AgentServerEvent.AgentStateChanged, ZAgentState, onAgentState),
      onAgentEvent(AgentServerEvent.ConversationWithdrawn, ZConversationWithdrawn, ({ conversationId }) =>
        dispatch({ type: 'conversation.withdrawn', conversationId }),
      ),
      onAgentEvent(AgentServerEvent.AccessChanged, ZAccessChanged, reread),
    ];
    if (socket.connected) onConnect();
    return () => {
      for (const off of unsubscribe) off();
    };
  }, [loadLists, reloadMine, open, deliver, me, onAgentState]);

  const send = useCallback(
    (conversationId: string, body: string, internal: boolean) => {
      const p: PendingMessage = {
        clientMessageId: clientMessageId(),
        conversationId,
        body,
        internal,
        failed: null,
      };
      dispatch({ type: 'pending.add', message: p });
      if (agentSocket().connected) void deliver(p);
    },
    [deliver],
  );

  const retry = useCallback(
    (p: PendingMessage) => {
      dispatch({ type: 'pending.retry', clientMessageId: p.clientMessageId });
      void deliver({ ...p, failed: null });
    },
    [deliver],
  );

  return { state, dispatch, open, send, retry, reload: loadLists, loadMoreWaiting, me };
}
