import { safeText } from '@baton/contracts';
import { z } from 'zod';

/**
 * What a WhatsApp Cloud API-compatible provider sends and answers. Lenient on purpose: unknown fields
 * are ignored (providers add them all the time), and each change, message and status is checked on its
 * own so one odd item never costs the others. Text is `safeText()` as in every contract: an item with
 * a NUL or an unpaired surrogate is dropped like any other item not understood, not stored.
 */
export const ZWhatsappWebhook = z.object({
  object: safeText().optional(),
  entry: z
    .array(
      z.object({
        changes: z.array(z.object({ field: safeText().optional(), value: z.unknown() })).default([]),
      }),
    )
    .default([]),
});

export const ZWhatsappChange = z.object({
  metadata: z.object({ phone_number_id: safeText() }),
  contacts: z
    .array(z.object({ wa_id: safeText(), profile: z.object({ name: safeText().optional() }).optional() }))
    .default([]),
  messages: z.array(z.unknown()).default([]),
  statuses: z.array(z.unknown()).default([]),
});

const caption = z.object({ caption: safeText().optional() }).optional();

export const ZWhatsappInboundMessage = z.object({
  id: safeText().min(1).max(256),
  /** The sender's WhatsApp number (digits, no `+`). */
  from: safeText().regex(/^\+?\d{5,20}$/),
  timestamp: safeText().optional(),
  type: safeText().max(40).default('text'),
  text: z.object({ body: safeText() }).optional(),
  button: z.object({ text: safeText() }).optional(),
  interactive: z
    .object({
      button_reply: z.object({ title: safeText() }).optional(),
      list_reply: z.object({ title: safeText() }).optional(),
    })
    .optional(),
  image: caption,
  video: caption,
  document: caption,
});
export type WhatsappInboundMessage = z.infer<typeof ZWhatsappInboundMessage>;

export const ZWhatsappStatus = z.object({
  id: safeText().min(1).max(256),
  status: safeText(),
  recipient_id: safeText().optional(),
  timestamp: safeText().optional(),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: safeText().optional(),
        message: safeText().optional(),
        error_data: z.object({ details: safeText().optional() }).optional(),
      }),
    )
    .optional(),
});
export type WhatsappStatus = z.infer<typeof ZWhatsappStatus>;

/** The provider's answer to a send. */
export const ZWhatsappSendResponse = z.object({
  messages: z.array(z.object({ id: safeText().min(1) })).min(1),
});

/** `hub.*` parameters of the provider's subscription check; other parameters are ignored. */
export const ZWhatsappVerifyQuery = z.object({
  'hub.mode': safeText().max(64).optional(),
  'hub.verify_token': safeText().max(512).optional(),
  'hub.challenge': safeText().max(512).optional(),
});
export type WhatsappVerifyQuery = z.infer<typeof ZWhatsappVerifyQuery>;

/** A short text for every message type, so nothing a customer sends is silently lost. */
export function inboundBody(message: WhatsappInboundMessage): string {
  const placeholder = `[${message.type}]`;
  let body: string | undefined;
  switch (message.type) {
    case 'text':
      body = message.text?.body;
      break;
    case 'button':
      body = message.button?.text;
      break;
    case 'interactive':
      body = message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title;
      break;
    case 'image':
    case 'video':
    case 'document': {
      const text = message[message.type]?.caption?.trim();
      body = text ? `${placeholder} ${text}` : placeholder;
      break;
    }
    default:
      body = placeholder;
  }
  const trimmed = body?.trim();
  // The customer message contract caps bodies at 5,000 characters.
  return (trimmed || placeholder).slice(0, 5_000);
}
