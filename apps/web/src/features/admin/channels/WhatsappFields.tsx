import type { Channel } from '@baton/contracts';
import type { UseFormReturn } from 'react-hook-form';
import { Field } from '../../../ui/forms';
import { bindField } from '../../../lib/contract-form';
import type { Draft } from './channel-draft';
import { SECRETS } from './channel-text';

export function WhatsappFields({ form, channel }: { form: UseFormReturn<Draft>; channel: Channel | null }) {
  const { errors } = form.formState;
  return (
    <fieldset className="setup-fieldset">
      <legend>WhatsApp</legend>
      <Field
        label="Phone number id"
        required
        maxLength={64}
        pattern="[A-Za-z0-9_\-]{1,64}"
        spellCheck={false}
        {...bindField(form, 'phoneNumberId')}
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
              {...form.register(`secrets.${secret.name}`)}
              placeholder={isSet ? 'Leave empty to keep' : undefined}
              error={errors.secrets?.[secret.name]?.message}
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
  );
}
