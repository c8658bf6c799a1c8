import { ZAuditPage } from '@baton/contracts';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../../lib/api';
import { queryKeys } from '../../../lib/queries';
import { toApiFilter, type AuditFilters } from './audit-filters';

const PAGE_SIZE = 100;

/** Loaded pages of events for the current filters, newest first, and "load more" with the cursor. */
export function useAuditEvents(filters: AuditFilters) {
  const client = useQueryClient();
  const filter = toApiFilter(filters);
  const queryKey = queryKeys.auditEvents(filter);
  // One query per set of filters: an answer for old filters never lands in the new list.
  const events = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      api.get(`/audit/events${query({ ...filter, cursor: pageParam, limit: PAGE_SIZE })}`, ZAuditPage),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

  return {
    items: events.data ? events.data.pages.flatMap((page) => page.items) : null,
    nextCursor: events.hasNextPage ? 'more' : null,
    loading: events.isFetching,
    error: events.error,
    // Back to the newest page only, as on first load, keeping it on screen while it reloads.
    refresh: () => {
      client.setQueryData<typeof events.data>(
        queryKey,
        (data) => data && { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) },
      );
      return events.refetch();
    },
    loadMore: () => events.fetchNextPage(),
  };
}
