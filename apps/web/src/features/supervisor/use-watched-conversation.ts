import {
  AgentClientEvent,
  AgentServerEvent,
  ZConversation,
  ZConversationAck,
  ZConversationUpdated,
  ZConversationWithdrawn,
  ZMessageCreated,
  type Conversation,
  type Message,
} from '@baton/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { agentSocket, ask, onAgentEvent } from '../../lib/agent-socket';
import { api } from '../../lib/api';
import { conversationError, fetchMessagesAfter, mergeMessages } from './supervisor-utils';

/**
 * One conversation as the supervisor panel shows it. Loaded once over REST; while "watching
 * silently" the socket joins the conversation's room and appends its `message.created` events,
 * filling any gap (and everything missed while disconnected) by `seq`.
 */
export function useWatchedConversation(id: string) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [watching, setWatching] = useState(false);
  const [watchError, setWatchError] = useState<unknown>(null);
  // The highest `seq` shown, kept beside the list for the socket handlers: a push beyond it has a gap.
  const lastSeq = useRef(0);

  const addMessages = useCallback((incoming: Message[]) => {
    for (const m of incoming) lastSeq.current = Math.max(lastSeq.current, m.seq);
    setMessages((current) => mergeMessages(current, incoming));
  }, []);

  const catchUp = useCallback(async () => {
    addMessages(await fetchMessagesAfter(id, lastSeq.current));
  }, [id, addMessages]);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.get(`/conversations/${id}`, ZConversation), fetchMessagesAfter(id, 0)]).then(
      ([c, list]) => {
        if (cancelled) return;
        setConversation(c);
        addMessages(list);
      },
      (err: unknown) => {
        if (!cancelled) setError(conversationError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, addMessages]);

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
      const gap = message.seq > lastSeq.current + 1;
      addMessages([message]);
      if (gap) void catchUp().catch((err: unknown) => setWatchError(err));
    });
    socket.on('connect', join);
    if (socket.connected) void join();
    return () => {
      socket.off('connect', join);
      offMessage();
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
