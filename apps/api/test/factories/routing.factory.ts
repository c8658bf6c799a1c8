import type { Conversation } from '@baton/contracts';
import type { Client, TestApi } from '../support/api.js';
import { handedOff } from './conversations.factory.js';
import { createQueue, setMembers } from './queues.factory.js';
import { setPresence, signedInAgent } from './users.factory.js';

/**
 * Builders for routing scenarios bound to one API, admin and channel: queues and members set up
 * through the admin API, agents signed in with a capacity, and customer conversations handed off.
 */
export function routingFactory(api: TestApi, admin: Client, channelId: string) {
  return {
    setPresence,
    queue: (settings: Record<string, unknown> = {}) => createQueue(admin, settings),
    members: (queueId: string, list: Parameters<typeof setMembers>[2]) => setMembers(admin, queueId, list),
    /** An agent signed in, with capacity, and (unless told otherwise) available. */
    agent: (capacity = 2, presence: 'available' | 'away' | 'offline' = 'available') =>
      signedInAgent(api, capacity, presence),
    /** A customer conversation the bot is handling, then handed off to `queueId` (through `via`). */
    handedOff: (queueId: string, priority = 0, via: TestApi = api): Promise<Conversation> =>
      handedOff(api, channelId, queueId, {
        priority,
        via,
        summary: 'Wants a refund',
        intent: 'refund',
      }),
  };
}
export type RoutingFactory = ReturnType<typeof routingFactory>;
