import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { verifyAuditChain } from '@baton/security';
import type { ChainVerification } from '@baton/contracts';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';

/** Verifies the audit hash chain straight from PostgreSQL (no running API needed). */
export async function verifyChain(databaseUrl: string): Promise<ChainVerification> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await verifyAuditChain(async (sql, params) => (await db.query(sql, params)).rows);
  } finally {
    await db.end();
  }
}

export function describe(result: ChainVerification): string {
  const lines: string[] = [];
  if (result.firstBroken) {
    const b = result.firstBroken;
    lines.push(
      `audit chain BROKEN at seq ${b.seq} (chain position ${b.chainPosition ?? '?'}): ${b.reason}.`,
      `${result.checked} event(s) before it verified.`,
    );
  } else {
    lines.push(`audit chain OK: ${result.checked} sealed event(s) verified.`);
    if (result.head)
      lines.push(
        `head: seq ${result.head.seq}, position ${result.head.chainPosition}, hash ${result.head.hash}`,
      );
  }
  if (result.unsealed > 0) {
    lines.push(
      `${result.unsealed} event(s) not sealed yet (oldest ${Math.round(result.oldestUnsealedSeconds ?? 0)} s; the worker seals them).`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await verifyChain(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const text = describe(result);
  if (result.ok) console.log(text);
  else console.error(text);
  process.exit(result.ok ? 0 : 1);
}
