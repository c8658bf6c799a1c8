import { isPublished, parseDataEncryptionKeys, publishedSecretProblems, SECRET_NAMES } from '@baton/security';
import { z } from 'zod';
import { auditCheckpointProblems, ZAuditCheckpointEnv } from './audit-checkpoint.env.js';
import { ZMetricsEnv } from './metrics.env.js';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_WEB_DIST_DIR, DEFAULT_WIDGET_DIST_DIR } from '../paths.js';

const port = z.coerce.number().int().min(0).max(65_535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** `id:base64key` pairs, comma separated; the first one encrypts, all of them decrypt. */
const encryptionKeys = z.string().transform((raw, ctx) => {
  const keys = parseDataEncryptionKeys(raw);
  if (!('problem' in keys)) return keys;
  ctx.addIssue({ code: 'custom', message: keys.problem });
  return z.NEVER;
});

export const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Loopback unless set: a fresh install is not reachable from other machines until the operator says so. */
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** Public origin used in links and cookie decisions; HTTPS origins get Secure cookies and HSTS. */
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: z.string().default('loopback'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/baton'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * How long a transaction may wait for its turn (transactions take at most three quarters of the
   * pool at once, so short statements still get a connection) before the request is refused with a 503.
   */
  DATABASE_TRANSACTION_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MIGRATIONS_DIR: z.string().default(DEFAULT_MIGRATIONS_DIR),

  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Namespaces every Redis key (BullMQ queues included) so several deployments or test runs can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash and underscore only')
    .default('baton'),

  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * How long a stopping API instance reports `draining` (503) on its readiness, still serving, before it
   * closes: a load balancer has time to send new requests elsewhere. `npm start` (one instance) uses 0.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /**
   * A Redis command on a request's path (rate limits, presence, queueing a job) that has no answer
   * within this many milliseconds fails, and so does one sent while Redis is unreachable: the request
   * is answered 503 at once instead of hanging until Redis returns.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** How long an agent whose last socket dropped keeps their conversations before they return to the queue. */
  AGENT_DISCONNECT_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  /**
   * An agent socket whose instance has not refreshed it for this long is counted gone (the instance
   * died without closing it); instances refresh their sockets three times per window.
   */
  AGENT_SOCKET_STALE_SECONDS: z.coerce.number().int().min(3).max(600).default(30),
  /** Concurrent conversations an agent takes unless an admin sets their own capacity. */
  AGENT_DEFAULT_CAPACITY: z.coerce.number().int().min(1).max(100).default(5),
  /** An available agent with no activity for this many minutes goes `away` by itself; 0 turns it off. */
  AGENT_AUTO_AWAY_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** A resolved conversation is closed (a new message then starts a new one) after this long. */
  CONVERSATION_CLOSE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(90 * 86_400)
    .default(86_400),

  /** OpenAI-compatible chat completions for LLM bots; without a key, bots use the knowledge base. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** A bot turn that takes longer is abandoned and retried; after the last attempt the conversation is handed off. */
  BOT_TURN_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  BOT_TURN_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(2),

  /**
   * How often the worker looks for work an event or job lost (a bot turn never run, a reply never
   * queued for WhatsApp, the grace period of an agent whose sockets are gone) and queues it again;
   * 0 turns the sweeps off.
   */
  RECOVERY_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3_600).default(15),
  /**
   * How often the worker rebuilds the timers PostgreSQL says are due (SLA checks, offer timeouts,
   * closes, the dormant-account schedule) in case Redis lost them; also once at start. 0 turns it off.
   */
  TIMER_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),

  /** Base URL of the WhatsApp Cloud API (or a compatible provider), version included. */
  WHATSAPP_API_BASE_URL: z.url().default('https://graph.facebook.com/v21.0'),
  /** The security policy's rate-limit window for channel traffic, in seconds. */
  CHANNEL_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** Outbound messages to one recipient per window; more are delayed, never dropped. */
  CHANNEL_OUTBOUND_PER_RECIPIENT: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Inbound messages from one sender per window; more are refused politely and audited. */
  CHANNEL_INBOUND_PER_SENDER: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Web widget: new visitors per IP and new conversations per visitor per hour (4× per IP), and messages per visitor per window (4× per IP). */
  WIDGET_CONVERSATIONS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  WIDGET_MESSAGES_PER_WINDOW: z.coerce.number().int().min(1).max(10_000).default(30),

  /**
   * Closed conversations older than this many days are deleted, with their messages, by the worker;
   * 0 (the default) keeps them. Off by default: how long to keep them is each operator's policy.
   */
  CONVERSATION_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),

  WEB_DIST_DIR: z.string().default(DEFAULT_WEB_DIST_DIR),
  WIDGET_DIST_DIR: z.string().default(DEFAULT_WIDGET_DIST_DIR),
  SERVE_WEB: bool.default(true),

  APP_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** The APP_SECRET before a rotation, still accepted for what it signed until it is removed (docs/OPERATIONS.md#keys). */
  APP_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  DATA_ENCRYPTION_KEYS: encryptionKeys,
  BLIND_INDEX_KEY: z.string().min(32, 'must be at least 32 characters'),
  /** Where, outside tests, the secrets not set in the environment are kept (generated on the first start). */
  SECRETS_FILE: z.string().min(1).optional(),
  ...ZAuditCheckpointEnv.shape,
  ...ZMetricsEnv.shape,
});

export type Env = z.output<typeof ZEnv>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses and validates the environment. A missing secret, or one of the published development values
 * outside tests, is an error naming the variable, so no installation runs on publicly known keys.
 * Secrets from the installation's secrets file are merged in beforehand (withInstallSecrets, @baton/security).
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const problems: string[] = [];
  const reported = new Set<string>();

  for (const name of SECRET_NAMES) {
    if (raw[name] !== undefined) continue;
    reported.add(name);
    problems.push(
      raw.NODE_ENV === 'production'
        ? `${name} is required in production: set it in the environment or in the secrets file (see .env.example)`
        : `${name} is not set: set it in the environment, or let \`npm start\` generate it (see .env.example)`,
    );
  }
  if (raw.NODE_ENV === 'production') {
    if (raw.DATABASE_URL === undefined) problems.push('DATABASE_URL is required in production');
    if (raw.REDIS_URL === undefined) problems.push('REDIS_URL is required in production');
  }

  const parsed = ZEnv.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || 'env';
      if (!reported.has(name)) problems.push(`${name}: ${issue.message}`);
    }
  }
  problems.push(...publishedSecretProblems(raw));
  if (parsed.success) problems.push(...auditCheckpointProblems(parsed.data));
  // What the published secret signed stays forgeable by anyone while it is still accepted.
  if (raw.NODE_ENV !== 'test' && isPublished('APP_SECRET', raw.APP_SECRET_PREVIOUS))
    problems.push(
      "APP_SECRET_PREVIOUS is a development value published with Baton's source, so anyone could sign with it; remove it",
    );
  if (parsed.success && parsed.data.APP_SECRET_PREVIOUS === parsed.data.APP_SECRET)
    problems.push('APP_SECRET_PREVIOUS is the same as APP_SECRET: set it to the secret APP_SECRET replaced');
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}
