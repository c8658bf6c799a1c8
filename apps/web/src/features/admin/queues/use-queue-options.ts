import { Permission } from '@baton/authz';
import { useQuery } from '@tanstack/react-query';
import { useCan } from '../../../auth/session';
import { queuesQuery } from '../../../lib/queries';

/**
 * The active queues, for pickers on other screens. Listing queues needs `queue:read`; without it
 * (or when loading failed) `queues` is null and the pickers fall back to typing a queue id.
 * Editors wait while `pending`, so a picker never flips from one form to the other under the cursor.
 */
export function useQueueOptions() {
  const canRead = useCan(Permission.QueueRead);
  const load = useQuery({ ...queuesQuery(), enabled: canRead });
  return {
    queues: canRead ? (load.data ?? null) : null,
    pending: canRead && load.isPending && !load.error,
    error: load.error,
  };
}
