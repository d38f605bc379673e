import { isIPv4 } from 'node:net';
import { LRUCache } from 'lru-cache';
import { domainToUnicode } from 'node:url';
import { EgError } from '../errors.js';
import { formatIp, parseIp } from './ip.js';

/**
 * Host names as the policy sees them. One spelling per destination: otherwise `EXAMPLE.com.`,
 * `xn--…` versus Unicode, or `0x7f.1` versus `127.0.0.1` would each slip past a rule written for
 * the other spelling.
 */

export interface Authority {
  /** Normalised host (see normalizeHost). */
  readonly host: string;
  readonly port: number;
}

/** `exact`: the host itself; `suffix`: any name strictly below `host` ("*.cn" → host "cn"). */
export interface HostPattern {
  readonly kind: 'exact' | 'suffix';
  readonly host: string;
}

type Checked = { readonly host: string } | { readonly error: string };

// Characters that would change how the URL parser splits "http://<host>/" (userinfo, port, path,
// percent-decoding), or that no DNS name carries.
const NOT_IN_HOST = /[\s/\\?#@%:[\]<>^|"'`{}\u0000-\u001f\u007f]/u;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Lower-case, trailing dot removed, IDN as punycode, IPv4 in any WHATWG spelling as a dotted
 * quad, IPv6 without brackets in compressed form, IPv4-mapped IPv6 as IPv4.
 * Throws EgError EG_BAD_REQUEST when `raw` is not a host.
 */
export function normalizeHost(raw: string): string {
  const known = normalized.get(raw);
  if (known !== undefined) return known;
  const checked = checkHost(raw);
  if ('error' in checked) throw new EgError('EG_BAD_REQUEST', `Invalid host ${quote(raw)}: ${checked.error}.`);
  normalized.set(raw, checked.host);
  return checked.host;
}
/** Every request names its destination, and a service names few: the spellings seen last. */
const normalized = new LRUCache<string, string>({ max: 1_000 });

/** Same rules as normalizeHost, reporting the reason instead of throwing. */
export function checkHost(raw: string): Checked {
  if (raw === '') return { error: 'it is empty' };
  if (raw.length > 1024) return { error: 'it is too long' };
  let text = raw;
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return { error: 'the IPv6 literal has no closing "]"' };
    text = text.slice(1, -1);
    if (!text.includes(':')) return { error: 'only IPv6 addresses go inside brackets' };
  }
  if (text.includes(':')) {
    const ip = parseIp(text);
    return ip ? { host: formatIp(ip) } : { error: 'it is not a valid IPv6 address' };
  }
  if (NOT_IN_HOST.test(text)) return { error: 'it contains a character not allowed in host names' };
  let host: string;
  try {
    // The WHATWG parser does IDNA (UTS 46) and the numeric IPv4 forms exactly as browsers and
    // undici do, so the gateway and the client agree on which host a name means.
    host = new URL(`http://${text}/`).hostname;
  } catch {
    return { error: 'it is not a valid host name' };
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (isIPv4(host)) return { host };
  if (host.length === 0 || host.length > 253) return { error: 'a host name has 1 to 253 characters' };
  if (!host.split('.').every((label) => LABEL.test(label))) {
    return { error: 'each dot-separated label needs 1 to 63 letters, digits, "-" or "_", not starting or ending with "-"' };
  }
  return { host };
}

export function isIpLiteral(host: string): boolean {
  return parseIp(host) !== undefined;
}

/**
 * `host`, `host:port`, `[v6]`, `[v6]:port` (CONNECT targets, Host headers). Without a
 * `defaultPort` the port is required, as for CONNECT.
 */
export function parseAuthority(raw: string, defaultPort?: number): Authority {
  const fail = (why: string): never => {
    throw new EgError('EG_BAD_REQUEST', `Invalid authority ${quote(raw)}: ${why}.`);
  };
  let hostText: string;
  let portText: string | undefined;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) return fail('the IPv6 literal has no closing "]"');
    hostText = raw.slice(0, close + 1);
    const rest = raw.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return fail('unexpected characters after "]"');
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = raw.indexOf(':');
    if (colon >= 0 && raw.indexOf(':', colon + 1) >= 0) return fail('IPv6 literals must be in brackets');
    hostText = colon < 0 ? raw : raw.slice(0, colon);
    portText = colon < 0 ? undefined : raw.slice(colon + 1);
  }
  let port: number;
  // RFC 3986: an empty port ("host:") means the scheme's default.
  if (portText === undefined || portText === '') {
    if (defaultPort === undefined) return fail('a port is required');
    port = defaultPort;
  } else {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return fail('the port must be a number from 1 to 65535');
  }
  const checked = checkHost(hostText);
  if ('error' in checked) return fail(checked.error);
  return { host: checked.host, port };
}

/** A policy host pattern: an exact host, or "*." followed by a host (subdomains at any depth). */
export function parseHostPattern(raw: string): HostPattern | { readonly error: string } {
  const suffix = raw.startsWith('*.');
  const rest = suffix ? raw.slice(2) : raw;
  if (rest.includes('*')) {
    return { error: `invalid host pattern ${quote(raw)}: "*" is only allowed as a whole leading label, as in "*.example.com"` };
  }
  const checked = checkHost(rest);
  if ('error' in checked) return { error: `invalid host pattern ${quote(raw)}: ${checked.error}` };
  if (isIpLiteral(checked.host)) {
    return { error: `invalid host pattern ${quote(raw)}: IP addresses go under cidrs (as ${checked.host.includes(':') ? `${checked.host}/128` : `${checked.host}/32`})` };
  }
  return { kind: suffix ? 'suffix' : 'exact', host: checked.host };
}

export function formatHostPattern(pattern: HostPattern): string {
  return pattern.kind === 'suffix' ? `*.${pattern.host}` : pattern.host;
}

function quote(raw: string): string {
  return JSON.stringify(raw.length > 100 ? `${raw.slice(0, 100)}…` : raw);
}

// UTS 39 "highly restrictive": one script per label, or Latin with the CJK scripts a Chinese,
// Japanese or Korean name legitimately mixes.
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Thai', 'Devanagari', 'Cherokee'] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const);
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
const CJK_SETS: readonly ReadonlySet<string>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/**
 * True when a label of the (normalised, punycode) host mixes scripts the way homographs do,
 * such as Latin with a Cyrillic "а". Such a name never matches a policy host written in Latin
 * (hosts are compared as A-labels); this only marks it for the audit trail.
 */
export function hasMixedScriptLabel(host: string): boolean {
  if (!host.includes('xn--')) return false;
  return host.split('.').some((label) => {
    if (!label.startsWith('xn--')) return false;
    const unicode = domainToUnicode(label);
    const scripts = new Set<string>();
    for (const char of unicode) {
      if (NEUTRAL.test(char)) continue;
      scripts.add(SCRIPT_TESTS.find(([, test]) => test.test(char))?.[0] ?? 'Other');
    }
    if (scripts.size <= 1) return false;
    return !CJK_SETS.some((allowed) => [...scripts].every((s) => allowed.has(s)));
  });
}
