import { Permission } from '@baton/authz';
import {
  AgentServerEvent,
  ZAccessChanged,
  ZAgentStatusChanged,
  ZConversation,
  ZConversationUpdated,
  ZQueue,
  ZSupervisorOverview,
  type Conversation,
} from '@baton/contracts';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import { useCan } from '../../auth/session';
import { agentSocket, onAgentEvent, socketLink, subscribeSocketLink } from '../../lib/agent-socket';
import { api } from '../../lib/api';
import { fromOverview, isOpen, mergeOverview, withPresence, type WallState } from './supervisor-utils';

export type { SocketLink } from '../../lib/agent-socket';

// SLA "at risk" changes with time alone, and no event announces it: re-read the snapshot now and then.
const SNAPSHOT_REFRESH_MS = 30_000;

/**
 * The supervisor wall's live state: the overview snapshot from REST, kept current by the `/agent`
 * socket (one queue per push), and reloaded whole after every reconnect so nothing stays stale.
 * The open conversations of my queues (for waiting lists and details) follow `conversation.updated`.
 */
export function useSupervisorWall() {
  const canReadConversations = useCan(Permission.ConversationRead);
  const canReadQueues = useCan(Permission.QueueRead);
  const [wall, setWall] = useState<WallState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const link = useSyncExternalStore(subscribeSocketLink, socketLink);
  const [conversations, setConversations] = useState<Record<string, Conversation>>({});
  const [detailsError, setDetailsError] = useState<unknown>(null);
  const [members, setMembers] = useState<Record<string, string[]> | null>(null);

  // Each load settles state only once its answers are in, never while an effect runs.
  const loadOverview = useCallback(
    () =>
      api.get('/supervisor/overview', ZSupervisorOverview).then(
        (overview) => {
          setWall(fromOverview(overview));
          setError(null);
        },
        (err: unknown) => setError(err),
      ),
    [],
  );

  const loadDetails = useCallback(
    () =>
      Promise.all([
        canReadConversations ? api.get('/conversations', z.array(ZConversation)) : null,
        canReadQueues ? api.get('/queues', z.array(ZQueue)) : null,
      ]).then(
        ([list, queues]) => {
          if (list) setConversations(Object.fromEntries(list.map((c) => [c.id, c])));
          if (queues)
            setMembers(Object.fromEntries(queues.map((q) => [q.id, q.members.map((m) => m.userId)])));
          setDetailsError(null);
        },
        (err: unknown) => setDetailsError(err),
      ),
    [canReadConversations, canReadQueues],
  );

  const reload = useCallback(async () => {
    await Promise.all([loadOverview(), loadDetails()]);
  }, [loadOverview, loadDetails]);

  /** A mutation answered with the conversation's new state: show it now, before the push arrives. */
  const conversationChanged = useCallback(
    (conversation: Conversation) => {
      setConversations((all) => upsert(all, conversation));
      void loadOverview();
    },
    [loadOverview],
  );

  useEffect(() => {
    void reload();
    const socket = agentSocket();
    const onConnect = () => void reload();
    socket.on('connect', onConnect);
    const unsubscribe = [
      () => socket.off('connect', onConnect),
      onAgentEvent(AgentServerEvent.SupervisorOverviewChanged, ZSupervisorOverview, (partial) =>
        setWall((w) => w && mergeOverview(w, partial)),
      ),
      onAgentEvent(AgentServerEvent.AgentStatusChanged, ZAgentStatusChanged, ({ userId, presence }) =>
        setWall((w) => w && withPresence(w, userId, presence)),
      ),
      onAgentEvent(AgentServerEvent.ConversationUpdated, ZConversationUpdated, ({ conversation }) =>
        setConversations((all) => upsert(all, conversation)),
      ),
      // The queues I supervise changed: what the wall shows is re-read, not patched.
      onAgentEvent(AgentServerEvent.AccessChanged, ZAccessChanged, () => void reload()),
    ];
    const refresh = setInterval(() => void loadOverview(), SNAPSHOT_REFRESH_MS);
    return () => {
      clearInterval(refresh);
      for (const off of unsubscribe) off();
    };
  }, [reload, loadOverview]);

  return { wall, error, link, conversations, detailsError, members, reload, conversationChanged };
}

function upsert(all: Record<string, Conversation>, c: Conversation): Record<string, Conversation> {
  if (isOpen(c)) return { ...all, [c.id]: c };
  if (!(c.id in all)) return all;
  const { [c.id]: _gone, ...rest } = all;
  return rest;
}
