import type { SqlRunner } from '@baton/security';
import type { PrismaService, Tx } from './prisma.service.js';

/** Prisma's tagged `$queryRaw` (on the client or a transaction) as the shared queries take it. */
export function prismaRunner(db: Pick<PrismaService | Tx, '$queryRaw'>): SqlRunner {
  return <T>(strings: TemplateStringsArray, ...values: unknown[]) => db.$queryRaw<T[]>(strings, ...values);
}
