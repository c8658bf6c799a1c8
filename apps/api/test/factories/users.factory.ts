import type { Presence } from '@baton/contracts';
import { expect } from 'vitest';
import { createUser, signIn, type Client, type TestApi, type TestUser } from '../support/api.js';

/** An admin signed in with MFA, as every admin write (some behind step-up) needs. */
export async function signedInAdmin(api: TestApi): Promise<Client> {
  return signIn(api, await createUser(api, { roles: ['admin'], mfa: true }));
}

/** Sets the signed-in agent's presence through the API, as the inbox's switch does. */
export async function setPresence(client: Client, presence: Presence): Promise<void> {
  expect((await client.request('PUT', '/api/v1/agents/me/presence', { presence })).status).toBe(200);
}

export interface AgentOptions {
  /** Conversations the agent may hold at once. */
  capacity?: number;
  /** Written straight into the agent's state row (no event, no audit), for set-ups that need no routing. */
  presence?: Presence;
  displayName?: string;
}

/** An agent account with its capacity (and, when given, presence) recorded; not signed in. */
export async function createAgent(api: TestApi, options: AgentOptions = {}): Promise<TestUser> {
  const user = await createUser(api, {
    roles: ['agent'],
    ...(options.displayName && { displayName: options.displayName }),
  });
  await api.prisma.agentState.create({
    data: {
      userId: user.id,
      capacity: options.capacity ?? 2,
      ...(options.presence && { presence: options.presence }),
    },
  });
  return user;
}

/**
 * An agent signed in with a capacity who then chose a presence through the API (available unless told
 * otherwise), so routing reacts exactly as it does for a person at the inbox.
 */
export async function signedInAgent(
  api: TestApi,
  capacity = 2,
  presence: Presence = 'available',
): Promise<{ user: TestUser; client: Client }> {
  const user = await createAgent(api, { capacity });
  const client = await signIn(api, user);
  await setPresence(client, presence);
  return { user, client };
}
