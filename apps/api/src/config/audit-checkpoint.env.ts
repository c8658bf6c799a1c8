import { resolve } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../paths.js';

export const CHECKPOINT_SINKS = ['file', 'webhook', 'syslog'] as const;
export type CheckpointSinkName = (typeof CHECKPOINT_SINKS)[number];

const DATA_DIR = resolve(REPO_ROOT, '.data');

/** `file,webhook,syslog` in any combination, or `none`. */
const sinkList = z.string().transform((raw, ctx) => {
  const names = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !(CHECKPOINT_SINKS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `a comma list of ${CHECKPOINT_SINKS.join(', ')}, or none` });
    return z.NEVER;
  }
  return [...new Set(names)] as CheckpointSinkName[];
});

/** Settings of the signed audit chain checkpoints (spread into the environment schema). */
export const ZAuditCheckpointEnv = z.object({
  /** Where signed checkpoints go, outside PostgreSQL. */
  AUDIT_CHECKPOINT_SINKS: sinkList.prefault('file'),
  /** A checkpoint once this many events were sealed since the last one… */
  AUDIT_CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  /** …or once this much time passed (and anything new was sealed). */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Ed25519 private key (PKCS#8 PEM), generated with mode 0600 on first use; never in the database. */
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).default(resolve(DATA_DIR, 'audit-checkpoint.key')),
  /** The public key(s) verify checks signatures with; default: the key file's name plus `.pub`. */
  AUDIT_CHECKPOINT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  /** The file sink: JSON lines, only ever appended to. Verify reads it too. */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).default(resolve(DATA_DIR, 'audit-checkpoints.jsonl')),
  AUDIT_CHECKPOINT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** When set, each webhook call carries `X-Baton-Checkpoint-Signature: sha256=<HMAC of the body>`. */
  AUDIT_CHECKPOINT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** RFC 5424 syslog receiver: `udp://host:514` or `tcp://host:601` (octet-counted frames). */
  AUDIT_CHECKPOINT_SYSLOG_URL: z
    .string()
    .regex(/^(udp|tcp):\/\/[^/:\s]+:\d{1,5}$/, 'must be udp://host:port or tcp://host:port')
    .optional(),
});

type CheckpointEnv = z.output<typeof ZAuditCheckpointEnv>;

/** Settings that only make sense together; the environment loader reports these beside its own. */
export function auditCheckpointProblems(env: CheckpointEnv): string[] {
  const problems: string[] = [];
  const sinks = env.AUDIT_CHECKPOINT_SINKS;
  if (sinks.includes('webhook') && !env.AUDIT_CHECKPOINT_WEBHOOK_URL)
    problems.push('AUDIT_CHECKPOINT_WEBHOOK_URL is required when AUDIT_CHECKPOINT_SINKS includes webhook');
  if (sinks.includes('syslog') && !env.AUDIT_CHECKPOINT_SYSLOG_URL)
    problems.push('AUDIT_CHECKPOINT_SYSLOG_URL is required when AUDIT_CHECKPOINT_SINKS includes syslog');
  return problems;
}

export function checkpointPublicKeyFile(env: CheckpointEnv): string {
  return env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE ?? `${env.AUDIT_CHECKPOINT_KEY_FILE}.pub`;
}
