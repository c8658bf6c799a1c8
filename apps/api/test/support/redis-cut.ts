import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of this run's Redis that can cut the connections of some clients, by the
 * name each gives itself (`CLIENT SETNAME baton:socket.io:sub`), and refuse them until restored:
 * one process loses Redis the way a network fault would, while the shared Redis and every other
 * connection carry on.
 */
export interface RedisCut {
  /** The Redis URL to give the process under test. */
  url: string;
  /** Closes the connections whose name matches, and every new one that names itself so. */
  cut(names: RegExp): void;
  restore(): void;
  close(): Promise<void>;
}

const SETNAME = /setname\r\n\$\d+\r\n([^\r]+)\r\n/i;

export async function redisCut(redisUrl: string): Promise<RedisCut> {
  const target = new URL(redisUrl);
  const pairs = new Set<{ client: Socket; upstream: Socket; name: string }>();
  let blocked: RegExp | null = null;
  const drop = (pair: { client: Socket; upstream: Socket }) => {
    pair.client.destroy();
    pair.upstream.destroy();
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    const pair = { client, upstream, name: '' };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      pair.name ||= SETNAME.exec(chunk.toString('latin1'))?.[1] ?? '';
      if (blocked && pair.name && blocked.test(pair.name)) return drop(pair);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const close = () => {
      pairs.delete(pair);
      drop(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut(names) {
      blocked = names;
      for (const pair of pairs) if (names.test(pair.name)) drop(pair);
    },
    restore() {
      blocked = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) drop(pair);
        server.close(() => resolve());
      }),
  };
}
