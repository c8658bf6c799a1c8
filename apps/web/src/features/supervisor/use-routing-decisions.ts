import { AgentServerEvent, type Conversation, type RoutingDecision } from '@baton/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { agentSocket } from '../../lib/agent-socket';
import { api } from '../../lib/api';

/**
 * The routing decisions of one conversation, kept current: every `conversation.updated` for it (a
 * transfer, an assignment, a return to the queue) reloads them, as does a reconnect. Comparing the
 * conversation before and after is not enough: a transfer that ends with the same agent again looks
 * unchanged, yet added decisions. Only the newest request's answer is kept.
 */
export function useRoutingDecisions(conversationId: string) {
  const [data, setData] = useState<RoutingDecision[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const decisions = await api.get<RoutingDecision[]>(
        `/conversations/${conversationId}/routing-decisions`,
      );
      if (request === latest.current) {
        setData(decisions);
        setError(null);
      }
    } catch (err) {
      if (request === latest.current) setError(err);
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, [conversationId]);

  useEffect(() => {
    void reload();
    const socket = agentSocket();
    const onUpdated = ({ conversation }: { conversation: Conversation }) => {
      if (conversation.id === conversationId) void reload();
    };
    const onConnect = () => void reload();
    socket.on(AgentServerEvent.ConversationUpdated, onUpdated);
    socket.on('connect', onConnect);
    return () => {
      socket.off(AgentServerEvent.ConversationUpdated, onUpdated);
      socket.off('connect', onConnect);
    };
  }, [conversationId, reload]);

  return { data, error, loading, reload };
}
