import { mfaSecretContext } from '@baton/security';
import type { MfaActivation, MfaEnrolment } from '@baton/contracts';
import { MfaErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { appSecrets } from '../../common/crypto/app-secret.js';
import { DataEncryptionService } from '../../common/crypto/data-encryption.service.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { ConfigService } from '../../config/config.service.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AttemptLimitsService } from '../auth/attempt-limits.service.js';
import { SessionService, type AuthSession, type RotatedSession } from '../auth/session.service.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

const RECOVERY_CODES = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const alreadyEnabled = () =>
  new DomainError(MfaErrorCode.AlreadyEnabled, 'Two-factor authentication is already set up.', 409);

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => BASE32[b % 32]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

@Injectable()
export class MfaService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly crypto: DataEncryptionService,
    private readonly sessions: SessionService,
    private readonly limits: AttemptLimitsService,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
  ) {}

  /**
   * Recovery codes are high-entropy, so a keyed hash is enough (and lets us look them up). A code
   * issued before an APP_SECRET rotation is found by its hash under APP_SECRET_PREVIOUS.
   */
  private recoveryHash(code: string, secret = this.config.env.APP_SECRET): string {
    return createHmac('sha256', secret)
      .update(`recovery:${code.replace('-', '').toLowerCase()}`)
      .digest('hex');
  }

  /** Starts (or restarts) enrolment: a new secret that becomes active only once a code proves it. */
  async enrol(session: AuthSession): Promise<MfaEnrolment> {
    const existing = await this.prisma.mfaFactor.findUnique({ where: { userId: session.userId } });
    if (existing?.activatedAt) {
      throw alreadyEnabled();
    }
    const secret = newTotpSecret();
    const sealed = this.crypto.encrypt(secret, mfaSecretContext(session.userId));
    await this.prisma.$transaction(async (tx) => {
      // Only a factor not yet activated may get a new secret (two tabs enrolling at once).
      const { count } = await tx.mfaFactor.updateMany({
        where: { userId: session.userId, activatedAt: null },
        data: { secretCiphertext: sealed.ciphertext, keyId: sealed.keyId, lastUsedStep: null },
      });
      if (count === 0) {
        if (existing) {
          throw alreadyEnabled();
        }
        await tx.mfaFactor.create({
          data: { userId: session.userId, secretCiphertext: sealed.ciphertext, keyId: sealed.keyId },
        });
      }
      await this.audit.record(tx, {
        action: 'auth.mfa_enrolment_started',
        target: { type: 'user', id: session.userId },
      });
    });
    return { secret, otpauthUri: totpUri(secret, session.email) };
  }

  /**
   * Confirms enrolment with a first code; returns the recovery codes, shown this once only, and the
   * session's new token (a privilege change).
   */
  async activate(
    session: AuthSession,
    code: string,
  ): Promise<{ activation: MfaActivation; rotated: RotatedSession }> {
    const factor = await this.prisma.mfaFactor.findUnique({ where: { userId: session.userId } });
    if (!factor || factor.activatedAt) {
      throw new DomainError(MfaErrorCode.NoEnrolment, 'Start enrolment first.', 409);
    }
    const step = await this.checkCode(session, factor, code, 'activation');
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    const rotated = await this.prisma.$transaction(async (tx) => {
      const claimed = await this.claimStep(tx, factor.id, step);
      if (!claimed) throw new DomainError(MfaErrorCode.InvalidCode, 'That code was already used.', 400);
      // Activates the secret the code was checked against, not one a parallel enrolment just replaced.
      const { count } = await tx.mfaFactor.updateMany({
        where: { id: factor.id, activatedAt: null, secretCiphertext: factor.secretCiphertext },
        data: { activatedAt: new Date() },
      });
      if (count !== 1) {
        throw new DomainError(
          MfaErrorCode.EnrolmentChanged,
          'Enrolment was restarted elsewhere; scan the new code.',
          409,
        );
      }
      await tx.recoveryCode.deleteMany({ where: { userId: session.userId } });
      await tx.recoveryCode.createMany({
        data: codes.map((c) => ({ userId: session.userId, codeHash: this.recoveryHash(c) })),
      });
      await this.sessions.markMfaVerified(tx, session.id);
      const rotated = await this.sessions.rotate(tx, session.id);
      await this.audit.record(tx, {
        action: 'auth.mfa_activated',
        target: { type: 'user', id: session.userId },
        data: { rotatedSession: SessionService.rotationAudit(rotated) },
      });
      return rotated;
    });
    await this.limits.mfaSucceeded(session.id, session.userId);
    return { activation: { recoveryCodes: codes }, rotated };
  }

  /** Finishes sign-in, or refreshes the step-up window of a signed-in session; either way a new token. */
  async verify(session: AuthSession, code: string): Promise<RotatedSession> {
    const factor = await this.prisma.mfaFactor.findUnique({ where: { userId: session.userId } });
    if (!factor?.activatedAt) {
      throw new DomainError(MfaErrorCode.NotEnabled, 'Two-factor authentication is not set up.', 409);
    }
    const purpose = session.pending === 'mfa_verification' ? 'sign_in' : 'step_up';
    const step = await this.checkCode(session, factor, code, purpose);
    const rotated = await this.prisma.$transaction(async (tx) => {
      if (!(await this.claimStep(tx, factor.id, step))) return null;
      await this.sessions.markMfaVerified(tx, session.id);
      const rotated = await this.sessions.rotate(tx, session.id);
      await this.audit.record(tx, {
        action: 'auth.mfa_verified',
        target: { type: 'user', id: session.userId },
        data: { purpose, rotatedSession: SessionService.rotationAudit(rotated) },
      });
      return rotated;
    });
    // Lost a race with another request presenting the same code: that is a replay too.
    if (!rotated) return this.failed(session, purpose, 'replayed');
    await this.limits.mfaSucceeded(session.id, session.userId);
    return rotated;
  }

  /** A recovery code stands in for a TOTP code, once. */
  async useRecoveryCode(
    session: AuthSession,
    code: string,
  ): Promise<{ remaining: number; rotated: RotatedSession }> {
    await this.assertAllowed(session);
    const hashes = appSecrets(this.config.env).map((secret) => this.recoveryHash(code, secret));
    const used = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.recoveryCode.updateMany({
        where: { userId: session.userId, codeHash: { in: hashes }, usedAt: null },
        data: { usedAt: new Date() },
      });
      if (count !== 1) return null;
      const left = await tx.recoveryCode.count({ where: { userId: session.userId, usedAt: null } });
      await this.sessions.markMfaVerified(tx, session.id);
      const rotated = await this.sessions.rotate(tx, session.id);
      await this.audit.record(tx, {
        action: 'auth.recovery_code_used',
        target: { type: 'user', id: session.userId },
        data: { remaining: left, rotatedSession: SessionService.rotationAudit(rotated) },
      });
      return { remaining: left, rotated };
    });
    if (used === null) return this.failed(session, 'recovery_code', 'invalid_recovery_code');
    await this.limits.mfaSucceeded(session.id, session.userId);
    return used;
  }

  /** Admin reset: the user must enrol again at next sign-in. Runs inside the caller's transaction. */
  async reset(tx: Tx, userId: string): Promise<boolean> {
    const { count } = await tx.mfaFactor.deleteMany({ where: { userId } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    return count > 0;
  }

  private async assertAllowed(session: AuthSession): Promise<void> {
    try {
      await this.limits.beginMfa(session.id, session.userId);
    } catch (error) {
      await this.audit.recordNow({
        action: 'auth.mfa_throttled',
        result: 'denied',
        target: { type: 'user', id: session.userId },
      });
      throw error;
    }
  }

  private async checkCode(
    session: AuthSession,
    factor: { secretCiphertext: string; keyId: string; lastUsedStep: bigint | null },
    code: string,
    purpose: string,
  ): Promise<number> {
    await this.assertAllowed(session);
    const secret = this.crypto.decrypt(
      { ciphertext: factor.secretCiphertext, keyId: factor.keyId },
      mfaSecretContext(session.userId),
    );
    const lastStep = factor.lastUsedStep === null ? null : Number(factor.lastUsedStep);
    const result = await checkTotp(secret, code, lastStep);
    if (result.valid) return result.step;
    // Distinguish a replay (right code, already used) for the audit trail only.
    const reused = lastStep !== null && (await checkTotp(secret, code, null)).valid;
    return this.failed(session, purpose, reused ? 'replayed' : 'invalid_code');
  }

  /** Takes the time step only if it is newer than the last accepted one (atomic against races). */
  private async claimStep(tx: Tx, factorId: string, step: number): Promise<boolean> {
    const { count } = await tx.mfaFactor.updateMany({
      where: { id: factorId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(step) } }] },
      data: { lastUsedStep: BigInt(step) },
    });
    return count === 1;
  }

  private async failed(session: AuthSession, purpose: string, reason: string): Promise<never> {
    await this.audit.recordNow({
      action: 'auth.mfa_failed',
      result: 'failed',
      target: { type: 'user', id: session.userId },
      data: { purpose, reason },
    });
    throw new DomainError(
      reason === 'invalid_recovery_code' ? MfaErrorCode.InvalidRecoveryCode : MfaErrorCode.InvalidCode,
      reason === 'replayed'
        ? 'That code was already used. Wait for the next one.'
        : reason === 'invalid_recovery_code'
          ? 'That recovery code is not valid or was already used.'
          : 'That code is not valid.',
      400,
    );
  }
}
