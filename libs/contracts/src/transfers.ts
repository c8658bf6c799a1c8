import { z } from 'zod';
import { ZPresence } from './conversations.js';
import { ConversationsErrorCode } from './errors.js';

/**
 * A colleague an agent can transfer a conversation to: another member of its queue who is online,
 * with their load. `canTake` is false while they are at capacity (a transfer to them is refused).
 */
export const ZTransferColleague = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  presence: ZPresence,
  activeCount: z.number().int(),
  capacity: z.number().int(),
  canTake: z.boolean(),
});
export type TransferColleague = z.infer<typeof ZTransferColleague>;

/** Why a transfer to a colleague was refused (409), so the SPA can say it plainly. */
export const TransferErrorCode = {
  NotAMember: ConversationsErrorCode.NotAMember,
  ColleagueOffline: ConversationsErrorCode.ColleagueOffline,
  ColleagueAtCapacity: ConversationsErrorCode.ColleagueAtCapacity,
} as const;
