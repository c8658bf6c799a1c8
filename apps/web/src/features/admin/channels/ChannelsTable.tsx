import type { Bot, Channel, Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { EditDeleteActions } from '../../../ui/EditDeleteActions';
import { OnOffBadge } from '../../../ui/OnOffBadge';
import { queueLabel } from '../queues/queue-label';
import { KINDS } from './channel-text';
import { SetupSummary } from './SetupSummary';

export function ChannelsTable({
  load,
  bots,
  queues,
  onEdit,
  onDeleted,
}: {
  load: TableLoad<Channel>;
  bots: Bot[] | null;
  queues: Queue[] | null;
  onEdit: (channel: Channel) => void;
  onDeleted: (id: string) => void;
}) {
  const columns: Column<Channel>[] = [
    {
      header: 'Channel',
      cell: (channel) => (
        <>
          <strong>{channel.name}</strong>
          <div>
            <span className="badge badge--info">{KINDS[channel.kind].label}</span>
          </div>
        </>
      ),
    },
    { header: 'Status', cell: (channel) => <OnOffBadge on={channel.enabled} /> },
    {
      header: 'Bot',
      cell: (channel) =>
        channel.botConfigId === null ? (
          <span className="muted">None</span>
        ) : (
          (bots?.find((b) => b.id === channel.botConfigId)?.name ?? <span className="muted">A bot</span>)
        ),
    },
    {
      header: 'Default queue',
      cell: (channel) =>
        channel.config.defaultQueueId ? (
          queueLabel(queues, channel.config.defaultQueueId)
        ) : (
          <span className="muted">None</span>
        ),
    },
    { header: 'Set-up', cell: (channel) => <SetupSummary channel={channel} /> },
  ];
  return (
    <DataTable
      caption="Channels"
      columns={columns}
      load={load}
      empty="No channels yet. Create a web chat channel to put a chat on your site."
      actions={(channel) => (
        <EditDeleteActions
          name={channel.name}
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
            A channel that has conversations cannot be deleted (their history must stay): disable it instead.
          </p>
        </EditDeleteActions>
      )}
    />
  );
}
