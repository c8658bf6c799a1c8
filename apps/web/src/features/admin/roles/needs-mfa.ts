import { MFA_CRITICAL_PERMISSIONS, isPermission } from '@baton/authz';

export const needsMfa = (permission: string) =>
  isPermission(permission) && MFA_CRITICAL_PERMISSIONS.has(permission);
