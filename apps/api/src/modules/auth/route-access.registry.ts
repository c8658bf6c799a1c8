import { Injectable, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
} from '@nestjs/websockets/constants.js';
import {
  ACCESS,
  STEP_UP,
  describeAccess,
  type AccessRule,
} from '../../common/decorators/access.decorators.js';
import { API_PREFIX, ROUTES_OUTSIDE_API_PREFIX } from '../../common/http/api-prefix.js';

export interface RouteAccess {
  method: string;
  path: string;
  /** `public`, `session`, `session (also while: …)`, the required permissions, or `UNDECLARED`. */
  access: string;
  stepUp: boolean;
}

const describe = (rule: AccessRule | undefined): string => (rule ? describeAccess(rule) : 'UNDECLARED');

const join = (...parts: (string | undefined)[]) =>
  `/${parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .join('/')}`;

/**
 * Lists every HTTP route with its access rule, and refuses to start the application when a route
 * declares none (the guard would deny it anyway; failing at boot makes the mistake loud).
 */
@Injectable()
export class RouteAccessRegistry implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  list(): RouteAccess[] {
    const routes: RouteAccess[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype;
      const prototype = type?.prototype as object | undefined;
      if (!type || !prototype) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [handler, type]);
        const stepUp = Boolean(this.reflector.get<boolean | undefined>(STEP_UP, handler));
        for (const b of [base].flat())
          for (const p of [path].flat()) {
            const local = join(b, p);
            const outside = ROUTES_OUTSIDE_API_PREFIX.includes(local.slice(1));
            routes.push({
              method,
              path: outside ? local : join(API_PREFIX, local),
              access: describe(rule),
              stepUp,
            });
          }
      }
    }
    // Socket event handlers of every gateway, listed as `SOCKET <namespace> <event>`.
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      const namespace = (Reflect.getMetadata(GATEWAY_OPTIONS, type) as { namespace?: string } | undefined)
        ?.namespace;
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        if (!Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler)) continue;
        const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [handler, type]);
        routes.push({
          method: 'SOCKET',
          path: `${namespace ?? '/'} ${String(Reflect.getMetadata(MESSAGE_METADATA, handler))}`,
          access: describe(rule),
          stepUp: Boolean(this.reflector.get<boolean | undefined>(STEP_UP, handler)),
        });
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }

  onApplicationBootstrap(): void {
    const undeclared = this.list().filter((r) => r.access === 'UNDECLARED');
    if (undeclared.length > 0) {
      throw new Error(
        `Routes without @RequirePermission, @RequireSession or @Public: ${undeclared
          .map((r) => `${r.method} ${r.path}`)
          .join(', ')}`,
      );
    }
  }
}
