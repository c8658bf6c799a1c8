import type { ChannelKind, ChannelSecretName } from '@baton/contracts';

export const KINDS: Record<ChannelKind, { label: string; hint: string }> = {
  webchat: { label: 'Web chat', hint: 'A chat widget on your website, added with one script tag.' },
  whatsapp: { label: 'WhatsApp', hint: 'A WhatsApp Business number through Meta’s Cloud API.' },
  api: { label: 'API', hint: 'Cases handed over by an external bot with an API key.' },
};

export const SECRETS: {
  name: ChannelSecretName;
  label: string;
  minLength: number;
  hint: string;
  visible?: boolean;
}[] = [
  {
    name: 'verifyToken',
    label: 'Webhook verify token',
    minLength: 8,
    visible: true,
    hint: 'Any string of 8 or more characters you choose; enter the same in Meta’s webhook settings.',
  },
  {
    name: 'appSecret',
    label: 'App secret',
    minLength: 8,
    hint: 'From the Meta app’s basic settings; Baton checks every webhook delivery’s signature with it.',
  },
  {
    name: 'accessToken',
    label: 'Access token',
    minLength: 16,
    hint: 'A permanent (system user) token with whatsapp_business_messaging permission, used to send replies.',
  },
];

export const widgetSnippet = (channelId: string) =>
  `<script src="${window.location.origin}/widget/widget.js" data-baton-channel="${channelId}" async></script>`;

export const webhookUrl = (path: string) => `${window.location.origin}${path}`;
