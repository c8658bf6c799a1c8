import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLE_PERMISSIONS,
  BuiltInRole,
  Permission,
  can,
  isPermission,
  mfaRequiredFor,
} from './index.js';

describe('permissions', () => {
  it('are unique resource:action strings', () => {
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
    for (const permission of ALL_PERMISSIONS) expect(permission).toMatch(/^[a-z_]+:[a-z_]+$/);
  });

  it('recognises only known permissions', () => {
    expect(isPermission('audit:read')).toBe(true);
    expect(isPermission('audit:delete')).toBe(false);
  });
});

describe('can', () => {
  it('denies when nothing is required or something is missing', () => {
    expect(can([Permission.AuditRead])).toBe(false);
    expect(can([Permission.AuditRead], Permission.AuditRead, Permission.AuditExport)).toBe(false);
    expect(
      can([Permission.AuditRead, Permission.AuditExport], Permission.AuditRead, Permission.AuditExport),
    ).toBe(true);
  });
});

describe('built-in roles', () => {
  it('give agents no administrative permission', () => {
    const agent = BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Agent];
    for (const forbidden of [
      Permission.UserManage,
      Permission.RoleManage,
      Permission.AuditRead,
      Permission.SettingsManage,
    ]) {
      expect(can(agent, forbidden)).toBe(false);
    }
  });

  it("leave customers' personal data exports and erasure to admins", () => {
    for (const permission of [Permission.ContactExport, Permission.ContactErase]) {
      expect(can(BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Agent], permission)).toBe(false);
      expect(can(BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Supervisor], permission)).toBe(false);
      expect(can(BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Admin], permission)).toBe(true);
      expect(mfaRequiredFor([], [permission])).toBe(true);
    }
  });

  it('give supervisors everything agents have', () => {
    const supervisor = BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Supervisor];
    expect(can(supervisor, ...BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Agent])).toBe(true);
  });

  it('only name known permissions', () => {
    for (const permissions of Object.values(BUILT_IN_ROLE_PERMISSIONS)) {
      for (const permission of permissions) expect(isPermission(permission)).toBe(true);
    }
  });
});

describe('mfaRequiredFor', () => {
  it('requires MFA for admins and supervisors, and for anyone holding a critical permission', () => {
    expect(mfaRequiredFor(['agent'], BUILT_IN_ROLE_PERMISSIONS[BuiltInRole.Agent])).toBe(false);
    expect(mfaRequiredFor(['supervisor'], [])).toBe(true);
    expect(mfaRequiredFor(['custom-auditor'], [Permission.AuditRead])).toBe(false);
    expect(mfaRequiredFor(['custom-exporter'], [Permission.AuditExport])).toBe(true);
  });
});
