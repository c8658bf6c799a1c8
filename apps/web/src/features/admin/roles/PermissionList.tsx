import { groupPermissions } from './group-permissions';
import { needsMfa } from './needs-mfa';

export function PermissionList({ permissions }: { permissions: readonly string[] }) {
  if (permissions.length === 0) return <p className="muted">This role grants no permission.</p>;
  return (
    <div className="people-permission-groups">
      {groupPermissions(permissions).map(([resource, list]) => (
        <section key={resource} className="people-permission-group">
          <h4>{resource}</h4>
          <ul>
            {list.map((p) => (
              <li key={p}>
                <code>{p}</code> {needsMfa(p) && <span className="badge badge--warn">needs MFA</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
