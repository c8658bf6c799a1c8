import { RoutingErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain.error.js';
import type { AgentState } from '../../generated/prisma/client.js';
import type { Tx } from '../../prisma/prisma.service.js';

/** An active user's presence and load, as a transfer to them needs to judge it. */
export interface AgentLoad {
  presence: string;
  activeCount: number;
  capacity: number;
}

/**
 * The seats agents hold: every write and row lock of `agent_states` made on behalf of a conversation
 * goes through here, in the caller's transaction. Capacity is enforced by the database (a trigger on
 * `agent_states`): never over, even under races.
 */
@Injectable()
export class AgentCapacity {
  /** Takes a seat for a conversation given (or offered) to the agent; a full agent is a 409. */
  async reserve(tx: Tx, userId: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO agent_states (user_id, updated_at) VALUES (${userId}::uuid, now())
      ON CONFLICT (user_id) DO NOTHING`;
    try {
      await tx.$executeRaw`
        UPDATE agent_states SET active_count = greatest(active_count + 1, 0), last_assigned_at = now(),
               updated_at = now()
         WHERE user_id = ${userId}::uuid`;
    } catch (error) {
      if (String((error as Error).message).includes('agent_states_active_count_check')) {
        throw new DomainError(RoutingErrorCode.AgentAtCapacity, 'That agent has no free capacity.', 409);
      }
      throw error;
    }
  }

  /** Gives the seat back (the conversation left the agent, or the offer ended). */
  async release(tx: Tx, userId: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE agent_states SET active_count = greatest(active_count - 1, 0), updated_at = now()
       WHERE user_id = ${userId}::uuid`;
  }

  /**
   * Locks the agent's state row until the transaction ends (waiting for it, as routing does for its
   * pick), so a check of their room holds until the seat is taken. Null when they never had a state.
   */
  async lock(tx: Tx, userId: string): Promise<AgentState | null> {
    await tx.$executeRaw`SELECT 1 FROM agent_states WHERE user_id = ${userId}::uuid FOR UPDATE`;
    return tx.agentState.findUnique({ where: { userId } });
  }

  /** Like {@link lock}, for an active user only, with their presence and load. */
  async lockLoad(tx: Tx, userId: string): Promise<AgentLoad | null> {
    const [row] = await tx.$queryRaw<{ presence: string; active_count: number; capacity: number }[]>`
      SELECT s.presence::text AS presence, s.active_count, s.capacity
        FROM agent_states s JOIN users u ON u.id = s.user_id AND u.status = 'active'
       WHERE s.user_id = ${userId}::uuid
         FOR UPDATE OF s`;
    return row ? { presence: row.presence, activeCount: row.active_count, capacity: row.capacity } : null;
  }

  /**
   * Locks the rows of those agents who are available with room right now, in one statement (in id
   * order, so two callers never deadlock), skipping rows another transaction holds (it may be taking
   * a last seat: routing moves on): the load of each one locked, keyed by user id.
   */
  async tryLockAvailableMany(tx: Tx, userIds: string[]): Promise<Map<string, AgentLoad>> {
    const rows = await tx.$queryRaw<{ user_id: string; active_count: number; capacity: number }[]>`
      SELECT user_id, active_count, capacity FROM agent_states
       WHERE user_id = ANY(${userIds}::uuid[]) AND presence = 'available' AND active_count < capacity
       ORDER BY user_id
         FOR UPDATE SKIP LOCKED`;
    return new Map(
      rows.map((r) => [
        r.user_id,
        { presence: 'available', activeCount: r.active_count, capacity: r.capacity },
      ]),
    );
  }

  /** {@link reserve} for several agents at once: `seats` per agent, whose rows the caller locked. */
  async reserveMany(tx: Tx, seats: ReadonlyMap<string, number>): Promise<void> {
    if (seats.size === 0) return;
    await tx.$executeRaw`
      UPDATE agent_states s SET active_count = s.active_count + n.seats, last_assigned_at = now(),
             updated_at = now()
        FROM unnest(${[...seats.keys()]}::uuid[], ${[...seats.values()]}::int[]) AS n(user_id, seats)
       WHERE s.user_id = n.user_id`;
  }
}
