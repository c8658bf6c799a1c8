/**
 * Every table has one owning module: only code under `apps/api/src/modules/<owner>/` writes it (insert,
 * update, delete, upsert, raw SQL included); other modules call the owner's service, passing their
 * transaction. `readers` lists the other modules that read the table. `table-owners.spec.ts` enforces
 * the rule over the API's sources and checks that docs/ARCHITECTURE.md ("Table owners") says the same.
 */
export interface TableOwner {
  /** The PostgreSQL table. */
  table: string;
  /** The module folder under `apps/api/src/modules/` that writes it. */
  owner: string;
  readers: readonly string[];
}

export const TABLE_OWNERS: readonly TableOwner[] = [
  {
    table: 'users',
    owner: 'users',
    readers: ['agents', 'auth', 'conversations', 'external-cases', 'queues', 'realtime', 'routing'],
  },
  { table: 'roles', owner: 'users', readers: ['auth'] },
  { table: 'user_roles', owner: 'users', readers: ['auth'] },
  { table: 'sessions', owner: 'auth', readers: [] },
  { table: 'mfa_factors', owner: 'mfa', readers: [] },
  { table: 'recovery_codes', owner: 'mfa', readers: [] },
  { table: 'api_keys', owner: 'api-keys', readers: ['external-cases'] },
  { table: 'settings', owner: 'settings', readers: [] },
  { table: 'audit_events', owner: 'audit', readers: ['metrics'] },
  { table: 'audit_checkpoints', owner: 'audit', readers: [] },
  {
    table: 'queues',
    owner: 'queues',
    readers: ['bots', 'channels', 'conversations', 'external-cases', 'metrics', 'realtime', 'routing'],
  },
  {
    table: 'queue_members',
    owner: 'queues',
    readers: ['conversations', 'external-cases', 'realtime', 'routing'],
  },
  { table: 'agent_states', owner: 'agents', readers: ['conversations', 'realtime', 'routing'] },
  {
    table: 'channels',
    owner: 'channels',
    readers: ['api-keys', 'bots', 'conversations', 'external-cases', 'realtime', 'widget'],
  },
  { table: 'contacts', owner: 'contacts', readers: ['realtime'] },
  { table: 'inbound_receipts', owner: 'channels', readers: [] },
  { table: 'bot_configs', owner: 'bots', readers: ['channels'] },
  { table: 'knowledge_articles', owner: 'knowledge', readers: [] },
  { table: 'canned_responses', owner: 'canned-responses', readers: [] },
  {
    table: 'conversations',
    owner: 'conversations',
    readers: [
      'agents',
      'bots',
      'channels',
      'contacts',
      'external-cases',
      'metrics',
      'queues',
      'realtime',
      'routing',
      'widget',
    ],
  },
  { table: 'messages', owner: 'conversations', readers: ['bots', 'channels', 'external-cases', 'realtime'] },
  { table: 'conversation_events', owner: 'conversations', readers: ['routing'] },
  { table: 'routing_decisions', owner: 'conversations', readers: ['metrics', 'routing'] },
  { table: 'external_cases', owner: 'external-cases', readers: [] },
];

/** A file outside the owner that still writes the table, and why that is allowed. Keep this short. */
export interface TableWriteException {
  table: string;
  /** Relative to `apps/api/src/`. */
  file: string;
  why: string;
}

export const TABLE_WRITE_EXCEPTIONS: readonly TableWriteException[] = [
  {
    table: 'users',
    file: 'modules/auth/auth.service.ts',
    why: "sign-in time and the user's own password change, in the transaction that creates or rotates the session",
  },
  {
    table: 'channels',
    file: 'modules/api-keys/api-keys.service.ts',
    why: 'the default API channel, created with the first API key in the same transaction',
  },
];
