import { AgentServerEvent, ZConversationUpdated } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { agentSocket, onAgentEvent } from '../../lib/agent-socket';
import { queryKeys, routingDecisionsQuery } from '../../lib/queries';

/**
 * The routing decisions of one conversation, kept current: every `conversation.updated` for it (a
 * transfer, an assignment, a return to the queue) invalidates them, as does a reconnect. Comparing the
 * conversation before and after is not enough: a transfer that ends with the same agent again looks
 * unchanged, yet added decisions. The query keeps only the newest answer.
 */
export function useRoutingDecisions(conversationId: string) {
  const client = useQueryClient();
  const decisions = useQuery(routingDecisionsQuery(conversationId));

  useEffect(() => {
    const socket = agentSocket();
    const reload = () =>
      void client.invalidateQueries({ queryKey: queryKeys.routingDecisions(conversationId) });
    const offUpdated = onAgentEvent(
      AgentServerEvent.ConversationUpdated,
      ZConversationUpdated,
      ({ conversation }) => {
        if (conversation.id === conversationId) reload();
      },
    );
    socket.on('connect', reload);
    return () => {
      offUpdated();
      socket.off('connect', reload);
    };
  }, [client, conversationId]);

  return {
    data: decisions.data ?? null,
    error: decisions.error,
    loading: decisions.isFetching,
    reload: decisions.refetch,
  };
}
