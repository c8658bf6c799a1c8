/**
 * Every Redis key and channel Baton names itself, in one place (BullMQ names its own, under the same
 * prefix). Stored counters, locks and leases outlive a deploy and several versions may run side by
 * side, so a name here never changes without moving the data it holds.
 */
export function redisKeys(prefix: string) {
  return {
    /** A fixed-window counter of `RateLimiterService`. */
    rateLimit: (name: string) => `${prefix}:rl:${name}`,
    /** A sliding window of `RateLimiterService` (a sorted set of admitted events). */
    slidingWindow: (name: string) => `${prefix}:rl:sw:${name}`,
    /** A block set by `RateLimiterService.lock`. */
    rateLimitLock: (name: string) => `${prefix}:rl:lock:${name}`,
    /** A lease of `RedisMutexService`. */
    mutex: (name: string) => `${prefix}:mutex:${name}`,
    /** An agent's live `/agent` sockets across instances (socket id → last heartbeat). */
    agentSockets: (userId: string) => `${prefix}:agent-sockets:${userId}`,
    /** Set while a WhatsApp sender over their limit has been told so in this window. */
    whatsappThrottleNotice: (contactId: string) => `${prefix}:wa:throttle-notice:${contactId}`,
    /** What a case's bot last heard about `what`, so an unchanged value is not sent again. */
    caseWebhookLastSent: (caseId: string, what: string) => `${prefix}:case-webhook:${caseId}:${what}`,
    /** Live worker processes: a sorted set of worker ids scored by their last heartbeat (Redis time, ms). */
    workers: `${prefix}:workers`,
    /** Redis time (ms) of the last heartbeat of any worker; kept after the workers are gone. */
    workersLastSeen: `${prefix}:workers:last-seen`,
    /** The channel prefix of the socket.io Redis adapter. */
    socketIo: `${prefix}:socket.io`,
    /**
     * A channel of the socket.io adapter (named as `@socket.io/redis-adapter`'s sharded adapter names
     * them): a namespace's own, read by every instance, or one room's, read by those holding it.
     */
    socketIoChannel: (namespace: string, room?: string) =>
      `${prefix}:socket.io#${namespace}#${room === undefined ? '' : `${room}#`}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * Names of rate limits, sliding windows and mutexes; the limiter and the mutex place them under
 * their namespace in {@link redisKeys}.
 */
export const limitNames = {
  loginDevice: (deviceId: string) => `login:device:${deviceId}`,
  loginIp: (ip: string) => `login:ip:${ip}`,
  loginAccountIp: (emailHash: string, ip: string) => `login:acct-ip:${emailHash}:${ip}`,
  loginAccount: (emailHash: string) => `login:acct:${emailHash}`,
  mfaSession: (sessionId: string) => `mfa:session:${sessionId}`,
  mfaUser: (userId: string) => `mfa:user:${userId}`,
  passwordChange: (userId: string) => `password:user:${userId}`,
  /** A widget window (`messages_per_ip`, …) for one subject, see {@link limitNames.widgetIp}. */
  widget: (window: string, subject: string) => `widget:${window}:${subject}`,
  widgetIp: (ip: string) => `ip:${ip}`,
  widgetVisitor: (contactId: string) => `visitor:${contactId}`,
  /** Inbound WhatsApp: the mutex per sender (by phone index) and the sliding window per contact. */
  whatsappInbound: (channelId: string, sender: string) => `wa-in:${channelId}:${sender}`,
  /** Outbound WhatsApp to one contact: the sliding window and the send mutex share this name. */
  whatsappOutbound: (contactId: string) => `wa-out:${contactId}`,
  whatsappOutboundGate: (contactId: string) => `wa-out-gate:${contactId}`,
  whatsappAttempts: (messageId: string) => `wa-attempts:${messageId}`,
};
