import {
  ZApiKeyScope,
  ZCreatedApiKey,
  type ApiKeyRequest,
  type Channel,
  type CreatedApiKey,
} from '@baton/contracts';
import { Controller } from 'react-hook-form';
import { api } from '../../../lib/api';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { CheckboxField, Field, SelectField } from '../../../ui/forms';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { ZApiKeyForm, dateInDays } from './api-key-form';
import { SCOPES } from './api-key-text';

const FIELDS = ['name', 'scopes', 'channelId', 'webhookUrl', 'expiresAt'] as const;

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
  const form = useContractForm(ZApiKeyForm, {
    name: '',
    scopes: ['handoff:write'],
    channelId: '',
    webhookUrl: '',
    // A year by default: keys that never expire outlive the people who know where they are used.
    expiresAt: dateInDays(365),
  });

  const save = async (request: ApiKeyRequest) => {
    onCreated(await api.post('/api-keys', request, ZCreatedApiKey));
  };

  return (
    <ContractFormDialog
      title="New API key"
      submitLabel="Create key"
      form={form}
      fields={FIELDS}
      onSubmit={save}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={100}
          {...bindField(form, 'name')}
          hint="Who uses it and where, e.g. “Support bot (production)”."
        />
        <Field
          label="Expires on"
          type="date"
          min={dateInDays(1)}
          {...bindField(form, 'expiresAt')}
          hint="The key stops working after this day. Empty: never expires."
        />
      </div>
      <Controller
        control={form.control}
        name="scopes"
        render={({ field, fieldState }) => (
          <fieldset className="setup-fieldset">
            <legend>Scopes</legend>
            {ZApiKeyScope.options.map((scope) => (
              <CheckboxField
                key={scope}
                checked={field.value.includes(scope)}
                onChange={(e) =>
                  field.onChange(
                    e.target.checked ? [...field.value, scope] : field.value.filter((s) => s !== scope),
                  )
                }
                label={
                  <span>
                    <code>{scope}</code> — {SCOPES[scope]}
                  </span>
                }
              />
            ))}
            {fieldState.error && <p className="field__error">{fieldState.error.message}</p>}
          </fieldset>
        )}
      />
      <div className="form-grid">
        {apiChannels ? (
          <div className="stack setup-tight">
            <SelectField label="Channel" {...form.register('channelId')}>
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
            spellCheck={false}
            placeholder="Leave empty for the default “API” channel"
            {...bindField(form, 'channelId')}
            hint="You cannot list channels, so type an API channel’s id, or leave it empty."
          />
        )}
        <Field
          label="Webhook URL"
          type="url"
          maxLength={2000}
          spellCheck={false}
          placeholder="https://bot.example/baton-events"
          {...bindField(form, 'webhookUrl')}
          hint="Optional. Where Baton sends case events (status, queue position, agent messages), signed. HTTPS to a public host in production."
        />
      </div>
    </ContractFormDialog>
  );
}
