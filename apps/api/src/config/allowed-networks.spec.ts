import { describe, expect, it } from 'vitest';
import { parseAllowedNetworks } from './allowed-networks.js';

function networks(list: string) {
  const parsed = parseAllowedNetworks(list);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.networks;
}

describe('allowed networks', () => {
  it('matches IPv4 addresses inside a CIDR and nothing outside it', () => {
    const allowed = networks('10.20.0.0/16, 192.0.2.7');
    expect(allowed.allows('10.20.0.1')).toBe(true);
    expect(allowed.allows('10.20.255.254')).toBe(true);
    expect(allowed.allows('10.21.0.1')).toBe(false);
    expect(allowed.allows('192.0.2.7')).toBe(true);
    expect(allowed.allows('192.0.2.8')).toBe(false);
  });

  it('matches IPv6 addresses inside a CIDR, in any spelling', () => {
    const allowed = networks('2001:db8:abcd::/48');
    expect(allowed.allows('2001:db8:abcd::1')).toBe(true);
    expect(allowed.allows('2001:0db8:abcd:0012:0000:0000:0000:0001')).toBe(true);
    expect(allowed.allows('2001:db8:abce::1')).toBe(false);
    expect(allowed.allows('10.0.0.1')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address it carries, both ways', () => {
    expect(networks('10.0.0.0/8').allows('::ffff:10.1.2.3')).toBe(true);
    expect(networks('10.0.0.0/8').allows('::ffff:11.1.2.3')).toBe(false);
    expect(networks('::ffff:10.0.0.0/104').allows('10.1.2.3')).toBe(true);
    expect(networks('::ffff:10.0.0.0/104').allows('11.1.2.3')).toBe(false);
  });

  it('allows nothing that is not an address', () => {
    const allowed = networks('0.0.0.0/0, ::/0');
    expect(allowed.allows('10.0.0.1')).toBe(true);
    expect(allowed.allows('')).toBe(false);
    expect(allowed.allows(undefined)).toBe(false);
    expect(allowed.allows('localhost')).toBe(false);
  });

  it('keeps the list as written, for messages and docs', () => {
    expect(networks(' 10.0.0.0/8 ,, 2001:db8::/32 ').cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it.each([
    ['', 'at least one'],
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['2001:db8::/129', '2001:db8::/129'],
    ['10.0.0/8', '10.0.0/8'],
    ['example.com/24', 'example.com/24'],
    ['10.0.0.0/8/1', '10.0.0.0/8/1'],
    ['10.0.0.0/', '10.0.0.0/'],
    ['10.0.0.0/08x', '10.0.0.0/08x'],
  ])('refuses %j, naming the bad entry', (list, named) => {
    const parsed = parseAllowedNetworks(list);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(named);
  });
});
