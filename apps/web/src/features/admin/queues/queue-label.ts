import type { Queue } from '@baton/contracts';

/** A queue's name, or a shortened id when it is unknown (archived, or queues not readable). */
export function queueLabel(queues: readonly Queue[] | null, id: string): string {
  return queues?.find((q) => q.id === id)?.name ?? `Queue ${id.slice(0, 8)}…`;
}
