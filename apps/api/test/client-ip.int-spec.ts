import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, startApi, uniqueIp, type TestApi } from './support/api.js';
import { signedInAdmin } from './factories/users.factory.js';
import { closeSockets, customerSocket } from './support/sockets.js';

/**
 * The client's address in audit rows is resolved the same way over HTTP and on both socket
 * namespaces: the `X-Forwarded-For` client behind a trusted proxy (the tests' 127.0.0.1 peer is
 * trusted by the default `TRUST_PROXY=loopback`), the peer itself otherwise.
 */
describe('client address behind a trusted proxy', () => {
  let api: TestApi;
  /** Trusts no proxy: a forwarded header is whatever the peer claims. */
  let direct: TestApi;
  const extra: Socket[] = [];

  beforeAll(async () => {
    [api, direct] = await Promise.all([startApi(), startApi({ TRUST_PROXY: 'false' })]);
  });
  afterEach(() => {
    closeSockets();
    for (const socket of extra.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await Promise.all([api?.close(), direct?.close()]);
  });

  function socketOn(target: TestApi, namespace: string, headers: Record<string, string>): Socket {
    // Its own connection: socket.io-client otherwise shares one (and its headers) between namespaces.
    const socket = io(`${target.base}${namespace}`, {
      forceNew: true,
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: headers,
    });
    extra.push(socket);
    return socket;
  }
  const refused = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('connect_error', (err: Error) => resolve(err.message)));
  const connected = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  const deniedFrom = (target: TestApi, targetId: string, ip: string) =>
    target.prisma.auditEvent.findFirst({ where: { action: 'access.denied', targetId, ip } });

  it('HTTP: a refused request is audited with the forwarded client', async () => {
    const client = new Client(api.base);
    expect((await client.get('/api/v1/roles')).status).toBe(401);
    expect(await deniedFrom(api, 'GET /api/v1/roles', client.ip)).not.toBeNull();
  });

  it('/customer: a refused handshake is audited with the forwarded client', async () => {
    const ip = uniqueIp();
    const socket = customerSocket(api, 'not-a-token', { 'x-forwarded-for': ip });
    expect(await refused(socket)).toBe('invalid_visitor_token');
    expect(await deniedFrom(api, '/customer connect', ip)).toMatchObject({ result: 'denied' });
  });

  it('/agent: a refused handshake is audited with the forwarded client', async () => {
    const ip = uniqueIp();
    expect(await refused(socketOn(api, '/agent', { 'x-forwarded-for': ip }))).toBe('unauthenticated');
    expect(await deniedFrom(api, '/agent connect', ip)).toMatchObject({
      result: 'denied',
      data: { reason: 'no_session' },
    });
  });

  it('/agent: an event refused for a missing permission is audited with the forwarded client', async () => {
    const admin = await signedInAdmin(api);
    const socket = socketOn(api, '/agent', { cookie: admin.cookieHeader(), 'x-forwarded-for': admin.ip });
    await connected(socket);
    const reply = (await socket.timeout(3_000).emitWithAck('presence.set', { presence: 'available' })) as {
      error: { code: string };
    };
    expect(reply.error.code).toBe('forbidden');
    expect(await deniedFrom(api, 'SOCKET /agent presence.set', admin.ip)).toMatchObject({
      result: 'denied',
      data: { reason: 'missing_permission' },
    });
  });

  it('ignores a forwarded header from a peer that is not a trusted proxy, on HTTP and sockets alike', async () => {
    const spoofed = `203.0.113.${randomBytes(1)[0]! % 250}`;
    // Tells this test's rows apart from the other tests' (the instances share one database).
    const headers = { 'x-forwarded-for': spoofed, 'user-agent': `spoof-${randomBytes(4).toString('hex')}` };
    const response = await fetch(`${direct.base}/api/v1/roles`, { headers });
    expect(response.status).toBe(401);
    expect(await refused(socketOn(direct, '/agent', headers))).toBe('unauthenticated');
    const rows = await direct.prisma.auditEvent.findMany({
      where: { action: 'access.denied', userAgent: headers['user-agent'] },
    });
    expect(new Set(rows.map((row) => row.targetId))).toEqual(
      new Set(['GET /api/v1/roles', '/agent connect']),
    );
    expect(rows.every((row) => row.ip === '127.0.0.1')).toBe(true);
  });
});

describe('the default namespace', () => {
  let api: TestApi;
  let socket: Socket | undefined;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    socket?.disconnect();
    await api?.close();
  });

  it('refuses a connection to `/` (it serves nothing) and audits it with the forwarded client', async () => {
    const ip = uniqueIp();
    socket = io(`${api.base}/`, {
      forceNew: true,
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': ip },
    });
    const outcome = await new Promise<string>((resolve) => {
      socket!.once('connect', () => resolve('connected'));
      socket!.once('connect_error', (err: Error) => resolve(`refused: ${err.message}`));
    });
    expect(outcome).toBe('refused: namespace_not_served');
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'access.denied', targetId: '/ connect', ip },
      }),
    ).toMatchObject({
      result: 'denied',
      actorId: null,
      data: { status: 404, reason: 'namespace_not_served' },
    });
  });
});
