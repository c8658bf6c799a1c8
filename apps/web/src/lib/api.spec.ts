import { ZQueue } from '@baton/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { api, ResponseShapeError } from './api';
import { queryKeys, queuesQuery } from './queries';
import { createQueryClient } from './query-client';

const queue = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Sales',
  description: '',
  priority: 0,
  routingMode: 'least_busy',
  offerTimeoutSeconds: null,
  requiredSkills: [],
  slaFirstResponseSeconds: null,
  slaResolutionSeconds: null,
  archived: false,
  members: [],
};

function answer(status: number, body: unknown): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async () =>
        new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }),
    ),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the typed client', () => {
  it('returns the answer parsed by the contract schema', async () => {
    answer(200, [{ ...queue, internalNote: 'not in the contract' }]);
    const queues = await api.get('/queues', z.array(ZQueue));
    expect(queues).toEqual([queue]);
  });

  it('refuses an answer that does not match the contract, naming where', async () => {
    answer(200, [{ ...queue, priority: 'high' }]);
    const failure = api.get('/queues', z.array(ZQueue));
    await expect(failure).rejects.toBeInstanceOf(ResponseShapeError);
    await expect(api.get('/queues', z.array(ZQueue))).rejects.toThrow(/GET \/queues .* at 0\.priority/);
  });

  it('still reports the server’s refusal as the API error, not a shape error', async () => {
    answer(403, { error: { code: 'auth.forbidden', message: 'Not allowed.' }, requestId: 'r' });
    await expect(api.get('/queues', z.array(ZQueue))).rejects.toMatchObject({
      status: 403,
      code: 'auth.forbidden',
    });
  });

  it('reads an error answer of another shape as a plain HTTP failure, never as its fields', async () => {
    answer(502, { error: 'Bad gateway' });
    await expect(api.get('/queues', z.array(ZQueue))).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'The server answered 502.',
    });
  });
});

describe('the query layer', () => {
  it('loads a resource once for concurrent readers and caches it under its key', async () => {
    answer(200, [queue]);
    const client = createQueryClient();
    const [a, b] = await Promise.all([client.fetchQuery(queuesQuery()), client.fetchQuery(queuesQuery())]);
    expect(a).toEqual([queue]);
    expect(b).toBe(a);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(client.getQueryData(queryKeys.queues)).toEqual([queue]);
  });
});
