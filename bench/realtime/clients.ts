import {
  AgentClientEvent,
  AgentServerEvent,
  CustomerClientEvent,
  CustomerServerEvent,
} from '@baton/contracts';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { SeededCustomer, SeededStaff } from './seed.js';
import { nth, percentiles, round, sleep, type Percentiles } from './stats.js';

/**
 * The client side of every scenario, the same code against Baton and against the relay: only the
 * handshake differs (a session cookie and a visitor token for Baton; the ids themselves for the relay,
 * which checks nothing).
 */
export type TargetKind = 'baton' | 'relay';

export interface Target {
  kind: TargetKind;
  /** One base URL per server instance; clients are spread over them in turn. */
  bases: string[];
}

const baseOptions: Partial<ManagerOptions & SocketOptions> = {
  transports: ['websocket'],
  reconnection: false,
  timeout: 30_000,
};

export function agentSocket(target: Target, agent: SeededStaff, index: number): Socket {
  const base = nth(target.bases, index % target.bases.length);
  return io(`${base}/agent`, {
    ...baseOptions,
    ...(target.kind === 'baton'
      ? { extraHeaders: { cookie: agent.cookie } }
      : { auth: { userId: agent.userId } }),
  });
}

/**
 * Customer `index` goes to the instance after the one of agent `index` (whose conversations it holds
 * when there are as many customers as agents × 5): with several instances, every message crosses
 * from one instance to another, the fan-out's worst case.
 */
export function customerSocket(target: Target, customer: SeededCustomer, index: number): Socket {
  const base = nth(target.bases, (index + 1) % target.bases.length);
  return io(`${base}/customer`, {
    ...baseOptions,
    ...(target.kind === 'baton'
      ? { auth: { token: customer.token }, extraHeaders: { 'x-forwarded-for': customer.ip } }
      : {
          auth: {
            contactId: customer.contactId,
            conversationId: customer.conversationId,
            agentId: customer.agentId,
          },
        }),
  });
}

/** Resolves once connected; rejects with the server's refusal. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(`connect refused: ${error.message}`)));
  });
}

/** Opens `count` sockets, `concurrency` handshakes at a time; returns them once all are connected. */
export async function openAll(
  count: number,
  open: (i: number) => Socket,
  concurrency = 50,
): Promise<Socket[]> {
  const sockets: Socket[] = new Array<Socket>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      sockets[i] = open(i);
      await connected(sockets[i]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  } catch (error) {
    for (const socket of sockets) socket?.disconnect();
    throw error;
  }
  return sockets;
}

interface Delivered {
  message?: { body?: unknown; authorKind?: unknown };
}

/** What one step records; a late answer to an earlier step's message lands in that step's record. */
interface StepRecord {
  latencies: number[];
  acks: number[];
  errors: string[];
  lastDelivery: number;
}

interface Pending {
  step: StepRecord;
  sentAt: number;
  to: 'agent' | 'customer';
  acked: boolean;
  delivered: boolean;
}

export interface StepResult {
  rate: number;
  seconds: number;
  sent: number;
  delivered: number;
  errors: number;
  /** Acknowledged but never delivered (within the drain), by the side that should have received them. */
  undelivered: { agent: number; customer: number };
  /** Messages delivered per second, from the first send to the last delivery. */
  achievedRate: number;
  /** Send → `message.created` on the other side. */
  latency: Percentiles;
  /** Send → acknowledgement. */
  ack: Percentiles;
  /** First refusals, to say what went wrong. */
  errorSamples: string[];
}

const ACK_TIMEOUT_MS = 15_000;
const BODY_PREFIX = 'bench message ';

/**
 * 100 agents and 500 customers in assigned conversations (or whatever was seeded), each on one socket,
 * sending messages both ways at an open-loop rate: a message is sent when its time comes, whether or
 * not earlier ones were answered, so a slow server shows as latency and errors, not as a lower rate.
 */
export class MessageSwarm {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private step: StepRecord = { latencies: [], acks: [], errors: [], lastDelivery: 0 };

  private constructor(
    private readonly customers: { customer: SeededCustomer; socket: Socket; agentSocket: Socket }[],
    private readonly agentSockets: Socket[],
  ) {
    for (const socket of agentSockets)
      socket.on(AgentServerEvent.MessageCreated, (payload: Delivered) => this.arrived(payload, 'agent'));
    for (const { socket } of customers)
      socket.on(CustomerServerEvent.MessageCreated, (payload: Delivered) =>
        this.arrived(payload, 'customer'),
      );
  }

  static async connect(
    target: Target,
    agents: SeededStaff[],
    customers: SeededCustomer[],
  ): Promise<MessageSwarm> {
    const agentSockets = await openAll(agents.length, (i) => agentSocket(target, nth(agents, i), i));
    const customerSockets = await openAll(customers.length, (i) =>
      customerSocket(target, nth(customers, i), i),
    ).catch((error: unknown) => {
      for (const socket of agentSockets) socket.disconnect();
      throw error;
    });
    const byAgent = new Map(agents.map((agent, i) => [agent.userId, nth(agentSockets, i)]));
    return new MessageSwarm(
      customers.map((customer, i) => {
        const agentSocket = customer.agentId ? byAgent.get(customer.agentId) : undefined;
        if (!agentSocket)
          throw new Error(`customer ${customer.contactId} has no agent among those connected`);
        return { customer, socket: nth(customerSockets, i), agentSocket };
      }),
      agentSockets,
    );
  }

  private arrived(payload: Delivered, side: 'agent' | 'customer'): void {
    const body = payload.message?.body;
    if (typeof body !== 'string' || !body.startsWith(BODY_PREFIX)) return;
    const id = Number(body.slice(BODY_PREFIX.length));
    const entry = this.pending.get(id);
    if (!entry || entry.to !== side || entry.delivered) return;
    const now = performance.now();
    entry.delivered = true;
    entry.step.latencies.push(now - entry.sentAt);
    entry.step.lastDelivery = now;
    if (entry.acked) this.pending.delete(id);
  }

  private send(index: number): void {
    const {
      customer,
      socket: customerSocket,
      agentSocket,
    } = nth(this.customers, index % this.customers.length);
    // Turn about in each conversation: one pass over the conversations, then the other way round.
    const fromCustomer = (index + Math.floor(index / this.customers.length)) % 2 === 0;
    const socket = fromCustomer ? customerSocket : agentSocket;
    const id = this.nextId++;
    const step = this.step;
    const entry: Pending = {
      step,
      sentAt: performance.now(),
      to: fromCustomer ? 'agent' : 'customer',
      acked: false,
      delivered: false,
    };
    this.pending.set(id, entry);
    const event = fromCustomer ? CustomerClientEvent.SendMessage : AgentClientEvent.SendMessage;
    const payload = {
      conversationId: customer.conversationId,
      body: `${BODY_PREFIX}${id}`,
      clientMessageId: `bench-${id}-${customer.contactId.slice(0, 8)}`,
    };
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error: Error | null, reply?: { ok?: boolean }) => {
      if (error || reply?.ok !== true) {
        this.pending.delete(id);
        step.errors.push(error ? error.message : JSON.stringify(reply).slice(0, 200));
        return;
      }
      entry.acked = true;
      step.acks.push(performance.now() - entry.sentAt);
      if (entry.delivered) this.pending.delete(id);
    });
  }

  /** Sends at `rate` msg/s for `seconds`, then waits (at most `drainMs`) for what is still on its way. */
  async run(rate: number, seconds: number, drainMs = 10_000): Promise<StepResult> {
    this.pending.clear();
    this.step = { latencies: [], acks: [], errors: [], lastDelivery: 0 };
    const total = Math.round(rate * seconds);
    const start = performance.now();
    let sent = 0;
    // Spread over the conversations, starting at a random one so steps do not repeat the same order.
    const offset = Math.floor(Math.random() * this.customers.length);
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) this.send(offset + sent++);
      await sleep(2);
    }
    const until = performance.now() + drainMs;
    while (this.pending.size > 0 && performance.now() < until) await sleep(20);
    const delivered = this.step.latencies.length;
    const undelivered = { agent: 0, customer: 0 };
    for (const entry of this.pending.values())
      if (entry.acked && !entry.delivered) undelivered[entry.to] += 1;
    const errors = sent - delivered;
    const span = (this.step.lastDelivery || performance.now()) - start;
    return {
      rate,
      seconds,
      sent,
      delivered,
      errors,
      undelivered,
      achievedRate: round(delivered / (span / 1000)),
      latency: percentiles(this.step.latencies),
      ack: percentiles(this.step.acks),
      errorSamples: [...new Set(this.step.errors)].slice(0, 5),
    };
  }

  close(): void {
    for (const { socket } of this.customers) socket.disconnect();
    for (const socket of this.agentSockets) socket.disconnect();
  }
}
