// `npm run audit:verify [-- --checkpoints <file>] [--public-key <file>]`: the chain in the database.
// `npm run audit:verify -- --archive <file> [--public-key <file>]`: an `audit:archive` file on its own.
// Env: DATABASE_URL, AUDIT_CHECKPOINT_FILE, AUDIT_CHECKPOINT_PUBLIC_KEY_FILE, AUDIT_CHECKPOINT_KEY_FILE
// (same defaults as the worker: .data/audit-checkpoints.jsonl, .data/audit-checkpoint.key[.pub]).
import type { KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  pgRunner,
  readCheckpointFile,
  readCheckpointPublicKeys,
  verifyArchive,
  verifyAuditChain,
  type ArchiveVerification,
} from '@baton/security';
import type { ChainVerification } from '@baton/contracts';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';
import { isEntrypoint } from '../entrypoint.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CheckpointSource {
  /** A file sink's JSON lines. */
  file: string;
  /** PEM public key(s); when absent, the public half of `privateKeyFile` is used if readable. */
  publicKeyFile: string;
  privateKeyFile?: string;
}

export function defaultCheckpointSource(env: NodeJS.ProcessEnv = process.env): CheckpointSource {
  const privateKeyFile = env.AUDIT_CHECKPOINT_KEY_FILE || resolve(root, '.data', 'audit-checkpoint.key');
  return {
    file: env.AUDIT_CHECKPOINT_FILE || resolve(root, '.data', 'audit-checkpoints.jsonl'),
    publicKeyFile: env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE || `${privateKeyFile}.pub`,
    privateKeyFile,
  };
}

/**
 * Verifies the audit hash chain straight from PostgreSQL (no running API needed) and holds it against
 * the signed checkpoints in `source` when that file exists.
 */
export async function verifyChain(
  databaseUrl: string,
  source: CheckpointSource = defaultCheckpointSource(),
): Promise<ChainVerification> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
    const name = rows[0]!.name;
    const keys = await readCheckpointPublicKeys(source.publicKeyFile, source.privateKeyFile);
    const checkpoints = await readCheckpointFile(source.file, keys, name);
    return await verifyAuditChain(pgRunner(db), {
      ...(checkpoints && { checkpoints }),
    });
  } finally {
    await db.end();
  }
}

/** Verifies an `audit:archive` file on its own (no database needed), reading it line by line. */
export function verifyArchiveFile(file: string, keys: readonly KeyObject[]): Promise<ArchiveVerification> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  return verifyArchive(lines, keys);
}

export function describe(result: ChainVerification, checkpointFile?: string): string {
  const lines: string[] = [];
  if (result.firstBroken) {
    const b = result.firstBroken;
    lines.push(
      `audit chain BROKEN at seq ${b.seq} (chain position ${b.chainPosition ?? '?'}): ${b.reason}.`,
      `${result.checked} event(s) before it verified.`,
    );
  } else if (result.checkpoints?.failure) {
    lines.push(`audit chain FAILS its signed checkpoints: ${result.checkpoints.failure.reason}.`);
  } else {
    lines.push(`audit chain OK: ${result.checked} sealed event(s) verified.`);
    if (result.archivedThrough)
      lines.push(
        `positions 1 to ${result.archivedThrough} are archived (the signed checkpoint at ${result.archivedThrough} vouches for where the table begins); verify the archive files with --archive.`,
      );
    if (result.head)
      lines.push(
        `head: seq ${result.head.seq}, position ${result.head.chainPosition}, hash ${result.head.hash}`,
      );
    const c = result.checkpoints;
    if (c) {
      lines.push(
        c.latest
          ? `${c.verified} signed checkpoint(s) verified, latest at position ${c.latest.chainPosition} (${c.latest.createdAt}); key ${c.keyIds.join(', ')}.`
          : 'no signed checkpoints yet.',
      );
    } else {
      lines.push(
        `no checkpoint file${checkpointFile ? ` at ${checkpointFile}` : ''}: only the chain's own consistency was checked.`,
      );
    }
  }
  if (result.unsealed > 0) {
    lines.push(
      `${result.unsealed} event(s) not sealed yet (oldest ${Math.round(result.oldestUnsealedSeconds ?? 0)} s; the worker seals them).`,
    );
  }
  return lines.join('\n');
}

if (isEntrypoint(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      checkpoints: { type: 'string' },
      'public-key': { type: 'string' },
      archive: { type: 'string' },
    },
  });
  const defaults = defaultCheckpointSource();
  const source: CheckpointSource = {
    ...defaults,
    ...(values.checkpoints && { file: resolve(values.checkpoints) }),
    ...(values['public-key'] && { publicKeyFile: resolve(values['public-key']), privateKeyFile: undefined }),
  };
  if (values.archive) {
    const keys = await readCheckpointPublicKeys(source.publicKeyFile, source.privateKeyFile);
    const result = await verifyArchiveFile(resolve(values.archive), keys);
    const h = result.header;
    if (result.ok && h) {
      console.log(
        `audit archive OK: ${result.checked} event(s) of database "${h.database}", chain positions ${h.from} to ${h.to}, ` +
          `${result.checkpoints} signed checkpoint(s); last hash ${h.lastHash}.`,
      );
    } else {
      console.error(`audit archive FAILS: ${result.failure}.`);
    }
    process.exit(result.ok ? 0 : 1);
  }
  const result = await verifyChain(process.env.DATABASE_URL || DEFAULT_DATABASE_URL, source);
  const text = describe(result, source.file);
  if (result.ok) console.log(text);
  else console.error(text);
  process.exit(result.ok ? 0 : 1);
}
