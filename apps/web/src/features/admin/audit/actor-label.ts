import type { AuditEvent } from '@baton/contracts';

/** Who acted: an email when known; events without an actor come from Baton itself (jobs, sweeps). */
export function actorLabel(event: AuditEvent): string {
  return event.actor.email ?? event.actor.id ?? 'system';
}
