import type {
  CommonErrorCode as CommonErrorCodes,
  ConversationsErrorCode as ConversationsErrorCodes,
  CustomerClientEvent as ClientEvents,
  CustomerConversationState,
  CustomerConversationUpdated,
  CustomerMessage,
  CustomerServerEvent as ServerEvents,
  HandshakeRefusalCode as HandshakeRefusalCodes,
  QueuePositionChanged,
  SocketError,
  TypingChanged,
  WidgetSessionResponse,
} from '@baton/contracts';
import { io, type Socket } from 'socket.io-client';
import { OutboxStore, type KeyValueStorage, type OutboxEntry } from './outbox.store.js';
import { formatWait, type ConversationView } from './status-line.format.js';
import { TranscriptStore } from './transcript.store.js';
import { storageKeys, type WidgetSettings } from './widget.settings.js';

// Event names checked against the contracts at compile time; importing only types keeps zod out of the bundle.
const ClientEvent: typeof ClientEvents = {
  SendMessage: 'message.send',
  FetchMessages: 'messages.fetch',
  SetTyping: 'typing.set',
  CurrentConversation: 'conversation.current',
};
const ServerEvent: typeof ServerEvents = {
  MessageCreated: 'message.created',
  ConversationUpdated: 'conversation.updated',
  QueuePositionChanged: 'queue.position_changed',
  TypingChanged: 'typing.changed',
  RealtimeResumed: 'realtime.resumed',
};
// Error codes and handshake refusals the widget acts on, checked the same way.
const Code: Pick<typeof CommonErrorCodes, 'NotFound' | 'RateLimited' | 'ValidationFailed'> &
  Pick<typeof ConversationsErrorCodes, 'Closed'> = {
  NotFound: 'not_found',
  RateLimited: 'rate_limited',
  ValidationFailed: 'validation_failed',
  Closed: 'conversations.closed',
};
const Refusal: Pick<
  typeof HandshakeRefusalCodes,
  'InvalidVisitorToken' | 'ChannelUnavailable' | 'OriginNotAllowed'
> = {
  InvalidVisitorToken: 'invalid_visitor_token',
  ChannelUnavailable: 'channel_unavailable',
  OriginNotAllowed: 'origin_not_allowed',
};

/** idle: nothing asked yet · connecting · online · offline: reconnecting · unavailable: this page cannot chat. */
export type Phase = 'idle' | 'connecting' | 'online' | 'offline' | 'unavailable';

export interface ChatSnapshot {
  phase: Phase;
  channel: { name: string; greeting: string | null } | null;
  conversation: ConversationView | null;
  /** Stored messages of the conversation on screen, in `seq` order. */
  messages: CustomerMessage[];
  /** Typed but not yet acknowledged, oldest first. */
  pending: OutboxEntry[];
  agentTyping: boolean;
  /** Something the customer should know (a refusal, a wait); null when all is well. */
  notice: string | null;
}

const FETCH_PAGE = 200;
const ACK_TIMEOUT_MS = 10_000;
const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
/** An agent's "typing" that is never switched off (their tab closed) fades after this long. */
const AGENT_TYPING_TTL_MS = 8_000;
const SESSION_ATTEMPTS = 5;
/** Every socket of an instance hears `realtime.resumed` at once: their back-fills spread over this long. */
const RESUME_SPREAD_MS = 2_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class AckError extends Error {
  constructor(readonly error: SocketError['error']) {
    super(error.message);
  }
}

/** A UUID for `clientMessageId`; `crypto.randomUUID` exists only on HTTPS pages, `getRandomValues` everywhere. */
export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40; // version 4
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The widget's connection to Baton: a visitor session over HTTP, then the `/customer` socket.
 * Nothing is lost across reloads and reconnects: every message waits in a localStorage outbox until
 * the server acknowledges it (sends are idempotent on `clientMessageId`), and each (re)connect, and
 * any message that arrives past a hole in `seq`, asks for the current conversation and back-fills
 * every message after the last `seq` with nothing missing before it.
 */
export class ChatClient {
  private readonly listeners = new Set<() => void>();
  private readonly transcript = new TranscriptStore();
  private readonly outbox: OutboxStore;
  private readonly tokenKey: string;
  private token: string | null;
  private socket: Socket | null = null;
  private phase: Phase = 'idle';
  private channel: ChatSnapshot['channel'] = null;
  private conversation: ConversationView | null = null;
  private agentTyping = false;
  private notice: string | null = null;
  private started = false;
  private syncing = false;
  private syncAgain = false;
  private flushing = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;
  private tokenRenewedAt = 0;

  constructor(
    private readonly settings: WidgetSettings & { channelId: string },
    private readonly storage: KeyValueStorage | null,
  ) {
    const keys = storageKeys(settings.channelId);
    this.tokenKey = keys.token;
    this.outbox = new OutboxStore(storage, keys.outbox);
    this.token = this.read(this.tokenKey);
  }

  /** A returning visitor (a stored token) connects at once, to see replies that came while away. */
  get hasVisitor(): boolean {
    return this.token !== null || this.outbox.list().length > 0;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): ChatSnapshot {
    return {
      phase: this.phase,
      channel: this.channel,
      conversation: this.conversation,
      messages: this.transcript.messages(),
      pending: this.outbox.list().filter((e) => !this.transcript.hasClientMessage(e.clientMessageId)),
      agentTyping: this.agentTyping,
      notice: this.notice,
    };
  }

  /** Opens the session and the socket; again only after the chat became unavailable. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.boot();
  }

  /** Queues the message in the outbox, then sends whatever is queued. */
  send(text: string): void {
    const body = text.trim();
    if (!body) return;
    this.stopTyping();
    this.outbox.add({
      clientMessageId: newClientMessageId(),
      body,
      conversationId: this.openConversationId(),
      queuedAt: Date.now(),
    });
    this.changed();
    this.start();
    void this.flush();
  }

  /** Called on every keystroke; tells the agent at most every few seconds, and "stopped" after a pause. */
  typing(): void {
    const conversationId = this.openConversationId();
    if (!conversationId || !this.socket?.connected) return;
    if (Date.now() - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = Date.now();
      this.socket.emit(ClientEvent.SetTyping, { conversationId, typing: true });
    }
    clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdleTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    const conversationId = this.openConversationId();
    if (conversationId && this.socket?.connected) {
      this.socket.emit(ClientEvent.SetTyping, { conversationId, typing: false });
    }
  }

  private openConversationId(): string | null {
    return this.conversation && this.conversation.status !== 'closed' ? this.conversation.id : null;
  }

  private async boot(): Promise<void> {
    this.setPhase('connecting');
    if (await this.openSession()) this.connect();
  }

  /** `POST /api/v1/widget/sessions`: the same visitor for a stored token, else a new one. */
  private async openSession(): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${this.settings.apiOrigin}/api/v1/widget/sessions`, {
          method: 'POST',
          mode: 'cors',
          credentials: 'omit',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            channelId: this.settings.channelId,
            ...(this.token && { token: this.token }),
          }),
        });
      } catch {
        // Offline, or the API refused this page's origin (a CORS refusal looks the same from here).
        if (attempt >= SESSION_ATTEMPTS) return this.unavailable('The chat is not available right now.');
        await delay(1_000 * 2 ** attempt);
        continue;
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('Retry-After')) || 60;
        setTimeout(() => this.start(), seconds * 1000);
        return this.unavailable(`Too many new chats from your network. Try again in ${formatWait(seconds)}.`);
      }
      if (!response.ok) return this.unavailable('The chat is not available on this page.');
      const session = (await response.json()) as WidgetSessionResponse;
      this.token = session.token;
      this.write(this.tokenKey, session.token);
      this.channel = session.channel;
      if (session.conversation) {
        this.transcript.reset(session.conversation.id);
        this.conversation = {
          ...session.conversation,
          position: this.conversation?.id === session.conversation.id ? this.conversation.position : null,
          estimatedWaitSeconds: null,
        };
      }
      this.notice = null;
      this.changed();
      return true;
    }
  }

  private connect(): void {
    if (this.socket) {
      this.socket.connect();
      return;
    }
    const socket = io(`${this.settings.apiOrigin}/customer`, {
      // The API refuses cross-origin long-polling; a WebSocket handshake is checked by the gateway itself.
      transports: ['websocket'],
      // A function, so every reconnection presents the newest token.
      auth: (cb) => cb({ token: this.token }),
      reconnectionDelayMax: 15_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.setPhase('online');
      void this.resync();
    });
    socket.on('disconnect', (reason) => {
      this.agentTyping = false;
      this.setPhase('offline');
      // socket.io does not come back by itself after the server closed the connection.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 3_000);
    });
    socket.on('connect_error', (err: Error) => void this.connectFailed(socket, err));
    socket.on(ServerEvent.MessageCreated, ({ message }: { message: CustomerMessage }) =>
      this.onMessage(message),
    );
    socket.on(ServerEvent.ConversationUpdated, (update: CustomerConversationUpdated) =>
      this.onUpdate(update),
    );
    socket.on(ServerEvent.QueuePositionChanged, (place: QueuePositionChanged) => this.onPlace(place));
    socket.on(ServerEvent.TypingChanged, (typing: TypingChanged) => this.onTyping(typing));
    // Live events may have been lost on the server's side (Redis was out of reach): back-fill.
    socket.on(ServerEvent.RealtimeResumed, () => {
      setTimeout(() => void this.resync(), Math.random() * RESUME_SPREAD_MS);
    });
  }

  private async connectFailed(socket: Socket, err: Error): Promise<void> {
    // Still active: a network problem, which socket.io retries with backoff by itself.
    if (socket.active) return this.setPhase('offline');
    if (err.message === Refusal.InvalidVisitorToken && Date.now() - this.tokenRenewedAt > 60_000) {
      // Expired (30 days) or the visitor no longer exists: continue as a new visitor.
      this.tokenRenewedAt = Date.now();
      this.token = null;
      this.remove(this.tokenKey);
      if (await this.openSession()) socket.connect();
      return;
    }
    if (err.message === Refusal.OriginNotAllowed || err.message === Refusal.ChannelUnavailable) {
      this.unavailable('The chat is not available on this page.');
      return;
    }
    this.setPhase('offline');
    setTimeout(() => socket.connect(), 5_000);
  }

  private async ask<T>(event: string, payload: unknown): Promise<T> {
    const socket = this.socket;
    if (!socket?.connected) throw new Error('offline');
    const reply = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as T | SocketError;
    if (reply && typeof reply === 'object' && 'error' in reply) throw new AckError(reply.error);
    return reply as T;
  }

  /** After every (re)connect and on any sign of a gap: where the conversation stands, then what was missed. */
  private async resync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.syncAgain = false;
        await this.sync();
      } while (this.syncAgain);
    } catch {
      // A timeout or a dropped connection: the next connect syncs again.
    } finally {
      this.syncing = false;
    }
    void this.flush();
  }

  private async sync(): Promise<void> {
    const { conversation } = await this.ask<{ conversation: CustomerConversationState | null }>(
      ClientEvent.CurrentConversation,
      {},
    );
    if (!conversation) {
      // Closed while we were away: keep the lines on screen; the next message starts a new conversation.
      if (this.conversation) {
        this.conversation = {
          ...this.conversation,
          status: 'closed',
          position: null,
          estimatedWaitSeconds: null,
        };
      }
      this.changed();
      return;
    }
    this.transcript.reset(conversation.id);
    this.conversation = {
      id: conversation.id,
      status: conversation.status,
      agentName: conversation.agentName,
      position: conversation.position,
      estimatedWaitSeconds: conversation.estimatedWaitSeconds,
    };
    this.changed();
    // After the last seq with nothing missing before it: a lost live event is fetched too.
    for (;;) {
      const afterSeq = this.transcript.contiguous;
      const { messages } = await this.ask<{ messages: CustomerMessage[] }>(ClientEvent.FetchMessages, {
        conversationId: conversation.id,
        afterSeq,
        limit: FETCH_PAGE,
      });
      if (this.transcript.conversationId !== conversation.id) return;
      const page = this.transcript.addPage(afterSeq, messages, {
        limit: FETCH_PAGE,
        lastSeq: conversation.lastSeq,
      });
      this.stored(page.added);
      if (page.done) return;
    }
  }

  /** Messages from a live event or an acknowledgement; one that arrives past a hole asks for a back-fill. */
  private receive(messages: CustomerMessage[]): void {
    this.stored(this.transcript.add(messages));
    if (this.transcript.hasGap) void this.resync();
  }

  private stored(added: CustomerMessage[]): void {
    for (const message of added) {
      // Stored, even if its acknowledgement was lost: the outbox can forget it.
      if (message.clientMessageId) this.outbox.remove(message.clientMessageId);
    }
    this.changed();
  }

  private onMessage(message: CustomerMessage): void {
    if (message.conversationId !== this.transcript.conversationId) {
      // A conversation started elsewhere (another tab): switch to it.
      void this.resync();
      return;
    }
    if (message.authorKind === 'agent') this.agentTyping = false;
    this.receive([message]);
  }

  private onUpdate(update: CustomerConversationUpdated): void {
    if (update.conversationId !== this.conversation?.id) {
      void this.resync();
      return;
    }
    const queued = update.status === 'queued';
    this.conversation = {
      ...this.conversation,
      status: update.status,
      agentName: update.agentName,
      position: queued ? this.conversation.position : null,
      estimatedWaitSeconds: queued ? this.conversation.estimatedWaitSeconds : null,
    };
    this.changed();
  }

  private onPlace(place: QueuePositionChanged): void {
    if (place.conversationId !== this.conversation?.id) return;
    this.conversation = {
      ...this.conversation,
      position: place.position,
      estimatedWaitSeconds: place.estimatedWaitSeconds,
    };
    this.changed();
  }

  private onTyping(typing: TypingChanged): void {
    if (typing.author !== 'agent' || typing.conversationId !== this.conversation?.id) return;
    this.agentTyping = typing.typing;
    clearTimeout(this.agentTypingTimer);
    if (typing.typing) {
      this.agentTypingTimer = setTimeout(() => {
        this.agentTyping = false;
        this.changed();
      }, AGENT_TYPING_TTL_MS);
    }
    this.changed();
  }

  /** Sends the outbox in order, one at a time; stops at the first problem and tries again later. */
  private async flush(): Promise<void> {
    if (this.flushing || !this.socket?.connected) return;
    this.flushing = true;
    try {
      for (let entry = this.outbox.list()[0]; entry; entry = this.outbox.list()[0]) {
        if (!(await this.deliver(entry))) break;
      }
    } finally {
      this.flushing = false;
      this.changed();
    }
  }

  /** True when the entry left the outbox (or changed) and the next one may go. */
  private async deliver(entry: OutboxEntry): Promise<boolean> {
    try {
      const { message } = await this.ask<{ message: CustomerMessage }>(ClientEvent.SendMessage, {
        body: entry.body,
        clientMessageId: entry.clientMessageId,
        ...(entry.conversationId && { conversationId: entry.conversationId }),
      });
      this.outbox.remove(entry.clientMessageId);
      if (message.conversationId !== this.transcript.conversationId) {
        // The first message of a new conversation: show it, and learn its state.
        this.transcript.reset(message.conversationId);
        this.conversation = {
          id: message.conversationId,
          status: 'bot',
          agentName: null,
          position: null,
          estimatedWaitSeconds: null,
        };
        void this.resync();
      }
      this.notice = null;
      this.receive([message]);
      return true;
    } catch (err) {
      if (!(err instanceof AckError)) return false; // offline or timed out: the next connect re-sends
      const { code, retryAfterSeconds } = err.error;
      if (code === Code.RateLimited) {
        const seconds = retryAfterSeconds ?? 30;
        this.notice = `You are sending messages quickly; sending again in ${seconds} s.`;
        this.retryIn(seconds * 1000);
        return false;
      }
      if (entry.conversationId && (code === Code.Closed || code === Code.NotFound)) {
        // That conversation ended: the message starts (or joins) the current one instead.
        this.outbox.update(entry.clientMessageId, { conversationId: null });
        return true;
      }
      if (code === Code.ValidationFailed) {
        this.outbox.remove(entry.clientMessageId);
        this.notice = 'A message could not be sent (is it too long?).';
        return true;
      }
      this.retryIn(5_000);
      return false;
    }
  }

  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), ms);
  }

  /** Gives up for now; opening the chat again (or a scheduled retry) starts over. */
  private unavailable(notice: string): false {
    this.started = false;
    this.notice = notice;
    this.setPhase('unavailable');
    return false;
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Blocked storage: the visitor lasts as long as the page.
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // as above
    }
  }
}
