import type { Bot, Channel, Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { percent } from '../../../lib/format';
import { EditDeleteActions, OnOffBadge, queueLabel } from '../setup-shared';
import { ENGINES } from './bot-engines';
import { NoDefaultQueueWarning } from './NoDefaultQueueWarning';

export function BotsTable({
  bots,
  queues,
  channels,
  onEdit,
  onDeleted,
}: {
  bots: Bot[];
  queues: Queue[] | null;
  channels: Channel[] | null;
  onEdit: (bot: Bot) => void;
  onDeleted: (id: string) => void;
}) {
  const channelNames = (bot: Bot) =>
    bot.channelIds.map((id) => channels?.find((c) => c.id === id)?.name ?? `Channel ${id.slice(0, 8)}…`);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Bot</th>
            <th scope="col">Status</th>
            <th scope="col">Hands off to</th>
            <th scope="col">Confidence threshold</th>
            <th scope="col">Unhelpful answers</th>
            <th scope="col">Channels</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bots.map((bot) => (
            <tr key={bot.id}>
              <td>
                <strong>{bot.name}</strong>
                <div className="muted">
                  {ENGINES[bot.engine].label}
                  {bot.engine === 'llm' && bot.model ? ` · ${bot.model}` : ''}
                </div>
              </td>
              <td>
                <OnOffBadge on={bot.enabled} />
              </td>
              <td>
                {bot.allowedQueueIds.length === 0 ? (
                  <span className="badge badge--warn">No queue</span>
                ) : (
                  <ul className="setup-list">
                    {bot.allowedQueueIds.map((id, i) => (
                      <li key={id}>
                        {queueLabel(queues, id)}
                        {i === 0 && bot.allowedQueueIds.length > 1 && (
                          <span className="muted"> (default)</span>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{percent(bot.confidenceThreshold)}</td>
              <td>
                {bot.engine === 'knowledge_base' ? (
                  `hand off after ${bot.maxUnhelpfulTurns}`
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {bot.channelIds.length === 0 ? (
                  <span className="muted">Not used</span>
                ) : (
                  channelNames(bot).join(', ')
                )}
              </td>
              <td>
                <EditDeleteActions
                  name={`${bot.name}`}
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
                      {bot.channelIds.length === 1
                        ? 'One channel uses'
                        : `${bot.channelIds.length} channels use`}{' '}
                      this bot ({channelNames(bot).join(', ')}). Their new conversations will go straight to
                      the channel&rsquo;s default queue, with no bot answering first.
                    </p>
                  ) : (
                    <p>No channel uses this bot.</p>
                  )}
                  <NoDefaultQueueWarning bot={bot} channels={channels} />
                  <p>The bot&rsquo;s settings are lost. This cannot be undone; disabling it keeps them.</p>
                </EditDeleteActions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
