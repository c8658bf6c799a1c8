import type { HandoffBrief } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import type { Conversation } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';

/** Lines of the pre-handoff conversation shown to the agent (the newest ones, oldest first). */
const TRANSCRIPT_LINES = 50;

/** Builds the brief an agent reads first: the handoff's reason, summary, intent, context and transcript. */
@Injectable()
export class HandoffBriefs {
  constructor(private readonly prisma: PrismaService) {}

  async of(c: Conversation): Promise<HandoffBrief> {
    const lines = await this.prisma.message.findMany({
      where: {
        conversationId: c.id,
        internal: false,
        authorKind: { in: ['customer', 'bot', 'system'] },
        ...(c.handoffSeq !== null && { seq: { lte: c.handoffSeq } }),
      },
      orderBy: { seq: 'desc' },
      take: TRANSCRIPT_LINES,
    });
    return {
      reason: c.handoffReason,
      summary: c.handoffSummary,
      intent: c.handoffIntent,
      priority: c.priority,
      at: c.handedOffAt?.toISOString() ?? null,
      context: (c.handoffContext as Record<string, unknown> | null) ?? null,
      transcript: lines.reverse().map((m) => ({
        author: m.authorKind,
        text: m.body,
        at: m.createdAt.toISOString(),
      })),
    };
  }
}
