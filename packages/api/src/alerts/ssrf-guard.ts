import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** An address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable: tests answer with the addresses they need). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Where a webhook may not point (docs/API_SPEC.md §11): this host, the private networks and
 * every other range that is not the public internet, in both families. An IPv4-mapped IPv6
 * address (::ffff:127.0.0.1) is checked as the IPv4 address it carries.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address, private ones included
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_V4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The IPv4 address an IPv4-mapped IPv6 address carries, in either notation. */
function mappedV4(address: string): string | undefined {
  const dotted = MAPPED_V4.exec(address);
  if (dotted) return dotted[1];
  const hex = MAPPED_V4_HEX.exec(address);
  if (!hex) return undefined;
  const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isPrivateAddress(address: string): boolean {
  const v4 = isIP(address) === 4 ? address : mappedV4(address.toLowerCase());
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  if (isIP(address) !== 6) return true; // not an address at all: never connect to it
  return blocked.check(address, 'ipv6');
}

/** A webhook URL Pulse refuses to call, and why (the answer's message names webhook_url). */
export class UnsafeWebhookError extends Error {
  override readonly name = 'UnsafeWebhookError';
}

export interface WebhookPolicy {
  /** ALERT_ALLOW_PRIVATE_URLS=1: private and loopback targets and plain http allowed (local tests, private networks). */
  allowPrivate: boolean;
  resolve: HostResolver;
}

/** The address a delivery connects to: the one that was checked, so DNS cannot change it in between. */
export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a webhook URL and resolves its host: https only (http too when private targets are
 * allowed), and every address the name resolves to must be public. Throws UnsafeWebhookError;
 * a name that does not resolve throws the resolver's error.
 */
export async function resolveWebhook(raw: string, policy: WebhookPolicy): Promise<WebhookTarget> {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivate)) {
    throw new UnsafeWebhookError('must be an https URL');
  }
  if (url.username || url.password) throw new UnsafeWebhookError('must not carry credentials');
  // URL keeps IPv6 literals bracketed: [::1].
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses: ResolvedAddress[] = isIP(host) ? [{ address: host, family: isIP(host) === 6 ? 6 : 4 }] : await policy.resolve(host);
  if (addresses.length === 0) throw new UnsafeWebhookError(`host ${host} has no address`);
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new UnsafeWebhookError(`must not point to a loopback, private or link-local address (${host} is ${bad.address})`);
  }
  const [first] = addresses;
  return { url, address: first!.address, family: first!.family };
}
