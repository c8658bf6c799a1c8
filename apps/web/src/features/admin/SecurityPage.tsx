import { Permission } from '@baton/authz';
import type { SecuritySettings } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../auth/session';
import { queryKeys, securitySettingsQuery } from '../../lib/queries';
import { ErrorMessage } from '../../ui/forms';
import { Loading, PageHeader } from '../../ui/Page';
import { PasswordPolicy } from './security/PasswordPolicy';
import { SettingsForm } from './security/SettingsForm';
import { SettingsView } from './security/SettingsView';
import './people.css';

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
