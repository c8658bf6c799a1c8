import type { Channel } from '@baton/contracts';
import { SECRETS } from './channel-text';

export function SetupSummary({ channel }: { channel: Channel }) {
  switch (channel.kind) {
    case 'webchat':
      return channel.config.allowedOrigins.length === 0 ? (
        <span className="badge badge--warn">Any site may embed</span>
      ) : (
        <span>
          {channel.config.allowedOrigins.length} allowed site
          {channel.config.allowedOrigins.length === 1 ? '' : 's'}
        </span>
      );
    case 'whatsapp': {
      const missing = SECRETS.filter((s) => !channel.secretsSet.includes(s.name));
      return (
        <>
          <div>
            Number id <code>{channel.config.phoneNumberId || '—'}</code>
          </div>
          {missing.length === 0 ? (
            <span className="badge badge--ok">Secrets set</span>
          ) : (
            <span className="badge badge--danger">
              Missing: {missing.map((s) => s.label.toLowerCase()).join(', ')}
            </span>
          )}
        </>
      );
    }
    case 'api':
      return <span className="muted">Through API keys</span>;
  }
}
