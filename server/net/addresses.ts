import { BlockList, isIP } from 'node:net';

/**
 * Addresses a shop-given URL may never reach: this host, the private network
 * behind it, link-local (cloud metadata lives at 169.254.169.254), carrier NAT,
 * benchmarking, documentation, multicast and reserved space. BlockList checks
 * an IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 rules too.
 */
const PRIVATE_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const PRIVATE_V6: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback and the old IPv4-compatible form (::127.0.0.1)
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const privateRanges = new BlockList();
for (const [net, bits] of PRIVATE_V4) privateRanges.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of PRIVATE_V6) privateRanges.addSubnet(net, bits, 'ipv6');

/** Cloud metadata endpoints stay closed even where private addresses are allowed for development. */
const metadata = new BlockList();
metadata.addAddress('169.254.169.254', 'ipv4');
metadata.addAddress('169.254.170.2', 'ipv4');
metadata.addAddress('fd00:ec2::254', 'ipv6');

const METADATA_NAMES = /^(metadata|metadata\.google\.internal|metadata\.goog|instance-data(\.ec2\.internal)?)$/;
const LOCAL_NAMES = /(^|\.)(localhost|localdomain|internal|local)$/;

/** Strips URL brackets from an IPv6 literal and a trailing dot from a name. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();

/** True when an IP address may be connected to; `allowPrivate` opens everything but metadata. */
export function addressAllowed(address: string, allowPrivate: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (metadata.check(address, type)) return false;
  return allowPrivate || !privateRanges.check(address, type);
}

/**
 * What can be refused before any lookup, from the URL alone: a literal
 * address in a closed range (WHATWG URL has already turned 0x7f.1 and
 * 2130706433 into 127.0.0.1), localhost and metadata names. A name passes
 * here; its addresses are checked at every connection.
 */
export function hostRefused(hostname: string, allowPrivate: boolean): boolean {
  const host = bareHost(hostname);
  if (isIP(host)) return !addressAllowed(host, allowPrivate);
  if (METADATA_NAMES.test(host)) return true;
  return !allowPrivate && (LOCAL_NAMES.test(host) || !host.includes('.'));
}
