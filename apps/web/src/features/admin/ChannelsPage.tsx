import { Permission } from '@baton/authz';
import {
  ZChannel,
  ZWebchatChannelConfig,
  type Bot,
  type Channel,
  type ChannelKind,
  type ChannelSecretName,
  type CreateChannelRequest,
  type Queue,
  type UpdateChannelRequest,
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
  CopyableValue,
  FormDialog,
  Listing,
  OnOffBadge,
  QueuePicker,
  byName,
  queueLabel,
  useQueueOptions,
} from './setup-shared';

const KINDS: Record<ChannelKind, { label: string; hint: string }> = {
  webchat: { label: 'Web chat', hint: 'A chat widget on your website, added with one script tag.' },
  whatsapp: { label: 'WhatsApp', hint: 'A WhatsApp Business number through Meta’s Cloud API.' },
  api: { label: 'API', hint: 'Cases handed over by an external bot with an API key.' },
};

const SECRETS: {
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

const widgetSnippet = (channelId: string) =>
  `<script src="${window.location.origin}/widget/widget.js" data-baton-channel="${channelId}" async></script>`;

const webhookUrl = (path: string) => `${window.location.origin}${path}`;

type Open = { channel: Channel | null } | null;

export default function ChannelsPage() {
  const channels = useQuery(channelsQuery());
  const canBots = useCan(Permission.BotManage);
  const bots = useQuery({ ...botsQuery(), enabled: canBots });
  const botsPending = canBots && bots.isPending && !bots.error;
  const cache = useListCache<Channel>(queryKeys.channels);
  const client = useQueryClient();
  const { queues, pending } = useQueueOptions();
  const [open, setOpen] = useState<Open>(null);
  // A channel just created: its embed code or webhook URL is what the admin needs next.
  const [created, setCreated] = useState<Channel | null>(null);

  const saved = (channel: Channel, isNew: boolean) => {
    cache.upsert(channel, byName);
    // A bot lists the channels it answers.
    void client.invalidateQueries({ queryKey: queryKeys.bots });
    if (isNew) setCreated(channel);
  };

  return (
    <section className="stack">
      <PageHeader title="Channels">
        <button type="button" className="button button--primary" onClick={() => setOpen({ channel: null })}>
          New channel
        </button>
      </PageHeader>
      <p className="muted">
        Where customers reach you. Each channel can have a bot that answers first; otherwise conversations go
        straight to its default queue. Changes to channels ask for your authentication code.
      </p>

      {created && <CreatedNotice channel={created} onDismiss={() => setCreated(null)} />}

      <Listing
        load={channels}
        what="channels"
        empty="No channels yet. Create a web chat channel to put a chat on your site."
      >
        {(list) => (
          <ChannelsTable
            channels={list}
            bots={bots.data ?? null}
            queues={queues}
            onEdit={(channel) => setOpen({ channel })}
            onDeleted={(id) => {
              cache.remove(id);
              void client.invalidateQueries({ queryKey: queryKeys.bots });
              if (created?.id === id) setCreated(null);
            }}
          />
        )}
      </Listing>

      {open && !pending && !botsPending && (
        <ChannelEditor
          channel={open.channel}
          bots={bots.data ?? null}
          queues={queues}
          onSaved={(channel) => saved(channel, open.channel === null)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function CreatedNotice({ channel, onDismiss }: { channel: Channel; onDismiss: () => void }) {
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

/** How to connect the outside world to a channel: the embed code or the webhook URL. */
function ChannelConnection({ channel, withOrigins = true }: { channel: Channel; withOrigins?: boolean }) {
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

function OriginsSummary({ origins }: { origins: readonly string[] }) {
  if (origins.length === 0) {
    return (
      <p className="alert alert--warn">
        No allowed sites: <strong>any website</strong> can embed this chat. List your sites&rsquo; origins to
        stop others from using it.
      </p>
    );
  }
  return (
    <div>
      <strong>Allowed sites</strong>
      <ul className="setup-list">
        {origins.map((origin) => (
          <li key={origin}>
            <code>{origin}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChannelsTable({
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

function SetupSummary({ channel }: { channel: Channel }) {
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

/** The form's state: every kind's fields, so switching kind while creating loses nothing. */
interface Draft {
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

function draftOf(channel: Channel | null): Draft {
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
function parseOrigins(text: string): { origins: string[]; invalid: string[] } {
  const items = [
    ...new Set(text.split(/[\n,]+/).map((o) => o.trim().toLowerCase().replace(/\/+$/, ''))),
  ].filter(Boolean);
  return {
    origins: items,
    invalid: items.filter((o) => !originSchema.safeParse(o).success),
  };
}

function configOf(d: Draft) {
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

function ChannelEditor({
  channel,
  bots,
  queues,
  onSaved,
  onDone,
}: {
  channel: Channel | null;
  bots: Bot[] | null;
  queues: Queue[] | null;
  onSaved: (channel: Channel) => void;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(channel));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setSecret = (name: ChannelSecretName, value: string) =>
    setDraft((d) => ({ ...d, secrets: { ...d.secrets, [name]: value } }));

  const submit = async () => {
    const common = { name: draft.name, enabled: draft.enabled, botConfigId: draft.botConfigId || null };
    const config = configOf(draft);
    if (!channel) {
      const body = {
        kind: draft.kind,
        ...common,
        config,
        ...(draft.kind === 'whatsapp' && { secrets: draft.secrets }),
      };
      onSaved(await api.post('/channels', body as CreateChannelRequest, ZChannel));
      return;
    }
    // Only the secrets typed in are sent: the others are kept as they are.
    const replaced = Object.fromEntries(Object.entries(draft.secrets).filter(([, value]) => value !== ''));
    const body = {
      kind: channel.kind,
      ...common,
      config,
      ...(channel.kind === 'whatsapp' && Object.keys(replaced).length > 0 && { secrets: replaced }),
    };
    onSaved(await api.patch(`/channels/${channel.id}`, body as UpdateChannelRequest, ZChannel));
  };

  const { invalid } = draft.kind === 'webchat' ? parseOrigins(draft.origins) : { invalid: [] };

  return (
    <FormDialog
      title={channel ? `Edit ${channel.name}` : 'New channel'}
      submitLabel={channel ? 'Save channel' : 'Create channel'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      {channel && channel.kind !== 'api' && (
        <section className="panel setup-subpanel" aria-label="Connection">
          {/* The allowed sites are edited below, so only the code to paste is shown here. */}
          <ChannelConnection channel={channel} withOrigins={false} />
        </section>
      )}
      <div className="form-grid">
        {channel ? (
          <Field
            label="Kind"
            value={KINDS[channel.kind].label}
            readOnly
            hint="A channel’s kind cannot change."
          />
        ) : (
          <div className="stack setup-tight">
            <SelectField
              label="Kind"
              value={draft.kind}
              onChange={(e) => set('kind', e.target.value as ChannelKind)}
            >
              {Object.entries(KINDS).map(([kind, { label }]) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </SelectField>
            <div className="field__hint">{KINDS[draft.kind].hint}</div>
          </div>
        )}
        <Field
          label="Name"
          required
          maxLength={80}
          value={draft.name}
          onChange={(e) => set('name', e.target.value)}
          hint="Agents see it next to each conversation."
        />
      </div>
      <CheckboxField
        label="Enabled: accepts new conversations"
        checked={draft.enabled}
        onChange={(e) => set('enabled', e.target.checked)}
      />
      <div className="form-grid">
        {bots ? (
          <div className="stack setup-tight">
            <SelectField
              label="Bot"
              value={draft.botConfigId}
              onChange={(e) => set('botConfigId', e.target.value)}
            >
              <option value="">No bot: straight to a person</option>
              {bots.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                  {b.enabled ? '' : ' (disabled)'}
                </option>
              ))}
            </SelectField>
            <div className="field__hint">
              The bot answers first and hands over to a person when it cannot help.
            </div>
          </div>
        ) : (
          <Field
            label="Bot (bot id)"
            value={draft.botConfigId}
            spellCheck={false}
            placeholder="Leave empty for no bot"
            onChange={(e) => set('botConfigId', e.target.value.trim())}
            hint="You cannot list bots, so type the bot’s id."
          />
        )}
        <QueuePicker
          label="Default queue"
          queues={queues}
          value={draft.defaultQueueId}
          onChange={(id) => set('defaultQueueId', id)}
          noneLabel="None"
          hint="Where conversations go when no bot picks a queue."
        />
      </div>

      {draft.kind === 'webchat' && (
        <fieldset className="setup-fieldset">
          <legend>Web chat</legend>
          <TextAreaField
            label="Allowed sites (origins)"
            rows={4}
            spellCheck={false}
            placeholder={'https://www.shop.example\nhttps://shop.example'}
            value={draft.origins}
            onChange={(e) => set('origins', e.target.value)}
            hint="One per line: scheme and host (and port), no path. The chat only opens on these sites."
          />
          {invalid.length > 0 && <p className="field__error">Not an origin: {invalid.join(', ')}</p>}
          {draft.origins.trim() === '' && (
            <p className="alert alert--warn">
              With no allowed sites, <strong>any website</strong> can embed this chat and open conversations
              with your team.
            </p>
          )}
          <TextAreaField
            label="Greeting"
            rows={2}
            maxLength={500}
            value={draft.greeting}
            onChange={(e) => set('greeting', e.target.value)}
            hint="The first message the visitor sees. Optional."
          />
        </fieldset>
      )}

      {draft.kind === 'whatsapp' && (
        <fieldset className="setup-fieldset">
          <legend>WhatsApp</legend>
          <Field
            label="Phone number id"
            required
            maxLength={64}
            pattern="[A-Za-z0-9_\-]{1,64}"
            spellCheck={false}
            value={draft.phoneNumberId}
            onChange={(e) => set('phoneNumberId', e.target.value)}
            hint="The number’s id in Meta’s WhatsApp API set-up (not the phone number itself)."
          />
          <p className="muted setup-note">
            Secrets are stored encrypted and never shown again.
            {channel ? ' Type a new value only to replace one; leave a field empty to keep it.' : ''}
          </p>
          <div className="form-grid">
            {SECRETS.map((secret) => {
              const isSet = channel?.secretsSet.includes(secret.name) ?? false;
              return (
                <Field
                  key={secret.name}
                  label={isSet ? `New ${secret.label.toLowerCase()}` : secret.label}
                  type={secret.visible ? 'text' : 'password'}
                  autoComplete="off"
                  spellCheck={false}
                  required={!channel || !isSet}
                  minLength={secret.minLength}
                  value={draft.secrets[secret.name]}
                  onChange={(e) => setSecret(secret.name, e.target.value)}
                  placeholder={isSet ? 'Leave empty to keep' : undefined}
                  hint={
                    <>
                      {channel && (
                        <span className={isSet ? 'badge badge--ok' : 'badge badge--danger'}>
                          {isSet ? 'set' : 'not set'}
                        </span>
                      )}{' '}
                      {secret.hint}
                    </>
                  }
                />
              );
            })}
          </div>
        </fieldset>
      )}
    </FormDialog>
  );
}
