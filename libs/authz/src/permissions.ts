/**
 * Every permission Baton checks, as `resource:action`. Routes and socket handlers name one of these;
 * anything not granted is denied.
 */
export const Permission = {
  UserRead: 'user:read',
  UserManage: 'user:manage',
  UserResetMfa: 'user:reset_mfa',
  UserEndSessions: 'user:end_sessions',
  RoleRead: 'role:read',
  RoleManage: 'role:manage',
  AccessReviewRead: 'access_review:read',
  AuditRead: 'audit:read',
  AuditExport: 'audit:export',
  AuditVerify: 'audit:verify',
  SettingsRead: 'settings:read',
  SettingsManage: 'settings:manage',
  QueueRead: 'queue:read',
  QueueManage: 'queue:manage',
  AgentRead: 'agent:read',
  PresenceUpdate: 'presence:update',
  ConversationRead: 'conversation:read',
  ConversationReply: 'conversation:reply',
  ConversationClaim: 'conversation:claim',
  ConversationTransfer: 'conversation:transfer',
  ConversationResolve: 'conversation:resolve',
  ConversationSupervise: 'conversation:supervise',
  CannedResponseRead: 'canned_response:read',
  CannedResponseManage: 'canned_response:manage',
  ChannelManage: 'channel:manage',
  BotManage: 'bot:manage',
  KnowledgeManage: 'knowledge:manage',
  ApiKeyManage: 'api_key:manage',
  ReportRead: 'report:read',
  /** Find a customer's contact and export everything Baton holds about them. */
  ContactExport: 'contact:export',
  /** Erase a customer's personal data. */
  ContactErase: 'contact:erase',
} as const;

export type Permission = (typeof Permission)[keyof typeof Permission];

export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(Object.values(Permission));

const known = new Set<string>(ALL_PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return known.has(value);
}
