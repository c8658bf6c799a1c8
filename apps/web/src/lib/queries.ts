import {
  ZAccessReviewEntry,
  ZApiKey,
  ZBot,
  ZCannedResponse,
  ZChannel,
  ZConversationCustomer,
  ZKnowledgeArticle,
  ZQueue,
  ZRole,
  ZRoutingDecision,
  ZSecuritySettings,
  ZSessionInfo,
  ZSupervisorHistory,
  ZSupervisorOverview,
  ZTransferColleague,
  ZUserSummary,
} from '@baton/contracts';
import { queryOptions, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';
import { z } from 'zod';
import { api, query } from './api';

/**
 * Server data of the SPA: one query key per resource, and the query that loads it through the typed
 * client (parsed by the `@baton/contracts` schema). Screens use these with `useQuery`; mutations and
 * socket events update or invalidate the same keys, so every screen showing a resource agrees.
 */
export const queryKeys = {
  queues: ['queues'] as const,
  users: ['users'] as const,
  roles: ['roles'] as const,
  permissions: ['permissions'] as const,
  channels: ['channels'] as const,
  bots: ['bots'] as const,
  knowledgeArticles: ['knowledge-articles'] as const,
  cannedResponses: ['canned-responses'] as const,
  apiKeys: ['api-keys'] as const,
  securitySettings: ['settings', 'security'] as const,
  accessReview: ['access-review'] as const,
  mySessions: ['auth', 'sessions'] as const,
  /** Pages of the audit log for one set of filters. */
  auditEvents: (filter: Record<string, string | undefined>) => ['audit-events', filter] as const,
  supervisorOverview: ['supervisor', 'overview'] as const,
  supervisorHistory: (hours: number, queueId: string | null) =>
    ['supervisor', 'history', { hours, queueId }] as const,
  routingDecisions: (conversationId: string) =>
    ['conversations', conversationId, 'routing-decisions'] as const,
  conversationCustomer: (conversationId: string) => ['conversations', conversationId, 'customer'] as const,
  transferColleagues: (conversationId: string) => ['conversations', conversationId, 'colleagues'] as const,
};

export const queuesQuery = () =>
  queryOptions({ queryKey: queryKeys.queues, queryFn: () => api.get('/queues', z.array(ZQueue)) });
export const usersQuery = () =>
  queryOptions({ queryKey: queryKeys.users, queryFn: () => api.get('/users', z.array(ZUserSummary)) });
export const rolesQuery = () =>
  queryOptions({ queryKey: queryKeys.roles, queryFn: () => api.get('/roles', z.array(ZRole)) });
export const permissionsQuery = () =>
  queryOptions({
    queryKey: queryKeys.permissions,
    queryFn: () => api.get('/permissions', z.array(z.string())),
  });
export const channelsQuery = () =>
  queryOptions({ queryKey: queryKeys.channels, queryFn: () => api.get('/channels', z.array(ZChannel)) });
export const botsQuery = () =>
  queryOptions({ queryKey: queryKeys.bots, queryFn: () => api.get('/bots', z.array(ZBot)) });
export const knowledgeArticlesQuery = () =>
  queryOptions({
    queryKey: queryKeys.knowledgeArticles,
    queryFn: () => api.get('/knowledge/articles', z.array(ZKnowledgeArticle)),
  });
export const cannedResponsesQuery = () =>
  queryOptions({
    queryKey: queryKeys.cannedResponses,
    queryFn: () => api.get('/canned-responses', z.array(ZCannedResponse)),
  });
export const apiKeysQuery = () =>
  queryOptions({ queryKey: queryKeys.apiKeys, queryFn: () => api.get('/api-keys', z.array(ZApiKey)) });
export const securitySettingsQuery = () =>
  queryOptions({
    queryKey: queryKeys.securitySettings,
    queryFn: () => api.get('/settings/security', ZSecuritySettings),
  });
export const accessReviewQuery = () =>
  queryOptions({
    queryKey: queryKeys.accessReview,
    queryFn: () => api.get('/access-review', z.array(ZAccessReviewEntry)),
  });
export const mySessionsQuery = () =>
  queryOptions({
    queryKey: queryKeys.mySessions,
    queryFn: () => api.get('/auth/sessions', z.array(ZSessionInfo)),
  });
export const supervisorOverviewQuery = () =>
  queryOptions({
    queryKey: queryKeys.supervisorOverview,
    queryFn: () => api.get('/supervisor/overview', ZSupervisorOverview),
  });
export const supervisorHistoryQuery = (hours: number, queueId: string | null) =>
  queryOptions({
    queryKey: queryKeys.supervisorHistory(hours, queueId),
    queryFn: () =>
      api.get(`/supervisor/history${query({ hours, queueId: queueId ?? undefined })}`, ZSupervisorHistory),
  });
export const routingDecisionsQuery = (conversationId: string) =>
  queryOptions({
    queryKey: queryKeys.routingDecisions(conversationId),
    queryFn: () => api.get(`/conversations/${conversationId}/routing-decisions`, z.array(ZRoutingDecision)),
  });
export const conversationCustomerQuery = (conversationId: string) =>
  queryOptions({
    queryKey: queryKeys.conversationCustomer(conversationId),
    queryFn: () => api.get(`/conversations/${conversationId}/customer`, ZConversationCustomer),
  });
export const transferColleaguesQuery = (conversationId: string) =>
  queryOptions({
    queryKey: queryKeys.transferColleagues(conversationId),
    queryFn: () => api.get(`/conversations/${conversationId}/colleagues`, z.array(ZTransferColleague)),
  });

/** Edits a cached list after a mutation answered with the saved item (or its removal); `key` is one of `queryKeys`. */
export function useListCache<T extends { id: string }>(key: QueryKey) {
  const client = useQueryClient();
  return useMemo(
    () => ({
      upsert(item: T, compare?: (a: T, b: T) => number) {
        client.setQueryData<T[]>(key, (list) => {
          const next = [...(list ?? []).filter((x) => x.id !== item.id), item];
          return compare ? next.sort(compare) : next;
        });
      },
      remove(id: string) {
        client.setQueryData<T[]>(key, (list) => list?.filter((x) => x.id !== id));
      },
    }),
    [client, key],
  );
}
