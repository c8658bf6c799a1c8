import { can } from '@baton/authz';
import { AgentServerEvent, type ApiKeyScope, AuthErrorCode, type PendingStep } from '@baton/contracts';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { ACCESS, STEP_UP, type AccessRule } from '../../common/decorators/access.decorators.js';
import { CommonErrorCode, DomainError, type ErrorCode } from '../../common/errors/domain.error.js';
import { currentRequestContext } from '../../common/http/request-context.js';
import { ConfigService } from '../../config/config.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { SecuritySettingsService } from '../settings/security-settings.service.js';
import type { AuthenticatedRequest } from '../../common/decorators/current-session.decorator.js';
import { CSRF_HEADER, SessionCookies } from './session-cookies.js';
import { SESSION_ENDED_MESSAGES, sessionEndedEvent } from './session-ended.messages.js';
import { SessionService, type AuthSession } from './session.service.js';
import type { AgentSocket } from '../../common/decorators/ws-session.decorator.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const PENDING_MESSAGES = {
  mfa_verification: 'Enter the code from your authenticator app to finish signing in.',
  password_change: 'Choose a new password to finish signing in.',
  mfa_enrolment: 'Set up two-factor authentication to finish signing in.',
} as const;

const PENDING_CODES: Record<PendingStep, ErrorCode> = {
  mfa_verification: AuthErrorCode.MfaVerificationRequired,
  password_change: AuthErrorCode.PasswordChangeRequired,
  mfa_enrolment: AuthErrorCode.MfaEnrolmentRequired,
};

/**
 * The global guard: deny by default. A route or socket event runs only if it declares an access rule
 * and the caller satisfies it; every denial is answered 401/403 and written to the audit trail.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    private readonly settings: SecuritySettingsService,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeysService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, targets);
    const stepUp = Boolean(this.reflector.getAllAndOverride<boolean | undefined>(STEP_UP, targets));
    if (context.getType() === 'ws') return this.canActivateSocket(context, rule, stepUp);
    if (context.getType() !== 'http') return false;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const route = {
      method: req.method,
      path: (req.route as { path?: string } | undefined)?.path ?? req.path,
    };
    if (!rule) return this.undeclared(route);
    if (rule.kind === 'public') return true;
    if (rule.kind === 'visitor') {
      // Visitors act over /customer sockets only; there is no visitor identity on plain HTTP.
      return this.forbidden(route, {
        reason: 'not_a_visitor',
      });
    }
    if (rule.kind === 'api_key') return this.checkApiKey(req, route, rule.scope);
    if (rule.kind === 'metrics') return this.checkMetricsScraper(req, route);

    const token = this.cookies.token(req);
    const session = token ? await this.sessions.resolve(token) : null;
    if (!session) {
      const ended = token ? await this.sessions.endedReason(token) : null;
      if (ended) {
        return this.deny(route, 401, AuthErrorCode.SessionEnded, SESSION_ENDED_MESSAGES[ended], {
          reason: 'session_ended',
          ended,
        });
      }
      return this.deny(route, 401, CommonErrorCode.Unauthenticated, 'Sign in to continue.', {
        reason: token ? 'session_invalid' : 'no_session',
      });
    }
    this.setActor(session);
    req.auth = session;
    if (
      !SAFE_METHODS.has(req.method) &&
      !this.sessions.csrfTokenMatches(session.id, req.header(CSRF_HEADER))
    ) {
      return this.deny(route, 403, AuthErrorCode.CsrfFailed, 'Missing or wrong X-CSRF-Token header.', {
        reason: 'csrf',
      });
    }
    return this.authorize(route, rule, session, stepUp);
  }

  /**
   * Socket events: the session resolved at the handshake and kept on the socket is checked again for
   * every event (timeouts, pending step, permission, step-up), without a query: whatever changes it
   * elsewhere closes the socket or refreshes what it holds.
   */
  private async canActivateSocket(context: ExecutionContext, rule: AccessRule | undefined, stepUp: boolean) {
    const socket = context.switchToWs().getClient<AgentSocket>();
    const route = { method: 'SOCKET', path: `${socket.nsp.name} ${context.switchToWs().getPattern()}` };
    if (!rule) return this.undeclared(route);
    if (rule.kind === 'public') return true;
    if (rule.kind === 'api_key') return this.forbidden(route, { reason: 'api_key_over_socket' });
    if (rule.kind === 'metrics') return this.forbidden(route, { reason: 'metrics_over_socket' });
    if (rule.kind === 'visitor') {
      // Set by the /customer handshake from a verified visitor token; staff sockets never have it.
      if ((socket.data as { visitor?: unknown }).visitor) return true;
      return this.forbidden(route, {
        reason: 'not_a_visitor',
      });
    }
    const session = socket.data.held ? await this.sessions.check(socket.data.held) : null;
    if (!session) {
      // Said here too: this close would otherwise overtake the fan-out's `session.ended`.
      const ended = socket.data.sessionId ? await this.sessions.endedReasonById(socket.data.sessionId) : null;
      if (ended) socket.emit(AgentServerEvent.SessionEnded, sessionEndedEvent(ended));
      socket.disconnect(true);
      return this.deny(route, 401, CommonErrorCode.Unauthenticated, 'Sign in to continue.', {
        reason: 'session_invalid',
      });
    }
    this.setActor(session);
    socket.data.auth = session;
    return this.authorize(route, rule, session, stepUp);
  }

  /** Machine callers: no cookies, so no CSRF; the key alone authenticates, and its scopes authorise. */
  private async checkApiKey(
    req: AuthenticatedRequest,
    route: { method: string; path: string },
    scope: ApiKeyScope,
  ): Promise<boolean> {
    const presented = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    const checked = presented ? await this.apiKeys.check(presented) : null;
    if (!checked?.ok) {
      return this.deny(route, 401, CommonErrorCode.Unauthenticated, 'A valid API key is required.', {
        reason: checked?.reason ?? 'no_api_key',
      });
    }
    const context = currentRequestContext();
    if (context)
      context.actor = { id: checked.key.id, email: `api-key:${checked.key.prefix}`, roles: ['api_key'] };
    req.apiKey = checked.key;
    if (!checked.key.scopes.includes(scope)) {
      return this.forbidden(route, { reason: 'missing_scope', required: scope });
    }
    return true;
  }

  /**
   * Operators' scrapers: every condition configured must hold (an allowed network, the bearer token);
   * with none configured the endpoint does not exist. Scrapes come every few seconds, so an allowed
   * one goes to the structured log, not the audit trail; every refusal is audited like any other.
   */
  private checkMetricsScraper(
    req: AuthenticatedRequest,
    route: { method: string; path: string },
  ): Promise<boolean> {
    const { METRICS_TOKEN: token, METRICS_ALLOW_NETWORKS: networks } = this.config.env;
    if (!token && !networks) {
      return this.deny(route, 404, CommonErrorCode.NotFound, 'Not found.', {
        reason: 'metrics_not_configured',
      });
    }
    const { requestId, ip } = currentRequestContext() ?? {};
    if (networks && !networks.allows(ip)) return this.forbidden(route, { reason: 'network_not_allowed' });
    if (token) {
      const presented = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
      // Equal-length digests, so the comparison takes the same time whatever was presented.
      const digest = (value: string) => createHash('sha256').update(value).digest();
      if (!presented || !timingSafeEqual(digest(presented), digest(token))) {
        return this.deny(route, 401, CommonErrorCode.Unauthenticated, 'A valid metrics token is required.', {
          reason: presented ? 'wrong_token' : 'no_token',
        });
      }
    }
    this.logger.info(
      { requestId, ip, checked: { network: Boolean(networks), token: Boolean(token) } },
      'metrics scrape allowed',
    );
    return Promise.resolve(true);
  }

  private setActor(session: AuthSession): void {
    const context = currentRequestContext();
    if (context) context.actor = { id: session.userId, email: session.email, roles: session.roles };
  }

  private undeclared(route: { method: string; path: string }): Promise<never> {
    this.logger.error(route, 'handler declares no access rule; denied');
    return this.forbidden(route, {
      reason: 'undeclared_route',
    });
  }

  private async authorize(
    route: { method: string; path: string },
    rule: Exclude<
      AccessRule,
      { kind: 'public' } | { kind: 'visitor' } | { kind: 'api_key' } | { kind: 'metrics' }
    >,
    session: AuthSession,
    stepUp: boolean,
  ): Promise<boolean> {
    if (session.pending && !(rule.kind === 'session' && rule.allowPending.includes(session.pending))) {
      return this.deny(route, 403, PENDING_CODES[session.pending], PENDING_MESSAGES[session.pending], {
        reason: session.pending,
      });
    }
    if (rule.kind === 'permission' && !can(session.permissions, ...rule.permissions)) {
      return this.forbidden(route, {
        reason: 'missing_permission',
        required: rule.permissions,
      });
    }
    if (stepUp) {
      const { stepUpMinutes } = await this.settings.get();
      const fresh =
        session.mfaVerifiedAt !== null &&
        Date.now() - session.mfaVerifiedAt.getTime() <= stepUpMinutes * 60_000;
      if (!session.mfaEnabled) {
        return this.deny(
          route,
          403,
          AuthErrorCode.MfaEnrolmentRequired,
          'Set up two-factor authentication first.',
          {
            reason: 'step_up_without_mfa',
          },
        );
      }
      if (!fresh) {
        return this.deny(
          route,
          403,
          AuthErrorCode.StepUpRequired,
          `Confirm with a code from your authenticator app (needed every ${stepUpMinutes} minutes for sensitive actions).`,
          { reason: 'step_up' },
        );
      }
    }
    return true;
  }

  private forbidden(route: { method: string; path: string }, data: Record<string, unknown>): Promise<never> {
    return this.deny(route, 403, CommonErrorCode.Forbidden, 'You are not allowed to do this.', data);
  }

  private async deny(
    route: { method: string; path: string },
    status: 401 | 403 | 404,
    code: ErrorCode,
    message: string,
    data: Record<string, unknown>,
  ): Promise<never> {
    await this.audit.recordNow({
      action: 'access.denied',
      result: 'denied',
      target: { type: 'route', id: `${route.method} ${route.path}` },
      data: { status, errorCode: code, ...data },
    });
    throw new DomainError(code, message, status);
  }
}
