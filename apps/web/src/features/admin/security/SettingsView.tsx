import type { SecuritySettings } from '@baton/contracts';
import { Fragment } from 'react';
import { NUMBER_FIELDS } from './settings-form';

/** The settings for someone who may read but not change them. */
export function SettingsView({ settings }: { settings: SecuritySettings }) {
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
