import type { ApiKey, ApiKeyScope } from '@baton/contracts';

export const SCOPES: Record<ApiKeyScope, string> = {
  'handoff:write': 'Hand cases over (POST /api/v1/handoff) and add customer messages to them',
};

// The order the API lists keys in: newest first.
export const newestFirst = (a: ApiKey, b: ApiKey) => b.createdAt.localeCompare(a.createdAt);

export function statusOf(key: ApiKey, now = Date.now()): { label: string; badge: string } {
  if (key.revokedAt) return { label: 'Revoked', badge: 'badge badge--danger' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now)
    return { label: 'Expired', badge: 'badge badge--warn' };
  return { label: 'Active', badge: 'badge badge--ok' };
}
