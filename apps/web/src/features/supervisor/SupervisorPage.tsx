import { Permission } from '@baton/authz';
import type { Conversation } from '@baton/contracts';
import { useCallback, useMemo, useRef } from 'react';
import { useCan, useSession } from '../../auth/session';
import { navigate, useSearchParam } from '../../lib/router';
import { ErrorMessage } from '../../ui/forms';
import { GettingStarted } from '../admin/setup/GettingStarted';
import { LoadMore } from '../../ui/LoadMore';
import { Loading, PageHeader } from '../../ui/Page';
import { AgentsTable } from './AgentsTable';
import { ConversationPanel } from './ConversationPanel';
import { FairnessPanel } from './FairnessPanel';
import { HistoryChart } from './HistoryChart';
import { QueuesTable } from './QueuesTable';
import type { WallState } from './supervisor-utils';
import { useSupervisorWall, type SocketLink } from './use-supervisor-wall';
import { useWorkersHealth } from './use-workers-health';
import { WaitClock } from './wall-parts';
import { WorkersAlert } from './WorkersAlert';
import './supervisor.css';

/**
 * The supervisor wall: queues and agents live, load fairness, the last hours, and one conversation
 * at a time opened beside them. The open conversation is in the URL, so a link to it can be shared.
 */
export default function SupervisorPage() {
  const { user } = useSession();
  const canOpen = useCan(Permission.ConversationRead);
  const canSeeHistory = useCan(Permission.ReportRead);
  const live = useSupervisorWall();
  const workers = useWorkersHealth();
  const { wall, conversations } = live;
  const selectedId = useSearchParam('conversation');
  const opener = useRef<HTMLElement | null>(null);

  const open = useCallback((id: string) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    navigate(`/supervisor?conversation=${id}`, { replace: true });
  }, []);

  const close = useCallback(() => {
    navigate('/supervisor', { replace: true });
    // Back to the chip that opened it, if it is still on the wall.
    const back = opener.current;
    requestAnimationFrame(() => (back?.isConnected ? back : document.getElementById('main'))?.focus());
  }, []);

  // Waiting conversations per queue, next served first (as routing serves them).
  const waiting = useMemo(() => {
    const byQueue: Record<string, Conversation[]> = {};
    const queued = Object.values(conversations)
      .filter((c) => c.status === 'queued' && c.queueId)
      .sort((a, b) => b.priority - a.priority || (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
    for (const c of queued) if (c.queueId) (byQueue[c.queueId] ??= []).push(c);
    return byQueue;
  }, [conversations]);

  const onOpen = canOpen ? open : null;

  return (
    <div className="sv">
      <PageHeader title="Supervisor wall">
        <LiveStatus link={live.link} />
      </PageHeader>
      <GettingStarted />
      <WorkersAlert workers={workers} />
      {live.error !== null && <ErrorMessage error={live.error} />}
      {!wall ? (
        live.error ? null : (
          <Loading what="the supervisor wall" />
        )
      ) : (
        <div className={selectedId ? 'sv-layout sv-layout--split' : 'sv-layout'}>
          <div className="sv-wall">
            <Summary wall={wall} />
            {live.detailsError !== null && (
              <p className="alert alert--warn">
                Waiting lists and conversation details could not be loaded; the numbers above are still live.
                ({live.detailsError instanceof Error ? live.detailsError.message : 'Unknown error'})
              </p>
            )}
            <div className="sv-columns">
              <div className="sv-column">
                <QueuesTable queues={wall.queues} waiting={waiting} selectedId={selectedId} onOpen={onOpen} />
                {live.loadMoreConversations && (
                  <LoadMore label="Load more waiting conversations" load={live.loadMoreConversations} />
                )}
                <AgentsTable
                  agents={wall.agents}
                  me={user.id}
                  conversations={conversations}
                  selectedId={selectedId}
                  onOpen={onOpen}
                />
                {live.loadMoreAgents && <LoadMore label="Load more agents" load={live.loadMoreAgents} />}
              </div>
              <div className="sv-column">
                {canSeeHistory && <HistoryChart queues={wall.queues} />}
                <FairnessPanel agents={wall.agents} />
              </div>
            </div>
          </div>
          {selectedId && canOpen && (
            <ConversationPanel
              key={selectedId}
              id={selectedId}
              wall={wall}
              members={live.members}
              connected={live.link === 'live'}
              onClose={close}
              onChanged={live.conversationChanged}
            />
          )}
        </div>
      )}
    </div>
  );
}

const LINK: Record<SocketLink, { label: string; dot: string }> = {
  connecting: { label: 'Connecting…', dot: 'sv-dot' },
  live: { label: 'Live', dot: 'sv-dot sv-dot--live' },
  reconnecting: { label: 'Reconnecting… numbers may be behind', dot: 'sv-dot sv-dot--down' },
};

function LiveStatus({ link }: { link: SocketLink }) {
  return (
    <span className="sv-live" role="status">
      <span className={LINK[link].dot} aria-hidden="true" />
      {LINK[link].label}
    </span>
  );
}

/** The headline numbers across every queue on the wall. */
function Summary({ wall }: { wall: WallState }) {
  const waiting = wall.queues.reduce((s, q) => s + q.waiting, 0);
  const atRisk = wall.queues.reduce((s, q) => s + q.slaAtRisk, 0);
  const breached = wall.queues.reduce((s, q) => s + q.slaBreached, 0);
  // The queue whose oldest conversation has waited longest, projected to now by its own clock.
  const longest = wall.queues.reduce<(typeof wall.queues)[number] | null>((best, q) => {
    if (q.longestWaitSeconds === null) return best;
    if (!best || best.longestWaitSeconds === null) return q;
    return q.longestWaitSeconds * 1000 - q.at > best.longestWaitSeconds * 1000 - best.at ? q : best;
  }, null);
  const available = wall.agents.filter((a) => a.presence === 'available');
  const away = wall.agents.filter((a) => a.presence === 'away').length;
  const active = available.reduce((s, a) => s + a.activeCount, 0);
  const capacity = available.reduce((s, a) => s + a.capacity, 0);

  return (
    <dl className="sv-kpis">
      <div className="sv-kpi">
        <dt>Waiting</dt>
        <dd className="sv-num">{waiting}</dd>
      </div>
      <div className="sv-kpi">
        <dt>Longest wait</dt>
        <dd>
          <WaitClock seconds={longest?.longestWaitSeconds ?? null} at={longest?.at ?? 0} />
          {longest && <span className="sv-kpi__note">{longest.name}</span>}
        </dd>
      </div>
      <div className={atRisk > 0 ? 'sv-kpi sv-kpi--warn' : 'sv-kpi'}>
        <dt>SLA at risk</dt>
        <dd className="sv-num">{atRisk}</dd>
      </div>
      <div className={breached > 0 ? 'sv-kpi sv-kpi--danger' : 'sv-kpi'}>
        <dt>SLA breached</dt>
        <dd className="sv-num">{breached}</dd>
      </div>
      <div className="sv-kpi">
        <dt>Agents available</dt>
        <dd>
          <span className="sv-num">
            {available.length} / {wall.agents.length}
          </span>
          {away > 0 && <span className="sv-kpi__note">{away} away</span>}
        </dd>
      </div>
      <div className="sv-kpi">
        <dt>Capacity in use</dt>
        <dd>
          <span className="sv-num">
            {active} / {capacity}
          </span>
          {capacity > 0 && <span className="sv-kpi__note">{Math.round((active / capacity) * 100)} %</span>}
        </dd>
      </div>
    </dl>
  );
}
