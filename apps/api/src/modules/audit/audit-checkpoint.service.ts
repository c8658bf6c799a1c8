import {
  checkSignature,
  parseCheckpoint,
  readCheckpointFile,
  readCheckpointPublicKeys,
  signCheckpoint,
  verifyAuditChain,
  type AuditCheckpoint,
  type CheckpointSet,
  type SqlRunner,
} from '@baton/security';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { checkpointPublicKeyFile, type CheckpointSinkName } from '../../config/audit-checkpoint.env.js';
import { ConfigService } from '../../config/config.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { loadCheckpointSigningKey, type CheckpointSigningKey } from './audit-checkpoint.key.js';
import { AuditCheckpointSinks } from './audit-checkpoint.sinks.js';

// pg_advisory_xact_lock key: one instance decides and writes checkpoints at a time.
const CHECKPOINT_LOCK = 0x0ba7_0c4e;
// How long a claimed delivery is left to the instance that claimed it before another may retry it.
const DELIVERY_LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const DELIVERY_BATCH = 20;

interface CheckpointRow {
  id: bigint;
  line: string;
  pending_sinks: string[];
  attempts: number;
}

/**
 * Signs the audit chain's head now and then and ships it outside PostgreSQL, so that whoever can
 * rewrite the database (and re-hash the chain after a change) is still caught by `audit:verify`.
 * Runs in the worker ({@link AuditCheckpointLoop}); the rows of `audit_checkpoints` only pace the
 * checkpoints and queue deliveries, verify never trusts them.
 */
@Injectable()
export class AuditCheckpointService {
  private key: Promise<CheckpointSigningKey> | undefined;
  private database: Promise<string> | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: ConfigService,
    private readonly sinks: AuditCheckpointSinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.env.AUDIT_CHECKPOINT_SINKS.length > 0;
  }

  /** Makes a checkpoint when one is due, then ships what is still undelivered. */
  async tick(now = new Date()): Promise<AuditCheckpoint | null> {
    if (!this.enabled) return null;
    const made = await this.createIfDue(now);
    await this.deliverPending(now);
    return made;
  }

  /**
   * Signs the sealed head when it moved on since the last checkpoint by at least
   * `AUDIT_CHECKPOINT_EVERY_EVENTS` events or `AUDIT_CHECKPOINT_INTERVAL_SECONDS`. Refuses (and logs)
   * when the events since the last checkpoint do not extend what it signed: a checkpoint must never
   * bless a rewritten chain.
   */
  async createIfDue(now = new Date()): Promise<AuditCheckpoint | null> {
    if (!this.enabled) return null;
    const key = await this.signingKey();
    const database = await this.databaseName();
    const every = BigInt(this.config.env.AUDIT_CHECKPOINT_EVERY_EVENTS);
    const intervalMs = this.config.env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000;

    const decision = await this.locked(async (tx) => {
      const [head] = await tx.$queryRaw<{ chain_pos: bigint }[]>`
        SELECT chain_pos FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1`;
      if (!head) return null;
      const last = await this.lastOwnCheckpoint(tx, key, database);
      if (!last) return { last };
      const lastPos = BigInt(last.checkpoint.chainPos);
      const headPos = BigInt(head.chain_pos);
      if (headPos < lastPos) {
        this.logger.error(
          { chainPosition: String(headPos), checkpointPosition: last.checkpoint.chainPos },
          'audit chain is shorter than its last checkpoint (events were removed); not signing',
        );
        return null;
      }
      const due =
        headPos > lastPos &&
        (headPos - lastPos >= every || now.getTime() - Date.parse(last.checkpoint.createdAt) >= intervalMs);
      return due ? { last } : null;
    });
    if (!decision) return null;

    // Re-hash what was sealed since the last checkpoint, starting from the hash it signed.
    const from = decision.last?.checkpoint;
    const walk = await verifyAuditChain(this.runner(), {
      ...(from && { after: { chainPos: BigInt(from.chainPos), hash: from.hash } }),
    });
    if (!walk.ok || !walk.head) {
      if (!walk.ok)
        this.logger.error(
          { chainPosition: walk.firstBroken?.chainPosition, reason: walk.firstBroken?.reason },
          'audit chain does not extend its last checkpoint; not signing',
        );
      return null;
    }

    const checkpoint = signCheckpoint(
      { database, chainPos: walk.head.chainPosition, hash: walk.head.hash, createdAt: now.toISOString() },
      key.privateKey,
    );
    const line = JSON.stringify(checkpoint);
    const written = await this.locked(async (tx) => {
      // Another instance may have made one meanwhile; the newest checkpoint wins, none is doubled.
      const latest = await this.lastOwnCheckpoint(tx, key, database);
      if ((latest?.id ?? null) !== (decision.last?.id ?? null)) return false;
      await tx.$executeRaw`
        INSERT INTO audit_checkpoints (chain_pos, hash, created_at, key_id, line, pending_sinks, next_attempt_at)
        VALUES (${checkpoint.chainPos}::bigint, ${checkpoint.hash}, ${checkpoint.createdAt}::timestamptz,
                ${checkpoint.keyId}, ${line}, ${this.config.env.AUDIT_CHECKPOINT_SINKS}::text[],
                ${checkpoint.createdAt}::timestamptz)`;
      return true;
    });
    return written ? checkpoint : null;
  }

  /**
   * Ships checkpoints to the sinks they have not reached yet, oldest first. A failing sink is logged
   * and retried with backoff; the others are not held up by it. Returns how many deliveries succeeded.
   */
  async deliverPending(now = new Date()): Promise<number> {
    const at = now.toISOString();
    const claimed = await this.prisma.$queryRaw<CheckpointRow[]>`
      UPDATE audit_checkpoints
         SET next_attempt_at = ${at}::timestamptz + make_interval(secs => ${DELIVERY_LEASE_MS / 1000}),
             attempts = attempts + 1
       WHERE id IN (SELECT id FROM audit_checkpoints
                     WHERE next_attempt_at <= ${at}::timestamptz AND cardinality(pending_sinks) > 0
                     ORDER BY id LIMIT ${DELIVERY_BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id, line, pending_sinks, attempts`;
    let delivered = 0;
    for (const row of claimed.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const remaining: string[] = [];
      for (const sink of row.pending_sinks) {
        // A sink taken out of the configuration since is dropped, not retried forever.
        if (!(this.config.env.AUDIT_CHECKPOINT_SINKS as string[]).includes(sink)) continue;
        try {
          await this.sinks.deliver(sink as CheckpointSinkName, row.line);
          delivered += 1;
        } catch (error) {
          remaining.push(sink);
          this.logger.warn(
            { sink, checkpointId: String(row.id), attempts: row.attempts, reason: (error as Error).message },
            'shipping an audit checkpoint failed; will retry',
          );
        }
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts, 20));
      await this.prisma.$executeRaw`
        UPDATE audit_checkpoints
           SET pending_sinks = ${remaining}::text[],
               next_attempt_at = CASE WHEN cardinality(${remaining}::text[]) = 0 THEN NULL
                                      ELSE ${at}::timestamptz + make_interval(secs => ${backoff / 1000}) END
         WHERE id = ${row.id}`;
    }
    return delivered;
  }

  /**
   * The chain checked against the signed checkpoints of the file sink (undefined when there is no
   * such file). Signatures are checked with the public key only.
   */
  async fileCheckpoints(): Promise<CheckpointSet | undefined> {
    const env = this.config.env;
    const keys = await readCheckpointPublicKeys(checkpointPublicKeyFile(env), env.AUDIT_CHECKPOINT_KEY_FILE);
    return readCheckpointFile(env.AUDIT_CHECKPOINT_FILE, keys, await this.databaseName());
  }

  private signingKey(): Promise<CheckpointSigningKey> {
    this.key ??= loadCheckpointSigningKey(
      this.config.env.AUDIT_CHECKPOINT_KEY_FILE,
      checkpointPublicKeyFile(this.config.env),
    ).then((key) => {
      if (!key.publicFileMatches)
        this.logger.warn(
          { keyId: key.keyId },
          'the audit checkpoint public key file does not list the signing key; verify will reject new checkpoints',
        );
      return key;
    });
    // A failure (unreadable key, wrong permissions) is retried on the next tick, not cached.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  private databaseName(): Promise<string> {
    this.database ??= this.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`.then(
      ([row]) => row!.name,
    );
    return this.database;
  }

  /** The newest checkpoint row this key really signed: a forged or foreign row must not pace or anchor. */
  private async lastOwnCheckpoint(
    tx: SqlTx,
    key: CheckpointSigningKey,
    database: string,
  ): Promise<{ id: bigint; checkpoint: AuditCheckpoint } | null> {
    const rows = await tx.$queryRaw<{ id: bigint; line: string }[]>`
      SELECT id, line FROM audit_checkpoints WHERE key_id = ${key.keyId} ORDER BY id DESC LIMIT 50`;
    for (const row of rows) {
      const checkpoint = parseCheckpoint(row.line);
      if (
        checkpoint &&
        checkpoint.database === database &&
        checkSignature(checkpoint, [key.publicKey]) === null
      )
        return { id: row.id, checkpoint };
    }
    return null;
  }

  private runner(): SqlRunner {
    return prismaRunner(this.prisma);
  }

  /** Runs `fn` holding the checkpoint lock; null at once when another instance holds it. */
  private locked<T>(fn: (tx: SqlTx) => Promise<T | null>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) AS locked`;
      return lock?.locked ? fn(tx) : null;
    });
  }
}

type SqlTx = Pick<PrismaService, '$queryRaw' | '$executeRaw'>;
