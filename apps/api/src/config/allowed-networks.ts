import { BlockList, isIP } from 'node:net';

/** Client networks allowed to do something (a comma list of CIDRs or single addresses). */
export interface AllowedNetworks {
  /** The entries as configured. */
  readonly cidrs: readonly string[];
  /** Whether `ip` (as `clientIp` resolved it) lies in one of the networks; never for a non-address. */
  allows(ip: string | undefined): boolean;
}

export type ParsedNetworks = { ok: true; networks: AllowedNetworks } | { ok: false; problem: string };

const PREFIX = /^\d{1,3}$/;

/**
 * Parses `10.0.0.0/8, 2001:db8::/32, 192.0.2.7`. Matching is node's `BlockList`, which compares
 * an IPv4 address and its IPv4-mapped IPv6 form (`::ffff:10.1.2.3`) as the same address, in rules
 * and in checked addresses alike, so a dual-stack listener cannot slip past an IPv4 rule or around it.
 */
export function parseAllowedNetworks(list: string): ParsedNetworks {
  const cidrs = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (cidrs.length === 0) return { ok: false, problem: 'at least one network is required' };
  const blocks = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix, ...rest] = cidr.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : PREFIX.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || rest.length > 0 || !(length >= 0 && length <= bits)) {
      return { ok: false, problem: `"${cidr}" is not an IPv4 or IPv6 address or CIDR` };
    }
    blocks.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    ok: true,
    networks: {
      cidrs,
      allows(ip) {
        const family = isIP(ip ?? '');
        return ip !== undefined && family !== 0 && blocks.check(ip, family === 4 ? 'ipv4' : 'ipv6');
      },
    },
  };
}
