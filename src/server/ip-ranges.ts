import { BlockList, isIP } from 'node:net';

/**
 * How the SSRF guard judges an address: `public` may be reached, `private` (loopback, RFC 1918,
 * CGNAT, ULA, …) only with --allow-private-urls, `forbidden` (link-local and cloud metadata) never.
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

function list(v4: readonly (readonly [string, number])[], v6: readonly (readonly [string, number])[]): BlockList {
  const b = new BlockList();
  for (const [net, prefix] of v4) b.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) b.addSubnet(net, prefix, 'ipv6');
  return b;
}

/** Link-local (where cloud metadata services answer: 169.254.169.254, fd00:ec2::254) and Alibaba's 100.100.100.200. */
const FORBIDDEN = list([['169.254.0.0', 16], ['100.100.100.200', 32]], [['fe80::', 10], ['fd00:ec2::254', 128]]);

/** Not publicly routable: this network, RFC 1918, CGNAT, loopback, IETF/documentation, benchmarking, multicast and reserved. */
const PRIVATE = list(
  [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24],
    ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3],
  ],
  [['::', 128], ['::1', 128], ['100::', 64], ['2001:db8::', 32], ['64:ff9b:1::', 48], ['fc00::', 7], ['ff00::', 8]],
);

/** The 16 bytes of a valid IPv6 literal (zone id dropped; a trailing dotted quad allowed). */
function ipv6Bytes(address: string): Uint8Array {
  let s = address.replace(/%.*$/, '').toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) s = `${s.slice(0, quad.index)}0:0`;
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[2 * i] = v >> 8;
    bytes[2 * i + 1] = v & 0xff;
  });
  if (quad) for (let i = 0; i < 4; i++) bytes[12 + i] = Number(quad[i + 1]);
  return bytes;
}

function quad(b: Uint8Array, at: number, invert = false): string {
  return Array.from(b.subarray(at, at + 4), (v) => (invert ? v ^ 0xff : v)).join('.');
}

function startsWith(b: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((v, i) => b[i] === v);
}

/**
 * The IPv4 addresses an IPv6 address carries, which is where a packet to it may end up: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32: its server and its client).
 */
export function embeddedIpv4(address: string): string[] {
  const b = ipv6Bytes(address);
  const zeros = (n: number): boolean => b.subarray(0, n).every((v) => v === 0);
  if (zeros(10) && b[10] === 0xff && b[11] === 0xff) return [quad(b, 12)];
  if (zeros(12) && !(b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15]! <= 1)) return [quad(b, 12)];
  if (zeros(8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return [quad(b, 12)];
  if (startsWith(b, [0, 0x64, 0xff, 0x9b]) && (b.subarray(4, 12).every((v) => v === 0) || (b[4] === 0 && b[5] === 1))) return [quad(b, 12)];
  if (startsWith(b, [0x20, 0x02])) return [quad(b, 2)];
  if (startsWith(b, [0x20, 0x01, 0, 0])) return [quad(b, 4), quad(b, 12, true)];
  return [];
}

function worst(classes: readonly AddressClass[]): AddressClass {
  return classes.includes('forbidden') ? 'forbidden' : classes.includes('private') ? 'private' : 'public';
}

function classifyIpv4(address: string): AddressClass {
  return FORBIDDEN.check(address, 'ipv4') ? 'forbidden' : PRIVATE.check(address, 'ipv4') ? 'private' : 'public';
}

/** Judges an IP literal; an IPv6 form that embeds an IPv4 address is judged as that address too. Not an IP: private. */
export function classifyAddress(address: string): AddressClass {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(a);
  if (family === 4) return classifyIpv4(a);
  if (family !== 6) return 'private';
  const own: AddressClass = FORBIDDEN.check(a, 'ipv6') ? 'forbidden' : PRIVATE.check(a, 'ipv6') ? 'private' : 'public';
  return worst([own, ...embeddedIpv4(a).map(classifyIpv4)]);
}
