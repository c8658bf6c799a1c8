import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { lowFreePort } from './processes.js';

/**
 * A TCP forwarder on a fixed local port, in front of one server (PostgreSQL) or several (the API
 * instances, as a load balancer would: each new connection goes to the next backend that accepts it).
 * `cut()` is an outage as clients see it: every open connection dropped, new ones refused, until
 * `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  private next = 0;
  private listeningPort = 0;

  private constructor(private backends: number[]) {}

  /** A proxy on a free port in front of `backends`. */
  static async start(backends: number[]): Promise<TcpProxy> {
    const proxy = new TcpProxy(backends);
    // Below the range for outgoing connections: nothing takes the port while the proxy is cut.
    proxy.listeningPort = await proxy.listen(await lowFreePort());
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Where new connections go from now on; open ones stay where they are. */
  setBackends(ports: number[]): void {
    this.backends = ports;
  }

  /** A URL of the proxied server with this proxy's host and port (`postgresql://…`, `http://…`). */
  url(of: string): string {
    return Object.assign(new URL(of), { hostname: '127.0.0.1', port: String(this.port) }).toString();
  }

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  close(): Promise<void> {
    return this.cut();
  }

  private listen(port: number): Promise<number> {
    const server = createServer((client) => this.forward(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.server = undefined;
        reject(err);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  }

  private forward(client: Socket): void {
    this.open.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.once('close', () => this.open.delete(client));
    const tries = [...this.backends];
    const attempt = () => {
      const port = this.pick(tries);
      if (port === undefined || client.destroyed) return client.destroy();
      const upstream = createConnection({ host: '127.0.0.1', port });
      // A backend that refuses (a killed instance) is skipped, as a load balancer's health check would.
      upstream.once('error', attempt);
      upstream.once('connect', () => {
        upstream.off('error', attempt);
        if (client.destroyed) return upstream.destroy();
        this.open.add(upstream);
        upstream.once('close', () => {
          this.open.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        upstream.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt();
  }

  /** The next backend in turn among those not tried yet for this connection. */
  private pick(untried: number[]): number | undefined {
    if (untried.length === 0) return undefined;
    const index = this.next++ % untried.length;
    return untried.splice(index, 1)[0];
  }
}
