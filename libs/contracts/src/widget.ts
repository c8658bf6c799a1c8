import { z } from 'zod';
import { safeText } from './text.js';
import { ZCustomerConversation } from './realtime.js';

/**
 * `POST /api/v1/widget/sessions`: the embedded widget asks for a visitor token. With a token it
 * still holds for this channel it stays the same visitor; without one a new visitor is created.
 */
/** The web chat channel `npm start` creates on a fresh database and the demo page at /demo embeds. */
export const DEMO_CHANNEL_NAME = 'Demo website';

export const ZWidgetSessionRequest = z.strictObject({
  channelId: z.uuid(),
  token: safeText().min(1).max(2_048).optional(),
});
export type WidgetSessionRequest = z.infer<typeof ZWidgetSessionRequest>;

export const ZWidgetSessionResponse = z.object({
  /** Signed visitor token for the `/customer` socket handshake (`auth.token`); kept by the browser. */
  token: z.string(),
  channel: z.object({ name: z.string(), greeting: z.string().nullable() }),
  /** The visitor's open conversation, so a reload resumes where it was; null when there is none. */
  conversation: ZCustomerConversation.nullable(),
});
export type WidgetSessionResponse = z.infer<typeof ZWidgetSessionResponse>;
