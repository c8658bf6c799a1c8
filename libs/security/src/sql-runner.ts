/**
 * Runs one tagged SQL template: the interpolated values are sent as parameters, never spliced into
 * the text. Prisma's `$queryRaw` is one already; {@link pgRunner} adapts a `pg` client, so the API and
 * the operator tools share the queries that take one.
 */
export type SqlRunner = <T>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<T[]>;

/** The part of a `pg` client (or pool) a runner needs. */
export interface PgQueryable {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** `SELECT … WHERE a = ${x}` as `pg` takes it: `SELECT … WHERE a = $1` and `[x]`. */
export function positionalSql(
  strings: readonly string[],
  values: readonly unknown[],
): { text: string; values: unknown[] } {
  const text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
  return { text, values: [...values] };
}

export function pgRunner(client: PgQueryable): SqlRunner {
  return async <T>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const query = positionalSql(strings, values);
    return (await client.query(query.text, query.values)).rows as T[];
  };
}
