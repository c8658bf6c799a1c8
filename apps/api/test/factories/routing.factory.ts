import type { Conversation, Queue } from '@baton/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ConversationsService } from '../../src/modules/conversations/conversations.service.js';
import { createUser, signIn, type Client, type TestApi } from '../support/api.js';

const tag = () => randomBytes(4).toString('hex');

/**
 * Builders for routing scenarios: queues and members set up through the admin API, agents signed
 * in with a capacity, and customer conversations handed off to a queue.
 */
export function routingFactory(api: TestApi, admin: Client, channelId: string) {
  const setPresence = async (client: Client, presence: string): Promise<void> => {
    expect((await client.request('PUT', '/api/v1/agents/me/presence', { presence })).status).toBe(200);
  };
  return {
    setPresence,

    async queue(overrides: Record<string, unknown> = {}): Promise<Queue> {
      const reply = await admin.post<Queue>('/api/v1/queues', { name: `queue-${tag()}`, ...overrides });
      expect(reply.status).toBe(201);
      return reply.body;
    },

    async members(
      queueId: string,
      list: { userId: string; skills?: string[]; isSupervisor?: boolean }[],
    ): Promise<void> {
      const reply = await admin.request('PUT', `/api/v1/queues/${queueId}/members`, { members: list });
      expect(reply.status).toBe(200);
    },

    /** An agent signed in, with capacity, and (unless told otherwise) available. */
    async agent(capacity = 2, presence: 'available' | 'away' | 'offline' = 'available') {
      const user = await createUser(api, { roles: ['agent'] });
      await api.prisma.agentState.create({ data: { userId: user.id, capacity } });
      const client = await signIn(api, user);
      await setPresence(client, presence);
      return { user, client };
    },

    /** A customer conversation the bot is handling, then handed off to `queueId` (through `via`). */
    async handedOff(queueId: string, priority = 0, via: TestApi = api): Promise<Conversation> {
      const contact = await api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
      const created = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
      return via.app.get(ConversationsService).handoff(created.id, {
        queueId,
        priority,
        reason: 'customer_asked',
        summary: 'Wants a refund',
        intent: 'refund',
      });
    },
  };
}
export type RoutingFactory = ReturnType<typeof routingFactory>;
