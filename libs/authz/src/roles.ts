import { Permission } from './permissions.js';

export const BuiltInRole = {
  Agent: 'agent',
  Supervisor: 'supervisor',
  Admin: 'admin',
} as const;

export type BuiltInRole = (typeof BuiltInRole)[keyof typeof BuiltInRole];

const agent: readonly Permission[] = [
  Permission.PresenceUpdate,
  Permission.QueueRead,
  Permission.ConversationRead,
  Permission.ConversationReply,
  Permission.ConversationClaim,
  Permission.ConversationTransfer,
  Permission.ConversationResolve,
  Permission.CannedResponseRead,
];

const supervisor: readonly Permission[] = [
  ...agent,
  Permission.AgentRead,
  Permission.ConversationSupervise,
  Permission.CannedResponseManage,
  Permission.ReportRead,
];

// Admins manage the system; they do not work conversations unless also given a staff role.
const admin: readonly Permission[] = [
  Permission.UserRead,
  Permission.UserManage,
  Permission.UserResetMfa,
  Permission.UserEndSessions,
  Permission.RoleRead,
  Permission.RoleManage,
  Permission.AccessReviewRead,
  Permission.AuditRead,
  Permission.AuditExport,
  Permission.AuditVerify,
  Permission.SettingsRead,
  Permission.SettingsManage,
  Permission.QueueRead,
  Permission.QueueManage,
  Permission.AgentRead,
  Permission.ChannelManage,
  Permission.BotManage,
  Permission.KnowledgeManage,
  Permission.ApiKeyManage,
  Permission.CannedResponseRead,
  Permission.CannedResponseManage,
  Permission.ReportRead,
  Permission.ContactExport,
  Permission.ContactErase,
];

/** Least-privilege permission sets of the built-in roles. */
export const BUILT_IN_ROLE_PERMISSIONS: Readonly<Record<BuiltInRole, readonly Permission[]>> = Object.freeze({
  [BuiltInRole.Agent]: Object.freeze(agent),
  [BuiltInRole.Supervisor]: Object.freeze(supervisor),
  [BuiltInRole.Admin]: Object.freeze(admin),
});

/** Roles whose holders must use MFA whatever the global setting says. */
export const MFA_REQUIRED_ROLES: ReadonlySet<string> = new Set([BuiltInRole.Admin, BuiltInRole.Supervisor]);

/**
 * Permissions that make an account critical: whoever holds one must use MFA, whatever role grants it
 * (so a custom role cannot side-step the rule).
 */
export const MFA_CRITICAL_PERMISSIONS: ReadonlySet<Permission> = new Set([
  Permission.UserManage,
  Permission.UserResetMfa,
  Permission.RoleManage,
  Permission.SettingsManage,
  Permission.AuditExport,
  Permission.ApiKeyManage,
  Permission.ConversationSupervise,
  Permission.ContactExport,
  Permission.ContactErase,
]);

/** True when roles or permissions make MFA mandatory for this user. */
export function mfaRequiredFor(roles: Iterable<string>, permissions: Iterable<Permission>): boolean {
  for (const role of roles) if (MFA_REQUIRED_ROLES.has(role)) return true;
  for (const permission of permissions) if (MFA_CRITICAL_PERMISSIONS.has(permission)) return true;
  return false;
}
