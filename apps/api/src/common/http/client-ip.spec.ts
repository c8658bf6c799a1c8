import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientIp, type TrustProxyFn } from './client-ip.js';

/** The trust function Express compiles from a `TRUST_PROXY` value, as the API sets it. */
function trusting(setting: boolean | number | string): TrustProxyFn {
  const app = express();
  app.set('trust proxy', setting);
  return app.get('trust proxy fn') as TrustProxyFn;
}

const xff = (value: string) => ({ 'x-forwarded-for': value });

describe('clientIp', () => {
  it('takes the forwarded client when the peer is a trusted proxy', () => {
    expect(clientIp('127.0.0.1', xff('198.51.100.7'), trusting('loopback'))).toBe('198.51.100.7');
  });

  it('walks back through trusted hops and stops at the first untrusted one', () => {
    const trust = trusting('loopback, 10.0.0.0/8');
    // client → 203.0.113.9 (untrusted, so it is the client) → 10.1.2.3 (trusted) → 127.0.0.1 (peer)
    expect(clientIp('127.0.0.1', xff('192.0.2.1, 203.0.113.9, 10.1.2.3'), trust)).toBe('203.0.113.9');
    // a repeated header counts like one comma-separated list
    expect(clientIp('127.0.0.1', { 'x-forwarded-for': ['192.0.2.1', '10.1.2.3'] } as never, trust)).toBe(
      '192.0.2.1',
    );
    // a hop count trusts exactly that many proxies
    expect(clientIp('127.0.0.1', xff('192.0.2.1, 203.0.113.9'), trusting(1))).toBe('203.0.113.9');
  });

  it('ignores a header sent by a peer that is not a trusted proxy', () => {
    expect(clientIp('198.51.100.20', xff('127.0.0.1'), trusting('loopback'))).toBe('198.51.100.20');
    expect(clientIp('127.0.0.1', xff('198.51.100.7'), trusting(false))).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', xff('198.51.100.7'), undefined)).toBe('127.0.0.1');
  });

  it('uses the peer when there is no header', () => {
    expect(clientIp('127.0.0.1', {}, trusting('loopback'))).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', xff(' , '), trusting('loopback'))).toBe('127.0.0.1');
  });

  it('treats IPv6-mapped IPv4 addresses as the IPv4 address they are', () => {
    // a dual-stack listener reports a local proxy as ::ffff:127.0.0.1; it is still loopback
    expect(clientIp('::ffff:127.0.0.1', xff('198.51.100.7'), trusting('loopback'))).toBe('198.51.100.7');
    expect(clientIp('::ffff:198.51.100.20', {}, trusting('loopback'))).toBe('198.51.100.20');
    expect(clientIp('::1', xff('::ffff:198.51.100.7'), trusting('loopback'))).toBe('198.51.100.7');
    expect(clientIp('::1', xff('2001:db8::7'), trusting('loopback'))).toBe('2001:db8::7');
  });
});
