import { BUILTIN_CATEGORIES } from '../classify/taxonomy.js';
import { checkHost, formatHostPattern, parseHostPattern } from '../destination/host.js';
import { formatIp, parseCidr } from '../destination/ip.js';
import { DEFAULTS } from './defaults.js';
import { closest, formatPath, type RawIssue } from './issues.js';
import { allowedKeysAt, CATEGORY_ID, parseByteSize } from './schema.js';
import { legalIssues } from './validate-legal.js';
import { tlsIssues } from '../tls/settings.js';

const ZONE_KEYS = allowedKeysAt(['destinations', 0]);

/**
 * Checks that span several fields. They run on the raw parsed YAML, not on the schema output,
 * so that they report even when the schema rejected something elsewhere in the file: the
 * operator gets every issue in one pass. Each check skips values the schema reports anyway.
 */
export function semanticIssues(raw: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  if (!isObject(raw)) return issues;
  const zones = Array.isArray(raw.destinations) ? raw.destinations : [];
  checkZoneNames(zones, issues);
  checkZoneTargets(zones, issues);
  checkCategoryRefs(raw, zones, issues);
  checkResolve(raw.resolve, issues);
  checkLimits(raw.limits, issues);
  issues.push(...legalIssues(raw));
  issues.push(...tlsIssues(raw));
  if (isObject(raw.unknown) && raw.unknown.jurisdiction === DEFAULTS.domesticJurisdiction) {
    issues.push({
      path: ['unknown', 'jurisdiction'],
      message: 'the unknown zone is always abroad; list domestic destinations in a zone with jurisdiction CN',
    });
  }
  return issues;
}

function checkZoneNames(zones: unknown[], issues: RawIssue[]): void {
  const seen = new Map<string, number>();
  zones.forEach((zone, i) => {
    if (!isObject(zone) || typeof zone.name !== 'string') return;
    const first = seen.get(zone.name);
    if (first === undefined) seen.set(zone.name, i);
    else issues.push({ path: ['destinations', i, 'name'], message: `destination name "${zone.name}" is already used by destinations[${first}]` });
  });
}

/** A host pattern or CIDR in two places would make the zone depend on list order. */
function checkZoneTargets(zones: unknown[], issues: RawIssue[]): void {
  const seen = new Map<string, readonly PropertyKey[]>();
  const claim = (key: string, label: string, path: readonly PropertyKey[]): void => {
    const first = seen.get(key);
    if (first) issues.push({ path, message: `${label} is already listed at ${formatPath(first)}` });
    else seen.set(key, path);
  };
  zones.forEach((zone, i) => {
    if (!isObject(zone)) return;
    const hosts = Array.isArray(zone.hosts) ? zone.hosts : [];
    const cidrs = Array.isArray(zone.cidrs) ? zone.cidrs : [];
    const empty = (list: unknown): boolean => list === undefined || (Array.isArray(list) && list.length === 0);
    // With a misspelt key ("hots") the unknown-key issue already says what is wrong.
    const allKnown = Object.keys(zone).every((key) => ZONE_KEYS.includes(key));
    if (empty(zone.hosts) && empty(zone.cidrs) && allKnown) {
      issues.push({ path: ['destinations', i], message: 'a destination needs at least one entry under hosts or cidrs' });
    }
    hosts.forEach((host, k) => {
      const pattern = typeof host === 'string' ? parseHostPattern(host) : undefined;
      if (!pattern || 'error' in pattern) return;
      const text = formatHostPattern(pattern);
      claim(`host ${text}`, `host pattern "${text}"`, ['destinations', i, 'hosts', k]);
    });
    cidrs.forEach((text, k) => {
      const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
      if (!cidr || 'error' in cidr) return;
      const canonical = `${formatIp(cidr)}/${cidr.prefix}`;
      claim(`cidr ${canonical}`, `CIDR ${canonical}`, ['destinations', i, 'cidrs', k]);
    });
  });
}

/** An action for a misspelt category would never apply; catch it at load. */
function checkCategoryRefs(raw: Record<string, unknown>, zones: unknown[], issues: RawIssue[]): void {
  const known = new Set<string>(Object.keys(BUILTIN_CATEGORIES));
  if (isObject(raw.categories)) for (const id of Object.keys(raw.categories)) known.add(id);
  for (const c of Array.isArray(raw.catalogs) ? raw.catalogs : []) {
    for (const e of isObject(c) && Array.isArray(c.entries) ? c.entries : []) if (isObject(e) && typeof e.category === 'string') known.add(e.category);
  }
  const check = (zone: unknown, path: readonly PropertyKey[]): void => {
    if (!isObject(zone) || !isObject(zone.actions) || !isObject(zone.actions.categories)) return;
    for (const id of Object.keys(zone.actions.categories)) {
      if (!CATEGORY_ID.test(id) || id.includes('*') || known.has(id)) continue;
      const hint = closest(id, known);
      issues.push({
        path: [...path, 'actions', 'categories', id],
        onKey: true,
        message: `unknown category "${id}"${hint ? `; did you mean "${hint}"?` : ''} (new categories are defined under categories)`,
      });
    }
  };
  zones.forEach((zone, i) => check(zone, ['destinations', i]));
  check(raw.unknown, ['unknown']);
}

function checkResolve(resolve: unknown, issues: RawIssue[]): void {
  if (!isObject(resolve)) return;
  const seen = new Map<string, string>();
  for (const name of Object.keys(resolve)) {
    const checked = checkHost(name);
    if ('error' in checked) continue;
    const first = seen.get(checked.host);
    if (first === undefined) seen.set(checked.host, name);
    else issues.push({ path: ['resolve', name], onKey: true, message: `"${name}" is the same host as "${first}"` });
  }
}

function checkLimits(limits: unknown, issues: RawIssue[]): void {
  if (!isObject(limits)) return;
  const body = limits.max_body_bytes === undefined ? DEFAULTS.limits.maxBodyBytes : parseByteSize(limits.max_body_bytes);
  const decoded =
    limits.max_decoded_bytes === undefined ? DEFAULTS.limits.maxDecodedBytes : parseByteSize(limits.max_decoded_bytes);
  if (typeof body !== 'number' || typeof decoded !== 'number' || decoded >= body) return;
  // An identity-encoded body is its own decoded body: it would pass one limit and fail the other.
  issues.push({
    path: ['limits', limits.max_decoded_bytes === undefined ? 'max_body_bytes' : 'max_decoded_bytes'],
    message: `max_decoded_bytes (${decoded}) must be at least max_body_bytes (${body})`,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
