import { Permission, can } from '@baton/authz';
import { AgentServerEvent } from '@baton/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { SessionService, type AuthSession } from '../auth/session.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { SupervisorOverviewService } from '../routing/supervisor-overview.service.js';
import {
  CONVERSATION_MOVED,
  isConversationRoom,
  queueOfConversationRoom,
  Room,
  type ConversationMoved,
} from './realtime.events.js';
import type { AgentSocket } from '../../common/decorators/ws-session.decorator.js';

/** Sent between API instances (through the socket.io adapter) when access changed somewhere. */
const RESYNC = 'access.resync';

/**
 * Which rooms a staff socket belongs to, decided from the database: at the handshake, and again
 * whenever queue memberships, supervisor flags or role permissions change (re-reading then the
 * session the socket holds, so its next events are decided with the new permissions). The instance
 * that made the change re-checks its own sockets and waits for every other instance to have done
 * the same (at most 5 s) before the change's request answers, so from then on no instance delivers
 * a queue's events to someone who left it, nor lets a socket act with a permission its role lost.
 */
@Injectable()
export class AgentRoomsService implements OnModuleInit {
  private namespace: Namespace | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionService,
    private readonly overview: SupervisorOverviewService,
    private readonly events: DomainEventsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (event) => {
      if (event.type === 'access.changed') await this.resyncEverywhere(event.userIds);
    });
  }

  /** Called by the gateway once its namespace exists. */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.on(CONVERSATION_MOVED, (moved: ConversationMoved) => this.moved(moved));
    namespace.on(RESYNC, (userIds: string[] | null, ack?: (done: boolean) => void) => {
      this.resyncHere(userIds).then(
        () => ack?.(true),
        (err: unknown) => {
          this.logger.error({ err }, 'socket rooms not re-checked');
          ack?.(false);
        },
      );
    });
  }

  /**
   * Sockets that opened the conversation through its old queue and whose users are members of the
   * new one too keep following it, through the new queue's room.
   */
  private moved({ conversationId, fromQueueId, toQueueId }: ConversationMoved): void {
    const local = this.namespace?.adapter.rooms.get(Room.conversationViaQueue(conversationId, fromQueueId));
    for (const id of local ?? []) {
      const socket = this.namespace?.sockets.get(id);
      if (socket?.rooms.has(Room.queue(toQueueId)))
        void socket.join(Room.conversationViaQueue(conversationId, toQueueId));
    }
  }

  /**
   * The rooms a session's sockets belong to besides the conversations they opened: the user's and
   * the session's own, the queues whose conversations it may read, and the queues it supervises.
   */
  async roomsFor(session: AuthSession): Promise<Set<string>> {
    const rooms = new Set([Room.user(session.userId), Room.session(session.id)]);
    if (can(session.permissions, Permission.ConversationRead)) {
      const memberships = await this.prisma.queueMember.findMany({
        where: { userId: session.userId },
        select: { queueId: true },
      });
      for (const m of memberships) rooms.add(Room.queue(m.queueId));
    }
    if (can(session.permissions, Permission.AgentRead)) {
      const scope =
        (await this.overview.scopeFor(session.userId, can(session.permissions, Permission.QueueManage))) ??
        (await this.prisma.queue.findMany({ where: { archivedAt: null }, select: { id: true } })).map(
          (q) => q.id,
        );
      for (const id of scope) rooms.add(Room.supervise(id));
    }
    return rooms;
  }

  private async resyncEverywhere(userIds: string[] | null): Promise<void> {
    await Promise.all([this.resyncHere(userIds), this.resyncOthers(userIds)]);
  }

  private async resyncOthers(userIds: string[] | null): Promise<void> {
    if (!this.namespace) return;
    try {
      // Bounded by the adapter's request timeout (5 s).
      const acks = (await this.namespace.serverSideEmitWithAck(RESYNC, userIds)) as boolean[];
      if (acks.some((ok) => !ok)) this.logger.warn('an instance could not re-check its socket rooms');
    } catch (err) {
      // An instance that does not answer is gone or stuck; its sockets re-check on reconnect.
      this.logger.warn({ err }, 'not every instance confirmed re-checking its socket rooms');
    }
  }

  /** Re-derives the rooms of this instance's sockets of `userIds` (null: every socket). */
  private async resyncHere(userIds: string[] | null): Promise<void> {
    if (!this.namespace) return;
    const wanted = userIds && new Set(userIds);
    const bySession = new Map<string, AgentSocket[]>();
    for (const socket of this.namespace.sockets.values() as Iterable<AgentSocket>) {
      const { sessionId, userId } = socket.data;
      if (!sessionId || (wanted && !wanted.has(userId))) continue;
      const list = bySession.get(sessionId);
      if (list) list.push(socket);
      else bySession.set(sessionId, [socket]);
    }
    for (const [sessionId, sockets] of bySession) {
      const held = await this.sessions.hold(sessionId);
      if (!held || held.session.pending) {
        // Its end is announced by its own event; a socket must not outlive it meanwhile.
        for (const socket of sockets) socket.disconnect(true);
        continue;
      }
      // The access guard decides the sockets' next events with the permissions read now.
      for (const socket of sockets) socket.data.held = held;
      const rooms = await this.roomsFor(held.session);
      const readsConversations = can(held.session.permissions, Permission.ConversationRead);
      for (const socket of sockets) this.apply(socket, rooms, readsConversations);
    }
  }

  private apply(socket: AgentSocket, rooms: Set<string>, readsConversations: boolean): void {
    let changed = false;
    for (const room of [...socket.rooms]) {
      if (room === socket.id || rooms.has(room)) continue;
      const viaQueue = queueOfConversationRoom(room);
      const keep = isConversationRoom(room)
        ? readsConversations && (viaQueue === null || rooms.has(Room.queue(viaQueue)))
        : false;
      if (keep) continue;
      void socket.leave(room);
      changed = true;
    }
    const missing = [...rooms].filter((room) => !socket.rooms.has(room));
    if (missing.length > 0) {
      void socket.join(missing);
      changed = true;
    }
    if (changed) socket.emit(AgentServerEvent.AccessChanged, {});
  }
}
