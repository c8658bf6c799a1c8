import { describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS, readSealedAuditRows, readUnsealedAuditRows } from './audit-chain.js';
import { pgRunner, positionalSql, type SqlRunner } from './sql-runner.js';

describe('tagged SQL for pg', () => {
  it('numbers the interpolated values as parameters and keeps them out of the text', async () => {
    const sent: { text: string; values: unknown[] }[] = [];
    const run = pgRunner({
      query: async (text, values) => {
        sent.push({ text, values });
        return { rows: [{ ok: true }] };
      },
    });
    const name = "x'; DROP TABLE users; --";
    expect(await run`SELECT 1 WHERE a = ${name} AND b = ${2} OR c = ${name}`).toEqual([{ ok: true }]);
    expect(sent).toEqual([{ text: 'SELECT 1 WHERE a = $1 AND b = $2 OR c = $3', values: [name, 2, name] }]);
  });

  it('leaves a template without values as it is', () => {
    expect(positionalSql(['SELECT 1'], [])).toEqual({ text: 'SELECT 1', values: [] });
  });
});

describe('audit row queries', () => {
  // The sealer and the verifier must hash exactly the columns canonicalRow expects.
  const columnsOf = async (read: (run: SqlRunner) => Promise<unknown>) => {
    let text = '';
    await read(async (strings) => {
      text = strings.join('?').replace(/\s+/g, ' ');
      return [];
    });
    return /SELECT (.*) FROM audit_events/.exec(text)?.[1];
  };

  it('select the columns of AUDIT_COLUMNS', async () => {
    expect(await columnsOf((run) => readSealedAuditRows(run, 1n, 10))).toBe(AUDIT_COLUMNS);
    expect(await columnsOf((run) => readUnsealedAuditRows(run, 10))).toBe(AUDIT_COLUMNS);
  });
});
