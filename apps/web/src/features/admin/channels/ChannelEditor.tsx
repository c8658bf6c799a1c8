import {
  ChannelsErrorCode,
  ZChannel,
  type Bot,
  type Channel,
  type CreateChannelRequest,
  type Queue,
  type UpdateChannelRequest,
} from '@baton/contracts';
import { useMemo } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { api } from '../../../lib/api';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { CheckboxField, Field, SelectField } from '../../../ui/forms';
import { QueuePicker } from '../queues/QueuePicker';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { KINDS } from './channel-text';
import { configOf, draftOf, type Draft } from './channel-draft';
import { SERVER_FIELDS, channelForm } from './channel-form';
import { ChannelConnection } from './ChannelConnection';
import { WebchatFields } from './WebchatFields';
import { WhatsappFields } from './WhatsappFields';

/** The request for a new channel, or the changes to an existing one (secrets only when typed in). */
function requestOf(draft: Draft, channel: Channel | null) {
  const common = { name: draft.name, enabled: draft.enabled, botConfigId: draft.botConfigId || null };
  const config = configOf(draft);
  if (!channel) {
    return {
      kind: draft.kind,
      ...common,
      config,
      ...(draft.kind === 'whatsapp' && { secrets: draft.secrets }),
    } as CreateChannelRequest;
  }
  // Only the secrets typed in are sent: the others are kept as they are.
  const replaced = Object.fromEntries(Object.entries(draft.secrets).filter(([, value]) => value !== ''));
  return {
    kind: channel.kind,
    ...common,
    config,
    ...(channel.kind === 'whatsapp' && Object.keys(replaced).length > 0 && { secrets: replaced }),
  } as UpdateChannelRequest;
}

export function ChannelEditor({
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
  const schema = useMemo(() => channelForm(channel), [channel]);
  const form = useContractForm(schema, draftOf(channel));
  const { errors } = form.formState;
  const kind = useWatch({ control: form.control, name: 'kind' }) ?? 'webchat';

  const save = async (draft: Draft) => {
    onSaved(
      channel
        ? await api.patch(`/channels/${channel.id}`, requestOf(draft, channel), ZChannel)
        : await api.post('/channels', requestOf(draft, null), ZChannel),
    );
  };

  return (
    <ContractFormDialog
      title={channel ? `Edit ${channel.name}` : 'New channel'}
      submitLabel={channel ? 'Save channel' : 'Create channel'}
      form={form}
      fields={SERVER_FIELDS}
      fieldByCode={{ [ChannelsErrorCode.NameTaken]: 'name' }}
      onSubmit={save}
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
            <SelectField label="Kind" {...form.register('kind')}>
              {Object.entries(KINDS).map(([value, { label }]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </SelectField>
            <div className="field__hint">{KINDS[kind].hint}</div>
          </div>
        )}
        <Field
          label="Name"
          required
          maxLength={80}
          {...bindField(form, 'name')}
          hint="Agents see it next to each conversation."
        />
      </div>
      <CheckboxField label="Enabled: accepts new conversations" {...form.register('enabled')} />
      <div className="form-grid">
        {bots ? (
          <div className="stack setup-tight">
            <SelectField label="Bot" {...form.register('botConfigId')}>
              <option value="">No bot: straight to a person</option>
              {bots.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                  {b.enabled ? '' : ' (disabled)'}
                </option>
              ))}
            </SelectField>
            <div className={errors.botConfigId ? 'field__error' : 'field__hint'}>
              {errors.botConfigId?.message ??
                'The bot answers first and hands over to a person when it cannot help.'}
            </div>
          </div>
        ) : (
          <Field
            label="Bot (bot id)"
            spellCheck={false}
            placeholder="Leave empty for no bot"
            {...bindField(form, 'botConfigId', { setValueAs: (value: string) => value.trim() })}
            hint="You cannot list bots, so type the bot’s id."
          />
        )}
        <Controller
          control={form.control}
          name="defaultQueueId"
          render={({ field, fieldState }) => (
            <QueuePicker
              label="Default queue"
              queues={queues}
              value={field.value}
              onChange={field.onChange}
              noneLabel="None"
              hint="Where conversations go when no bot picks a queue."
              error={fieldState.error?.message}
            />
          )}
        />
      </div>

      {kind === 'webchat' && <WebchatFields form={form} />}
      {kind === 'whatsapp' && <WhatsappFields form={form} channel={channel} />}
    </ContractFormDialog>
  );
}
