import { BUILT_IN_ROLE_PERMISSIONS } from '@baton/authz';
import { PrismaPg } from '@prisma/adapter-pg';
import { fileURLToPath } from 'node:url';
import { PrismaClient } from '../../apps/api/src/generated/prisma/client.js';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';

const ROLE_DESCRIPTIONS: Record<keyof typeof BUILT_IN_ROLE_PERMISSIONS, string> = {
  agent: 'Works conversations of their queues.',
  supervisor: 'Agent rights plus watching, steering and reporting on queues.',
  admin: 'Manages users, roles, queues, channels, bots, settings and reads the audit trail.',
};

export interface SeedResult {
  roles: string[];
}

/**
 * Idempotent first-run data. Built-in roles are brought to the permission sets defined in
 * libs/authz on every run, so a release that changes them takes effect on the next start.
 */
export async function seed(databaseUrl: string): Promise<SeedResult> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  try {
    const roles: string[] = [];
    for (const [name, permissions] of Object.entries(BUILT_IN_ROLE_PERMISSIONS)) {
      const data = { description: ROLE_DESCRIPTIONS[name as keyof typeof ROLE_DESCRIPTIONS], builtIn: true, permissions: [...permissions] };
      await prisma.role.upsert({ where: { name }, create: { name, ...data }, update: data });
      roles.push(name);
    }
    return { roles };
  } finally {
    await prisma.$disconnect();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await seed(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  console.log(`Seeded built-in roles: ${result.roles.join(', ')}.`);
}
