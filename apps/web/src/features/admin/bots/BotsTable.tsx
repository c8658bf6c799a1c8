import type { Bot, Channel, Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { percent } from '../../../lib/format';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { EditDeleteActions } from '../../../ui/EditDeleteActions';
import { OnOffBadge } from '../../../ui/OnOffBadge';
import { queueLabel } from '../queues/queue-label';
import { ENGINES } from './bot-engines';
import { NoDefaultQueueWarning } from './NoDefaultQueueWarning';

export function BotsTable({
  load,
  queues,
  channels,
  onEdit,
  onDeleted,
}: {
  load: TableLoad<Bot>;
  queues: Queue[] | null;
  channels: Channel[] | null;
  onEdit: (bot: Bot) => void;
  onDeleted: (id: string) => void;
}) {
  const channelNames = (bot: Bot) =>
    bot.channelIds.map((id) => channels?.find((c) => c.id === id)?.name ?? `Channel ${id.slice(0, 8)}…`);
  const columns: Column<Bot>[] = [
    {
      header: 'Bot',
      cell: (bot) => (
        <>
          <strong>{bot.name}</strong>
          <div className="muted">
            {ENGINES[bot.engine].label}
            {bot.engine === 'llm' && bot.model ? ` · ${bot.model}` : ''}
          </div>
        </>
      ),
    },
    { header: 'Status', cell: (bot) => <OnOffBadge on={bot.enabled} /> },
    {
      header: 'Hands off to',
      cell: (bot) =>
        bot.allowedQueueIds.length === 0 ? (
          <span className="badge badge--warn">No queue</span>
        ) : (
          <ul className="setup-list">
            {bot.allowedQueueIds.map((id, i) => (
              <li key={id}>
                {queueLabel(queues, id)}
                {i === 0 && bot.allowedQueueIds.length > 1 && <span className="muted"> (default)</span>}
              </li>
            ))}
          </ul>
        ),
    },
    { header: 'Confidence threshold', cell: (bot) => percent(bot.confidenceThreshold) },
    {
      header: 'Unhelpful answers',
      cell: (bot) =>
        bot.engine === 'knowledge_base' ? (
          `hand off after ${bot.maxUnhelpfulTurns}`
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      header: 'Channels',
      cell: (bot) =>
        bot.channelIds.length === 0 ? <span className="muted">Not used</span> : channelNames(bot).join(', '),
    },
  ];
  return (
    <DataTable
      caption="Bots"
      columns={columns}
      load={load}
      empty="No bots yet. Without one, every conversation goes straight to a queue."
      actions={(bot) => (
        <EditDeleteActions
          name={bot.name}
          deleteTitle={`Delete ${bot.name}?`}
          confirmLabel="Delete bot"
          onEdit={() => onEdit(bot)}
          onDelete={async () => {
            await api.delete(`/bots/${bot.id}`);
            onDeleted(bot.id);
          }}
        >
          {bot.channelIds.length > 0 ? (
            <p className="alert alert--warn">
              {bot.channelIds.length === 1 ? 'One channel uses' : `${bot.channelIds.length} channels use`}{' '}
              this bot ({channelNames(bot).join(', ')}). Their new conversations will go straight to the
              channel&rsquo;s default queue, with no bot answering first.
            </p>
          ) : (
            <p>No channel uses this bot.</p>
          )}
          <NoDefaultQueueWarning bot={bot} channels={channels} />
          <p>The bot&rsquo;s settings are lost. This cannot be undone; disabling it keeps them.</p>
        </EditDeleteActions>
      )}
    />
  );
}
