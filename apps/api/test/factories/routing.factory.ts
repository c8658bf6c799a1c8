import type { Conversation } from '@baton/contracts';
import type { Client, TestApi } from '../support/api.js';
import { handedOff } from './conversations.factory.js';
import { createQueue, setMembers, type MemberSpec } from './queues.factory.js';
import { setPresence, signedInAgent } from './users.factory.js';

/** What routing builders act on; read when a builder runs, so it may be set up in `beforeAll`. */
export interface RoutingContext {
  api: TestApi;
  admin: Client;
  channelId: string;
}

/**
 * Builders for routing scenarios: queues and members set up through the admin API, agents signed
 * in with a capacity, and customer conversations handed off. Declared once per describe block:
 * `const { queue, agent } = routingFactory(() => ({ api, admin, channelId }))`.
 */
export function routingFactory(context: () => RoutingContext) {
  return {
    setPresence,
    queue: (settings: Record<string, unknown> = {}) => createQueue(context().admin, settings),
    members: (queueId: string, list: MemberSpec[]) => setMembers(context().admin, queueId, list),
    /** An agent signed in, with capacity, and (unless told otherwise) available. */
    agent: (capacity = 2, presence: 'available' | 'away' | 'offline' = 'available') =>
      signedInAgent(context().api, capacity, presence),
    /** A customer conversation the bot is handling, then handed off to `queueId` (through `via`). */
    handedOff: (queueId: string, priority = 0, via?: TestApi): Promise<Conversation> => {
      const { api, channelId } = context();
      return handedOff(api, channelId, queueId, {
        priority,
        via: via ?? api,
        summary: 'Wants a refund',
        intent: 'refund',
      });
    },
  };
}
export type RoutingFactory = ReturnType<typeof routingFactory>;
