import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TABLE_OWNERS, TABLE_WRITE_EXCEPTIONS } from './table-owners.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SRC = join(ROOT, 'apps/api/src');

/** Prisma model delegates (`tx.agentState`) → PostgreSQL tables (`agent_states`), from the schema. */
function tablesOfSchema(): Map<string, string> {
  const schema = readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8');
  const delegates = new Map<string, string>();
  for (const [, model = '', body = ''] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1] ?? model;
    delegates.set(model.charAt(0).toLowerCase() + model.slice(1), table);
  }
  return delegates;
}

const DELEGATES = tablesOfSchema();
const TABLES = new Set(DELEGATES.values());

const PRISMA_WRITE =
  /\.(\w+)\s*\.(create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\(/g;
const SQL_WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)"?/g;

interface Write {
  table: string;
  line: number;
}

/** The tables a source file writes, through Prisma's delegates or raw SQL. */
function writesIn(source: string): Write[] {
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const writes: Write[] = [];
  for (const { 1: delegate = '', index } of source.matchAll(PRISMA_WRITE)) {
    const table = DELEGATES.get(delegate);
    if (table) writes.push({ table, line: lineOf(index) });
  }
  for (const { 1: table = '', index } of source.matchAll(SQL_WRITE)) {
    if (TABLES.has(table)) writes.push({ table, line: lineOf(index) });
  }
  return writes;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const ownerOf = new Map(TABLE_OWNERS.map((t) => [t.table, t.owner]));

describe('table owners', () => {
  it('names one owner for every table of the schema, and only for those', () => {
    const named = TABLE_OWNERS.map((t) => t.table);
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual([...TABLES].sort());
    for (const { owner, readers } of TABLE_OWNERS) {
      for (const folder of [owner, ...readers]) {
        expect(existsSync(join(SRC, 'modules', folder)), `modules/${folder}`).toBe(true);
      }
      expect(readers).not.toContain(owner);
    }
  });

  it('finds Prisma and SQL writes, and nothing else', () => {
    const source = [
      'await tx.contact.create({ data: {} });',
      'await this.prisma.agentState',
      '  .updateMany({ where: {} });',
      'await tx.$executeRaw`INSERT INTO agent_states (user_id) VALUES (${id})`;',
      "await db.$executeRawUnsafe('DELETE FROM sessions WHERE id = $1', id);",
      'UPDATE audit_events AS a SET hash = v.hash',
      'await tx.conversation.findUnique({ where: { id } });',
      'SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE',
      'SELECT user_id FROM agent_states FOR UPDATE OF s SKIP LOCKED',
      'INSERT INTO x ON CONFLICT (id) DO UPDATE SET y = 1',
      'await this.sessions.create(tx, userId);',
    ].join('\n');
    expect(writesIn(source)).toEqual([
      { table: 'contacts', line: 1 },
      { table: 'agent_states', line: 2 },
      { table: 'agent_states', line: 4 },
      { table: 'sessions', line: 5 },
      { table: 'audit_events', line: 6 },
    ]);
  });

  it('holds in the API: only the owner module writes a table, besides the listed exceptions', () => {
    const strays: string[] = [];
    const exceptionsUsed = new Set<string>();
    for (const path of sourceFiles(SRC)) {
      const file = relative(SRC, path);
      const module = /^modules\/([^/]+)\//.exec(file)?.[1] ?? null;
      for (const { table, line } of writesIn(readFileSync(path, 'utf8'))) {
        if (module === ownerOf.get(table)) continue;
        const exception = TABLE_WRITE_EXCEPTIONS.find((e) => e.table === table && e.file === file);
        if (exception) exceptionsUsed.add(`${table} ${file}`);
        else strays.push(`${file}:${line} writes ${table}, owned by modules/${ownerOf.get(table)}`);
      }
    }
    expect(strays).toEqual([]);
    // An exception nobody needs any more goes, so the list only ever shrinks.
    expect([...exceptionsUsed].sort()).toEqual(
      TABLE_WRITE_EXCEPTIONS.map((e) => `${e.table} ${e.file}`).sort(),
    );
  });

  it('is the map docs/ARCHITECTURE.md quotes under "Table owners"', () => {
    const docs = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const section = /^## Table owners\n([\s\S]*?)(?=^## )/m.exec(docs)?.[1] ?? '';
    expect(section, 'a "## Table owners" section').not.toBe('');
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, ''));
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map(cells);
    expect(rows).toEqual(
      TABLE_OWNERS.map((t) => [t.table, t.owner, t.readers.length > 0 ? t.readers.join(', ') : '—']),
    );
    for (const exception of TABLE_WRITE_EXCEPTIONS) {
      expect(section).toContain(`\`${exception.file}\``);
    }
  });
});
