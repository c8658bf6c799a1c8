import type { Channel } from '@baton/contracts';
import { CopyableValue } from '../../../ui/CopyableValue';
import { webhookUrl, widgetSnippet } from './channel-text';
import { OriginsSummary } from './OriginsSummary';

/** How to connect the outside world to a channel: the embed code or the webhook URL. */
export function ChannelConnection({
  channel,
  withOrigins = true,
}: {
  channel: Channel;
  withOrigins?: boolean;
}) {
  switch (channel.kind) {
    case 'webchat':
      return (
        <div className="stack setup-tight">
          <CopyableValue label="Embed code" value={widgetSnippet(channel.id)} />
          <p className="muted setup-note">
            Paste it before <code>&lt;/body&gt;</code> on every page that should show the chat.
          </p>
          {withOrigins && <OriginsSummary origins={channel.config.allowedOrigins} />}
        </div>
      );
    case 'whatsapp':
      return (
        <div className="stack setup-tight">
          <CopyableValue
            label="Webhook URL"
            value={webhookUrl(channel.webhookPath)}
            copyLabel="Copy webhook URL"
          />
          <p className="muted setup-note">
            In the Meta app&rsquo;s WhatsApp configuration, set this as the callback URL with your verify
            token, and subscribe to the <code>messages</code> field.
          </p>
        </div>
      );
    case 'api':
      return (
        <p className="setup-note">
          Create an API key for this channel under <strong>API keys</strong>; the external bot hands cases
          over with it.
        </p>
      );
  }
}
