import type { Bot, Channel, Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { EditDeleteActions, OnOffBadge, queueLabel } from '../setup-shared';
import { KINDS } from './channel-text';
import { SetupSummary } from './SetupSummary';

export function ChannelsTable({
  channels,
  bots,
  queues,
  onEdit,
  onDeleted,
}: {
  channels: Channel[];
  bots: Bot[] | null;
  queues: Queue[] | null;
  onEdit: (channel: Channel) => void;
  onDeleted: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Bot</th>
            <th scope="col">Default queue</th>
            <th scope="col">Set-up</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <tr key={channel.id}>
              <td>
                <strong>{channel.name}</strong>
                <div>
                  <span className="badge badge--info">{KINDS[channel.kind].label}</span>
                </div>
              </td>
              <td>
                <OnOffBadge on={channel.enabled} />
              </td>
              <td>
                {channel.botConfigId === null ? (
                  <span className="muted">None</span>
                ) : (
                  (bots?.find((b) => b.id === channel.botConfigId)?.name ?? (
                    <span className="muted">A bot</span>
                  ))
                )}
              </td>
              <td>
                {channel.config.defaultQueueId ? (
                  queueLabel(queues, channel.config.defaultQueueId)
                ) : (
                  <span className="muted">None</span>
                )}
              </td>
              <td>
                <SetupSummary channel={channel} />
              </td>
              <td>
                <EditDeleteActions
                  name={`${channel.name}`}
                  deleteTitle={`Delete ${channel.name}?`}
                  confirmLabel="Delete channel"
                  onEdit={() => onEdit(channel)}
                  onDelete={async () => {
                    await api.delete(`/channels/${channel.id}`);
                    onDeleted(channel.id);
                  }}
                >
                  <p>
                    {channel.kind === 'webchat'
                      ? 'The chat stops working at once on every site that embeds it.'
                      : 'The channel stops receiving messages at once, and its secrets are destroyed.'}{' '}
                    This cannot be undone.
                  </p>
                  <p>
                    A channel that has conversations cannot be deleted (their history must stay): disable it
                    instead.
                  </p>
                </EditDeleteActions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
