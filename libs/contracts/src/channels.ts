import { z } from 'zod';
import { safeText } from './text.js';

export const ZChannelKind = z.enum(['webchat', 'whatsapp', 'api']);
export type ChannelKind = z.infer<typeof ZChannelKind>;

/** `https://shop.example` or `http://localhost:8080`: scheme, host and optional port, nothing else. */
const origin = safeText()
  .trim()
  .regex(
    /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::\d{1,5})?$/,
    'must be an origin like https://shop.example (scheme and host, lower case, no path or trailing slash)',
  );

export const ZWebchatChannelConfig = z.strictObject({
  /** Sites allowed to embed the widget; the customer socket refuses other origins. Empty: any site. */
  allowedOrigins: z.array(origin).max(50),
  defaultQueueId: z.uuid().optional(),
  greeting: safeText().trim().min(1).max(500).optional(),
});
export type WebchatChannelConfig = z.infer<typeof ZWebchatChannelConfig>;

export const ZWhatsappChannelConfig = z.strictObject({
  /** The provider's id of the sending number; it becomes part of the send URL, hence the narrow alphabet. */
  phoneNumberId: safeText()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, dash or underscore (the provider’s phone number id)'),
  defaultQueueId: z.uuid().optional(),
});
export type WhatsappChannelConfig = z.infer<typeof ZWhatsappChannelConfig>;

export const ZApiChannelConfig = z.strictObject({ defaultQueueId: z.uuid().optional() });
export type ApiChannelConfig = z.infer<typeof ZApiChannelConfig>;

/** Write-only: stored encrypted, never returned. */
export const ZWhatsappChannelSecrets = z.strictObject({
  /** What the provider echoes when it verifies the webhook (`hub.verify_token`). */
  verifyToken: safeText().min(8).max(256),
  /** Signs every webhook delivery (`X-Hub-Signature-256`). */
  appSecret: safeText().min(8).max(256),
  /** Bearer token for sending messages. */
  accessToken: safeText().min(16).max(4096),
});
export type WhatsappChannelSecrets = z.infer<typeof ZWhatsappChannelSecrets>;
export type ChannelSecretName = keyof WhatsappChannelSecrets;

const name = safeText().trim().min(1).max(80);
const kindError = {
  error: (issue: { code?: string }) =>
    issue.code === 'invalid_union' ? 'kind must be one of: webchat, whatsapp, api' : undefined,
};

const createBase = {
  name,
  enabled: z.boolean().prefault(true),
  /** The bot that answers first; none means conversations wait for a handoff. */
  botConfigId: z.uuid().nullable().prefault(null),
};

export const ZCreateChannelRequest = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('webchat'), ...createBase, config: ZWebchatChannelConfig }),
    z.strictObject({
      kind: z.literal('whatsapp'),
      ...createBase,
      config: ZWhatsappChannelConfig,
      secrets: ZWhatsappChannelSecrets,
    }),
    z.strictObject({ kind: z.literal('api'), ...createBase, config: ZApiChannelConfig.prefault({}) }),
  ],
  kindError,
);
export type CreateChannelRequest = z.infer<typeof ZCreateChannelRequest>;

const updateBase = {
  name: name.optional(),
  enabled: z.boolean().optional(),
  botConfigId: z.uuid().nullable().optional(),
};

/**
 * Partial update. `kind` must be the channel's own (it selects how `config` is checked); `config`
 * replaces the whole config; `secrets` replaces only the secrets named (rotate one, keep the others).
 */
export const ZUpdateChannelRequest = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('webchat'), ...updateBase, config: ZWebchatChannelConfig.optional() }),
    z.strictObject({
      kind: z.literal('whatsapp'),
      ...updateBase,
      config: ZWhatsappChannelConfig.optional(),
      secrets: ZWhatsappChannelSecrets.partial().optional(),
    }),
    z.strictObject({ kind: z.literal('api'), ...updateBase, config: ZApiChannelConfig.optional() }),
  ],
  kindError,
);
export type UpdateChannelRequest = z.infer<typeof ZUpdateChannelRequest>;

const dtoBase = {
  id: z.uuid(),
  name: z.string(),
  enabled: z.boolean(),
  botConfigId: z.uuid().nullable(),
  /** Names of the secrets that are set; their values are never returned. */
  secretsSet: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

export const ZChannel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webchat'), ...dtoBase, config: ZWebchatChannelConfig }),
  z.object({
    kind: z.literal('whatsapp'),
    ...dtoBase,
    config: ZWhatsappChannelConfig,
    /** Where to point the provider's webhook (append to the public URL). */
    webhookPath: z.string(),
  }),
  z.object({ kind: z.literal('api'), ...dtoBase, config: ZApiChannelConfig }),
]);
export type Channel = z.infer<typeof ZChannel>;

/** The queue a channel's conversations go to when no bot picks one (every kind may set it). */
export function defaultQueueIdOf(config: unknown): string | null {
  const parsed = z.looseObject({ defaultQueueId: z.uuid() }).safeParse(config);
  return parsed.success ? parsed.data.defaultQueueId : null;
}
