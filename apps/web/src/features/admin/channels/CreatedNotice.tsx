import type { Channel } from '@baton/contracts';
import { ChannelConnection } from './ChannelConnection';

export function CreatedNotice({ channel, onDismiss }: { channel: Channel; onDismiss: () => void }) {
  return (
    <div className="alert alert--ok stack" role="status">
      <div className="row setup-spread">
        <strong>Channel &ldquo;{channel.name}&rdquo; created.</strong>
        <button type="button" className="button button--small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ChannelConnection channel={channel} />
    </div>
  );
}
