import type { Permission } from '@baton/authz';
import type { PendingStep } from '@baton/contracts';
import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiCookieAuth, ApiExtension } from '@nestjs/swagger';

export const ACCESS = 'baton:access';
export const STEP_UP = 'baton:step-up';

/**
 * What a route (and, later, a socket event) requires. Every handler declares exactly one; the
 * global guard denies anything that declares none.
 */
export type AccessRule =
  | { kind: 'public' }
  /** A customer identified by a signed visitor token (socket handshake), never a staff session. */
  | { kind: 'visitor' }
  /** Any signed-in session; `allowPending` lists sign-in steps it may still be in. */
  | { kind: 'session'; allowPending: readonly PendingStep[] }
  | { kind: 'permission'; permissions: readonly Permission[] };

/** Reachable without a session. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'public' } satisfies AccessRule),
    ApiExtension('x-access', 'public'),
  );

/** Customer side: the caller is the visitor its token names, and acts only on its own conversations. */
export const RequireVisitor = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'visitor' } satisfies AccessRule),
    ApiExtension('x-access', 'visitor'),
  );

/** Any signed-in user, for their own account; sessions still finishing sign-in only if listed. */
export const RequireSession = (...allowPending: PendingStep[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'session', allowPending } satisfies AccessRule),
    ApiCookieAuth(),
    ApiExtension(
      'x-access',
      allowPending.length ? `session (also while: ${allowPending.join(', ')})` : 'session',
    ),
  );

/** A fully signed-in session whose roles grant every listed permission. */
export const RequirePermission = (
  ...permissions: [Permission, ...Permission[]]
): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'permission', permissions } satisfies AccessRule),
    ApiCookieAuth(),
    ApiExtension('x-access', permissions.join(' + ')),
  );

/** Sensitive action: the session must have passed MFA within the step-up window. */
export const RequireStepUp = (): MethodDecorator =>
  applyDecorators(SetMetadata(STEP_UP, true), ApiExtension('x-step-up', true));
