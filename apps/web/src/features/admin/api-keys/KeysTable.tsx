import { ZApiKey, type ApiKey } from '@baton/contracts';
import { api } from '../../../lib/api';
import { Ago } from '../../../ui/Page';
import { ConfirmAction, When } from '../setup-shared';
import { statusOf } from './api-key-text';

export function KeysTable({
  keys,
  channelName,
  onRevoked,
}: {
  keys: ApiKey[];
  channelName: (id: string | null) => string | null;
  onRevoked: (key: ApiKey) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col">Scopes</th>
            <th scope="col">Channel</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const status = statusOf(key);
            return (
              <tr key={key.id}>
                <td>
                  <strong>{key.name}</strong>
                  <div>
                    <code>bk_{key.prefix}_…</code>
                  </div>
                  {key.webhookUrl && (
                    <div className="muted setup-break" title={key.webhookUrl}>
                      Webhook: {key.webhookUrl}
                    </div>
                  )}
                </td>
                <td>
                  <span className={status.badge}>{status.label}</span>
                  {key.revokedAt && (
                    <div className="muted">
                      <When at={key.revokedAt} />
                    </div>
                  )}
                </td>
                <td>
                  {key.scopes.map((scope) => (
                    <div key={scope}>
                      <code>{scope}</code>
                    </div>
                  ))}
                </td>
                <td>{channelName(key.channelId) ?? <span className="muted">—</span>}</td>
                <td>
                  <When at={key.createdAt} />
                </td>
                <td>
                  <When at={key.expiresAt} none="Never" />
                </td>
                <td>{key.lastUsedAt ? <Ago at={key.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                <td>
                  {!key.revokedAt && (
                    <ConfirmAction
                      label="Revoke"
                      accessibleLabel={`Revoke ${key.name}`}
                      title={`Revoke ${key.name}?`}
                      confirmLabel="Revoke key"
                      onConfirm={async () =>
                        onRevoked(await api.post(`/api-keys/${key.id}/revoke`, {}, ZApiKey))
                      }
                    >
                      <p>
                        Every call with <code>bk_{key.prefix}_…</code> is refused from now on; the bot using
                        it stops handing cases over until it gets a new key. Cases already handed over stay.
                      </p>
                      <p>This cannot be undone.</p>
                    </ConfirmAction>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
