import { isIPv4, isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import { EgError } from '../errors.js';

/**
 * IP literal parsing, CIDR prefixes and address classes. Written by hand rather than with
 * node:net BlockList so that IPv4-mapped and NAT64 addresses are unwrapped once, explicitly,
 * and the class table reads as one list.
 */
export interface IpAddress {
  readonly family: 4 | 6;
  /** The address as an unsigned integer of 32 (IPv4) or 128 (IPv6) bits. */
  readonly value: bigint;
}

export interface Cidr extends IpAddress {
  readonly prefix: number;
}

export type IpClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

export function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/**
 * A strict IP literal (dotted quad, or IPv6 without brackets or zone id) or undefined.
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) comes back as IPv4: it reaches the same host.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, value: parseV4(text) };
  // node accepts zone ids ("fe80::1%eth0"); a zone names a local interface, never a policy target.
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const value = parseV6(text);
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Only called on text node:net accepted, so the shape is known to be valid. */
function parseV6(text: string): bigint {
  const groups = (side: string): number[] => {
    if (side === '') return [];
    const out: number[] = [];
    for (const part of side.split(':')) {
      if (part.includes('.')) {
        const v4 = Number(parseV4(part));
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  const [head = '', tail] = text.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((ip.value >> s) & 0xffffn));
  // Longest run of two or more zero groups becomes "::" (first one on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** Canonical form of an IP literal, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip);
}

/**
 * "addr/prefix" (or a bare address, meaning a single host). Host bits must be zero: a CIDR
 * like 10.20.1.0/16 is almost always a typo, and silently widening it would hide that.
 */
export function parseCidr(text: string): Cidr | { readonly error: string } {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const addr = parseIp(addrText);
  if (!addr) return { error: `"${addrText}" is not an IPv4 or IPv6 address` };
  const mappedIn = addr.family === 4 && addrText.includes(':');
  const max = mappedIn ? 128 : bitsOf(addr.family);
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > max) {
      return { error: `prefix length must be a number from 0 to ${max}` };
    }
    prefix = Number(prefixText);
  }
  if (mappedIn) {
    if (prefix < 96) return { error: 'an IPv4-mapped prefix must be /96 or longer; write the IPv4 CIDR instead' };
    prefix -= 96;
  }
  const hostBits = BigInt(bitsOf(addr.family) - prefix);
  const network = (addr.value >> hostBits) << hostBits;
  if (network !== addr.value) {
    return { error: `host bits are set; did you mean ${formatIp({ family: addr.family, value: network })}/${prefix}?` };
  }
  return { family: addr.family, value: network, prefix };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const shift = BigInt(bitsOf(ip.family) - cidr.prefix);
  return ip.value >> shift === cidr.value >> shift;
}

type ClassRule = readonly [cidr: string, cls: IpClass | 'embedded_v4'];

// Longest prefix wins, so broad defaults and narrow exceptions can sit side by side.
const RULES: readonly ClassRule[] = [
  ['0.0.0.0/0', 'public'],
  ['0.0.0.0/8', 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'], // CGNAT
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud ECS
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, Huawei, ...
  ['169.254.0.23/32', 'metadata'], // Tencent Cloud
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'reserved'],
  // Only 2000::/3 is allocated for global unicast; everything else is special until proven not.
  ['::/0', 'reserved'],
  ['2000::/3', 'public'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b::/96', 'embedded_v4'], // NAT64: the packet ends up at the embedded IPv4
  ['2002::/16', 'embedded_v4'], // 6to4: tunnelled to the embedded IPv4
  ['2001:2::/48', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'private'],
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
];

// Built on first use, not at import: parsing its IPv6 rows compiles Node's IPv6 pattern, ~10 ms
// of the start of commands that never classify an address (scan, check).
let table: ReadonlyArray<{ readonly cidr: Cidr; readonly cls: ClassRule[1] }> | undefined;

function classTable(): NonNullable<typeof table> {
  return (table ??= RULES.map(([text, cls]) => {
    const cidr = parseCidr(text);
    if ('error' in cidr) throw new Error(`bad built-in CIDR ${text}: ${cidr.error}`);
    return { cidr, cls };
  }).sort((a, b) => b.cidr.prefix - a.cidr.prefix));
}

export function classifyAddress(ip: IpAddress): IpClass {
  const rule = classTable().find((r) => cidrContains(r.cidr, ip));
  if (!rule) return 'reserved';
  if (rule.cls !== 'embedded_v4') return rule.cls;
  const v4 = ip.value >> 112n === 0x2002n ? (ip.value >> 80n) & 0xffffffffn : ip.value & 0xffffffffn;
  return classifyAddress({ family: 4, value: v4 });
}

/** Class of an IP literal; throws EG_BAD_REQUEST when `ip` is not one. */
export function classifyIp(ip: string): IpClass {
  const known = classes.get(ip);
  if (known !== undefined) return known;
  const parsed = parseIp(ip);
  if (!parsed) throw new EgError('EG_BAD_REQUEST', `${JSON.stringify(ip.slice(0, 64))} is not an IP address.`);
  const cls = classifyAddress(parsed);
  classes.set(ip, cls);
  return cls;
}
/** Asked for every request's destination (parsing and the table walk use BigInt): the classes
 *  of the addresses seen last. */
const classes = new LRUCache<string, IpClass>({ max: 1_000 });
