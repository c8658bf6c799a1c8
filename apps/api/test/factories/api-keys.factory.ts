import type { CreatedApiKey } from '@baton/contracts';
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
