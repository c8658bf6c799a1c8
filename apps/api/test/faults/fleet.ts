import { Client, eventually, signIn } from '../support/api.js';
import { AgentParty, CustomerParty, type SendOutcome } from './chat-clients.js';
import type { FaultStack, Fixture, SeededAgent } from './fault-stack.js';

/** Every message the fleet typed, by body (`fault <n>`, unique over the run). */
export interface Sent {
  body: string;
  clientMessageId?: string;
  from: string;
  at: number;
  ackedAt?: number;
  conversationId?: string;
  refused?: string;
}

/** A conversation an agent resolved, whose close timer the product owes. */
export interface Resolved {
  conversationId: string;
  at: number;
  closedAt?: number;
}

/** A sample of the agents' load, taken every second straight from PostgreSQL. */
export interface LoadSample {
  at: number;
  /** Agents holding more assigned conversations than their capacity (their recorded load cannot exceed it: a CHECK). */
  overHeld: number;
}

const TICK_MS = 50;
/** A bot customer writes this often (once answered). */
const BOT_CUSTOMER_EVERY_MS = 3_000;
/**
 * How long a bot customer waits for an answer before asking again: longer than a worker's outage and
 * the bound on its recovery together, so a re-asked question never stands in for a lost turn.
 */
const BOT_PATIENCE_MS = 20_000;

/**
 * The live traffic: web chat customers and their agents writing to each other (~20 messages a second
 * over the conversations, alternately each way), customers of the bot channel asking the bot, and a
 * few conversations resolved before each fault so a close timer is due inside it.
 */
/** Records an acknowledgement (or a refusal for good) against what was typed. */
function settle(sent: Map<string, Sent>, outcome: SendOutcome): void {
  const entry = sent.get(outcome.body);
  if (!entry) return;
  entry.clientMessageId = outcome.clientMessageId;
  if (outcome.stored) {
    entry.ackedAt = Date.now();
    entry.conversationId = outcome.stored.conversationId;
  } else {
    entry.refused = outcome.refused;
  }
}

export class Fleet {
  readonly resolved: Resolved[] = [];
  readonly load: LoadSample[] = [];
  private readonly paused = new Set<CustomerParty>();
  private counter = 0;
  private turn = 0;
  private running = false;
  private timers: ReturnType<typeof setInterval>[] = [];

  private constructor(
    readonly sent: Map<string, Sent>,
    private readonly stack: FaultStack,
    private readonly fixture: Fixture,
    readonly customers: CustomerParty[],
    readonly botCustomers: CustomerParty[],
    readonly agents: AgentParty[],
    /** An agent on the first instance only, who does not come back when it dies (a ghost candidate). */
    public probe: AgentParty,
  ) {}

  static async start(
    stack: FaultStack,
    fixture: Fixture,
    counts: { customers: number; botCustomers: number },
  ): Promise<Fleet> {
    const sent = new Map<string, Sent>();
    const record = (_: unknown, outcome: SendOutcome) => settle(sent, outcome);
    const [probeAgent, ...regular] = fixture.agents;
    if (!probeAgent) throw new Error('the fleet needs agents');
    const agents = await Promise.all(
      regular.map(async (agent, i) =>
        AgentParty.connect({
          name: `agent-${i}`,
          base: stack.base,
          userId: agent.id,
          http: await signIn({ base: stack.base }, agent),
          onOutcome: record,
        }),
      ),
    );
    const probe = await Fleet.probeAgent(stack, probeAgent, record);
    let ip = 0;
    const nextIp = () => `10.77.${(++ip >> 8) & 255}.${ip & 255}`;
    const open = (name: string, channelId: string) =>
      CustomerParty.open({ name, base: stack.base, channelId, ip: nextIp(), onOutcome: record });
    const customers: CustomerParty[] = [];
    for (let i = 0; i < counts.customers; i++)
      customers.push(await open(`customer-${i}`, fixture.webChannelId));
    const botCustomers: CustomerParty[] = [];
    for (let i = 0; i < counts.botCustomers; i++)
      botCustomers.push(await open(`bot-customer-${i}`, fixture.botChannelId));
    const fleet = new Fleet(sent, stack, fixture, customers, botCustomers, agents, probe);
    const parties = [...agents, probe, ...customers, ...botCustomers];
    const up = await eventually(
      () => parties.filter((p) => !p.connected).map((p) => p.name),
      (down) => down.length === 0,
      30_000,
    );
    if (up.length > 0) throw new Error(`not connected: ${up.join(', ')}`);
    await Promise.all([...agents, probe].map((a) => a.setPresence('available')));
    return fleet;
  }

  /** The probe agent, signed in and connected straight to the first API instance (no load balancer). */
  private static async probeAgent(
    stack: FaultStack,
    agent: SeededAgent,
    onOutcome: (party: unknown, outcome: SendOutcome) => void,
  ): Promise<AgentParty> {
    return AgentParty.connect({
      name: 'probe-agent',
      base: stack.processes.api(0).base,
      userId: agent.id,
      http: await signIn({ base: stack.base }, agent, new Client(stack.base)),
      reconnect: false,
      onOutcome,
    });
  }

  /** The probe agent comes back (through the load balancer, reconnecting as the others do) and is available. */
  async probeReturns(): Promise<void> {
    const old = this.probe;
    old.close();
    this.probe = AgentParty.connect({
      name: 'probe-agent',
      base: this.stack.base,
      userId: old.userId,
      http: old.http,
      onOutcome: (_, outcome) => settle(this.sent, outcome),
    });
    await eventually(() => this.probe.connected, Boolean, 10_000);
    await this.probe.setPresence('available');
  }

  allParties(): (AgentParty | CustomerParty)[] {
    return [...this.agents, this.probe, ...this.customers, ...this.botCustomers];
  }

  /** The agent client holding the customer's conversation, if any. */
  agentOf(customer: CustomerParty): AgentParty | undefined {
    const id = customer.current;
    if (!id) return undefined;
    return [...this.agents, this.probe].find((a) => a.connected && a.mine.has(id));
  }

  private write(from: AgentParty | CustomerParty, send: (body: string) => void): void {
    const body = `fault ${++this.counter}`;
    this.sent.set(body, { body, from: from.name, at: Date.now() });
    send(body);
  }

  /** One message: each pass over the conversations alternates who writes (the agent when there is one). */
  private tick(): void {
    const customer = this.customers[this.turn % this.customers.length];
    const customerTurn = Math.floor(this.turn / this.customers.length) % 2 === 0;
    this.turn += 1;
    if (!customer || this.paused.has(customer)) return;
    const agent = customerTurn ? undefined : this.agentOf(customer);
    if (agent && customer.current) {
      const conversationId = customer.current;
      this.write(agent, (body) => agent.reply(conversationId, body));
    } else {
      this.write(customer, (body) => customer.send(body));
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timers = [
      setInterval(() => this.tick(), TICK_MS),
      ...this.botCustomers.map((customer, i) =>
        setInterval(
          () => {
            if (!this.waitsForBot(customer)) this.write(customer, (body) => customer.send(body));
          },
          BOT_CUSTOMER_EVERY_MS + i * 97,
        ),
      ),
      setInterval(() => void this.sample().catch(() => undefined), 1_000),
    ];
  }

  /**
   * A bot customer waits for the answer before writing again (otherwise the newer message's turn
   * would answer both, and a turn lost with the worker would go unnoticed), though not for ever:
   * after `BOT_PATIENCE_MS` without one, as a person would, they ask again.
   */
  private waitsForBot(customer: CustomerParty): boolean {
    if (customer.pending > 0) return true;
    const held = customer.current ? customer.conversations.get(customer.current) : undefined;
    const asked = held?.lastSeqBy.get('customer') ?? 0;
    const answered = Math.max(held?.lastSeqBy.get('bot') ?? 0, held?.lastSeqBy.get('system') ?? 0);
    const lastAsked = Math.max(
      0,
      ...[...this.sent.values()].filter((s) => s.from === customer.name).map((s) => s.at),
    );
    return asked > answered && Date.now() - lastAsked < BOT_PATIENCE_MS;
  }

  /** Stops typing new messages (what was typed is still sent). */
  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Until every outbox is empty (each message acknowledged or refused), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<string[]> {
    return eventually(
      () => {
        for (const party of this.allParties()) void party.flush();
        return this.allParties()
          .filter((p) => p.pending > 0 && p !== this.probe)
          .map((p) => `${p.name} (${p.pending})`);
      },
      (left) => left.length === 0,
      { timeoutMs, intervalMs: 250 },
    );
  }

  /**
   * Resolves `count` conversations held by connected agents; their customers wait (write nothing)
   * until the close timer has closed them, then start a new conversation with their next message.
   */
  async resolveSome(count: number): Promise<void> {
    const candidates = this.customers.filter((c) => !this.paused.has(c) && this.agentOf(c) !== this.probe);
    for (const customer of candidates.slice(0, count)) {
      const agent = this.agentOf(customer);
      const conversationId = customer.current;
      if (!agent || !conversationId) continue;
      this.paused.add(customer);
      if (await agent.resolve(conversationId)) this.resolved.push({ conversationId, at: Date.now() });
      else this.paused.delete(customer);
    }
  }

  /** Load samples and the close timers: a customer whose conversation closed writes again. */
  private async sample(): Promise<void> {
    const waiting = this.resolved.filter((r) => r.closedAt === undefined);
    if (waiting.length > 0) {
      const { rows } = await this.stack.db.query<{ id: string; closed_at: Date | null }>(
        `SELECT id, closed_at FROM conversations WHERE id = ANY($1::uuid[]) AND status = 'closed'`,
        [waiting.map((r) => r.conversationId)],
      );
      for (const row of rows) {
        const entry = waiting.find((r) => r.conversationId === row.id);
        if (entry) entry.closedAt = row.closed_at?.getTime() ?? Date.now();
        const customer = this.customers.find((c) => c.current === row.id);
        if (customer) this.paused.delete(customer);
      }
    }
    const { rows } = await this.stack.db.query<{ held: number }>(
      `SELECT count(*)::int AS held FROM (
         SELECT c.assignee_id FROM conversations c JOIN agent_states s ON s.user_id = c.assignee_id
          WHERE c.status = 'assigned' AND s.user_id = ANY($1::uuid[])
          GROUP BY c.assignee_id, s.capacity HAVING count(*) > s.capacity) over`,
      [this.fixture.agents.map((a) => a.id)],
    );
    const row = rows[0];
    if (row) this.load.push({ at: Date.now(), overHeld: row.held });
  }

  /** Customers still waiting for a close that never came write again (their message reopens it). */
  resumeAll(): void {
    this.paused.clear();
  }

  close(): void {
    this.stop();
    for (const party of this.allParties()) party.close();
  }
}
