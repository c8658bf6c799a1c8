import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobsService } from '../src/jobs/jobs.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import { MetricsService } from '../src/modules/metrics/metrics.service.js';
import { RedisService } from '../src/redis/redis.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { handedOff, visitor } from './factories/conversations.factory.js';
import { createQueue, queueWith } from './factories/queues.factory.js';
import { signedInAdmin, signedInAgent } from './factories/users.factory.js';
import { eventually, startApi, uniqueIp, useApi, type TestApi } from './support/api.js';
import { agentSocket, ask, closeSockets, connected, customerSocket } from './support/sockets.js';

const TOKEN = randomBytes(32).toString('base64url');

/** One sample of the Prometheus text format: `name{label="value",…} 12.5`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labelText = '', value] = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, val]) => [key!, val!]),
      );
      return { name: name!, labels, value: Number(value) };
    });
}

/** The value of the one sample of `name` whose labels include `labels`, or undefined. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  )?.value;
}

function scrape(api: TestApi, headers: Record<string, string> = {}) {
  return fetch(`${api.base}/api/metrics`, { headers: { 'x-forwarded-for': uniqueIp(), ...headers } });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function denials(api: TestApi, ip: string) {
  return api.prisma.auditEvent.findMany({
    where: { action: 'access.denied', targetId: 'GET /api/metrics', ip },
  });
}

describe('GET /api/metrics', () => {
  /** Neither METRICS_TOKEN nor METRICS_ALLOW_NETWORKS: the endpoint does not exist for anyone. */
  let closed: TestApi;
  let byToken: TestApi;
  let byNetwork: TestApi;
  /** Trusts no proxy, and wants a token from an allowed network: a forwarded header proves nothing. */
  let direct: TestApi;

  beforeAll(async () => {
    [closed, byToken, byNetwork, direct] = await Promise.all([
      startApi(),
      startApi({ METRICS_TOKEN: TOKEN }, { logLevel: 'debug' }),
      startApi({ METRICS_ALLOW_NETWORKS: '198.51.100.0/24, 2001:db8::/32' }),
      startApi({ TRUST_PROXY: 'false', METRICS_ALLOW_NETWORKS: '198.51.100.0/24', METRICS_TOKEN: TOKEN }),
    ]);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([closed?.close(), byToken?.close(), byNetwork?.close(), direct?.close()]);
  });

  it('is not there unless configured: 404 even with a token, and the denial is audited', async () => {
    const ip = uniqueIp();
    const response = await scrape(closed, { 'x-forwarded-for': ip, ...bearer(TOKEN) });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(await denials(closed, ip)).toEqual([
      expect.objectContaining({
        result: 'denied',
        data: { status: 404, errorCode: 'not_found', reason: 'metrics_not_configured' },
      }),
    ]);
    // Nothing is measured either: no process metrics, no timed requests, no watched events.
    expect(closed.app.get(MetricsService).registry.getMetricsAsArray()).toEqual([]);
  });

  it('refuses a missing or wrong token with 401, audits it, and never logs a token', async () => {
    const ip = uniqueIp();
    const wrong = randomBytes(32).toString('base64url');
    expect((await scrape(byToken, { 'x-forwarded-for': ip })).status).toBe(401);
    expect((await scrape(byToken, { 'x-forwarded-for': ip, ...bearer(wrong) })).status).toBe(401);
    // The right token with one character changed, and as a bare header without the scheme.
    expect((await scrape(byToken, { 'x-forwarded-for': ip, ...bearer(`${TOKEN}x`) })).status).toBe(401);
    expect((await scrape(byToken, { 'x-forwarded-for': ip, authorization: TOKEN })).status).toBe(401);
    const reasons = (await denials(byToken, ip)).map((row) => (row.data as { reason: string }).reason);
    expect(reasons.sort()).toEqual(['no_token', 'no_token', 'wrong_token', 'wrong_token']);

    expect((await scrape(byToken, bearer(TOKEN))).status).toBe(200);
    const logged = JSON.stringify(byToken.logs());
    expect(logged).toContain('/api/metrics');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(wrong);
  });

  it('serves every metric family in the Prometheus text format to the token holder', async () => {
    const api = byToken;
    const admin = await signedInAdmin(api);
    const agent = await signedInAgent(api, 2, 'available');
    // Away: routing passes them by, but they take a transfer.
    const colleague = await signedInAgent(api, 2, 'away');
    const waiting = await createQueue(admin);
    const served = await queueWith(admin, [{ userId: agent.user.id }, { userId: colleague.user.id }]);
    const channel = await webchatChannel(api, { config: { allowedOrigins: [] } });

    const before = await (await scrape(api, bearer(TOKEN))).text();
    const customerMessagesBefore =
      valueOf(before, 'baton_messages_stored_total', { author_kind: 'customer' }) ?? 0;

    // Routing assigns this one to the available member at once…
    const routed = await handedOff(api, channel.id, served.id);
    expect(
      await eventually(
        () => api.prisma.conversation.findUniqueOrThrow({ where: { id: routed.id } }),
        (c) => c.status === 'assigned',
      ),
    ).toMatchObject({ status: 'assigned', assigneeId: agent.user.id });
    // …this one waits: its queue has nobody.
    const customer = await visitor(api, channel.id);
    await handedOff(api, channel.id, waiting.id, { contactId: customer.contact.id });

    const staffSocket = agentSocket(api, agent.client, { 'x-forwarded-for': agent.client.ip });
    const customerSide = customerSocket(api, customer.token, { 'x-forwarded-for': uniqueIp() });
    await Promise.all([connected(staffSocket), connected(customerSide)]);
    expect(
      await ask(customerSide, 'message.send', {
        body: 'Still there?',
        clientMessageId: `m-${randomBytes(4).toString('hex')}`,
      }),
    ).toMatchObject({ ok: true });

    // A job that fails for good, as a broken handler or provider would make one.
    const redis = api.app.get(RedisService);
    const failing = new Worker(
      QueueName.System,
      () => {
        throw new UnrecoverableError('metrics test: this job fails');
      },
      { connection: redis.connect('metrics-test-worker'), prefix: redis.prefix },
    );
    try {
      const job = await api.app.get(JobsService).queue(QueueName.System).add('metrics.fails', {});
      expect(
        await eventually(
          () => job.getState(),
          (state) => state === 'failed',
        ),
      ).toBe('failed');
    } finally {
      await failing.close();
    }

    // Queue, job and sealing figures are cached for a few seconds: read until they show the changes.
    const check = (text: string) => ({
      customerMessages:
        (valueOf(text, 'baton_messages_stored_total', { author_kind: 'customer' }) ?? 0) -
        customerMessagesBefore,
      agentSockets: valueOf(text, 'baton_sockets_connected', { namespace: '/agent' }),
      customerSockets: valueOf(text, 'baton_sockets_connected', { namespace: '/customer' }),
      waiting: valueOf(text, 'baton_queue_waiting_conversations', { queue: waiting.name }),
      waitingServed: valueOf(text, 'baton_queue_waiting_conversations', { queue: served.name }),
      routed: valueOf(text, 'baton_routing_latency_seconds_count', { queue: served.name }),
      failedJobs: valueOf(text, 'baton_jobs', { queue: QueueName.System, state: 'failed' }),
    });
    const expected = {
      customerMessages: 1,
      agentSockets: 1,
      customerSockets: 1,
      waiting: 1,
      waitingServed: 0,
      routed: 1,
      failedJobs: 1,
    };
    let response: Response | undefined;
    let text = '';
    await eventually(
      async () => {
        response = await scrape(api, bearer(TOKEN));
        text = await response.text();
        return check(text);
      },
      (seen) => JSON.stringify(seen) === JSON.stringify(expected),
      { timeoutMs: 12_000, intervalMs: 500 },
    );
    expect(check(text)).toEqual(expected);
    expect(response!.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(valueOf(text, 'baton_queue_oldest_wait_seconds', { queue: waiting.name })).toBeGreaterThanOrEqual(
      0,
    );
    expect(valueOf(text, 'baton_queue_oldest_wait_seconds', { queue: served.name })).toBe(0);
    expect(valueOf(text, 'baton_routing_latency_seconds_sum', { queue: served.name })).toBeGreaterThanOrEqual(
      0,
    );
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(valueOf(text, 'baton_jobs', { queue: QueueName.Bots, state })).toBeTypeOf('number');
    }
    // The API process seals nothing; whatever its requests audited is still waiting for the worker's sealer.
    expect(valueOf(text, 'baton_audit_sealing_lag_seconds')).toBeGreaterThan(0);
    expect(valueOf(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Latency by route template: the members route carries an id, its label never does.
    expect(
      valueOf(text, 'baton_http_request_duration_seconds_count', {
        method: 'PUT',
        route: '/api/v1/queues/:id/members',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(
      valueOf(text, 'baton_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/metrics',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    const routes = samples(text).flatMap((s) => (s.labels.route ? [s.labels.route] : []));
    expect(routes.filter((route) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(route))).toEqual([]);

    // Handing it straight to a colleague is an assignment, but no routing: its latency is not measured.
    const transfer = await agent.client.post(`/api/v1/conversations/${routed.id}/transfer`, {
      toUserId: colleague.user.id,
    });
    expect(transfer.status).toBe(200);
    const afterTransfer = await (await scrape(api, bearer(TOKEN))).text();
    expect(valueOf(afterTransfer, 'baton_routing_latency_seconds_count', { queue: served.name })).toBe(1);
  });

  it('serves an allowed network and refuses any other client with 403, audited', async () => {
    for (const ip of ['198.51.100.7', '::ffff:198.51.100.8', '2001:db8::5']) {
      const response = await scrape(byNetwork, { 'x-forwarded-for': ip });
      expect({ ip, status: response.status }).toEqual({ ip, status: 200 });
    }
    const outsider = `203.0.113.${randomBytes(1)[0]! % 250}`;
    expect((await scrape(byNetwork, { 'x-forwarded-for': outsider })).status).toBe(403);
    expect(await denials(byNetwork, outsider)).toContainEqual(
      expect.objectContaining({
        data: { status: 403, errorCode: 'forbidden', reason: 'network_not_allowed' },
      }),
    );
  });

  it('takes the client from TRUST_PROXY, so a forwarded header from anyone else does not open it', async () => {
    const response = await scrape(direct, { 'x-forwarded-for': '198.51.100.7', ...bearer(TOKEN) });
    expect(response.status).toBe(403);
    expect(await denials(direct, '127.0.0.1')).toContainEqual(
      expect.objectContaining({
        data: { status: 403, errorCode: 'forbidden', reason: 'network_not_allowed' },
      }),
    );
  });
});

describe('scrapes and the database', () => {
  const api = useApi({ METRICS_TOKEN: TOKEN });

  it('answers a burst of scrapes from one reading: two queries, however many scrapers', async () => {
    // Every scrape-time read is one tagged query; the spy counts them and lets them through.
    const queries = vi.spyOn(api.prisma, '$queryRaw');
    const responses = await Promise.all(Array.from({ length: 20 }, () => scrape(api, bearer(TOKEN))));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    // Waiting conversations per queue, and the oldest unsealed audit event.
    expect(queries).toHaveBeenCalledTimes(2);
    queries.mockRestore();
  });
});
