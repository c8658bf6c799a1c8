import {
  ZChannel,
  type Bot,
  type Channel,
  type ChannelKind,
  type ChannelSecretName,
  type CreateChannelRequest,
  type Queue,
  type UpdateChannelRequest,
} from '@baton/contracts';
import { useState } from 'react';
import { api } from '../../../lib/api';
import { CheckboxField, Field, SelectField, TextAreaField } from '../../../ui/forms';
import { FormDialog, QueuePicker } from '../setup-shared';
import { KINDS, SECRETS } from './channel-text';
import { configOf, draftOf, parseOrigins, type Draft } from './channel-draft';
import { ChannelConnection } from './ChannelConnection';

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
