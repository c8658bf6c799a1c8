import { Permission } from '@baton/authz';
import { ZSecuritySettings, type SecuritySettings, type SecuritySettingsPatch } from '@baton/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { zodResolver } from '@hookform/resolvers/zod';
import { Fragment, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { showServerFieldErrors } from '../../lib/form-errors';
import { queryKeys, securitySettingsQuery } from '../../lib/queries';
import { CheckboxField, ErrorMessage, Field } from '../../ui/forms';
import { Loading, PageHeader } from '../../ui/Page';
import './people.css';

type NumberKey = Exclude<keyof SecuritySettings, 'mfaRequiredForAll'>;

const NUMBER_FIELDS: { key: NumberKey; label: string; unit: string; help: string }[] = [
  {
    key: 'sessionIdleMinutes',
    label: 'Idle timeout',
    unit: 'minutes',
    help: 'A session with no activity for this long ends; the user is warned shortly before.',
  },
  {
    key: 'sessionAbsoluteHours',
    label: 'Maximum session length',
    unit: 'hours',
    help: 'Every session ends this long after sign-in, active or not.',
  },
  {
    key: 'stepUpMinutes',
    label: 'Step-up window',
    unit: 'minutes',
    help: 'How recent an authentication code must be for sensitive actions (inviting users, changing roles or settings, exporting the audit log).',
  },
  {
    key: 'dormantAccountDays',
    label: 'Disable dormant accounts after',
    unit: 'days',
    help: 'Accounts with no sign-in for this many days are disabled automatically; 0 turns this off.',
  },
];

/** The allowed range comes from the shared contract, so the form and the API never disagree. */
function rangeOf(key: NumberKey): { min: number; max: number } {
  const schema = ZSecuritySettings.shape[key];
  return { min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

/** A number typed as text (a field can be cleared while typing), then checked by the contract's own bounds. */
const numberText = (key: NumberKey) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number)
    .pipe(ZSecuritySettings.shape[key]);

/** The form's schema: the contract's, with the numbers as typed text. */
const ZSettingsForm = z.object({
  mfaRequiredForAll: ZSecuritySettings.shape.mfaRequiredForAll,
  sessionIdleMinutes: numberText('sessionIdleMinutes'),
  sessionAbsoluteHours: numberText('sessionAbsoluteHours'),
  stepUpMinutes: numberText('stepUpMinutes'),
  dormantAccountDays: numberText('dormantAccountDays'),
});
type SettingsInput = z.input<typeof ZSettingsForm>;

const FIELDS = ['mfaRequiredForAll', ...NUMBER_FIELDS.map((f) => f.key)] as const;

function inputOf(settings: SecuritySettings): SettingsInput {
  return {
    mfaRequiredForAll: settings.mfaRequiredForAll,
    sessionIdleMinutes: String(settings.sessionIdleMinutes),
    sessionAbsoluteHours: String(settings.sessionAbsoluteHours),
    stepUpMinutes: String(settings.stepUpMinutes),
    dormantAccountDays: String(settings.dormantAccountDays),
  };
}

/** Only changed fields are sent: a PATCH keeps what another admin changed meanwhile elsewhere. */
function patchOf(values: SettingsInput, saved: SecuritySettings): SecuritySettingsPatch {
  const patch: SecuritySettingsPatch = {};
  if (values.mfaRequiredForAll !== saved.mfaRequiredForAll)
    patch.mfaRequiredForAll = values.mfaRequiredForAll;
  for (const { key } of NUMBER_FIELDS) {
    const parsed = numberText(key).safeParse(values[key]);
    if (parsed.success && parsed.data !== saved[key]) patch[key] = parsed.data;
  }
  return patch;
}

export default function SecurityPage() {
  const settings = useQuery(securitySettingsQuery());
  const canManage = useCan(Permission.SettingsManage);
  const current = settings.data;
  const client = useQueryClient();
  // Lives here, not in the form: the form starts afresh after a save and would lose it.
  const [notice, setNotice] = useState('');
  const saved = (next: SecuritySettings) => {
    client.setQueryData(queryKeys.securitySettings, next);
    setNotice('Security settings saved.');
  };
  return (
    <section className="stack people-page people-narrow">
      <PageHeader title="Security settings" />
      <ErrorMessage error={settings.error} />
      {settings.isLoading && !current ? (
        <Loading what="security settings" />
      ) : (
        current &&
        (canManage ? (
          // Keyed on the saved values: after a save (or a reload) the form starts again from them.
          <SettingsForm key={JSON.stringify(current)} saved={current} notice={notice} onSaved={saved} />
        ) : (
          <SettingsView settings={current} />
        ))
      )}
      <PasswordPolicy />
    </section>
  );
}

function SettingsView({ settings }: { settings: SecuritySettings }) {
  return (
    <div className="panel stack">
      <h2>Sign-in and sessions</h2>
      <p className="muted">
        You can view these settings; changing them needs the settings:manage permission.
      </p>
      <dl className="people-facts">
        <dt>MFA for every user</dt>
        <dd>
          {settings.mfaRequiredForAll ? 'Required' : 'Only for admins, supervisors and critical permissions'}
        </dd>
        {NUMBER_FIELDS.map((field) => (
          <Fragment key={field.key}>
            <dt>{field.label}</dt>
            <dd>
              {field.key === 'dormantAccountDays' && settings[field.key] === 0
                ? 'Off'
                : `${settings[field.key]} ${field.unit}`}
            </dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}

function SettingsForm({
  saved,
  notice,
  onSaved,
}: {
  saved: SecuritySettings;
  notice: string;
  onSaved: (next: SecuritySettings) => void;
}) {
  const form = useForm<SettingsInput, unknown, SecuritySettings>({
    resolver: zodResolver(ZSettingsForm),
    defaultValues: inputOf(saved),
    mode: 'onChange',
  });
  const { errors, isValid } = form.formState;
  const action = useMutation({
    mutationFn: (body: SecuritySettingsPatch) => api.patch('/settings/security', body, ZSecuritySettings),
    onSuccess: onSaved,
    onError: (error) => showServerFieldErrors(error, FIELDS, form.setError),
  });

  const values = useWatch({ control: form.control }) as SettingsInput;
  const patch = patchOf(values, saved);
  const changed = Object.keys(patch).length > 0;
  const idleBeyondSession =
    !errors.sessionIdleMinutes &&
    !errors.sessionAbsoluteHours &&
    Number(values.sessionIdleMinutes) > Number(values.sessionAbsoluteHours) * 60;

  const submit = form.handleSubmit((parsed) => {
    const body = patchOf(inputOf(parsed), saved);
    if (Object.keys(body).length > 0) action.mutate(body);
  });

  const discard = () => {
    form.reset(inputOf(saved));
    action.reset();
  };

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Sign-in and sessions</h2>
      <div className="stack">
        <CheckboxField
          label="Require MFA for every user"
          {...form.register('mfaRequiredForAll')}
          aria-describedby="people-mfa-note"
        />
        <p id="people-mfa-note" className="field__hint">
          Admins, supervisors and anyone holding a critical permission always need MFA. With this on, everyone
          else without an authenticator is asked to set one up before they can continue working.
        </p>
        {errors.mfaRequiredForAll?.message && (
          <p className="field__error">{errors.mfaRequiredForAll.message}</p>
        )}
      </div>
      <div className="people-settings-grid">
        {NUMBER_FIELDS.map(({ key, label, unit, help }) => {
          const { min, max } = rangeOf(key);
          const error = errors[key];
          return (
            <Field
              key={key}
              label={`${label} (${unit})`}
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              step={1}
              required
              {...form.register(key)}
              // The server's own words when it refused the value; ours for what the contract rejects.
              error={
                error?.type === 'server'
                  ? (error.message ?? null)
                  : error
                    ? `Enter a whole number from ${min} to ${max}.`
                    : null
              }
              hint={`${help} Allowed: ${min}–${max} ${unit}.`}
            />
          );
        })}
      </div>
      {idleBeyondSession && (
        <div className="alert alert--warn">
          The idle timeout is longer than the maximum session length, so sessions always end at the maximum
          length first.
        </div>
      )}
      <p role="status" className={notice && !changed ? 'alert alert--ok' : undefined}>
        {!changed ? notice : ''}
      </p>
      <ErrorMessage error={action.error} besideFields={FIELDS} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={action.isPending || !isValid || !changed}
        >
          {action.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {changed && (
          <button type="button" className="button" onClick={discard}>
            Discard changes
          </button>
        )}
        <span className="muted">
          Saving needs a fresh authentication code and is recorded in the audit log.
        </span>
      </div>
    </form>
  );
}

/** Fixed in code (libs/security/src/password.policy.ts); shown so admins can answer users' questions. */
function PasswordPolicy() {
  return (
    <section className="panel stack" aria-labelledby="people-password-policy">
      <h2 id="people-password-policy">Password policy</h2>
      <p className="muted">Fixed by Baton for every account; it cannot be changed here.</p>
      <ul className="people-policy">
        <li>At least 12 characters (at most 256). Long passphrases are welcome; no composition rules.</li>
        <li>
          Not one of the ~49,000 passwords seen most often in breaches (the list ships with Baton; nothing is
          sent elsewhere). Trailing digits and symbols do not help: &ldquo;Summer2024!&rdquo; is refused like
          &ldquo;summer&rdquo;.
        </li>
        <li>Must not contain the user&rsquo;s email address or the part before the @.</li>
        <li>Invited users get a one-time password and must choose their own at first sign-in.</li>
      </ul>
    </section>
  );
}
