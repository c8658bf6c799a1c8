import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeMigrationsProblem, migrationChecksum, readMigrationsState } from './migrations-state.js';
import type { SqlRunner } from './sql-runner.js';

interface Row {
  name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
}

/** Answers the two queries of readMigrationsState from memory; `null` means no `_prisma_migrations` table. */
function database(rows: Row[] | null): SqlRunner {
  return (async (strings: TemplateStringsArray) => {
    const sql = strings.join('?');
    if (sql.includes('to_regclass')) return [{ present: rows !== null }];
    return rows ?? [];
  }) as SqlRunner;
}

describe('migration status', () => {
  let dir: string;
  const migration = async (name: string, sql = `-- ${name}\n`) => {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
    return { name, checksum: migrationChecksum(sql), finished: true, rolled_back: false };
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-migrations-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on an empty database lists every migration folder as pending, in order', async () => {
    await migration('20250102000000_second');
    await migration('20250101000000_first');
    await mkdir(join(dir, 'not_a_migration'));
    const state = await readMigrationsState(database(null), dir);
    expect(state).toEqual({
      local: ['20250101000000_first', '20250102000000_second'],
      applied: [],
      pending: ['20250101000000_first', '20250102000000_second'],
      failed: [],
      edited: [],
      missingLocally: [],
    });
    expect(describeMigrationsProblem(state)).toBe(
      '2 database migrations are pending (20250101000000_first, 20250102000000_second); run `npm run db:migrate`.',
    );
  });

  it('tells applied, failed, rolled back, edited and vanished migrations apart', async () => {
    const first = await migration('20250101000000_first', 'CREATE TABLE a ();\n');
    const second = await migration('20250102000000_second');
    const third = await migration('20250103000000_third');
    await migration('20250104000000_fourth');
    const state = await readMigrationsState(
      database([
        { ...first, checksum: migrationChecksum('CREATE TABLE a ();\r\n') }, // line endings only: not edited
        { ...second, checksum: migrationChecksum('something else') },
        { ...third, finished: false, rolled_back: true },
        { ...third, finished: false },
        { name: '20241231000000_gone', checksum: 'x', finished: true, rolled_back: false },
      ]),
      dir,
      { checksums: true },
    );
    expect(state).toMatchObject({
      applied: ['20250101000000_first', '20250102000000_second', '20241231000000_gone'],
      pending: ['20250104000000_fourth'],
      failed: ['20250103000000_third'],
      edited: ['20250102000000_second'],
      missingLocally: ['20241231000000_gone'],
    });
    expect(describeMigrationsProblem(state)).toBe(
      'Migration 20250103000000_third failed part-way; fix the database, then run `npm run db:migrate`.',
    );
  });

  it('reads no script unless asked to compare checksums (start-up and readiness need only failed and pending)', async () => {
    const only = await migration('20250101000000_only');
    const state = await readMigrationsState(
      database([{ ...only, checksum: migrationChecksum('changed') }]),
      dir,
    );
    expect(state).toMatchObject({ applied: ['20250101000000_only'], edited: [] });
  });

  it('has nothing to say when the schema is current', async () => {
    const only = await migration('20250101000000_only');
    expect(describeMigrationsProblem(await readMigrationsState(database([only]), dir))).toBeUndefined();
  });
});
