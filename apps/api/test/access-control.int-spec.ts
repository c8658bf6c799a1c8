import { Controller, Get, Module, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { Public, RequirePermission } from '../src/common/decorators/access.decorators.js';
import { RouteAccessRegistry } from '../src/modules/auth/route-access.registry.js';
import { Client, createUser, signIn, useApi } from './support/api.js';

describe('every route declares who may call it', () => {
  const api = useApi();

  it('has no undeclared route, and the route → permission table is reviewed on every change', async () => {
    const routes = api.app.get(RouteAccessRegistry).list();
    expect(routes.filter((r) => r.access === 'UNDECLARED')).toEqual([]);
    const table = routes
      .map(
        (r) => `${r.method.padEnd(6)} ${r.path.padEnd(40)} ${r.access}${r.stepUp ? '  [step-up MFA]' : ''}`,
      )
      .join('\n');
    // A diff in this file is a permission change: review it as one.
    await expect(`${table}\n`).toMatchFileSnapshot('./__snapshots__/route-permissions.txt');
  });

  it('refuses to start when a route declares nothing', async () => {
    @Controller('rogue')
    class RogueController {
      @Get('open')
      @Public()
      open() {
        return 'fine';
      }

      @Post('forgotten')
      forgotten() {
        return 'nobody said who may call this';
      }

      @Get('guarded')
      @RequirePermission('audit:read')
      guarded() {
        return 'fine';
      }
    }
    @Module({ imports: [DiscoveryModule], controllers: [RogueController], providers: [RouteAccessRegistry] })
    class RogueModule {}

    const moduleRef = await Test.createTestingModule({ imports: [RogueModule] }).compile();
    const registry = moduleRef.get(RouteAccessRegistry);
    expect(registry.list().map((r) => [r.method, r.path, r.access])).toEqual([
      ['POST', '/api/rogue/forgotten', 'UNDECLARED'],
      ['GET', '/api/rogue/guarded', 'audit:read'],
      ['GET', '/api/rogue/open', 'public'],
    ]);
    await expect(moduleRef.createNestApplication().init()).rejects.toThrow(
      'Routes without @RequirePermission, @RequireSession or @Public: POST /api/rogue/forgotten',
    );
  });

  it('publishes the OpenAPI description with each operation’s access rule', async () => {
    const response = await fetch(`${api.base}/api/docs-json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      paths: Record<string, Record<string, { 'x-access'?: string; 'x-step-up'?: boolean }>>;
    };
    expect(doc.paths['/api/v1/users']?.get?.['x-access']).toBe('user:read');
    expect(doc.paths['/api/v1/users/{id}/roles']?.put?.['x-step-up']).toBe(true);
    expect(doc.paths['/api/v1/auth/login']?.post?.['x-access']).toBe('public');
    expect((await fetch(`${api.base}/api/docs`)).status).toBe(200);
  });
});

describe('denials', () => {
  const api = useApi();

  it('an agent calling an admin route gets 403, and the denial is audited', async () => {
    const agent = await createUser(api, { roles: ['agent'] });
    const client = await signIn(api, agent);
    const denied = await client.get('/api/v1/users');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'forbidden' } });

    const event = await api.prisma.auditEvent.findFirst({
      where: { action: 'access.denied', actorId: agent.id },
      orderBy: { seq: 'desc' },
    });
    expect(event).toMatchObject({
      result: 'denied',
      actorEmail: agent.email,
      actorRoles: ['agent'],
      targetType: 'route',
      targetId: 'GET /api/v1/users',
      ip: client.ip,
      userAgent: 'baton-tests',
      data: { status: 403, reason: 'missing_permission', required: ['user:read'] },
    });
    expect(event?.requestId).toBe(denied.body.requestId);
  });

  it('a request without a session gets 401, audited with the caller’s address', async () => {
    const anonymous = new Client(api.base);
    const denied = await anonymous.get('/api/v1/roles');
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const event = await api.prisma.auditEvent.findFirst({
      where: { action: 'access.denied', requestId: String(denied.body.requestId) },
    });
    expect(event).toMatchObject({
      result: 'denied',
      actorId: null,
      ip: anonymous.ip,
      data: { status: 401, reason: 'no_session' },
    });
  });

  it('a forged or stale session cookie is 401', async () => {
    const client = new Client(api.base);
    const response = await fetch(`${api.base}/api/v1/auth/me`, {
      headers: { cookie: 'baton_session=made-up-token', 'x-forwarded-for': client.ip },
    });
    expect(response.status).toBe(401);
  });

  it('a session still signing in can do nothing but finish signing in', async () => {
    const supervisor = await createUser(api, { roles: ['supervisor'] });
    const client = new Client(api.base);
    const login = await client.post('/api/v1/auth/login', {
      email: supervisor.email,
      password: supervisor.password,
    });
    expect(login.body).toMatchObject({ pending: 'mfa_enrolment' });
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    const blocked = await client.get('/api/v1/auth/sessions');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ error: { code: 'auth.mfa_enrolment_required' } });
    expect((await client.post('/api/v1/auth/mfa/enrolment')).status).toBe(200);
  });

  it('rejects malformed input at the boundary with field details', async () => {
    const client = new Client(api.base);
    const response = await client.post('/api/v1/auth/login', {
      email: 'not-an-email',
      password: 'x',
      extra: 1,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'validation_failed' } });
    const paths = (response.body as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['email']));
  });
});
