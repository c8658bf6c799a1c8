import {
  ZChannelKind,
  ZCreateChannelRequest,
  ZWebchatChannelConfig,
  ZWhatsappChannelConfig,
  ZWhatsappChannelSecrets,
  type Channel,
  type ChannelSecretName,
} from '@baton/contracts';
import { z } from 'zod';
import { parseOrigins, type Draft } from './channel-draft';

const idOrNone = z.union([z.literal(''), z.uuid()]);
const SECRET_NAMES = Object.keys(ZWhatsappChannelSecrets.shape) as ChannelSecretName[];

/**
 * The form's schema: every kind's fields as typed, each checked with the contract's own schema for
 * the kind chosen. Secrets are required when creating; when editing, only those typed in are checked.
 */
export function channelForm(channel: Channel | null) {
  return z
    .object({
      kind: ZChannelKind,
      name: ZCreateChannelRequest.options[0].shape.name,
      enabled: z.boolean(),
      botConfigId: idOrNone,
      defaultQueueId: idOrNone,
      origins: z.string(),
      greeting: z.string(),
      phoneNumberId: z.string(),
      secrets: z.object({ verifyToken: z.string(), appSecret: z.string(), accessToken: z.string() }),
    })
    .superRefine((draft: Draft, ctx) => {
      const check = (schema: z.ZodType, value: unknown, path: string[]) => {
        const result = schema.safeParse(value);
        if (!result.success) ctx.addIssue({ code: 'custom', path, message: result.error.issues[0]?.message });
      };
      if (draft.kind === 'webchat') {
        const { origins, invalid } = parseOrigins(draft.origins);
        if (invalid.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['origins'],
            message: `Not a site origin: ${invalid.join(', ')}. Use the scheme and host only, like https://shop.example (add :port if not the default).`,
          });
        } else check(ZWebchatChannelConfig.shape.allowedOrigins, origins, ['origins']);
        if (draft.greeting.trim())
          check(ZWebchatChannelConfig.shape.greeting, draft.greeting.trim(), ['greeting']);
      }
      if (draft.kind === 'whatsapp') {
        check(ZWhatsappChannelConfig.shape.phoneNumberId, draft.phoneNumberId, ['phoneNumberId']);
        for (const name of SECRET_NAMES) {
          const value = draft.secrets[name];
          if (!channel || value !== '') check(ZWhatsappChannelSecrets.shape[name], value, ['secrets', name]);
        }
      }
    });
}

/** Where the server's field errors show: its request paths → the form's fields. */
export const SERVER_FIELDS = {
  kind: 'kind',
  name: 'name',
  enabled: 'enabled',
  botConfigId: 'botConfigId',
  'config.defaultQueueId': 'defaultQueueId',
  'config.allowedOrigins': 'origins',
  'config.greeting': 'greeting',
  'config.phoneNumberId': 'phoneNumberId',
  'secrets.verifyToken': 'secrets.verifyToken',
  'secrets.appSecret': 'secrets.appSecret',
  'secrets.accessToken': 'secrets.accessToken',
} as const;
