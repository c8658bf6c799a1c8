import type { Permission } from '@baton/authz';
import type { ApiKeyScope, PendingStep } from '@baton/contracts';
import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension } from '@nestjs/swagger';

export const ACCESS = 'baton:access';
export const STEP_UP = 'baton:step-up';

/**
 * What a route or socket event requires. Every handler declares exactly one; the
 * global guard denies anything that declares none.
 */
export type AccessRule =
  | { kind: 'public' }
  /** A customer identified by a signed visitor token (socket handshake), never a staff session. */
  | { kind: 'visitor' }
  /** Any signed-in session; `allowPending` lists sign-in steps it may still be in. */
  | { kind: 'session'; allowPending: readonly PendingStep[] }
  /** A machine caller (an external bot) with an API key that has `scope`; never a browser session. */
  | { kind: 'api_key'; scope: ApiKeyScope }
  /** An operator's metrics scraper: `METRICS_TOKEN` and/or `METRICS_ALLOW_NETWORKS`; nobody when neither is set. */
  | { kind: 'metrics' }
  | { kind: 'permission'; permissions: readonly Permission[] };

/** How a rule reads in the route table and in OpenAPI's `x-access`. */
export function describeAccess(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return 'public';
    case 'visitor':
      return 'visitor (signed visitor token)';
    case 'api_key':
      return `api key (${rule.scope})`;
    case 'metrics':
      return 'metrics scraper (METRICS_TOKEN / METRICS_ALLOW_NETWORKS)';
    case 'session':
      return rule.allowPending.length ? `session (also while: ${rule.allowPending.join(', ')})` : 'session';
    case 'permission':
      return rule.permissions.join(' + ');
  }
}

function declare(rule: AccessRule): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS, rule),
    ...(rule.kind === 'session' || rule.kind === 'permission' ? [ApiCookieAuth()] : []),
    ...(rule.kind === 'api_key' || rule.kind === 'metrics' ? [ApiBearerAuth()] : []),
    ApiExtension('x-access', describeAccess(rule)),
  );
}

/** Reachable without a session. */
export const Public = (): MethodDecorator & ClassDecorator => declare({ kind: 'public' });

/** Customer side: the caller is the visitor its token names, and acts only on its own conversations. */
export const RequireVisitor = (): MethodDecorator & ClassDecorator => declare({ kind: 'visitor' });

/** An API key (`Authorization: Bearer bk_…`) that grants `scope`. */
export const RequireApiKey = (scope: ApiKeyScope): MethodDecorator & ClassDecorator =>
  declare({ kind: 'api_key', scope });

/** A metrics scraper from an allowed network and/or with the bearer token; closed unless configured. */
export const MetricsAccess = (): MethodDecorator & ClassDecorator => declare({ kind: 'metrics' });

/** Any signed-in user, for their own account; sessions still finishing sign-in only if listed. */
export const RequireSession = (...allowPending: PendingStep[]): MethodDecorator & ClassDecorator =>
  declare({ kind: 'session', allowPending });

/** A fully signed-in session whose roles grant every listed permission. */
export const RequirePermission = (
  ...permissions: [Permission, ...Permission[]]
): MethodDecorator & ClassDecorator => declare({ kind: 'permission', permissions });

/** Sensitive action: the session must have passed MFA within the step-up window. */
export const RequireStepUp = (): MethodDecorator =>
  applyDecorators(SetMetadata(STEP_UP, true), ApiExtension('x-step-up', true));
