import { createHash } from 'node:crypto';
import { BUILTIN_CATEGORIES, type Grade } from '../classify/taxonomy.js';
import { formatHostPattern } from '../destination/host.js';
import { bitsOf, formatIp, parseIp, type IpAddress } from '../destination/ip.js';
import { DEFAULTS } from './defaults.js';
import {
  basisExpiries,
  catalogRules,
  categorySet,
  compileBases,
  compileCatalogs,
  compileClients,
  compileRedaction,
  DEFAULT_EXPIRY_WARNING_DAYS,
} from './compile-legal.js';
import type { PolicyIssue } from './issues.js';
import { compileVolume } from '../volume/settings.js';
import { compileTls } from '../tls/settings.js';
import type { ActionTable, CompiledPolicy, Mode, Verdict, Zone } from './model.js';
import type { ActionsWire, PolicyWire, UnknownZoneWire, ZoneWire } from './schema.js';

/**
 * Wire format → frozen CompiledPolicy. Everything a request needs is precomputed here: host
 * lookups are Map hits per label, CIDR lookups one Map hit per distinct prefix length.
 */

/** A Map that refuses writes once built: the compiled policy is shared by every request. */
class FrozenMap<K, V> extends Map<K, V> {
  readonly #sealed: boolean;
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [k, v] of entries) super.set(k, v);
    this.#sealed = true;
    Object.freeze(this);
  }
  override set(key: K, value: V): this {
    if (this.#sealed) throw new TypeError('A compiled policy is read-only.');
    return super.set(key, value);
  }
  override delete(): boolean {
    throw new TypeError('A compiled policy is read-only.');
  }
  override clear(): void {
    throw new TypeError('A compiled policy is read-only.');
  }
}

export function compilePolicy(
  wire: PolicyWire,
  source: { readonly text: string; readonly name: string },
  placeWarnings: (policy: CompiledPolicy) => readonly PolicyIssue[] = () => [],
): CompiledPolicy {
  const mode = wire.mode ?? DEFAULTS.mode;
  const fromCatalogs = catalogRules(wire.catalogs ?? []);
  const categoryGrades = new FrozenMap<string, Grade>([
    ...(Object.entries(BUILTIN_CATEGORIES) as [string, Grade][]),
    ...fromCatalogs.grades,
    ...Object.entries(wire.categories ?? {}).map(([id, def]) => [id, def.grade] as [string, Grade]),
  ]);
  const restrictedEntities = new Set(wire.restricted?.entities ?? []);

  const exact = new Map<string, Zone>();
  const suffix = new Map<string, Zone>();
  const byPrefix = { 4: new Map<number, Map<bigint, Zone>>(), 6: new Map<number, Map<bigint, Zone>>() };
  const zones = (wire.destinations ?? []).map((w) => {
    const zone = compileZone(w, w.name, mode, categoryGrades, false, restrictedEntities);
    for (const pattern of w.hosts ?? []) (pattern.kind === 'exact' ? exact : suffix).set(pattern.host, zone);
    for (const cidr of w.cidrs ?? []) {
      const table = byPrefix[cidr.family];
      const networks = table.get(cidr.prefix) ?? new Map<bigint, Zone>();
      networks.set(cidr.value >> BigInt(bitsOf(cidr.family) - cidr.prefix), zone);
      table.set(cidr.prefix, networks);
    }
    return zone;
  });
  const unknownZone = compileZone(wire.unknown ?? {}, 'unknown', mode, categoryGrades, true, restrictedEntities);
  // Hosts on the restriction list are refused whatever zone they would otherwise fall in.
  // Hosts on the restriction list are refused whatever destination they would otherwise fall in,
  // however specific: they are looked up first, in tables of their own.
  const restrictedExact = new Set<string>();
  const restrictedSuffix = new Set<string>();
  for (const pattern of wire.restricted?.hosts ?? []) (pattern.kind === 'exact' ? restrictedExact : restrictedSuffix).add(pattern.host);
  const restrictedZone: Zone = Object.freeze({
    ...unknownZone,
    name: 'restricted',
    hardBlock: 'restricted' as const,
    hosts: Object.freeze((wire.restricted?.hosts ?? []).map(formatHostPattern)),
  });
  const isRestricted = (host: string): boolean => {
    if (restrictedExact.has(host)) return true;
    if (restrictedSuffix.size === 0) return false;
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) if (restrictedSuffix.has(host.slice(dot + 1))) return true;
    return false;
  };
  const catalogs = compileCatalogs(wire.catalogs ?? []);
  const bases = compileBases(wire.bases ?? [], new Map(catalogs.map((c) => [c.id, c])));
  const { clients, clientFor } = compileClients(wire.clients ?? []);
  const handler = Object.freeze({
    entity: wire.handler?.entity ?? null,
    ciio: wire.handler?.ciio ?? false,
    ftz: wire.handler?.ftz ?? null,
    expiryWarningDays: wire.handler?.expiry_warning_days ?? DEFAULT_EXPIRY_WARNING_DAYS,
  });
  const customRules = [...(wire.rules ?? []), ...fromCatalogs.rules];
  // Most specific prefix first: the first hit is the answer.
  const prefixes = {
    4: [...byPrefix[4].keys()].sort((a, b) => b - a),
    6: [...byPrefix[6].keys()].sort((a, b) => b - a),
  };

  const zoneForHost = (host: string): Zone | undefined => {
    if (isRestricted(host)) return restrictedZone;
    const hit = exact.get(host);
    if (hit) return hit;
    // "*.a.b" is stored under "a.b"; the leftmost dot gives the longest candidate suffix, and
    // the apex itself is never tried, so "*.cn" does not match "cn".
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      const zone = suffix.get(host.slice(dot + 1));
      if (zone) return zone;
    }
    return undefined;
  };

  const zoneForIp = (ip: IpAddress): Zone | undefined => {
    const bits = bitsOf(ip.family);
    for (const prefix of prefixes[ip.family]) {
      const zone = byPrefix[ip.family].get(prefix)?.get(ip.value >> BigInt(bits - prefix));
      if (zone) return zone;
    }
    return undefined;
  };

  const policy: Omit<CompiledPolicy, 'warnings'> & { warnings: readonly PolicyIssue[] } = {
    warnings: [],
    revision: createHash('sha256').update(source.text).digest('hex').slice(0, 16),
    source: source.name,
    mode,
    destinations: Object.freeze(zones),
    unknownZone,
    resolve: new FrozenMap(Object.entries(wire.resolve ?? {})),
    categoryGrades,
    customRules: Object.freeze(customRules.map((rule) => Object.freeze({ ...rule }))),
    monitorRules: new Set((wire.rules ?? []).filter((r) => r.mode === 'monitor').map((r) => `custom.${r.id}`)),
    handler,
    bases: Object.freeze(bases),
    catalogs: Object.freeze(catalogs),
    clients: Object.freeze(clients),
    clientHeader: wire.client_header ?? null,
    scenarioHeader: wire.scenario_header ?? null,
    redaction: compileRedaction(wire.redaction),
    audit: Object.freeze({
      onAuditFailure: wire.audit?.on_audit_failure ?? 'refuse',
      domesticDetail: wire.audit?.domestic_detail ?? 'summary',
    }),
    drift: Object.freeze({ action: wire.drift?.action ?? 'record' }),
    volume: compileVolume(wire.volume, {
      destinations: zones,
      unknownZone,
      bases,
      categoryGrades,
      monitorRules: new Set((wire.rules ?? []).filter((r) => r.mode === 'monitor').map((r) => r.id)),
      redactDefault: wire.redaction?.default ?? 'mask',
    }),
    clientFor,
    basisExpiries: (date: string) => basisExpiries(bases, date, handler.expiryWarningDays),
    inspectHeaders: Object.freeze({
      include: Object.freeze([...(wire.inspect?.headers ?? DEFAULTS.inspect.headers)].map((h) => h.toLowerCase())),
      skip: Object.freeze([...(wire.inspect?.skip_headers ?? DEFAULTS.inspect.skipHeaders)].map((h) => h.toLowerCase())),
    }),
    limits: Object.freeze({
      maxBodyBytes: wire.limits?.max_body_bytes ?? DEFAULTS.limits.maxBodyBytes,
      maxDecodedBytes: wire.limits?.max_decoded_bytes ?? DEFAULTS.limits.maxDecodedBytes,
      bodyBudgetBytes: wire.limits?.body_budget_bytes ?? DEFAULTS.limits.bodyBudgetBytes,
      maxHeaderBytes: wire.limits?.max_header_bytes ?? DEFAULTS.limits.maxHeaderBytes,
      maxHeaders: wire.limits?.max_headers ?? DEFAULTS.limits.maxHeaders,
      maxConnections: wire.limits?.max_connections ?? DEFAULTS.limits.maxConnections,
      maxPipelinedRequests: wire.limits?.max_pipelined_requests ?? DEFAULTS.limits.maxPipelinedRequests,
    }),
    timeouts: Object.freeze({
      connectMs: wire.timeouts?.connect ?? DEFAULTS.timeouts.connectMs,
      headersMs: wire.timeouts?.headers ?? DEFAULTS.timeouts.headersMs,
      bodyMs: wire.timeouts?.body ?? DEFAULTS.timeouts.bodyMs,
      requestHeadersMs: wire.timeouts?.request_headers ?? DEFAULTS.timeouts.requestHeadersMs,
      requestMs: wire.timeouts?.request ?? DEFAULTS.timeouts.requestMs,
      keepAliveMs: wire.timeouts?.keep_alive ?? DEFAULTS.timeouts.keepAliveMs,
      bodyBudgetWaitMs: wire.timeouts?.body_budget_wait ?? DEFAULTS.timeouts.bodyBudgetWaitMs,
    }),
    lookupZone(host: string, ip: string | undefined): Zone {
      const byHost = zoneForHost(host);
      if (byHost) return byHost;
      // A literal host is its own address when nothing has been resolved yet.
      const addr = parseIp(ip ?? host);
      return (addr && zoneForIp(addr)) ?? unknownZone;
    },
    zoneForHost,
    tls: compileTls(wire.tls, wire.routes),
  };
  policy.warnings = Object.freeze(placeWarnings(policy));
  return Object.freeze(policy);
}

function compileZone(
  w: ZoneWire | UnknownZoneWire,
  name: string,
  policyMode: Mode,
  categoryGrades: ReadonlyMap<string, Grade>,
  isUnknown: boolean,
  restrictedEntities: ReadonlySet<string>,
): Zone {
  const jurisdiction = w.jurisdiction ?? DEFAULTS.unknownJurisdiction;
  const abroad = isUnknown || jurisdiction !== DEFAULTS.domesticJurisdiction;
  const base = abroad ? DEFAULTS.zone.abroad : DEFAULTS.zone.domestic;
  const listed = 'name' in w ? w : undefined;
  const recipient = listed?.recipient ?? null;
  let hardBlock: Zone['hardBlock'] = null;
  if (listed?.judicial) hardBlock = 'judicial';
  else if (recipient !== null && restrictedEntities.has(recipient)) hardBlock = 'restricted';
  return Object.freeze({
    name,
    jurisdiction,
    abroad,
    mode: w.mode ?? policyMode,
    allowSpecialAddresses: w.allow_special_addresses ?? DEFAULTS.zone.allowSpecialAddresses,
    tunnel: w.tunnel ?? base.tunnel,
    tls: w.tls ?? 'tunnel',
    uninspectable: w.uninspectable ?? base.uninspectable,
    actions: compileActions(w.actions, base.actions, categoryGrades),
    always: w.always ? compileActions(w.always, { default: 'allow', grades: {} }, categoryGrades) : null,
    recipient,
    ports: listed?.ports ? new Set(listed.ports) : null,
    inspect: w.inspect ?? 'auto',
    scenario: listed?.scenario ?? null,
    hardBlock,
    nonImportant: listed?.non_important ? categorySet(listed.non_important) : null,
    hosts: Object.freeze((listed?.hosts ?? []).map(formatHostPattern)),
    cidrs: Object.freeze((listed?.cidrs ?? []).map((c) => `${formatIp(c)}/${c.prefix}`)),
  });
}

/**
 * Grade entries merge over the jurisdiction defaults key by key, so `pi: allow` in an abroad
 * zone does not quietly drop the sensitive_pi block. A wildcard category ("pi.*") is expanded
 * to every known category under it (a longer wildcard beats a shorter one, an exact id beats
 * both), and is also kept under its own key for categories added later (catalogs).
 */
function compileActions(
  w: ActionsWire | undefined,
  base: (typeof DEFAULTS.zone.abroad)['actions'],
  categoryGrades: ReadonlyMap<string, Grade>,
): ActionTable {
  const byGrade = new FrozenMap(
    Object.entries({ ...base.grades, ...w?.grades }).filter((e): e is [Grade, Verdict] => e[1] !== undefined),
  );
  const entries = Object.entries(w?.categories ?? {});
  const wildcards = entries.filter(([id]) => id.endsWith('.*')).sort(([a], [b]) => a.length - b.length);
  const byCategory = new Map<string, Verdict>();
  for (const [id, action] of wildcards) {
    const prefix = id.slice(0, -1);
    byCategory.set(id, action);
    for (const known of categoryGrades.keys()) if (known.startsWith(prefix)) byCategory.set(known, action);
  }
  for (const [id, action] of entries) if (!id.endsWith('.*')) byCategory.set(id, action);
  return Object.freeze({
    fallback: (w?.default ?? base.default) as Verdict,
    byGrade,
    byCategory: new FrozenMap(byCategory),
  });
}
