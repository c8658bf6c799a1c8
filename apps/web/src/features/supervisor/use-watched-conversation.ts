import {
  AgentClientEvent,
  AgentServerEvent,
  ZConversation,
  ZConversationAck,
  ZConversationUpdated,
  ZConversationWithdrawn,
  ZMessageCreated,
  ZRealtimeResumed,
  type Conversation,
  type Message,
} from '@baton/contracts';
import { emptyLine, hasGap, receive, settle, type SeqLine } from '@baton/contracts/seq-line';
import { useCallback, useEffect, useRef, useState } from 'react';
import { agentSocket, ask, onAgentEvent } from '../../lib/agent-socket';
import { api } from '../../lib/api';
import { conversationError, fetchMessagesAfter, mergeMessages } from './supervisor-utils';

/**
 * One conversation as the supervisor panel shows it. Loaded once over REST; while "watching
 * silently" the socket joins the conversation's room and appends its `message.created` events,
 * filling any gap (and everything missed while disconnected, or while the server's Redis link was
 * down) by `seq`, after the last `seq` with nothing missing before it.
 */
export function useWatchedConversation(id: string) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [watching, setWatching] = useState(false);
  const [watchError, setWatchError] = useState<unknown>(null);
  // The `seq`s shown, kept beside the list for the socket handlers: a push past a hole has a gap.
  const line = useRef<SeqLine<Message>>(emptyLine());

  const addMessages = useCallback((incoming: Message[]) => {
    line.current = receive(line.current, incoming).line;
    setMessages((current) => mergeMessages(current, incoming));
  }, []);

  /** Every message after `afterSeq`, all pages read: nothing up to the last one is missing. */
  const fetched = useCallback(
    (afterSeq: number, list: Message[]) => {
      addMessages(list);
      line.current = settle(line.current, Math.max(afterSeq, list.at(-1)?.seq ?? 0));
    },
    [addMessages],
  );

  const catchUp = useCallback(async () => {
    const afterSeq = line.current.contiguous;
    fetched(afterSeq, await fetchMessagesAfter(id, afterSeq));
  }, [id, fetched]);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.get(`/conversations/${id}`, ZConversation), fetchMessagesAfter(id, 0)]).then(
      ([c, list]) => {
        if (cancelled) return;
        setConversation(c);
        fetched(0, list);
      },
      (err: unknown) => {
        if (!cancelled) setError(conversationError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, fetched]);

  // Status, assignee and priority changes reach supervisors through their queues' rooms.
  useEffect(() => {
    const offUpdated = onAgentEvent(
      AgentServerEvent.ConversationUpdated,
      ZConversationUpdated,
      ({ conversation: c }) => {
        if (c.id === id) setConversation(c);
      },
    );
    // It moved to a queue I do not belong to: nothing more about it will come.
    const offWithdrawn = onAgentEvent(
      AgentServerEvent.ConversationWithdrawn,
      ZConversationWithdrawn,
      ({ conversationId }) => {
        if (conversationId !== id) return;
        setWatching(false);
        setWatchError(new Error('This conversation has left your queues: you can no longer follow it.'));
      },
    );
    return () => {
      offUpdated();
      offWithdrawn();
    };
  }, [id]);

  useEffect(() => {
    if (!watching) return;
    const socket = agentSocket();
    // Joining again after a reconnect: the new socket is in no room yet.
    const join = () =>
      ask(AgentClientEvent.JoinConversation, { conversationId: id }, ZConversationAck)
        .then(({ conversation: c }) => {
          setConversation(c);
          return catchUp();
        })
        .then(
          () => setWatchError(null),
          (err: unknown) => setWatchError(conversationError(err)),
        );
    const offMessage = onAgentEvent(AgentServerEvent.MessageCreated, ZMessageCreated, ({ message }) => {
      if (message.conversationId !== id) return;
      addMessages([message]);
      if (hasGap(line.current)) void catchUp().catch((err: unknown) => setWatchError(err));
    });
    // Events may have been lost on the server's side (Redis was out of reach).
    const offResumed = onAgentEvent(AgentServerEvent.RealtimeResumed, ZRealtimeResumed, () => {
      void catchUp().catch((err: unknown) => setWatchError(err));
    });
    socket.on('connect', join);
    if (socket.connected) void join();
    return () => {
      socket.off('connect', join);
      offMessage();
      offResumed();
    };
  }, [watching, id, catchUp, addMessages]);

  return {
    conversation,
    setConversation,
    messages,
    addMessages,
    error,
    watching,
    setWatching,
    watchError,
  };
}
