import { Permission } from '@baton/authz';
import {
  AgentServerEvent,
  type Conversation,
  type Presence,
  type Queue,
  type SupervisorOverview,
} from '@baton/contracts';
import { useCallback, useEffect, useState } from 'react';
import { useCan } from '../../auth/session';
import { agentSocket } from '../../lib/agent-socket';
import { api } from '../../lib/api';
import { fromOverview, isOpen, mergeOverview, withPresence, type WallState } from './supervisor-utils';

/** The socket's state, as the wall shows it. */
export type SocketLink = 'connecting' | 'live' | 'reconnecting';

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
  const [link, setLink] = useState<SocketLink>(() => (agentSocket().connected ? 'live' : 'connecting'));
  const [conversations, setConversations] = useState<Record<string, Conversation>>({});
  const [detailsError, setDetailsError] = useState<unknown>(null);
  const [members, setMembers] = useState<Record<string, string[]> | null>(null);

  const loadOverview = useCallback(async () => {
    try {
      setWall(fromOverview(await api.get<SupervisorOverview>('/supervisor/overview')));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  const loadDetails = useCallback(async () => {
    try {
      if (canReadConversations) {
        const list = await api.get<Conversation[]>('/conversations');
        setConversations(Object.fromEntries(list.map((c) => [c.id, c])));
      }
      if (canReadQueues) {
        const queues = await api.get<Queue[]>('/queues');
        setMembers(Object.fromEntries(queues.map((q) => [q.id, q.members.map((m) => m.userId)])));
      }
      setDetailsError(null);
    } catch (err) {
      setDetailsError(err);
    }
  }, [canReadConversations, canReadQueues]);

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
    const onConnect = () => {
      setLink('live');
      void reload();
    };
    const onDisconnect = () => setLink('reconnecting');
    const onOverview = (partial: SupervisorOverview) => setWall((w) => w && mergeOverview(w, partial));
    const onStatus = ({ userId, presence }: { userId: string; presence: Presence }) =>
      setWall((w) => w && withPresence(w, userId, presence));
    const onConversation = ({ conversation }: { conversation: Conversation }) =>
      setConversations((all) => upsert(all, conversation));
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on(AgentServerEvent.SupervisorOverviewChanged, onOverview);
    socket.on(AgentServerEvent.AgentStatusChanged, onStatus);
    socket.on(AgentServerEvent.ConversationUpdated, onConversation);
    // The queues I supervise changed: what the wall shows is re-read, not patched.
    const onAccess = () => void reload();
    socket.on(AgentServerEvent.AccessChanged, onAccess);
    // It may have connected between the first render and this subscription.
    if (socket.connected) setLink('live');
    const refresh = setInterval(() => void loadOverview(), SNAPSHOT_REFRESH_MS);
    return () => {
      clearInterval(refresh);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off(AgentServerEvent.SupervisorOverviewChanged, onOverview);
      socket.off(AgentServerEvent.AgentStatusChanged, onStatus);
      socket.off(AgentServerEvent.ConversationUpdated, onConversation);
      socket.off(AgentServerEvent.AccessChanged, onAccess);
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
