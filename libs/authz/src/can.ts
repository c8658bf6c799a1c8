import type { Permission } from './permissions.js';

/** Deny by default: true only when every required permission is granted. */
export function can(
  granted: Iterable<Permission> | ReadonlySet<Permission>,
  ...required: Permission[]
): boolean {
  if (required.length === 0) return false;
  const set: ReadonlySet<Permission> = granted instanceof Set ? granted : new Set(granted);
  return required.every((permission) => set.has(permission));
}
