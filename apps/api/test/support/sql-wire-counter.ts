import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that counts the SQL statements its clients send, read off the
 * wire protocol: each simple query (`Q`) and each execution of an extended-protocol portal (`E`) is
 * one statement, whatever library sent it (Prisma's adapter, `pg`, `psql`). `BEGIN` and `COMMIT`
 * count too: they are round trips like any other. Tests and benchmarks point the process they
 * measure at `url` and read `statements` before and after.
 */
export interface SqlWireCounter {
  /** The database URL to give the measured process: the same database, through the proxy. */
  url: string;
  /** Statements sent since start (or since the last `reset`). */
  statements(): number;
  /** Their SQL text in order, when started with `keepText` (what a test prints when over its bound). */
  log(): string[];
  reset(): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** A NUL-terminated string at `offset` of a protocol message. */
const cString = (message: Buffer, offset: number) => {
  const end = message.indexOf(0, offset);
  return message.toString('utf8', offset, end < 0 ? message.length : end);
};

/** Splits the client's byte stream into protocol messages and counts the statement ones. */
function countingParser(count: (sql: string) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  // Extended protocol: `E` runs what the last `P` parsed (prepared statements by name).
  const parsed = new Map<string, string>();
  let portal = '';
  // The first message (and a second one after an SSL/GSS request is declined) has no type byte.
  let untyped = true;
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      if (untyped) {
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        untyped = code === SSL_REQUEST || code === GSSENC_REQUEST;
        buffered = buffered.subarray(length);
        continue;
      }
      if (buffered.length < 5) return;
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      const message = buffered.subarray(5, 1 + length);
      if (type === 'P') {
        const name = cString(message, 0);
        parsed.set(name, cString(message, Buffer.byteLength(name) + 1));
      } else if (type === 'B') {
        const name = cString(message, 0);
        portal = parsed.get(cString(message, Buffer.byteLength(name) + 1)) ?? '';
      } else if (type === 'Q') count(cString(message, 0));
      else if (type === 'E') count(portal);
      buffered = buffered.subarray(1 + length);
    }
  };
}

/** Starts the proxy on a free loopback port in front of the server `databaseUrl` names. */
export async function startSqlWireCounter(
  databaseUrl: string,
  { keepText = false }: { keepText?: boolean } = {},
): Promise<SqlWireCounter> {
  const target = new URL(databaseUrl);
  const host = target.hostname || '127.0.0.1';
  const port = Number(target.port || 5432);
  let statements = 0;
  let texts: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host, port });
    sockets.add(client).add(upstream);
    const parse = countingParser((sql) => {
      statements += 1;
      if (keepText) texts.push(sql);
    });
    client.on('data', (chunk: Buffer) => {
      parse(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as { port: number };
  const url = Object.assign(new URL(databaseUrl), { hostname: '127.0.0.1', port: String(proxyPort) });
  return {
    url: url.toString(),
    statements: () => statements,
    log: () => [...texts],
    reset: () => {
      statements = 0;
      texts = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
