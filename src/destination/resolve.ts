import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { CompiledPolicy, Zone } from '../config/model.js';
import { EgError } from '../errors.js';
import { canonicalIp, classifyIp, type IpClass } from './ip.js';

export interface ResolvedDestination {
  /** Normalised host name or IP literal. */
  readonly host: string;
  readonly port: number;
  /** The address that was checked and will be dialled; '' for a destination refused before
   *  resolution (a hard block: judicial body or restricted recipient). */
  readonly ip: string;
  readonly addressClass: IpClass;
  readonly zone: Zone;
  /** True when the IP came from the policy's static `resolve` table. */
  readonly pinned: boolean;
}

export interface ResolveOptions {
  /** The gateway's own listeners: a destination that is one of them would loop. */
  readonly selfPorts: ReadonlySet<number>;
  readonly lookupHost?: (host: string) => Promise<string[]>;
  /** Looked-up answers classified as public whatever they are (offline evaluation only). */
  readonly publicAddresses?: ReadonlySet<string>;
}

async function systemLookup(host: string): Promise<string[]> {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

/**
 * Asks the given DNS servers ("ip" or "ip:port") directly instead of the system resolver (a
 * `lookupHost` for startGateway; throws on a server that is not an IP): A and AAAA together,
 * IPv4 answers first. One query per request and no cache of our own, so the answer checked is
 * the answer of that moment, and it is the one dialled.
 */
export function dnsServerLookup(servers: readonly string[], timeoutMs = 2_000): (host: string) => Promise<string[]> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([...servers]);
  return async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length > 0) return addresses;
    // No address in either family: report the more telling failure (a server that cannot be
    // reached says more than "no AAAA record").
    const errors = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string }] : []));
    throw errors.find((e) => e.code !== 'ENODATA' && e.code !== 'ENOTFOUND') ?? errors[0] ?? Object.assign(new Error(`no address for ${host}`), { code: 'ENODATA' });
  };
}

/**
 * This host's own interface addresses: with the gateway listening on all interfaces, its pod or
 * host IP at the proxy port is the gateway too, and a zone allowing private addresses would
 * otherwise let a request loop. Re-read every few seconds (interfaces come and go).
 */
function localAddresses(): ReadonlySet<string> {
  const now = Date.now();
  if (now - local.at > 5_000) {
    const next = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const iface of list ?? []) {
        const canonical = canonicalIp(iface.address);
        if (canonical) next.add(canonical);
      }
    }
    local.at = now;
    local.addresses = next;
  }
  return local.addresses;
}
const local = { at: -Infinity, addresses: new Set<string>() as ReadonlySet<string> };

/** Cloud metadata services by name: refused before any DNS query, like their addresses. */
const METADATA_NAMES: ReadonlySet<string> = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Host → IP → zone. Every DNS answer is classified: one special-use answer refuses the whole
 * name unless its zone allows special addresses, so a name cannot mix a public and a loopback
 * answer to slip through. Static `resolve` entries are the operator's own statement and trusted.
 */
export async function resolveDestination(
  policy: CompiledPolicy,
  host: string,
  port: number,
  options: ResolveOptions,
): Promise<ResolvedDestination> {
  // A destination refused whatever it carries is refused before any DNS query names it.
  const byHost = policy.zoneForHost(host);
  if (byHost?.hardBlock && byHost.mode === 'enforce') return { host, port, ip: '', addressClass: 'unspecified', zone: byHost, pinned: false };
  if (METADATA_NAMES.has(host) && !byHost?.allowSpecialAddresses && !policy.resolve.has(host)) {
    throw new EgError('EG_DEST_ADDRESS_FORBIDDEN', `host ${host} is a cloud metadata service`);
  }
  let addresses: string[];
  const pinnedIp = policy.resolve.get(host);
  const pinned = pinnedIp !== undefined;
  if (pinnedIp !== undefined) addresses = [pinnedIp];
  else if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.lookupHost ?? systemLookup)(host);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'lookup failed';
      throw new EgError('EG_DEST_UNRESOLVED', `host ${host} (${code})`, { cause: err });
    }
    if (addresses.length === 0) throw new EgError('EG_DEST_UNRESOLVED', `host ${host} (no addresses)`);
  }
  const ip = addresses[0]!;
  const zone = policy.lookupZone(host, ip);
  if (zone.ports !== null && !zone.ports.has(port)) {
    throw new EgError('EG_DEST_PORT_FORBIDDEN', `port ${port} of ${host} (destination ${zone.name} accepts ${[...zone.ports].join(', ')})`);
  }
  const addressClass = classifyIp(ip);
  if (options.selfPorts.has(port) && (addressClass === 'loopback' || addressClass === 'unspecified' || localAddresses().has(ip))) {
    throw new EgError('EG_LOOP_DETECTED', `${host}:${port} is this gateway`);
  }
  if (!pinned && !zone.allowSpecialAddresses) {
    for (const address of addresses) {
      const cls = options.publicAddresses?.has(address) ? 'public' : classifyIp(address);
      if (cls !== 'public') {
        throw new EgError('EG_DEST_ADDRESS_FORBIDDEN', `host ${host} resolves to a ${cls} address (zone ${zone.name})`);
      }
    }
  }
  return { host, port, ip, addressClass, zone, pinned };
}
