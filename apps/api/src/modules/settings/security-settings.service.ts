import {
  DEFAULT_SECURITY_SETTINGS,
  ZSecuritySettings,
  type SecuritySettings,
  type SecuritySettingsPatch,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';

const KEY = 'security';
/** Other instances pick up a change within this many milliseconds. */
const CACHE_MS = 5_000;

/** Security settings admins can change at runtime (MFA for all, session timeouts, dormancy). */
@Injectable()
export class SecuritySettingsService {
  private cached: { value: SecuritySettings; at: number } | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async get(): Promise<SecuritySettings> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const row = await this.prisma.setting.findUnique({ where: { key: KEY } });
    const value = this.withDefaults(row?.value);
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Settings saved by an older release may lack newer fields; defaults fill them. */
  private withDefaults(stored: unknown): SecuritySettings {
    const merged = { ...DEFAULT_SECURITY_SETTINGS, ...(stored && typeof stored === 'object' ? stored : {}) };
    const parsed = ZSecuritySettings.safeParse(merged);
    return parsed.success ? parsed.data : { ...DEFAULT_SECURITY_SETTINGS };
  }

  async update(patch: SecuritySettingsPatch, actorId: string): Promise<SecuritySettings> {
    const value = await this.prisma.$transaction(async (tx: Tx) => {
      const current = await tx.setting.findUnique({ where: { key: KEY } });
      const before = this.withDefaults(current?.value);
      const next = ZSecuritySettings.parse({ ...before, ...patch });
      const changed = Object.keys(next).filter(
        (k) => next[k as keyof SecuritySettings] !== before[k as keyof SecuritySettings],
      );
      if (changed.length === 0) return next;
      await tx.setting.upsert({
        where: { key: KEY },
        create: { key: KEY, value: next, updatedById: actorId },
        update: { value: next, updatedById: actorId },
      });
      await this.audit.record(tx, {
        action: 'settings.updated',
        target: { type: 'settings', id: KEY },
        data: Object.fromEntries(
          changed.map((k) => [
            k,
            { from: before[k as keyof SecuritySettings], to: next[k as keyof SecuritySettings] },
          ]),
        ),
      });
      return next;
    });
    this.cached = { value, at: Date.now() };
    return value;
  }
}
