import { Permission } from '@baton/authz';
import { ZApiKey, type ApiKey, type CreatedApiKey } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useCan } from '../../../auth/session';
import { apiKeysQuery, channelsQuery, queryKeys, useListCache } from '../../../lib/queries';
import { CheckboxField } from '../../../ui/forms';
import { PageHeader } from '../../../ui/Page';
import { newestFirst } from './api-key-text';
import { KeysTable } from './KeysTable';
import { KeyCreator } from './KeyCreator';
import { CreatedKey } from './CreatedKey';
import '../setup/setup.css';

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
  const hidden = keys.data?.filter((k) => k.revokedAt !== null).length ?? 0;
  const shown = showRevoked ? keys.data : keys.data?.filter((k) => k.revokedAt === null);
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
      {hidden > 0 && (
        <CheckboxField
          label={`Show revoked keys (${hidden})`}
          checked={showRevoked}
          onChange={(e) => setShowRevoked(e.target.checked)}
        />
      )}
      <KeysTable
        load={{ data: shown, isLoading: keys.isLoading, error: keys.error }}
        empty={keys.data?.length === 0 ? 'No API keys yet.' : 'No active API keys.'}
        channelName={channelName}
        onRevoked={replace}
      />

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
