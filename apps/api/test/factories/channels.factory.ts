import type { Prisma } from '../../src/generated/prisma/client.js';
import type { TestApi } from '../support/api.js';
import { tag } from './names.js';

/** A web chat channel written straight to the database (no bot and no default queue unless given). */
export function webchatChannel(
  api: TestApi,
  data: { name?: string; botConfigId?: string; config?: Prisma.InputJsonValue } = {},
) {
  return api.prisma.channel.create({ data: { kind: 'webchat', name: `web-${tag()}`, ...data } });
}
