import type { AuditEvent } from '@baton/contracts';
import { CopyButton } from '../../../ui/CopyButton';
import { DateTime } from '../../../ui/DateTime';
import { Dialog } from '../../../ui/Dialog';
import { auditHref } from './audit-filters';
import { Fact } from './Fact';
import { Mono } from './Mono';
import { ResultBadge } from './ResultBadge';

/**
 * Every field of one event. Previous/next walk the loaded list so an investigation can follow a
 * sequence of events without closing the dialog.
 */
export function AuditEventDialog({
  event,
  onClose,
  onNewer,
  onOlder,
  onFilter,
}: {
  event: AuditEvent | null;
  onClose: () => void;
  onNewer?: () => void;
  onOlder?: () => void;
  /** Opens the log filtered on this URL (events by the same actor, on the same target). */
  onFilter: (href: string) => void;
}) {
  const json = event ? JSON.stringify(event.data, null, 2) : '';
  return (
    <Dialog
      title={event ? `Audit event #${event.seq}` : 'Audit event'}
      open={event !== null}
      onClose={onClose}
      wide
    >
      {event && (
        <div className="stack">
          <dl className="audit-facts">
            <Fact label="Action">
              <code>{event.action}</code>
            </Fact>
            <Fact label="Result">
              <ResultBadge result={event.result} />
            </Fact>
            <Fact label="Time">
              <DateTime at={event.occurredAt} /> <span className="muted">({event.occurredAt})</span>
            </Fact>
            <Fact label="Actor">
              {event.actor.id || event.actor.email ? (
                <>
                  {event.actor.email ?? <span className="muted">no email</span>}{' '}
                  <Mono value={event.actor.id} />
                </>
              ) : (
                <span className="muted">System (no signed-in user)</span>
              )}
            </Fact>
            <Fact label="Actor roles">
              {event.actor.roles.length ? event.actor.roles.join(', ') : <span className="muted">—</span>}
            </Fact>
            <Fact label="Target">
              {event.target.type ?? <span className="muted">—</span>} <Mono value={event.target.id} />
            </Fact>
            <Fact label="IP address">
              <Mono value={event.ip} />
            </Fact>
            <Fact label="User agent">{event.userAgent ?? <span className="muted">—</span>}</Fact>
            <Fact label="Request ID">
              <Mono value={event.requestId} />
            </Fact>
            <Fact label="Sequence">
              <Mono value={event.seq} />
            </Fact>
            <Fact label="Chain position">
              {event.chainPosition ?? (
                <span className="muted">Not sealed yet: it joins the hash chain within moments.</span>
              )}
            </Fact>
            <Fact label="Hash">
              <Mono value={event.hash} />
            </Fact>
            <Fact label="Previous hash">
              <Mono value={event.prevHash} />
            </Fact>
          </dl>

          <div className="row">
            <h3 className="audit-grow">Data</h3>
            <CopyButton text={JSON.stringify(event, null, 2)} label="Copy event as JSON" />
          </div>
          <pre className="audit-json" tabIndex={0} role="region" aria-label="Event data (JSON)">
            {json}
          </pre>

          <div className="actions">
            {(event.actor.id || event.actor.email) && (
              <button
                type="button"
                className="button button--link"
                onClick={() => onFilter(auditHref({ actor: event.actor.id ?? event.actor.email ?? '' }))}
              >
                All events by this actor
              </button>
            )}
            {event.target.id && (
              <button
                type="button"
                className="button button--link"
                onClick={() =>
                  onFilter(
                    auditHref({ targetType: event.target.type ?? '', targetId: event.target.id ?? '' }),
                  )
                }
              >
                All events on this target
              </button>
            )}
            <span className="audit-grow" />
            <button type="button" className="button" disabled={!onNewer} onClick={onNewer}>
              ← Newer
            </button>
            <button type="button" className="button" disabled={!onOlder} onClick={onOlder}>
              Older →
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
