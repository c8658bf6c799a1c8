import { describe, expect, it } from 'vitest';
import { limitNames, redisKeys } from './redis-keys.js';

// Stored counters, locks and leases outlive a deploy: these names are data, not code style.
describe('Redis key names', () => {
  it('stay byte for byte what running installations already hold', () => {
    const keys = redisKeys('baton:test');
    expect([
      keys.rateLimit('login:ip:10.0.0.1'),
      keys.slidingWindow('wa-out:c1'),
      keys.rateLimitLock('login:acct:ab12'),
      keys.mutex('wa-in:ch1:p1'),
      keys.agentSockets('u1'),
      keys.whatsappThrottleNotice('c1'),
      keys.caseWebhookLastSent('case1', 'status'),
      keys.workers,
      keys.workersLastSeen,
      keys.socketIo,
      keys.socketIoChannel('/agent'),
      keys.socketIoChannel('/customer', 'contact:c1'),
    ]).toEqual([
      'baton:test:rl:login:ip:10.0.0.1',
      'baton:test:rl:sw:wa-out:c1',
      'baton:test:rl:lock:login:acct:ab12',
      'baton:test:mutex:wa-in:ch1:p1',
      'baton:test:agent-sockets:u1',
      'baton:test:wa:throttle-notice:c1',
      'baton:test:case-webhook:case1:status',
      'baton:test:workers',
      'baton:test:workers:last-seen',
      'baton:test:socket.io',
      'baton:test:socket.io#/agent#',
      'baton:test:socket.io#/customer#contact:c1#',
    ]);
  });

  it('name limits and leases as before', () => {
    expect([
      limitNames.loginDevice('d1'),
      limitNames.loginIp('::1'),
      limitNames.loginAccountIp('ab12', '::1'),
      limitNames.loginAccount('ab12'),
      limitNames.mfaSession('s1'),
      limitNames.mfaUser('u1'),
      limitNames.passwordChange('u1'),
      limitNames.widget('messages_per_ip', limitNames.widgetIp('::1')),
      limitNames.widget('messages_per_visitor', limitNames.widgetVisitor('c1')),
      limitNames.whatsappInbound('ch1', 'p1'),
      limitNames.whatsappOutbound('c1'),
      limitNames.whatsappOutboundGate('c1'),
      limitNames.whatsappAttempts('m1'),
    ]).toEqual([
      'login:device:d1',
      'login:ip:::1',
      'login:acct-ip:ab12:::1',
      'login:acct:ab12',
      'mfa:session:s1',
      'mfa:user:u1',
      'password:user:u1',
      'widget:messages_per_ip:ip:::1',
      'widget:messages_per_visitor:visitor:c1',
      'wa-in:ch1:p1',
      'wa-out:c1',
      'wa-out-gate:c1',
      'wa-attempts:m1',
    ]);
  });
});
