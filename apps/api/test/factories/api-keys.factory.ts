import type { CreatedApiKey, HandoffResponse } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from '../support/api.js';
import { tag } from './names.js';

/** An API key for an external bot, created by an admin (with its webhook when given); the secret is shown once. */
export async function createApiKey(
  admin: Client,
  options: { webhookUrl?: string } = {},
): Promise<CreatedApiKey> {
  const reply = await admin.post<CreatedApiKey>('/api/v1/api-keys', { name: `bot-${tag()}`, ...options });
  expect(reply.status).toBe(201);
  return reply.body;
}

/**
 * `POST /api/v1/handoff` as an external bot sends it: the key as a bearer token, an idempotency key
 * (a fresh one unless given; none for `null`), and a JSON body (or the raw text given).
 */
export async function externalHandoff<T = HandoffResponse & { error?: { code: string } }>(
  base: string,
  key: string,
  body: unknown,
  options: { idempotencyKey?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
  };
  if (options.idempotencyKey !== null) headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
  const response = await fetch(`${base}/api/v1/handoff`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
