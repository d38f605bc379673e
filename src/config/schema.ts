import * as z from 'zod';
import { validateCustomRule } from '../classify/custom.js';
import { GRADES, type Grade } from '../classify/taxonomy.js';
import { checkHost, isIpLiteral, parseHostPattern } from '../destination/host.js';
import { canonicalIp, parseCidr } from '../destination/ip.js';
import { BYTE_UNITS, DEFAULTS, DURATION_UNITS_MS } from './defaults.js';
import { routeSchema, tlsSchema } from '../tls/schema.js';
import { LOCATION_PATTERN, LOCATION_PATTERN_HINT } from './locations.js';

/**
 * The YAML wire format, strict: an unknown key is an error, because a misspelt key
 * (`alow_special_addresses`) would otherwise silently leave a default in force. Values that
 * need parsing (host patterns, CIDRs, sizes, durations) come out parsed, so compile.ts never
 * re-validates. Checks across fields (duplicates, known categories) live in validate.ts.
 */

export const CATEGORY_ID = /^[a-z][a-z0-9_]*(\.[a-z0-9_*]+)+$/;
const ZONE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

type Failure = { readonly error: string };

/** A string parsed by `check`: its error becomes the issue message, anything else the value. */
function parsed<R>(check: (input: string) => R) {
  return z.string().transform((input, ctx): Exclude<R, Failure> => {
    const out = check(input);
    if (typeof out === 'object' && out !== null && 'error' in out) {
      ctx.issues.push({ code: 'custom', message: String(out.error), input });
      return z.NEVER;
    }
    return out as Exclude<R, Failure>;
  });
}

export function parseByteSize(input: unknown): number | { readonly error: string } {
  const max = DEFAULTS.bounds.maxBytes;
  const fail = { error: `must be a byte count from 1 to ${max}, or a whole number with B, KiB, MiB or GiB (as "8MiB")` };
  let bytes: number;
  if (typeof input === 'number') {
    bytes = input;
  } else if (typeof input === 'string') {
    const m = /^([0-9]+)\s*(B|KiB|MiB|GiB)$/.exec(input);
    if (!m) return fail;
    bytes = Number(m[1]) * (BYTE_UNITS[m[2] ?? ''] ?? NaN);
  } else {
    return fail;
  }
  return Number.isInteger(bytes) && bytes >= 1 && bytes <= max ? bytes : fail;
}

/** "YYYY-MM-DD", a real calendar date; kept as that string (it sorts as it compares). */
export function parseIsoDate(input: string): string | { readonly error: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  const fail = { error: `must be a date as YYYY-MM-DD (got ${JSON.stringify(input)})` };
  if (!m) return fail;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === input ? input : { error: `${input} is not a calendar date` };
}

export function parseDuration(input: unknown): number | { readonly error: string } {
  const max = DEFAULTS.bounds.maxTimeoutMs;
  const fail = { error: `must be milliseconds from 1 to ${max}, or a whole number with ms, s or m (as "30s")` };
  let ms: number;
  if (typeof input === 'number') {
    ms = input;
  } else if (typeof input === 'string') {
    const m = /^([0-9]+)\s*(ms|s|m)$/.exec(input);
    if (!m) return fail;
    ms = Number(m[1]) * (DURATION_UNITS_MS[m[2] ?? ''] ?? NaN);
  } else {
    return fail;
  }
  return Number.isInteger(ms) && ms >= 1 && ms <= max ? ms : fail;
}

// z.unknown() rather than a union of number and string: a wrong type then gets the same
// message, with the accepted formats, as a wrong string.
const byteSize = z.unknown().transform((input, ctx) => {
  const out = parseByteSize(input);
  if (typeof out === 'number') return out;
  ctx.issues.push({ code: 'custom', message: out.error, input });
  return z.NEVER;
});

const duration = z.unknown().transform((input, ctx) => {
  const out = parseDuration(input);
  if (typeof out === 'number') return out;
  ctx.issues.push({ code: 'custom', message: out.error, input });
  return z.NEVER;
});

export function checkCategoryId(id: string, allowWildcard: boolean): string | undefined {
  if (!CATEGORY_ID.test(id)) {
    return `invalid category id ${JSON.stringify(id)}: use lower-case dot-separated names, as "pi.id_card"`;
  }
  if (!id.includes('*')) return undefined;
  if (!allowWildcard) return `a category definition cannot contain "*"`;
  if (!id.endsWith('.*') || id.slice(0, -2).includes('*')) {
    return `invalid category id ${JSON.stringify(id)}: "*" is only allowed as a whole last part, as "pi.*"`;
  }
  return undefined;
}

const categoryDefId = parsed((id) => {
  const error = checkCategoryId(id, false);
  return error ? { error } : id;
});
const categoryRefId = parsed((id) => {
  const error = checkCategoryId(id, true);
  return error ? { error } : id;
});

const jurisdiction = parsed((code) => {
  if (/^[A-Z]{2}$/.test(code)) return code;
  const hint = /^[a-z]{2}$/i.test(code) ? `; did you mean "${code.toUpperCase()}"?` : '';
  return { error: `must be a 2-letter upper-case country code such as CN, US or HK (ZZ when unknown)${hint}` };
});

const zoneName = parsed((name) => {
  if (!ZONE_NAME.test(name)) {
    return { error: 'must be 1 to 63 lower-case letters, digits, "-" or "_", starting with a letter' };
  }
  if (name === 'unknown') return { error: 'the name "unknown" is reserved for the unknown section' };
  return name;
});

const resolveHost = parsed((host) => {
  const checked = checkHost(host);
  if ('error' in checked) return { error: `invalid host ${JSON.stringify(host)}: ${checked.error}` };
  if (isIpLiteral(checked.host)) return { error: `${JSON.stringify(host)} is already an IP address` };
  return checked.host;
});
const ipLiteral = parsed((ip) => canonicalIp(ip) ?? { error: `${JSON.stringify(ip)} is not an IP address` });
const hostPattern = parsed(parseHostPattern);
const cidr = parsed((text) => {
  const out = parseCidr(text);
  return 'error' in out ? { error: `invalid CIDR ${JSON.stringify(text)}: ${out.error}` } : out;
});

/** `redact` masks by the policy's default redaction mode; mask, partial, hash and drop name one. */
export const ACTIONS = ['allow', 'redact', 'mask', 'partial', 'hash', 'drop', 'block'] as const;
const action = z.enum(ACTIONS);
const scenarioId = z.string().regex(/^[a-z][a-z0-9_.-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits, ".", "-" or "_", starting with a letter');
const allowBlock = z.enum(['allow', 'block']);
const mode = z.enum(['enforce', 'monitor']);

const gradeActions = z.strictObject({
  general: action.optional(),
  pi: action.optional(),
  sensitive_pi: action.optional(),
  important: action.optional(),
  core: action.optional(),
} satisfies Record<Grade, unknown>);

const actions = z.strictObject({
  default: action.optional(),
  grades: gradeActions.optional(),
  categories: z.record(categoryRefId, action).optional(),
});

const zoneSettings = {
  allow_special_addresses: z.boolean().optional(),
  inspect: z.enum(['auto', 'always', 'never']).optional(),
  always: actions.optional(),
  tunnel: allowBlock.optional(),
  /** TLS in CONNECT tunnels: intercept (operator CA, inspected) or tunnel (relayed unread). */
  tls: z.enum(['intercept', 'tunnel']).optional(),
  uninspectable: allowBlock.optional(),
  mode: mode.optional(),
  actions: actions.optional(),
};

const port = z.number().int().min(1).max(65535);
const zone = z.strictObject({
  name: zoneName,
  jurisdiction,
  hosts: z.array(hostPattern).optional(),
  cidrs: z.array(cidr).optional(),
  ports: z.array(port).min(1).optional(),
  recipient: z.string().min(1).optional(),
  scenario: scenarioId.optional(),
  judicial: z.boolean().optional(),
  non_important: z.array(categoryRefId).optional(),
  ...zoneSettings,
});

const unknownZone = z.strictObject({
  jurisdiction: jurisdiction.optional(),
  ...zoneSettings,
});

const headerPattern = z.string().regex(/^[a-z0-9!#$%&'+.^_`|~-]+\*?$/i, 'must be a header name, or a prefix ending in "*" (as "x-user-*")');

const RULE_ID = /^[a-z][a-z0-9_.-]{0,62}$/;
const customRule = z
  .strictObject({
    id: z.string().regex(RULE_ID, 'must be 1 to 63 lower-case letters, digits, ".", "-" or "_", starting with a letter'),
    category: categoryDefId,
    fields: z.array(z.string().min(1)).min(1).optional(),
    paths: z.array(z.string().regex(/^\//, 'must be a JSON Pointer starting with "/"')).min(1).optional(),
    pattern: z.string().min(1).optional(),
    flags: z.string().regex(/^[iu]{0,2}$/, 'only the flags "i" and "u" are allowed').optional(),
    validator: z.enum(['luhn', 'mod11-2', 'mod31', 'vin']).optional(),
    keywords: z.array(z.string().min(1)).min(1).optional(),
    confidence: z.number().min(0).max(1).optional(),
    mode: mode.optional(),
  })
  .superRefine((rule, ctx) => {
    if (!rule.fields && !rule.paths && !rule.pattern && !rule.keywords) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs at least one of fields, paths, pattern or keywords' });
    }
    if (rule.validator && !rule.pattern) ctx.addIssue({ code: 'custom', path: ['validator'], message: 'a validator applies to pattern matches: add a pattern' });
    for (const problem of validateCustomRule(rule)) ctx.addIssue({ code: 'custom', path: rule.pattern ? ['pattern'] : [], message: problem });
  });

const headerName = z
  .string()
  .regex(/^[a-z0-9!#$%&'+.^_`|~-]+$/i, 'must be a header name, as "x-egress-client"')
  .transform((h) => h.toLowerCase());
const ruleId = z.string().regex(RULE_ID, 'must be 1 to 63 lower-case letters, digits, ".", "-" or "_", starting with a letter');
const isoDate = parsed(parseIsoDate);

const handler = z.strictObject({
  entity: z.string().min(1).optional(),
  ciio: z.boolean().optional(),
  ftz: z.string().min(1).optional(),
  expiry_warning_days: z.number().int().min(0).max(3650).optional(),
});

const keyLength = z.number().int().min(8).max(64);
const redaction = z.strictObject({
  default: z.enum(['mask', 'partial', 'hash', 'drop']).optional(),
  partial: z.strictObject({ head: z.number().int().min(0).max(32).optional(), tail: z.number().int().min(0).max(32).optional() }).optional(),
  hash: z.strictObject({ key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(), key_file: z.string().min(1).optional(), length: keyLength.optional() }).optional(),
});

const client = z.strictObject({
  id: ruleId,
  description: z.string().optional(),
  cidrs: z.array(cidr).optional(),
  scenario: scenarioId.optional(),
});

export const BASIS_TYPES = ['security_assessment', 'standard_contract', 'certification', 'exemption'] as const;
export const EXEMPTIONS = ['contract_with_individual', 'hr_management', 'emergency', 'transit', 'ftz_negative_list', 'small_volume'] as const;
const basis = z
  .strictObject({
    id: ruleId,
    type: z.enum(BASIS_TYPES),
    exemption: z.enum(EXEMPTIONS).optional(),
    recipients: z.array(z.string().min(1)).min(1),
    categories: z.array(categoryRefId).min(1),
    scenarios: z.array(scenarioId).min(1).optional(),
    clients: z.array(ruleId).min(1).optional(),
    max_individuals: z.number().int().min(1).optional(),
    valid_from: isoDate,
    valid_to: isoDate.optional(),
    reference: z.string().min(1).optional(),
    negative_list: ruleId.optional(),
    /** The field locations the basis was filed for (scope drift, README "Policy"). */
    locations: z.array(z.string().regex(LOCATION_PATTERN, LOCATION_PATTERN_HINT)).min(1).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'exemption' && !b.exemption) ctx.addIssue({ code: 'custom', path: ['exemption'], message: `an exemption names its kind: one of ${EXEMPTIONS.join(', ')}` });
    if (b.type !== 'exemption' && b.exemption) ctx.addIssue({ code: 'custom', path: ['exemption'], message: 'only a basis of type exemption has an exemption kind' });
    if (b.exemption === 'ftz_negative_list' && !b.negative_list) ctx.addIssue({ code: 'custom', path: ['negative_list'], message: 'an FTZ negative-list exemption names the negative_list catalog it relies on' });
    if (b.negative_list && b.exemption !== 'ftz_negative_list') ctx.addIssue({ code: 'custom', path: ['negative_list'], message: 'negative_list only applies to the ftz_negative_list exemption' });
    if (b.valid_to && b.valid_to < b.valid_from) ctx.addIssue({ code: 'custom', path: ['valid_to'], message: `ends before it starts (valid_from ${b.valid_from})` });
  });

const catalogEntry = z
  .strictObject({
    id: ruleId,
    description: z.string().optional(),
    sector: z.string().optional(),
    scenario: scenarioId.optional(),
    category: categoryDefId.optional(),
    categories: z.array(categoryRefId).min(1).optional(),
    fields: z.array(z.string().min(1)).min(1).optional(),
    paths: z.array(z.string().regex(/^\//, 'must be a JSON Pointer starting with "/"')).min(1).optional(),
    unless: z.array(categoryRefId).min(1).optional(),
    treatment: z.enum(['important', 'core']).optional(),
    mode: mode.optional(),
  })
  .superRefine((e, ctx) => {
    if (!e.categories && !e.fields && !e.paths) ctx.addIssue({ code: 'custom', message: 'an entry needs at least one of categories, fields or paths' });
  });

export const CATALOG_KINDS = ['important', 'general', 'negative_list'] as const;
const catalog = z.strictObject({
  id: ruleId,
  kind: z.enum(CATALOG_KINDS),
  source: z.string().optional(),
  sector: z.string().optional(),
  entries: z.array(catalogEntry).min(1),
});

/** The yearly volume counters (README "Volume thresholds"); defaults in src/volume/settings.ts. */
const volumeStore = z
  .strictObject({
    sqlite: z.strictObject({ path: z.string().min(1) }).optional(),
    redis: z
      .strictObject({
        url: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL, as "redis://redis.internal:6379/0"'),
        key_prefix: z.string().regex(/^[^{}\s]{1,100}$/, 'must be 1 to 100 characters without spaces or braces').optional(),
        exact_limit: z.number().int().min(1_000).max(100_000_000).optional(),
        password_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
      })
      .optional(),
    memory: z.strictObject({}).optional(),
  })
  .superRefine((s, ctx) => {
    const named = [s.sqlite, s.redis, s.memory].filter((x) => x !== undefined).length;
    if (named !== 1) ctx.addIssue({ code: 'custom', message: 'name exactly one store: sqlite, redis or memory' });
  });
const volume = z.strictObject({
  store: volumeStore.optional(),
  thresholds: z
    .strictObject({
      non_sensitive: z.number().int().min(1).optional(),
      non_sensitive_assessment: z.number().int().min(1).optional(),
      sensitive_assessment: z.number().int().min(1).optional(),
      alert_fraction: z.number().gt(0).max(1).optional(),
    })
    .superRefine((t, ctx) => {
      const low = t.non_sensitive ?? 100_000;
      const high = t.non_sensitive_assessment ?? 1_000_000;
      if (low >= high) ctx.addIssue({ code: 'custom', path: [t.non_sensitive_assessment === undefined ? 'non_sensitive' : 'non_sensitive_assessment'], message: `non_sensitive (${low}) must be below non_sensitive_assessment (${high})` });
    })
    .optional(),
  count_exempt_flows: z.boolean().optional(),
  on_store_failure: z.enum(['refuse', 'allow']).optional(),
  action_over_limit: z.enum(['block', 'allow']).optional(),
  cache_size: z.number().int().min(0).max(10_000_000).optional(),
});

const restricted = z.strictObject({
  entities: z.array(z.string().min(1)).optional(),
  hosts: z.array(hostPattern).optional(),
  reference: z.string().optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1),
  mode: mode.optional(),
  resolve: z.record(resolveHost, ipLiteral).optional(),
  categories: z.record(categoryDefId, z.strictObject({ grade: z.enum(GRADES) })).optional(),
  limits: z
    .strictObject({
      max_body_bytes: byteSize.optional(),
      max_decoded_bytes: byteSize.optional(),
      // Request bodies held in memory by the whole process (src/pipeline/body-budget.ts).
      body_budget_bytes: byteSize.optional(),
      // The client side of the listener (src/server/http-limits.ts).
      max_header_bytes: byteSize.optional(),
      max_headers: z.number().int().min(1).max(10_000).optional(),
      max_connections: z.number().int().min(1).max(1_000_000).optional(),
      max_pipelined_requests: z.number().int().min(1).max(1_000).optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({
      connect: duration.optional(),
      headers: duration.optional(),
      body: duration.optional(),
      request_headers: duration.optional(),
      request: duration.optional(),
      keep_alive: duration.optional(),
      body_budget_wait: duration.optional(),
    })
    .optional(),
  inspect: z
    .strictObject({ headers: z.array(headerPattern).optional(), skip_headers: z.array(headerPattern).optional() })
    .optional(),
  rules: z.array(customRule).optional(),
  handler: handler.optional(),
  redaction: redaction.optional(),
  clients: z.array(client).optional(),
  client_header: headerName.optional(),
  scenario_header: headerName.optional(),
  bases: z.array(basis).optional(),
  catalogs: z.array(catalog).optional(),
  restricted: restricted.optional(),
  audit: z
    .strictObject({
      on_audit_failure: z.enum(['refuse', 'allow']).optional(),
      domestic_detail: z.enum(['full', 'summary', 'off']).optional(),
    })
    .optional(),
  volume: volume.optional(),
  /** Scope drift: a flow outside the declared scope of its basis, or to a new domain of a known
   *  recipient (src/policy/drift.ts). */
  drift: z.strictObject({ action: z.enum(['record', 'refuse']).optional() }).optional(),
  /** The operator CA and upstream trust (README "HTTPS"); see src/tls/schema.ts. */
  tls: tlsSchema.optional(),
  /** TLS origination: cleartext requests matching a route go out over TLS. */
  routes: z.array(routeSchema).optional(),
  destinations: z.array(zone).optional(),
  unknown: unknownZone.optional(),
});

export type PolicyWire = z.output<typeof policySchema>;
export type ZoneWire = z.output<typeof zone>;
export type UnknownZoneWire = z.output<typeof unknownZone>;
export type ActionsWire = z.output<typeof actions>;
export type BasisWire = z.output<typeof basis>;
export type CatalogWire = z.output<typeof catalog>;
export type ClientWire = z.output<typeof client>;
export type VolumeWire = z.output<typeof volume>;

/** The keys an object at `path` accepts (for "did you mean" hints), or [] if none is known. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = policySchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return schema;
}
