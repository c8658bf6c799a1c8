import type { AccessReviewEntry } from '@baton/contracts';
import { toCsv } from '../../../lib/download';

/** An entry with whether its roles or permissions make MFA mandatory ("privileged"). */
export type Row = AccessReviewEntry & { privileged: boolean };

export const VIEWS = [
  { id: 'all', label: 'Everyone', test: () => true },
  {
    id: 'privileged_no_mfa',
    label: 'Privileged without MFA',
    test: (r: Row) => r.privileged && !r.mfaEnabled,
  },
  { id: 'dormant', label: 'Dormant', test: (r: Row) => r.dormant },
  { id: 'disabled', label: 'Disabled', test: (r: Row) => r.status === 'disabled' },
  { id: 'mfa_off', label: 'MFA off', test: (r: Row) => !r.mfaEnabled },
  { id: 'no_roles', label: 'No roles', test: (r: Row) => r.roles.length === 0 },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

const CSV_HEADER = [
  'email',
  'displayName',
  'status',
  'roles',
  'permissions',
  'mfaEnabled',
  'mfaRequired',
  'lastLoginAt',
  'dormant',
  'disabledAt',
  'createdAt',
] as const;

export function csvOf(rows: Row[]): string {
  return toCsv(
    CSV_HEADER,
    rows.map((r) => [
      r.email,
      r.displayName,
      r.status,
      r.roles.join(' '),
      r.permissions.join(' '),
      r.mfaEnabled,
      r.privileged,
      r.lastLoginAt,
      r.dormant,
      r.disabledAt,
      r.createdAt,
    ]),
  );
}
