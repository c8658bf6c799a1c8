import {
  ZApiKeyScope,
  ZCreatedApiKey,
  type ApiKeyRequest,
  type ApiKeyScope,
  type Channel,
  type CreatedApiKey,
} from '@baton/contracts';
import { useState } from 'react';
import { api } from '../../../lib/api';
import { CheckboxField, Field, SelectField } from '../../../ui/forms';
import { isUuid } from '../../../lib/format';
import { FormDialog } from '../setup-shared';
import { SCOPES } from './api-key-text';

/** Today plus `days`, as the value of a date input (local calendar date). */
function dateInDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function KeyCreator({
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
