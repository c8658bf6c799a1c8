import type { Queue, RoutingMode } from '@baton/contracts';

export const ROUTING: Record<RoutingMode, { label: string; hint: string }> = {
  least_busy: {
    label: 'Least busy',
    hint: 'Each conversation goes to the available member with the lowest load (open conversations ÷ capacity).',
  },
  round_robin: {
    label: 'Round robin',
    hint: 'Members take turns: the one who has waited longest since their last assignment goes next.',
  },
  manual: {
    label: 'Manual',
    hint: 'Nothing is assigned automatically; agents or supervisors pick conversations from the queue.',
  },
};

// The order the API lists queues in: highest priority first, then by name.
export const queueOrder = (a: Queue, b: Queue) => b.priority - a.priority || a.name.localeCompare(b.name);
