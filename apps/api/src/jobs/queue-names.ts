/** BullMQ queues. Each job name within a queue is dotted: `<capability>.<action>`. */
export const QueueName = {
  System: 'system',
  /** Bot turns: one job per customer message answered by a bot. */
  Bots: 'bots',
  /** Outbound provider messages (WhatsApp) and signed webhooks to external bots. */
  Outbound: 'outbound',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
