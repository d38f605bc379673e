import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { CustomRuleSpec } from '../classify/custom.js';
import { normalizeFieldName } from '../classify/fields.js';
import type { Grade } from '../classify/taxonomy.js';
import { bitsOf, parseIp, type Cidr } from '../destination/ip.js';
import { EgError } from '../errors.js';
import { compileLocationScope } from './locations.js';
import type { BasisExpiry, Catalog, CategorySet, Client, LegalBasis, RedactionSettings } from './model.js';
import type { BasisWire, CatalogWire, ClientWire, PolicyWire } from './schema.js';

/**
 * The legal parts of a policy (bases, catalogs, clients, redaction keys), compiled once at load
 * into sets and maps the decider reads without parsing anything.
 */

export const DEFAULT_EXPIRY_WARNING_DAYS = 60;
export const DEFAULT_HASH_LENGTH = 16;
export const DEFAULT_PARTIAL = Object.freeze({ head: 3, tail: 4 });

export function categorySet(ids: readonly string[]): CategorySet {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const id of ids) {
    if (id.endsWith('.*')) prefixes.push(id.slice(0, -1));
    else exact.add(id);
  }
  return Object.freeze({
    ids: Object.freeze([...ids]),
    has(category: string): boolean {
      if (exact.has(category)) return true;
      for (const p of prefixes) if (category.startsWith(p)) return true;
      return false;
    },
  });
}

export function compileBases(wire: readonly BasisWire[], catalogs: ReadonlyMap<string, Catalog>): LegalBasis[] {
  return wire.map((b) =>
    Object.freeze({
      id: b.id,
      type: b.type,
      exemption: b.exemption ?? null,
      recipients: new Set(b.recipients),
      categories: categorySet(b.categories),
      scenarios: b.scenarios ? new Set(b.scenarios) : null,
      clients: b.clients ? new Set(b.clients) : null,
      maxIndividuals: b.max_individuals ?? null,
      validFrom: b.valid_from,
      validTo: b.valid_to ?? null,
      reference: b.reference ?? null,
      negativeList: b.negative_list ? (catalogs.get(b.negative_list) ?? null) : null,
      locations: b.locations ? compileLocationScope(b.locations) : null,
    }),
  );
}

export function compileCatalogs(wire: readonly CatalogWire[]): Catalog[] {
  return wire.map((c) =>
    Object.freeze({
      id: c.id,
      kind: c.kind,
      source: c.source ?? null,
      entries: Object.freeze(
        c.entries.map((e) =>
          Object.freeze({
            rule: `${c.id}/${e.id}`,
            scenario: e.scenario ?? null,
            categories: e.categories ? categorySet(e.categories) : null,
            fields: e.fields ? new Set(e.fields.map(normalizeFieldName)) : null,
            paths: e.paths ? Object.freeze(e.paths.map(pointerSegments)) : null,
            unless: e.unless ? categorySet(e.unless) : null,
            treatment: e.treatment ?? 'important',
            mode: e.mode ?? null,
          }),
        ),
      ),
    }),
  );
}

/** Important-catalog entries that name fields or paths detect data no built-in detector knows:
 *  they become detection rules of the entry's category. */
export function catalogRules(wire: readonly CatalogWire[]): { rules: CustomRuleSpec[]; grades: [string, Grade][] } {
  const rules: CustomRuleSpec[] = [];
  const grades: [string, Grade][] = [];
  for (const c of wire) {
    if (c.kind !== 'important') continue;
    for (const e of c.entries) {
      if (!e.category || (!e.fields && !e.paths)) continue;
      rules.push({ id: `catalog.${c.id}.${e.id}`, category: e.category, ...(e.fields ? { fields: e.fields } : {}), ...(e.paths ? { paths: e.paths } : {}), confidence: 1 });
      grades.push([e.category, e.treatment ?? 'important']);
    }
  }
  return { rules, grades };
}

export function pointerSegments(pointer: string): string[] {
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function compileClients(wire: readonly ClientWire[]): {
  clients: Client[];
  clientFor: (headerValue: string | undefined, address: string) => Client | null;
} {
  const byId = new Map<string, Client>();
  const byPrefix = { 4: new Map<number, Map<bigint, Client>>(), 6: new Map<number, Map<bigint, Client>>() };
  const clients = wire.map((w) => {
    const client: Client = Object.freeze({ id: w.id, scenario: w.scenario ?? null });
    byId.set(w.id, client);
    for (const cidr of (w.cidrs ?? []) as Cidr[]) {
      const table = byPrefix[cidr.family];
      const networks = table.get(cidr.prefix) ?? new Map<bigint, Client>();
      networks.set(cidr.value >> BigInt(bitsOf(cidr.family) - cidr.prefix), client);
      table.set(cidr.prefix, networks);
    }
    return client;
  });
  const prefixes = {
    4: [...byPrefix[4].keys()].sort((a, b) => b - a),
    6: [...byPrefix[6].keys()].sort((a, b) => b - a),
  };
  const byAddress = (address: string): Client | null => {
    // "::ffff:10.1.2.3" is how Node reports IPv4 peers on a dual-stack socket.
    const ip = parseIp(address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address);
    if (!ip) return null;
    for (const prefix of prefixes[ip.family]) {
      const hit = byPrefix[ip.family].get(prefix)?.get(ip.value >> BigInt(bitsOf(ip.family) - prefix));
      if (hit) return hit;
    }
    return null;
  };
  // A sidecar's clients are a handful of addresses, asked about on every request.
  const seen = new LRUCache<string, { client: Client | null }>({ max: 1_000 });
  const clientFor = (headerValue: string | undefined, address: string): Client | null => {
    if (headerValue !== undefined) {
      const named = byId.get(headerValue.trim());
      if (named) return named;
    }
    let known = seen.get(address);
    if (known === undefined) seen.set(address, (known = { client: byAddress(address) }));
    return known.client;
  };
  return { clients, clientFor };
}

/** Reads the hash key when the policy names one. A named key that cannot be read is an error:
 *  redaction must never silently fall back to something weaker. */
export function compileRedaction(wire: PolicyWire['redaction'], env: NodeJS.ProcessEnv = process.env): RedactionSettings {
  let hashKey: Buffer | null = null;
  const hash = wire?.hash;
  if (hash?.key_env !== undefined) {
    const value = env[hash.key_env];
    if (!value) throw new EgError('EG_REDACT_KEY_MISSING', `environment variable ${hash.key_env} (redaction.hash.key_env) is not set`);
    hashKey = Buffer.from(value, 'utf8');
  } else if (hash?.key_file !== undefined) {
    try {
      hashKey = Buffer.from(readFileSync(hash.key_file, 'utf8').trim(), 'utf8');
    } catch (err) {
      throw new EgError('EG_REDACT_KEY_MISSING', `redaction.hash.key_file ${hash.key_file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
    }
  }
  if (hashKey !== null && hashKey.length < 16) {
    throw new EgError('EG_REDACT_KEY_MISSING', 'the redaction hash key is shorter than 16 bytes; generate one with `egress-guard audit keygen`');
  }
  return Object.freeze({
    defaultMode: wire?.default ?? 'mask',
    partial: Object.freeze({ head: wire?.partial?.head ?? DEFAULT_PARTIAL.head, tail: wire?.partial?.tail ?? DEFAULT_PARTIAL.tail }),
    hashKey,
    hashLength: hash?.length ?? DEFAULT_HASH_LENGTH,
  });
}

/** Today's date in Asia/Shanghai, the calendar the bases and thresholds are written in. Asked
 *  once per request: the last day's string is kept. */
export function shanghaiDate(at: Date): string {
  const shifted = at.getTime() + 8 * 3_600_000;
  const day = Math.floor(shifted / 86_400_000);
  if (day !== lastDay.day) {
    // An invalid Date throws here, as before the cache (NaN never equals the cached day).
    lastDay.date = new Date(shifted).toISOString().slice(0, 10);
    lastDay.day = day;
  }
  return lastDay.date;
}
const lastDay = { day: NaN, date: '' };

export function basisExpiries(bases: readonly LegalBasis[], date: string, warningDays: number): BasisExpiry[] {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  return bases.map((b) => {
    const daysLeft = b.validTo === null ? null : day(b.validTo) - day(date);
    let state: BasisExpiry['state'] = 'valid';
    if (date < b.validFrom) state = 'not_yet_valid';
    else if (daysLeft !== null && daysLeft < 0) state = 'expired';
    else if (daysLeft !== null && daysLeft <= warningDays) state = 'expiring';
    return { id: b.id, validFrom: b.validFrom, validTo: b.validTo, daysLeft, state };
  });
}
