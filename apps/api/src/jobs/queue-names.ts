/** BullMQ queues. Each job name within a queue is dotted: `<capability>.<action>`. */
export const QueueName = {
  System: 'system',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
