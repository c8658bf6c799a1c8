import { Permission } from '@baton/authz';
import {
  ZBot,
  ZBotRequest,
  type Bot,
  type BotEngineKind,
  type BotRequest,
  type Channel,
  type Queue,
} from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { botsQuery, channelsQuery, queryKeys, useListCache } from '../../lib/queries';
import { CheckboxField, Field, SelectField, TextAreaField } from '../../ui/forms';
import { PageHeader } from '../../ui/Page';
import {
  EditDeleteActions,
  FormDialog,
  Listing,
  OnOffBadge,
  QueuePicker,
  byName,
  isUuid,
  percent,
  queueLabel,
  splitList,
  useQueueOptions,
} from './setup-shared';

const ENGINES: Record<BotEngineKind, { label: string; hint: string }> = {
  knowledge_base: {
    label: 'Knowledge base',
    hint: 'Answers with the best-matching published article. Predictable, needs no external service.',
  },
  llm: {
    label: 'LLM',
    hint: 'A language model writes answers from your articles and its instructions. Needs OPENAI_API_KEY on the server.',
  },
};

type Open = { bot: Bot | null } | null;

export default function BotsPage() {
  const bots = useQuery(botsQuery());
  const cache = useListCache<Bot>(queryKeys.bots);
  const client = useQueryClient();
  const canChannels = useCan(Permission.ChannelManage);
  const channels = useQuery({ ...channelsQuery(), enabled: canChannels });
  const { queues, pending } = useQueueOptions();
  const [open, setOpen] = useState<Open>(null);

  return (
    <section className="stack">
      <PageHeader title="Bots">
        <button type="button" className="button button--primary" onClick={() => setOpen({ bot: null })}>
          New bot
        </button>
      </PageHeader>
      <p className="muted">
        A bot answers a channel&rsquo;s customers first and hands the conversation to a queue when it cannot
        help, when the customer asks for a person, or after too many unhelpful answers. Attach a bot to a
        channel on the Channels screen.
      </p>
      <Listing
        load={bots}
        what="bots"
        empty="No bots yet. Without one, every conversation goes straight to a queue."
      >
        {(list) => (
          <BotsTable
            bots={list}
            queues={queues}
            channels={channels.data ?? null}
            onEdit={(bot) => setOpen({ bot })}
            onDeleted={(id) => {
              cache.remove(id);
              // Deleting a bot detaches it from its channels.
              void client.invalidateQueries({ queryKey: queryKeys.channels });
            }}
          />
        )}
      </Listing>
      {open && !pending && (
        <BotEditor
          bot={open.bot}
          queues={queues}
          onSaved={(bot) => cache.upsert(bot, byName)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function BotsTable({
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

/** Channels that would be left with neither a bot nor a queue: their new conversations reach nobody. */
function NoDefaultQueueWarning({ bot, channels }: { bot: Bot; channels: Channel[] | null }) {
  const stranded = (channels ?? []).filter((c) => bot.channelIds.includes(c.id) && !c.config.defaultQueueId);
  if (stranded.length === 0) return null;
  return (
    <p className="alert alert--error">
      {stranded.map((c) => c.name).join(', ')} {stranded.length === 1 ? 'has' : 'have'} no default queue: set
      one on the Channels screen first, or new conversations there will reach nobody.
    </p>
  );
}

function BotEditor({
  bot,
  queues,
  onSaved,
  onDone,
}: {
  bot: Bot | null;
  queues: Queue[] | null;
  onSaved: (bot: Bot) => void;
  onDone: () => void;
}) {
  const [form, setForm] = useState<BotRequest>(() =>
    bot
      ? {
          name: bot.name,
          engine: bot.engine,
          systemPrompt: bot.systemPrompt,
          allowedQueueIds: bot.allowedQueueIds,
          confidenceThreshold: bot.confidenceThreshold,
          maxUnhelpfulTurns: bot.maxUnhelpfulTurns,
          model: bot.model,
          enabled: bot.enabled,
        }
      : // The contract's defaults, so a new bot starts as the API would fill it in.
        { ...ZBotRequest.parse({ name: 'new' }), name: '' },
  );
  // The threshold is typed as a percentage; it is stored as a fraction.
  const [threshold, setThreshold] = useState(String(Math.round(form.confidenceThreshold * 100)));
  const set = <K extends keyof BotRequest>(key: K, value: BotRequest[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async () => {
    const body: BotRequest = {
      ...form,
      confidenceThreshold: Number(threshold) / 100,
      model: form.model?.trim() || null,
    };
    onSaved(bot ? await api.put(`/bots/${bot.id}`, body, ZBot) : await api.post('/bots', body, ZBot));
  };

  return (
    <FormDialog
      title={bot ? `Edit ${bot.name}` : 'New bot'}
      submitLabel={bot ? 'Save bot' : 'Create bot'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={100}
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
        />
        <div className="stack setup-tight">
          <SelectField
            label="Engine"
            value={form.engine}
            onChange={(e) => set('engine', e.target.value as BotEngineKind)}
          >
            {Object.entries(ENGINES).map(([engine, { label }]) => (
              <option key={engine} value={engine}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="field__hint">{ENGINES[form.engine].hint}</div>
        </div>
      </div>
      <CheckboxField
        label="Enabled: answers customers on its channels"
        checked={form.enabled}
        onChange={(e) => set('enabled', e.target.checked)}
      />

      <HandoffQueues
        queues={queues}
        engine={form.engine}
        value={form.allowedQueueIds}
        onChange={(ids) => set('allowedQueueIds', ids)}
      />

      <fieldset className="setup-fieldset">
        <legend>When to hand off</legend>
        <div className="form-grid">
          <Field
            label="Confidence threshold (%)"
            type="number"
            required
            min={0}
            max={100}
            step={1}
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            hint={
              form.engine === 'knowledge_base'
                ? 'Below this match with the best article the bot hands off instead of answering. Try questions on the Knowledge base screen to tune it.'
                : 'Articles matching below this are not offered to the model as relevant.'
            }
          />
          {form.engine === 'knowledge_base' && (
            <Field
              label="Unhelpful answers before handoff"
              type="number"
              required
              min={1}
              max={10}
              step={1}
              value={form.maxUnhelpfulTurns}
              onChange={(e) => set('maxUnhelpfulTurns', Number(e.target.value))}
              hint="1–10. After the customer says this many answers did not help, a person takes over."
            />
          )}
        </div>
      </fieldset>

      {form.engine === 'llm' && (
        <fieldset className="setup-fieldset">
          <legend>Language model</legend>
          <TextAreaField
            label="Instructions (system prompt)"
            rows={8}
            maxLength={8000}
            value={form.systemPrompt}
            onChange={(e) => set('systemPrompt', e.target.value)}
            hint="Tone, what the bot may help with, and what it must never promise. Baton adds its own rules for searching articles and handing off."
          />
          <Field
            label="Model"
            maxLength={100}
            spellCheck={false}
            placeholder="Server default (OPENAI_MODEL)"
            value={form.model ?? ''}
            onChange={(e) => set('model', e.target.value)}
            hint="Leave empty to use the server’s default model."
          />
        </fieldset>
      )}
    </FormDialog>
  );
}

/**
 * The queues a bot may hand off to, default first. A knowledge-base bot always uses the default; an
 * LLM bot may pick another by topic. With queues listed: a default picker plus checkboxes for the
 * others. Without: ids typed.
 */
function HandoffQueues({
  queues,
  engine,
  value,
  onChange,
}: {
  queues: Queue[] | null;
  engine: BotEngineKind;
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const [typed, setTyped] = useState(value.join('\n'));
  if (!queues) {
    return (
      <fieldset className="setup-fieldset">
        <legend>Hand-off queues</legend>
        <TextAreaField
          label="Queue ids"
          rows={3}
          spellCheck={false}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            onChange(splitList(e.target.value).filter(isUuid));
          }}
          hint="One per line; the first is the default. You cannot list queues, so type their ids."
        />
      </fieldset>
    );
  }
  const [first = '', ...others] = value;
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((x) => x !== id));
  const setDefault = (id: string) => onChange(id ? [id, ...value.filter((x) => x !== id)] : others);
  return (
    <fieldset className="setup-fieldset">
      <legend>Hand-off queues</legend>
      <QueuePicker
        label="Default hand-off queue"
        queues={queues}
        value={first}
        onChange={setDefault}
        noneLabel="None: use the channel’s default queue"
        hint="Where conversations go when the bot hands off."
      />
      {value.length === 0 && (
        <p className="alert alert--warn">
          Without a queue here the bot hands off to its channel&rsquo;s default queue. If the channel has none
          either, customers are told nobody is available.
        </p>
      )}
      {engine === 'llm' && first && queues.length > 1 && (
        <fieldset className="setup-checks">
          <legend>Other queues the bot may choose by topic</legend>
          {queues
            .filter((q) => q.id !== first)
            .map((q) => (
              <CheckboxField
                key={q.id}
                label={q.name}
                checked={others.includes(q.id)}
                onChange={(e) => toggle(q.id, e.target.checked)}
              />
            ))}
        </fieldset>
      )}
    </fieldset>
  );
}
