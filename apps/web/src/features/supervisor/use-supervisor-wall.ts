import { Permission } from '@baton/authz';
import {
  AgentServerEvent,
  ZAccessChanged,
  ZAgentStatusChanged,
  ZConversationPage,
  ZConversationUpdated,
  ZQueue,
  ZSupervisorOverview,
  ZSupervisorOverviewPage,
  type Conversation,
} from '@baton/contracts';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import { useCan } from '../../auth/session';
import { agentSocket, onAgentEvent, socketLink, subscribeSocketLink } from '../../lib/agent-socket';
import { api, query } from '../../lib/api';
import { fromOverview, isOpen, mergeOverview, withPresence, type WallState } from './supervisor-utils';

export type { SocketLink } from '../../lib/agent-socket';

/** Agents per page of the overview, and open conversations per page of the waiting lists. */
const AGENTS_PAGE = 100;
const CONVERSATIONS_PAGE = 200;

/** The open conversations of my queues, most urgent first, a page at a time. */
const openConversations = (cursor: string | null) =>
  api.get(`/conversations${query({ view: 'open', limit: CONVERSATIONS_PAGE, cursor })}`, ZConversationPage);

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

  const [agentsCursor, setAgentsCursor] = useState<string | null>(null);
  const [conversationsCursor, setConversationsCursor] = useState<string | null>(null);

  // Each load settles state only once its answers are in, never while an effect runs. `whole` starts
  // the wall again from the first page of agents; otherwise the numbers are refreshed in place and the
  // agents loaded with "Load more" stay.
  const loadOverview = useCallback(
    (whole = false) =>
      api.get(`/supervisor/overview${query({ agentsLimit: AGENTS_PAGE })}`, ZSupervisorOverviewPage).then(
        (overview) => {
          setWall((w) => (w && !whole ? mergeOverview(w, overview) : fromOverview(overview)));
          if (whole) setAgentsCursor(overview.agentsNextCursor);
          setError(null);
        },
        (err: unknown) => setError(err),
      ),
    [],
  );

  const loadMoreAgents = useCallback(async () => {
    if (!agentsCursor) return;
    const page = await api.get(
      `/supervisor/overview${query({ agentsLimit: AGENTS_PAGE, agentsCursor })}`,
      ZSupervisorOverviewPage,
    );
    setWall((w) => (w ? mergeOverview(w, page) : fromOverview(page)));
    setAgentsCursor(page.agentsNextCursor);
  }, [agentsCursor]);

  const loadMoreConversations = useCallback(async () => {
    if (!conversationsCursor) return;
    const page = await openConversations(conversationsCursor);
    setConversations((all) => ({ ...all, ...Object.fromEntries(page.items.map((c) => [c.id, c])) }));
    setConversationsCursor(page.nextCursor);
  }, [conversationsCursor]);

  const loadDetails = useCallback(
    () =>
      Promise.all([
        canReadConversations ? openConversations(null) : null,
        canReadQueues ? api.get('/queues', z.array(ZQueue)) : null,
      ]).then(
        ([list, queues]) => {
          if (list) {
            setConversations(Object.fromEntries(list.items.map((c) => [c.id, c])));
            setConversationsCursor(list.nextCursor);
          }
          if (queues)
            setMembers(Object.fromEntries(queues.map((q) => [q.id, q.members.map((m) => m.userId)])));
          setDetailsError(null);
        },
        (err: unknown) => setDetailsError(err),
      ),
    [canReadConversations, canReadQueues],
  );

  const reload = useCallback(async () => {
    await Promise.all([loadOverview(true), loadDetails()]);
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

  return {
    wall,
    error,
    link,
    conversations,
    detailsError,
    members,
    reload,
    conversationChanged,
    loadMoreAgents: agentsCursor ? loadMoreAgents : null,
    loadMoreConversations: conversationsCursor ? loadMoreConversations : null,
  };
}

function upsert(all: Record<string, Conversation>, c: Conversation): Record<string, Conversation> {
  if (isOpen(c)) return { ...all, [c.id]: c };
  if (!(c.id in all)) return all;
  const { [c.id]: _gone, ...rest } = all;
  return rest;
}
