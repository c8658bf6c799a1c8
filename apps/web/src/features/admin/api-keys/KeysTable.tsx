import { ZApiKey, type ApiKey } from '@baton/contracts';
import { api } from '../../../lib/api';
import { ConfirmAction } from '../../../ui/ConfirmAction';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { Ago } from '../../../ui/Page';
import { When } from '../../../ui/When';
import { statusOf } from './api-key-text';

export function KeysTable({
  load,
  empty,
  channelName,
  onRevoked,
}: {
  load: TableLoad<ApiKey>;
  empty: string;
  channelName: (id: string | null) => string | null;
  onRevoked: (key: ApiKey) => void;
}) {
  const columns: Column<ApiKey>[] = [
    {
      header: 'Key',
      cell: (key) => (
        <>
          <strong>{key.name}</strong>
          <div>
            <code>bk_{key.prefix}_…</code>
          </div>
          {key.webhookUrl && (
            <div className="muted setup-break" title={key.webhookUrl}>
              Webhook: {key.webhookUrl}
            </div>
          )}
        </>
      ),
    },
    {
      header: 'Status',
      cell: (key) => {
        const status = statusOf(key);
        return (
          <>
            <span className={status.badge}>{status.label}</span>
            {key.revokedAt && (
              <div className="muted">
                <When at={key.revokedAt} />
              </div>
            )}
          </>
        );
      },
    },
    {
      header: 'Scopes',
      cell: (key) =>
        key.scopes.map((scope) => (
          <div key={scope}>
            <code>{scope}</code>
          </div>
        )),
    },
    { header: 'Channel', cell: (key) => channelName(key.channelId) ?? <span className="muted">—</span> },
    { header: 'Created', cell: (key) => <When at={key.createdAt} /> },
    { header: 'Expires', cell: (key) => <When at={key.expiresAt} none="Never" /> },
    {
      header: 'Last used',
      cell: (key) => (key.lastUsedAt ? <Ago at={key.lastUsedAt} /> : <span className="muted">Never</span>),
    },
  ];
  return (
    <DataTable
      caption="API keys"
      columns={columns}
      load={load}
      what="API keys"
      empty={empty}
      actions={(key) =>
        !key.revokedAt && (
          <ConfirmAction
            label="Revoke"
            accessibleLabel={`Revoke ${key.name}`}
            title={`Revoke ${key.name}?`}
            confirmLabel="Revoke key"
            onConfirm={async () => onRevoked(await api.post(`/api-keys/${key.id}/revoke`, {}, ZApiKey))}
          >
            <p>
              Every call with <code>bk_{key.prefix}_…</code> is refused from now on; the bot using it stops
              handing cases over until it gets a new key. Cases already handed over stay.
            </p>
            <p>This cannot be undone.</p>
          </ConfirmAction>
        )
      }
    />
  );
}
