import {
  AgentClientEvent,
  AgentServerEvent,
  CustomerClientEvent,
  CustomerServerEvent,
  type Conversation,
  type ConversationListItem,
  type CustomerMessage,
  type Message,
} from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { type Client } from '../support/api.js';

/** The fields of a stored message every client sees, staff or customer. */
type Stored = Pick<Message | CustomerMessage, 'id' | 'conversationId' | 'seq' | 'body' | 'authorKind'>;

/**
 * How a message first reached a client: its own send's acknowledgement, a live `message.created`, the
 * back-fill that loads a conversation it had not held, or a back-fill that found what a live event missed.
 */
export type Arrival = 'own' | 'live' | 'history' | 'backfill';

/**
 * The back-fill protocol, the one place the fault suite's clients follow it: after every (re)connect, on
 * `realtime.resumed` and whenever a live message's `seq` skips one, ask `messages.fetch` for everything after the last
 * contiguous `seq` held, a page at a time. (Nothing the harness writes spends a `seq` a client cannot
 * see, so a skipped number is always a message missed.)
 */
export const Backfill = { event: 'messages.fetch', pageSize: 200 } as const;

/** One conversation as one client holds it. */
export class HeldConversation {
  /** Message id → how it first arrived. */
  readonly arrivals = new Map<string, Arrival>();
  private readonly seqs = new Set<number>();
  private contiguousSeq = 0;
  /** The highest `seq` held from each kind of author. */
  readonly lastSeqBy = new Map<Stored['authorKind'], number>();

  constructor(readonly id: string) {}

  /** The last `seq` up to which nothing is missing: where a back-fill starts. */
  get contiguous(): number {
    return this.contiguousSeq;
  }

  /** Records the message; true when it was new to this client. */
  add(message: Stored, arrival: Arrival): boolean {
    if (this.arrivals.has(message.id)) return false;
    this.arrivals.set(message.id, arrival);
    this.seqs.add(message.seq);
    this.lastSeqBy.set(
      message.authorKind,
      Math.max(message.seq, this.lastSeqBy.get(message.authorKind) ?? 0),
    );
    while (this.seqs.has(this.contiguousSeq + 1)) this.contiguousSeq += 1;
    return true;
  }

  /** A live message beyond the next expected `seq`: something before it was missed. */
  gapBefore(message: Stored): boolean {
    return message.seq > this.contiguousSeq + 1;
  }
}

/** A message waiting for its acknowledgement, re-sent with the same `clientMessageId` until it has one. */
interface OutboxEntry {
  clientMessageId: string;
  body: string;
  conversationId: string | null;
}

interface AckError {
  error: { code: string; message: string; retryAfterSeconds?: number };
}

const ACK_TIMEOUT_MS = 10_000;
/** After a refusal the widget tries again in 5 s. */
const RETRY_AFTER_REFUSAL_MS = 5_000;

export interface SendOutcome {
  clientMessageId: string;
  body: string;
  /** The stored message (acknowledged), or why it was given up (refused for good). */
  stored?: Stored;
  refused?: string;
}

/**
 * What the widget and the inbox share: one socket that reconnects by itself, the conversations held
 * (each message recorded once, with how it arrived), the back-fill, and an outbox sent in order.
 */
abstract class ChatParty {
  readonly conversations = new Map<string, HeldConversation>();
  protected readonly outbox: OutboxEntry[] = [];
  protected socket!: Socket;
  private flushing = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Times (ms since epoch) this client's socket connected, the first one included. */
  readonly connects: number[] = [];

  constructor(
    readonly name: string,
    /** Every acknowledgement and every refusal for good, for the harness's ledger. */
    private readonly onOutcome: (party: ChatParty, outcome: SendOutcome) => void,
  ) {}

  get connected(): boolean {
    return this.socket.connected;
  }

  get pending(): number {
    return this.outbox.length;
  }

  protected attach(socket: Socket): void {
    this.socket = socket;
    socket.on('connect', () => {
      this.connects.push(Date.now());
      void this.resync()
        .catch(() => undefined)
        .finally(() => void this.flush());
    });
    // The instance's link to Redis is back: events may have been lost meanwhile with nothing after them
    // to show a gap (the widget and the inbox do the same, after a short random wait).
    socket.on('realtime.resumed', () => void this.resync().catch(() => undefined));
    // socket.io does not come back by itself after the server closed the connection (a shutdown).
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect' && !this.closed) setTimeout(() => socket.connect(), 1_000);
    });
  }

  protected held(conversationId: string): HeldConversation {
    let held = this.conversations.get(conversationId);
    if (!held) {
      held = new HeldConversation(conversationId);
      this.conversations.set(conversationId, held);
    }
    return held;
  }

  protected async ask<T>(event: string, payload: unknown): Promise<T> {
    if (!this.socket.connected) throw new Error('offline');
    const reply = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as T | AckError;
    if (reply && typeof reply === 'object' && 'error' in reply) {
      throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    }
    return reply as T;
  }

  /** Everything after the last contiguous `seq` (`history` when the conversation is new to this client). */
  protected async backfill(conversationId: string): Promise<void> {
    const held = this.held(conversationId);
    const arrival: Arrival = held.arrivals.size === 0 ? 'history' : 'backfill';
    for (;;) {
      const { messages } = await this.ask<{ messages: Stored[] }>(Backfill.event, {
        conversationId,
        afterSeq: held.contiguous,
        limit: Backfill.pageSize,
      });
      for (const message of messages) held.add(message, arrival);
      if (messages.length < Backfill.pageSize) return;
    }
  }

  protected live(message: Stored): void {
    const held = this.conversations.get(message.conversationId);
    if (!held) return;
    const gap = held.gapBefore(message);
    held.add(message, 'live');
    if (gap) void this.backfill(message.conversationId).catch(() => undefined);
  }

  /** What a (re)connect re-reads: the conversations held now, each back-filled. */
  protected abstract resync(): Promise<void>;

  /** Sends one outbox entry; resolves with the stored message. */
  protected abstract deliver(entry: OutboxEntry): Promise<Stored>;

  /**
   * What a refusal means for the entry: given up (`drop`), changed and sent again at once (`again`),
   * or tried again a little later (`later`).
   */
  protected abstract afterRefusal(entry: OutboxEntry, code: string): 'drop' | 'again' | 'later';

  protected enqueue(body: string, conversationId: string | null): void {
    this.outbox.push({ clientMessageId: randomUUID(), body, conversationId });
    void this.flush();
  }

  /** Sends the outbox in order, one at a time; stops at the first problem (the next send or connect goes on). */
  async flush(): Promise<void> {
    if (this.flushing || !this.socket.connected) return;
    this.flushing = true;
    try {
      for (let entry = this.outbox[0]; entry; entry = this.outbox[0]) {
        try {
          const stored = await this.deliver(entry);
          this.outbox.shift();
          this.held(stored.conversationId).add(stored, 'own');
          this.onOutcome(this, { clientMessageId: entry.clientMessageId, body: entry.body, stored });
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (!code) return; // offline or no acknowledgement in time: the next connect or send re-sends
          const next = this.afterRefusal(entry, code);
          if (next === 'drop') {
            this.outbox.shift();
            this.onOutcome(this, { clientMessageId: entry.clientMessageId, body: entry.body, refused: code });
          }
          if (next !== 'later') continue;
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => void this.flush(), RETRY_AFTER_REFUSAL_MS);
          return;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket.disconnect();
  }
}

/**
 * A web chat visitor as the widget (`apps/widget/src/chat.client.ts`) is one: a visitor session over
 * HTTP, the `/customer` socket (WebSocket only, reconnecting with the widget's back-off), the open
 * conversation restored with `conversation.current` after every connect.
 */
export class CustomerParty extends ChatParty {
  /** The open conversation as this client knows it. */
  current: string | null = null;

  private constructor(
    name: string,
    onOutcome: ConstructorParameters<typeof ChatParty>[1],
    readonly contactToken: string,
    readonly ip: string,
  ) {
    super(name, onOutcome);
  }

  static async open(options: {
    name: string;
    base: string;
    channelId: string;
    ip: string;
    onOutcome: ConstructorParameters<typeof ChatParty>[1];
  }): Promise<CustomerParty> {
    const response = await fetch(`${options.base}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': options.ip },
      body: JSON.stringify({ channelId: options.channelId }),
    });
    if (!response.ok) throw new Error(`widget session refused: ${response.status} ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    const party = new CustomerParty(options.name, options.onOutcome, token, options.ip);
    party.attach(
      io(`${options.base}/customer`, {
        transports: ['websocket'],
        auth: { token },
        extraHeaders: { 'x-forwarded-for': options.ip },
        reconnectionDelayMax: 15_000,
      }),
    );
    party.socket.on(CustomerServerEvent.MessageCreated, ({ message }: { message: CustomerMessage }) => {
      if (message.conversationId !== party.current) {
        void party.resync().catch(() => undefined);
        return;
      }
      party.live(message);
    });
    return party;
  }

  send(body: string): void {
    this.enqueue(body, this.current);
  }

  protected async resync(): Promise<void> {
    const { conversation } = await this.ask<{ conversation: { id: string } | null }>(
      CustomerClientEvent.CurrentConversation,
      {},
    );
    this.current = conversation?.id ?? null;
    if (this.current) await this.backfill(this.current);
  }

  protected async deliver(entry: OutboxEntry): Promise<Stored> {
    const { message } = await this.ask<{ message: CustomerMessage }>(CustomerClientEvent.SendMessage, {
      body: entry.body,
      clientMessageId: entry.clientMessageId,
      ...(entry.conversationId && { conversationId: entry.conversationId }),
    });
    if (message.conversationId !== this.current) {
      // The first message of a new conversation.
      this.current = message.conversationId;
      this.held(message.conversationId);
    }
    return message;
  }

  protected afterRefusal(entry: OutboxEntry, code: string): 'drop' | 'again' | 'later' {
    if (entry.conversationId && (code === 'conversations.closed' || code === 'not_found')) {
      // That conversation ended: the message starts (or joins) the current one instead.
      entry.conversationId = null;
      return 'again';
    }
    return code === 'validation_failed' ? 'drop' : 'later';
  }
}

/**
 * A signed-in agent as the inbox (`apps/web/src/features/inbox/use-inbox.ts`) is one: the `/agent` socket
 * with the session cookie; after every connect the conversations assigned to them re-read over REST and
 * each back-filled; new ones arrive with `conversation.assigned`.
 */
export class AgentParty extends ChatParty {
  /** Conversations assigned to this agent, as far as the client knows. */
  readonly mine = new Set<string>();

  private constructor(
    name: string,
    onOutcome: ConstructorParameters<typeof ChatParty>[1],
    readonly userId: string,
    readonly http: Client,
  ) {
    super(name, onOutcome);
  }

  /** Connects to `base` (`reconnect: false`: a person whose laptop closes with the instance). */
  static connect(options: {
    name: string;
    base: string;
    userId: string;
    http: Client;
    reconnect?: boolean;
    onOutcome: ConstructorParameters<typeof ChatParty>[1];
  }): AgentParty {
    const party = new AgentParty(options.name, options.onOutcome, options.userId, options.http);
    party.attach(
      io(`${options.base}/agent`, {
        transports: ['websocket'],
        extraHeaders: { cookie: options.http.cookieHeader(), 'x-forwarded-for': options.http.ip },
        reconnection: options.reconnect ?? true,
      }),
    );
    const socket = party.socket;
    socket.on(AgentServerEvent.MessageCreated, ({ message }: { message: Message }) => party.live(message));
    socket.on(AgentServerEvent.ConversationAssigned, ({ conversation }: { conversation: Conversation }) =>
      party.update(conversation),
    );
    socket.on(AgentServerEvent.ConversationUpdated, ({ conversation }: { conversation: Conversation }) =>
      party.update(conversation),
    );
    socket.on(AgentServerEvent.ConversationWithdrawn, ({ conversationId }: { conversationId: string }) =>
      party.mine.delete(conversationId),
    );
    return party;
  }

  private update(conversation: Pick<Conversation, 'id' | 'status' | 'assigneeId'>): void {
    const isMine = conversation.status === 'assigned' && conversation.assigneeId === this.userId;
    if (!isMine) {
      this.mine.delete(conversation.id);
      return;
    }
    if (this.mine.has(conversation.id)) return;
    this.mine.add(conversation.id);
    void this.backfill(conversation.id).catch(() => undefined);
  }

  async setPresence(presence: 'available' | 'offline'): Promise<void> {
    await this.ask(AgentClientEvent.SetPresence, { presence });
  }

  reply(conversationId: string, body: string): void {
    this.enqueue(body, conversationId);
  }

  /** Resolves the conversation over REST, as the inbox's button does. */
  async resolve(conversationId: string): Promise<boolean> {
    const reply = await this.http.post(`/api/v1/conversations/${conversationId}/resolve`, {
      resolution: 'result_ok',
    });
    return reply.status === 200 || reply.status === 201;
  }

  protected async resync(): Promise<void> {
    const reply = await this.http.get<{ items: ConversationListItem[] }>(
      '/api/v1/conversations?view=mine&limit=200',
    );
    if (reply.status !== 200) throw new Error(`mine: ${reply.status}`);
    this.mine.clear();
    for (const item of reply.body.items) if (item.assigneeId === this.userId) this.mine.add(item.id);
    await Promise.all([...this.mine].map((id) => this.backfill(id)));
  }

  protected deliver(entry: OutboxEntry): Promise<Stored> {
    return this.ask<{ message: Message }>(AgentClientEvent.SendMessage, {
      conversationId: entry.conversationId,
      body: entry.body,
      clientMessageId: entry.clientMessageId,
    }).then(({ message }) => message);
  }

  /** The inbox shows any refused send as failed, for the agent to retype. */
  protected afterRefusal(): 'drop' {
    return 'drop';
  }
}
