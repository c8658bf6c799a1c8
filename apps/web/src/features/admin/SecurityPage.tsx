import { Permission } from '@baton/authz';
import { ZSecuritySettings, type SecuritySettings, type SecuritySettingsPatch } from '@baton/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
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

function problemOf(key: NumberKey, text: string): string | null {
  const { min, max } = rangeOf(key);
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return `Enter a whole number from ${min} to ${max}.`;
  }
  return null;
}

function textsOf(settings: SecuritySettings): Record<NumberKey, string> {
  return Object.fromEntries(NUMBER_FIELDS.map(({ key }) => [key, String(settings[key])])) as Record<
    NumberKey,
    string
  >;
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
  const [mfaRequiredForAll, setMfaRequiredForAll] = useState(saved.mfaRequiredForAll);
  // Inputs hold text so a field can be cleared while typing; it is checked before saving.
  const [numbers, setNumbers] = useState(() => textsOf(saved));
  const action = useMutation({
    mutationFn: (body: SecuritySettingsPatch) => api.patch('/settings/security', body, ZSecuritySettings),
    onSuccess: onSaved,
  });

  const problems = Object.fromEntries(
    NUMBER_FIELDS.map((f) => [f.key, problemOf(f.key, numbers[f.key])]),
  ) as Record<NumberKey, string | null>;
  const valid = Object.values(problems).every((p) => p === null);
  // Only changed fields are sent: a PATCH keeps what another admin changed meanwhile elsewhere.
  const patch: SecuritySettingsPatch = {};
  if (mfaRequiredForAll !== saved.mfaRequiredForAll) patch.mfaRequiredForAll = mfaRequiredForAll;
  for (const { key } of NUMBER_FIELDS) {
    if (problems[key] === null && Number(numbers[key]) !== saved[key]) patch[key] = Number(numbers[key]);
  }
  const changed = Object.keys(patch).length > 0;
  const idleBeyondSession =
    problems.sessionIdleMinutes === null &&
    problems.sessionAbsoluteHours === null &&
    Number(numbers.sessionIdleMinutes) > Number(numbers.sessionAbsoluteHours) * 60;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid && changed) action.mutate(patch);
  };

  const discard = () => {
    setMfaRequiredForAll(saved.mfaRequiredForAll);
    setNumbers(textsOf(saved));
    action.reset();
  };

  return (
    <form className="panel stack" onSubmit={submit} noValidate>
      <h2>Sign-in and sessions</h2>
      <div className="stack">
        <CheckboxField
          label="Require MFA for every user"
          checked={mfaRequiredForAll}
          onChange={(e) => setMfaRequiredForAll(e.target.checked)}
          aria-describedby="people-mfa-note"
        />
        <p id="people-mfa-note" className="field__hint">
          Admins, supervisors and anyone holding a critical permission always need MFA. With this on, everyone
          else without an authenticator is asked to set one up before they can continue working.
        </p>
      </div>
      <div className="people-settings-grid">
        {NUMBER_FIELDS.map(({ key, label, unit, help }) => {
          const { min, max } = rangeOf(key);
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
              value={numbers[key]}
              onChange={(e) => setNumbers((n) => ({ ...n, [key]: e.target.value }))}
              error={problems[key]}
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
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={action.isPending || !valid || !changed}
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
