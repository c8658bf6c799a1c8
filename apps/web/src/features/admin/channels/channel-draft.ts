import {
  ZWebchatChannelConfig,
  type Channel,
  type ChannelKind,
  type ChannelSecretName,
} from '@baton/contracts';

/** The form's state: every kind's fields, so switching kind while creating loses nothing. */
export interface Draft {
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  botConfigId: string;
  defaultQueueId: string;
  origins: string;
  greeting: string;
  phoneNumberId: string;
  secrets: Record<ChannelSecretName, string>;
}

export function draftOf(channel: Channel | null): Draft {
  return {
    kind: channel?.kind ?? 'webchat',
    name: channel?.name ?? '',
    enabled: channel?.enabled ?? true,
    botConfigId: channel?.botConfigId ?? '',
    defaultQueueId: channel?.config.defaultQueueId ?? '',
    origins: channel?.kind === 'webchat' ? channel.config.allowedOrigins.join('\n') : '',
    greeting: channel?.kind === 'webchat' ? (channel.config.greeting ?? '') : '',
    phoneNumberId: channel?.kind === 'whatsapp' ? channel.config.phoneNumberId : '',
    secrets: { verifyToken: '', appSecret: '', accessToken: '' },
  };
}

const originSchema = ZWebchatChannelConfig.shape.allowedOrigins.element;

/**
 * Origins one per line (commas work too). What browsers send never has a trailing slash or capitals,
 * so those are forgiven rather than refused.
 */
export function parseOrigins(text: string): { origins: string[]; invalid: string[] } {
  const items = [
    ...new Set(text.split(/[\n,]+/).map((o) => o.trim().toLowerCase().replace(/\/+$/, ''))),
  ].filter(Boolean);
  return {
    origins: items,
    invalid: items.filter((o) => !originSchema.safeParse(o).success),
  };
}

export function configOf(d: Draft) {
  const defaultQueue = d.defaultQueueId ? { defaultQueueId: d.defaultQueueId } : {};
  switch (d.kind) {
    case 'webchat': {
      const { origins, invalid } = parseOrigins(d.origins);
      if (invalid.length > 0) {
        throw new Error(
          `Not a site origin: ${invalid.join(', ')}. Use the scheme and host only, like https://shop.example (add :port if not the default).`,
        );
      }
      return {
        allowedOrigins: origins,
        ...defaultQueue,
        ...(d.greeting.trim() && { greeting: d.greeting.trim() }),
      };
    }
    case 'whatsapp':
      return { phoneNumberId: d.phoneNumberId.trim(), ...defaultQueue };
    case 'api':
      return defaultQueue;
  }
}
