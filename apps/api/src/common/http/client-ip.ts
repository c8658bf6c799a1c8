import type { IncomingHttpHeaders } from 'node:http';

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`): is the hop at `address` a proxy we trust? */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * The client's address, the one place HTTP requests and both socket namespaces take it from (audit
 * rows, sessions, per-IP limits). Walks `X-Forwarded-For` from the nearest hop while each hop is a
 * trusted proxy, as Express's `req.ip` does, so a header sent by an untrusted peer is ignored. An
 * IPv4 address in IPv6-mapped form (`::ffff:203.0.113.7`, what a dual-stack listener reports) is
 * written plainly, so one client is one address whichever way it reached us.
 */
export function clientIp(
  peer: string | undefined,
  headers: IncomingHttpHeaders,
  trust: TrustProxyFn | undefined,
): string {
  const nearest = peer ?? '';
  if (!trust) return plainAddress(nearest);
  const header = headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
    .reverse();
  let address = nearest;
  for (const [hop, next] of forwarded.entries()) {
    if (!trust(address, hop)) break;
    address = next;
  }
  return plainAddress(address);
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function plainAddress(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}
