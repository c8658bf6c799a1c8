import type { Queue } from '@baton/contracts';
import { expect } from 'vitest';
import type { Client } from '../support/api.js';
import { tag } from './names.js';

export interface MemberSpec {
  userId: string;
  skills?: string[];
  isSupervisor?: boolean;
}

/** A queue created through the admin API (a unique name unless given). */
export async function createQueue(admin: Client, settings: Record<string, unknown> = {}): Promise<Queue> {
  const reply = await admin.post<Queue>('/api/v1/queues', { name: `queue-${tag()}`, ...settings });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Replaces the queue's members through the admin API. */
export async function setMembers(admin: Client, queueId: string, members: MemberSpec[]): Promise<void> {
  const reply = await admin.request('PUT', `/api/v1/queues/${queueId}/members`, { members });
  expect(reply.status).toBe(200);
}

/** A queue with these members, in one step. */
export async function queueWith(
  admin: Client,
  members: MemberSpec[],
  settings: Record<string, unknown> = {},
): Promise<Queue> {
  const queue = await createQueue(admin, settings);
  await setMembers(admin, queue.id, members);
  return queue;
}
