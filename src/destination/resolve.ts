import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CompiledPolicy, Zone } from '../config/model.js';
import { EgError } from '../errors.js';
import { classifyIp, type IpClass } from './ip.js';

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
  if (options.selfPorts.has(port) && (addressClass === 'loopback' || addressClass === 'unspecified')) {
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
