import { z } from 'zod';
import { safeText } from './text.js';

const roleName = safeText()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'lower-case letters, digits, dash or underscore; 2–40 characters');

export const ZCreateUserRequest = z.strictObject({
  email: z.email().trim().toLowerCase().max(320),
  displayName: safeText().trim().min(1).max(120),
  roles: z.array(roleName).max(20).prefault([]),
});
export type CreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z.strictObject({ displayName: safeText().trim().min(1).max(120) });
export type UpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZSetUserRolesRequest = z.strictObject({ roles: z.array(roleName).max(20) });
export type SetUserRolesRequest = z.infer<typeof ZSetUserRolesRequest>;

export const ZUserSummary = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'disabled']),
  roles: z.array(z.string()),
  mfaEnabled: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type UserSummary = z.infer<typeof ZUserSummary>;

/** The only time a generated password is shown; the user must change it at first login. */
export const ZCreatedUser = z.object({ user: ZUserSummary, oneTimePassword: z.string() });
export type CreatedUser = z.infer<typeof ZCreatedUser>;

export const ZAccessReviewEntry = ZUserSummary.extend({
  permissions: z.array(z.string()),
  dormant: z.boolean(),
  disabledAt: z.iso.datetime().nullable(),
});
export type AccessReviewEntry = z.infer<typeof ZAccessReviewEntry>;

export const ZRoleRequest = z.strictObject({
  name: roleName,
  description: safeText().trim().max(500).prefault(''),
  permissions: z.array(safeText()).max(100),
});
export type RoleRequest = z.infer<typeof ZRoleRequest>;

export const ZRole = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()),
  userCount: z.number().int(),
});
export type Role = z.infer<typeof ZRole>;

const securityFields = {
  /** MFA for every user, not only admins and supervisors. */
  mfaRequiredForAll: z.boolean(),
  sessionIdleMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  sessionAbsoluteHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  /** How recent an MFA code must be for sensitive actions. */
  stepUpMinutes: z.number().int().min(1).max(60),
  /** Accounts with no sign-in for this many days are disabled; 0 turns it off. */
  dormantAccountDays: z.number().int().min(0).max(3650),
};

export const DEFAULT_SECURITY_SETTINGS = {
  mfaRequiredForAll: false,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  stepUpMinutes: 5,
  dormantAccountDays: 90,
} as const;

export const ZSecuritySettings = z.strictObject(securityFields);
export type SecuritySettings = z.infer<typeof ZSecuritySettings>;

/** A change to some settings; fields left out keep their value. */
export const ZSecuritySettingsPatch = z.strictObject(securityFields).partial();
export type SecuritySettingsPatch = z.infer<typeof ZSecuritySettingsPatch>;
