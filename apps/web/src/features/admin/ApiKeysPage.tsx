import { Permission } from '@baton/authz';
import {
  ZApiKey,
  ZApiKeyScope,
  ZCreatedApiKey,
  type ApiKey,
  type ApiKeyRequest,
  type ApiKeyScope,
  type Channel,
  type CreatedApiKey,
} from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { apiKeysQuery, channelsQuery, queryKeys, useListCache } from '../../lib/queries';
import { Dialog } from '../../ui/Dialog';
import { CheckboxField, Field, SelectField } from '../../ui/forms';
import { Ago, PageHeader } from '../../ui/Page';
import {
  ConfirmAction,
  CopyableValue,
  FormDialog,
  Listing,
  When,
  isUuid,
  useFocusFirstField,
} from './setup-shared';

const SCOPES: Record<ApiKeyScope, string> = {
  'handoff:write': 'Hand cases over (POST /api/v1/handoff) and add customer messages to them',
};

// The order the API lists keys in: newest first.
const newestFirst = (a: ApiKey, b: ApiKey) => b.createdAt.localeCompare(a.createdAt);

function statusOf(key: ApiKey, now = Date.now()): { label: string; badge: string } {
  if (key.revokedAt) return { label: 'Revoked', badge: 'badge badge--danger' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now)
    return { label: 'Expired', badge: 'badge badge--warn' };
  return { label: 'Active', badge: 'badge badge--ok' };
}

export default function ApiKeysPage() {
  const keys = useQuery(apiKeysQuery());
  const canChannels = useCan(Permission.ChannelManage);
  const channels = useQuery({ ...channelsQuery(), enabled: canChannels });
  const channelsPending = canChannels && channels.isPending && !channels.error;
  const cache = useListCache<ApiKey>(queryKeys.apiKeys);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  // The new key is shown once the creation dialog has closed, so the two dialogs never fight over focus.
  const fresh = useRef<CreatedApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  // Parsing as a listed key drops a new key's secret: it is shown once and never cached.
  const replace = (key: ApiKey) => cache.upsert(ZApiKey.parse(key), newestFirst);
  const channelName = (id: string | null) =>
    id === null ? null : (channels.data?.find((c) => c.id === id)?.name ?? `Channel ${id.slice(0, 8)}…`);

  return (
    <section className="stack">
      <PageHeader title="API keys">
        <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
          New API key
        </button>
      </PageHeader>
      <p className="muted">
        Keys let an external bot hand conversations over to your team. Each key sends its cases into one API
        channel. Creating a key asks for your authentication code; revoking one takes effect on the
        key&rsquo;s next call.
      </p>
      <Listing load={keys} what="API keys" empty="No API keys yet.">
        {(list) => {
          const hidden = list.filter((k) => k.revokedAt !== null).length;
          const shown = showRevoked ? list : list.filter((k) => k.revokedAt === null);
          return (
            <>
              {hidden > 0 && (
                <CheckboxField
                  label={`Show revoked keys (${hidden})`}
                  checked={showRevoked}
                  onChange={(e) => setShowRevoked(e.target.checked)}
                />
              )}
              {shown.length === 0 ? (
                <p className="empty">No active API keys.</p>
              ) : (
                <KeysTable keys={shown} channelName={channelName} onRevoked={replace} />
              )}
            </>
          );
        }}
      </Listing>

      {creating && !channelsPending && (
        <KeyCreator
          channels={channels.data ?? null}
          onCreated={(key) => {
            replace(key);
            fresh.current = key;
          }}
          onDone={() => {
            setCreating(false);
            setCreated(fresh.current);
            fresh.current = null;
          }}
        />
      )}
      {created && <CreatedKey created={created} onDone={() => setCreated(null)} />}
    </section>
  );
}

function KeysTable({
  keys,
  channelName,
  onRevoked,
}: {
  keys: ApiKey[];
  channelName: (id: string | null) => string | null;
  onRevoked: (key: ApiKey) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col">Scopes</th>
            <th scope="col">Channel</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const status = statusOf(key);
            return (
              <tr key={key.id}>
                <td>
                  <strong>{key.name}</strong>
                  <div>
                    <code>bk_{key.prefix}_…</code>
                  </div>
                  {key.webhookUrl && (
                    <div className="muted setup-break" title={key.webhookUrl}>
                      Webhook: {key.webhookUrl}
                    </div>
                  )}
                </td>
                <td>
                  <span className={status.badge}>{status.label}</span>
                  {key.revokedAt && (
                    <div className="muted">
                      <When at={key.revokedAt} />
                    </div>
                  )}
                </td>
                <td>
                  {key.scopes.map((scope) => (
                    <div key={scope}>
                      <code>{scope}</code>
                    </div>
                  ))}
                </td>
                <td>{channelName(key.channelId) ?? <span className="muted">—</span>}</td>
                <td>
                  <When at={key.createdAt} />
                </td>
                <td>
                  <When at={key.expiresAt} none="Never" />
                </td>
                <td>{key.lastUsedAt ? <Ago at={key.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                <td>
                  {!key.revokedAt && (
                    <ConfirmAction
                      label="Revoke"
                      accessibleLabel={`Revoke ${key.name}`}
                      title={`Revoke ${key.name}?`}
                      confirmLabel="Revoke key"
                      onConfirm={async () =>
                        onRevoked(await api.post(`/api-keys/${key.id}/revoke`, {}, ZApiKey))
                      }
                    >
                      <p>
                        Every call with <code>bk_{key.prefix}_…</code> is refused from now on; the bot using
                        it stops handing cases over until it gets a new key. Cases already handed over stay.
                      </p>
                      <p>This cannot be undone.</p>
                    </ConfirmAction>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Today plus `days`, as the value of a date input (local calendar date). */
function dateInDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function KeyCreator({
  channels,
  onCreated,
  onDone,
}: {
  channels: Channel[] | null;
  onCreated: (key: CreatedApiKey) => void;
  onDone: () => void;
}) {
  const apiChannels = channels?.filter((c) => c.kind === 'api') ?? null;
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['handoff:write']);
  const [channelId, setChannelId] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  // A year by default: keys that never expire outlive the people who know where they are used.
  const [expires, setExpires] = useState(dateInDays(365));

  const submit = async () => {
    if (scopes.length === 0) throw new Error('Choose at least one scope.');
    if (channelId && !isUuid(channelId)) throw new Error('The channel id is not a valid id.');
    const request: ApiKeyRequest = {
      name,
      scopes,
      channelId: channelId || null,
      webhookUrl: webhookUrl.trim() || null,
      // The key works through the whole chosen day, local time.
      expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
    };
    onCreated(await api.post('/api-keys', request, ZCreatedApiKey));
  };

  return (
    <FormDialog title="New API key" submitLabel="Create key" wide onSubmit={submit} onDone={onDone}>
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          hint="Who uses it and where, e.g. “Support bot (production)”."
        />
        <Field
          label="Expires on"
          type="date"
          min={dateInDays(1)}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          hint="The key stops working after this day. Empty: never expires."
        />
      </div>
      <fieldset className="setup-fieldset">
        <legend>Scopes</legend>
        {ZApiKeyScope.options.map((scope) => (
          <CheckboxField
            key={scope}
            checked={scopes.includes(scope)}
            onChange={(e) =>
              setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
            }
            label={
              <span>
                <code>{scope}</code> — {SCOPES[scope]}
              </span>
            }
          />
        ))}
      </fieldset>
      <div className="form-grid">
        {apiChannels ? (
          <div className="stack setup-tight">
            <SelectField label="Channel" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">The default “API” channel</option>
              {apiChannels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.enabled ? '' : ' (disabled)'}
                </option>
              ))}
            </SelectField>
            <div className="field__hint">
              Cases enter this channel (and its default queue). The default one is created on first use.
            </div>
          </div>
        ) : (
          <Field
            label="Channel (API channel id)"
            value={channelId}
            spellCheck={false}
            placeholder="Leave empty for the default “API” channel"
            onChange={(e) => setChannelId(e.target.value.trim())}
            hint="You cannot list channels, so type an API channel’s id, or leave it empty."
          />
        )}
        <Field
          label="Webhook URL"
          type="url"
          maxLength={2000}
          spellCheck={false}
          placeholder="https://bot.example/baton-events"
          value={webhookUrl}
          onChange={(e) => setWebhookUrl(e.target.value)}
          hint="Optional. Where Baton sends case events (status, queue position, agent messages), signed. HTTPS to a public host in production."
        />
      </div>
    </FormDialog>
  );
}

/** The only time the key (and webhook secret) can be seen: Baton keeps a hash of the key only. */
function CreatedKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [open, setOpen] = useState(true);
  const [stored, setStored] = useState(false);
  const ref = useFocusFirstField<HTMLDivElement>('.setup-copyable button');
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  // Unmounted only once the dialog has closed, so focus returns to the "New API key" button.
  useEffect(() => {
    if (!open) done.current();
  }, [open]);
  const [nag, setNag] = useState(false);
  // Closing by mistake (Escape, ×) would lose the key for good, so it needs the box ticked first.
  const close = () => (stored ? setOpen(false) : setNag(true));
  return (
    <Dialog title={`API key “${created.name}” created`} open={open} onClose={close} wide>
      <div ref={ref} className="stack">
        <p className="alert alert--warn" role="alert">
          <strong>Copy the key now.</strong> It is shown only this once: Baton stores only a fingerprint of
          it. If it is lost, revoke it and create a new one.
        </p>
        <CopyableValue label="API key" value={created.key} copyLabel="Copy key" />
        {created.webhookSecret && (
          <>
            <CopyableValue
              label="Webhook signing secret"
              value={created.webhookSecret}
              copyLabel="Copy secret"
            />
            <p className="muted setup-note">
              Your bot checks the <code>X-Baton-Signature</code> header of each webhook call with this secret.
              It is also shown only now.
            </p>
          </>
        )}
        <p className="setup-note">
          The bot sends the key in the <code>Authorization: Bearer</code> header. Keep it in a secret store,
          never in source code or chat.
        </p>
        <CheckboxField
          label="I have stored the key somewhere safe"
          checked={stored}
          onChange={(e) => {
            setStored(e.target.checked);
            setNag(false);
          }}
        />
        {nag && (
          <p className="field__error" role="alert">
            Copy the key and tick the box above before closing: the key cannot be shown again.
          </p>
        )}
        <div className="actions setup-form-actions">
          <button type="button" className="button button--primary" onClick={close}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
