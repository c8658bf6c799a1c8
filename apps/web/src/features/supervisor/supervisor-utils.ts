import type {
  Conversation,
  ConversationStatus,
  Message,
  Presence,
  SupervisorOverview,
} from '@baton/contracts';
import { ZMessage } from '@baton/contracts';
import { z } from 'zod';
import { api, ApiError } from '../../lib/api';
import { replaceUuids } from '../../lib/format';

export type OverviewQueue = SupervisorOverview['queues'][number];
export type OverviewAgent = SupervisorOverview['agents'][number];

/** A queue's numbers with the moment (epoch ms) they were computed, so its wait clocks can tick from there. */
export interface LiveQueue extends OverviewQueue {
  at: number;
}

export interface WallState {
  queues: LiveQueue[];
  agents: OverviewAgent[];
}

export function fromOverview(overview: SupervisorOverview): WallState {
  const at = Date.parse(overview.at);
  return { queues: overview.queues.map((q) => ({ ...q, at })), agents: overview.agents };
}

/**
 * Applies a `supervisor.overview_changed` push: it carries one queue and that queue's members.
 * Rows keep their place, so nothing jumps on the wall while numbers change.
 */
export function mergeOverview(state: WallState, partial: SupervisorOverview): WallState {
  const at = Date.parse(partial.at);
  const queues = [...state.queues];
  for (const q of partial.queues) {
    const i = queues.findIndex((x) => x.id === q.id);
    if (i >= 0) queues[i] = { ...q, at };
    else queues.push({ ...q, at });
  }
  const agents = [...state.agents];
  for (const a of partial.agents) {
    const i = agents.findIndex((x) => x.userId === a.userId);
    if (i >= 0) agents[i] = a;
    else agents.push(a);
  }
  if (agents.length > state.agents.length) agents.sort((x, y) => x.displayName.localeCompare(y.displayName));
  return { queues, agents };
}

export function withPresence(state: WallState, userId: string, presence: Presence): WallState {
  if (!state.agents.some((a) => a.userId === userId && a.presence !== presence)) return state;
  return { ...state, agents: state.agents.map((a) => (a.userId === userId ? { ...a, presence } : a)) };
}

/** A clock that ran on since `at`: what the server measured plus the time elapsed here. */
export function ticked(seconds: number | null, at: number, now: number): number | null {
  return seconds === null ? null : seconds + Math.max(0, (now - at) / 1000);
}

export function utilisation(agent: Pick<OverviewAgent, 'activeCount' | 'capacity'>): number {
  return agent.capacity > 0 ? agent.activeCount / agent.capacity : 0;
}

export interface Fairness {
  /** Jain's index of utilisation, 1/n (one agent carries everything) … 1 (everyone equally loaded). */
  index: number | null;
  /** Busiest minus least busy utilisation, 0 … 1. */
  spread: number | null;
  agents: number;
}

/** How evenly the work is spread across the agents who can take it (the available ones). */
export function fairnessOf(agents: OverviewAgent[]): Fairness {
  const loads = agents.filter((a) => a.presence === 'available').map(utilisation);
  if (loads.length === 0) return { index: null, spread: null, agents: 0 };
  const sum = loads.reduce((s, x) => s + x, 0);
  const squares = loads.reduce((s, x) => s + x * x, 0);
  return {
    // Nobody busy is perfectly even.
    index: squares === 0 ? 1 : (sum * sum) / (loads.length * squares),
    spread: Math.max(...loads) - Math.min(...loads),
    agents: loads.length,
  };
}

/** How a conversation is named on the wall: stable, short, and the same everywhere it appears. */
export function shortId(id: string): string {
  return `#${id.slice(0, 6)}`;
}

export const PRESENCE: Record<Presence, { label: string; badge: string }> = {
  available: { label: 'Available', badge: 'badge badge--ok' },
  away: { label: 'Away', badge: 'badge badge--warn' },
  offline: { label: 'Offline', badge: 'badge' },
};

export const STATUS: Record<ConversationStatus, { label: string; badge: string }> = {
  bot: { label: 'With the bot', badge: 'badge' },
  queued: { label: 'Waiting', badge: 'badge badge--warn' },
  assigned: { label: 'Assigned', badge: 'badge badge--info' },
  resolved: { label: 'Resolved', badge: 'badge badge--ok' },
  closed: { label: 'Closed', badge: 'badge' },
};

/** Open conversations are those the wall follows; the rest drop off its lists. */
export function isOpen(c: Conversation): boolean {
  return c.status === 'queued' || c.status === 'assigned';
}

/** Merges by `seq` (a message pushed twice or fetched after a push is shown once), in order. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Every message after `afterSeq`, page by page. */
export async function fetchMessagesAfter(conversationId: string, afterSeq: number): Promise<Message[]> {
  const pageSize = 500;
  const all: Message[] = [];
  for (let after = afterSeq; ;) {
    const page = await api.get(
      `/conversations/${conversationId}/messages?afterSeq=${after}&limit=${pageSize}`,
      z.array(ZMessage),
    );
    all.push(...page);
    const last = page.at(-1);
    if (page.length < pageSize || !last) return all;
    after = last.seq;
  }
}

/** Conversation requests answer 404 for conversations outside the queues one belongs to; say so plainly. */
export function conversationError(error: unknown): unknown {
  if (error instanceof ApiError && error.status === 404) {
    return new Error(
      'This conversation cannot be opened here: it is closed, or not in a queue you belong to.',
    );
  }
  return error;
}

/** Server-written reasons name people by id ("transferred by <uuid>"); show their names instead. */
export function withNames(text: string, nameOf: (id: string) => string | undefined): string {
  return replaceUuids(text, (id) => nameOf(id) ?? shortId(id));
}
