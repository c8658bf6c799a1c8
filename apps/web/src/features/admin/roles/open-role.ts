import type { Role } from '@baton/contracts';

/** What the dialog shows: a role to view or edit, or a new role (possibly copied from another). */
export type Open = { mode: 'view' | 'edit'; role: Role } | { mode: 'new'; from: Role | null } | null;
