import { z } from 'zod';
import { safeText } from './text.js';

/** What an agent types after `/` in the composer; stored lower-cased. */
const shortcut = safeText()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{1,32}$/, '1 to 32 lower-case letters, digits, dash or underscore');

export const ZCannedResponseRequest = z.strictObject({
  shortcut,
  title: safeText().trim().min(1).max(200),
  body: safeText().trim().min(1).max(5_000),
});
export type CannedResponseRequest = z.infer<typeof ZCannedResponseRequest>;

export const ZCannedResponse = z.object({
  id: z.uuid(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  updatedAt: z.iso.datetime(),
});
export type CannedResponse = z.infer<typeof ZCannedResponse>;
