import type { Conversation, Presence } from '@baton/contracts';
import { RoutingEngine } from '../../src/modules/routing/routing.engine.js';
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
  /**
   * Routing runs after the change that triggered it is answered: this waits until the passes asked
   * of the API (and of the `others` instances given) so far have run.
   */
  const routed = async (...others: TestApi[]): Promise<void> => {
    await Promise.all([context().api, ...others].map((i) => i.app.get(RoutingEngine).idle()));
  };
  return {
    routed,
    /** Sets the presence through the API, and waits for the routing it triggers. */
    setPresence: async (client: Client, presence: Presence) => {
      await setPresence(client, presence);
      await routed();
    },
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
