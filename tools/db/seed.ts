import { BUILT_IN_ROLE_PERMISSIONS, BuiltInRole } from '@baton/authz';
import type { AuditAction } from '@baton/contracts';
import pg from 'pg';
import { generateOneTimePassword, hashPassword } from '@baton/security';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';
import { isEntrypoint } from '../entrypoint.js';

const ROLE_DESCRIPTIONS: Record<BuiltInRole, string> = {
  agent: 'Works conversations of their queues.',
  supervisor: 'Agent rights plus watching, steering and reporting on queues.',
  admin: 'Manages users, roles, queues, channels, bots, settings and reads the audit trail.',
};

export const DEFAULT_ADMIN_EMAIL = 'admin@baton.local';

export interface SeedResult {
  roles: string[];
  /** Present only on the run that created the first admin: the one time its password is shown. */
  admin?: { email: string; oneTimePassword: string };
}

async function audit(
  db: pg.ClientBase,
  action: AuditAction,
  target: { type: string; id: string },
  data: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (actor_roles, action, target_type, target_id, result, data)
     VALUES ('{}', $1, $2, $3, 'success', $4)`,
    [action, target.type, target.id, JSON.stringify({ ...data, by: 'seed' })],
  );
}

/**
 * Idempotent first-run data, in one transaction with its audit events:
 * - built-in roles, brought to the permission sets of libs/authz on every run (a release that
 *   changes them takes effect on the next start);
 * - the first admin, only while no account holds the admin role, with a one-time password that
 *   must be changed (and MFA set up) at first sign-in. If that email already has an account (an
 *   admin who was demoted or disabled), it becomes the admin again with a new one-time password,
 *   its MFA reset and its sessions ended, each audited.
 */
export async function seed(databaseUrl: string, adminEmail = DEFAULT_ADMIN_EMAIL): Promise<SeedResult> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const result: SeedResult = { roles: [] };
    await db.query('BEGIN');
    // Two starts at once must not both create an admin.
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['baton:seed']);
    for (const [name, permissions] of Object.entries(BUILT_IN_ROLE_PERMISSIONS) as [
      BuiltInRole,
      readonly string[],
    ][]) {
      const before = await db.query<{ id: string; permissions: string[] }>(
        'SELECT id, permissions FROM roles WHERE name = $1',
        [name],
      );
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO roles (id, name, description, built_in, permissions, updated_at)
         VALUES (gen_random_uuid(), $1, $2, true, $3, now())
         ON CONFLICT (name) DO UPDATE
           SET description = EXCLUDED.description, built_in = true, permissions = EXCLUDED.permissions, updated_at = now()
         RETURNING id`,
        [name, ROLE_DESCRIPTIONS[name], permissions],
      );
      const old = before.rows[0]?.permissions;
      if (!old) {
        await audit(db, 'role.created', { type: 'role', id: rows[0]!.id }, { name, permissions });
      } else if ([...old].sort().join() !== [...permissions].sort().join()) {
        await audit(
          db,
          'role.updated',
          { type: 'role', id: rows[0]!.id },
          {
            name,
            added: permissions.filter((p) => !old.includes(p)),
            removed: old.filter((p) => !permissions.includes(p)),
          },
        );
      }
      result.roles.push(name);
    }

    const admins = await db.query(
      `SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = $1 LIMIT 1`,
      [BuiltInRole.Admin],
    );
    if (admins.rowCount === 0) {
      const email = adminEmail.toLowerCase();
      const oneTimePassword = generateOneTimePassword();
      const passwordHash = await hashPassword(oneTimePassword);
      const existing = await db.query<{ id: string; status: string }>(
        'SELECT id, status FROM users WHERE email = $1 FOR UPDATE',
        [email],
      );
      const adminRole = `SELECT id FROM roles WHERE name = '${BuiltInRole.Admin}'`;
      const found = existing.rows[0];
      if (!found) {
        const { rows } = await db.query<{ id: string }>(
          `INSERT INTO users (id, email, display_name, password_hash, must_change_password, updated_at)
           VALUES (gen_random_uuid(), $1, 'Administrator', $2, true, now()) RETURNING id`,
          [email, passwordHash],
        );
        const userId = rows[0]!.id;
        await db.query(`INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM (${adminRole}) r`, [
          userId,
        ]);
        await audit(db, 'user.created', { type: 'user', id: userId }, { email, roles: [BuiltInRole.Admin] });
      } else {
        // Recovery: the account becomes the admin again and starts over as a new one would: a new
        // one-time password, MFA to set up afresh, and nothing signed in with the old credentials.
        const target = { type: 'user', id: found.id };
        const { rows: before } = await db.query<{ name: string }>(
          'SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name',
          [found.id],
        );
        await db.query(
          `UPDATE users SET password_hash = $2, must_change_password = true, status = 'active', disabled_at = NULL,
                  reactivated_at = now(), updated_at = now() WHERE id = $1`,
          [found.id, passwordHash],
        );
        await db.query(
          `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM (${adminRole}) r ON CONFLICT DO NOTHING`,
          [found.id],
        );
        const from = before.map((r) => r.name);
        await audit(db, 'user.roles_changed', target, {
          from,
          to: [...new Set([...from, BuiltInRole.Admin])].sort(),
        });
        if (found.status !== 'active') await audit(db, 'user.enabled', target, {});
        const mfa = await db.query('DELETE FROM mfa_factors WHERE user_id = $1', [found.id]);
        await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [found.id]);
        const ended = await db.query(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'mfa_reset' WHERE user_id = $1 AND revoked_at IS NULL`,
          [found.id],
        );
        await audit(db, 'user.mfa_reset', target, {
          hadMfa: (mfa.rowCount ?? 0) > 0,
          sessionsEnded: ended.rowCount,
        });
        await audit(db, 'auth.password_changed', target, {
          reason: 'admin_recovery',
          otherSessionsEnded: ended.rowCount,
        });
      }
      result.admin = { email, oneTimePassword };
    }
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

/** The banner `npm start` and `npm run db:seed` print when they created the first admin. */
export function adminBanner(admin: NonNullable<SeedResult['admin']>): string {
  const line = '─'.repeat(64);
  return [
    line,
    '  First admin created. This password is shown only now:',
    `    email:    ${admin.email}`,
    `    password: ${admin.oneTimePassword}`,
    '  Sign in; you will choose a new password and set up two-factor',
    '  authentication (any authenticator app) before anything else.',
    line,
  ].join('\n');
}

if (isEntrypoint(import.meta.url)) {
  const result = await seed(
    process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    process.env.SEED_ADMIN_EMAIL || undefined,
  );
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`Seeded built-in roles: ${result.roles.join(', ')}.`);
    if (result.admin) console.log(adminBanner(result.admin));
  }
}
