import type { BotConfig } from '../../generated/prisma/client.js';

/** One line of the conversation as a bot sees it (internal notes never reach a bot). */
export interface TranscriptLine {
  author: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  at: string;
}

/** A queue the bot may hand off to. */
export interface HandoffQueue {
  id: string;
  name: string;
}

export interface BotTurnInput {
  config: BotConfig;
  /** Oldest first; the last line is the customer message being answered. */
  transcript: TranscriptLine[];
  /** The queues from the bot's configuration, the default first. */
  queues: HandoffQueue[];
  /** Turns the customer already found unhelpful in this conversation. */
  unhelpfulTurns: number;
  /** Aborted when the turn's time is up; engines pass it to every outbound call. */
  signal: AbortSignal;
}

export interface BotHandoff {
  /** `customer_asked`, `low_confidence`, `bot_unhelpful`, `bot_failure`, or the bot's own words. */
  reason: string;
  queueId: string;
  priority: number;
  summary: string | null;
  intent: string | null;
}

/** What a bot turn decided: a reply, a handoff, or both (a goodbye line before the handoff). */
export interface BotTurnResult {
  reply: string | null;
  handoff: BotHandoff | null;
  /** The customer said the last answer did not help (counts towards the bot's `maxUnhelpfulTurns`). */
  unhelpful: boolean;
  /** What the bot thinks the customer wants (shown to the agent on handoff). */
  intent: string | null;
}

/** A bot engine answers one customer message. Engines never write to the database themselves. */
export interface BotEngine {
  readonly kind: BotConfig['engine'];
  turn(input: BotTurnInput): Promise<BotTurnResult>;
}

/** A handoff summary an agent can read at a glance: what the customer asked, in their words. */
export function summarizeTranscript(transcript: TranscriptLine[]): string | null {
  const asked = transcript
    .filter((line) => line.author === 'customer')
    .slice(-3)
    .map((line) => `"${line.text.length > 160 ? `${line.text.slice(0, 157)}…` : line.text}"`);
  return asked.length ? `Customer wrote: ${asked.join(', ')}` : null;
}
