import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Leaf } from '../body/leaf.js';
import type { Classifier } from '../classify/matcher.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { EgError } from '../errors.js';
import { normalizeHost, parseAuthority } from '../destination/host.js';
import type { TunnelBinding } from './runtime.js';

export interface RequestTarget {
  readonly via: 'forward' | 'gateway' | 'tunnel-http' | 'tunnel-tls';
  readonly host: string;
  readonly port: number;
  /** Origin-form path without the query. */
  readonly pathname: string;
  /** The raw query string without '?', or null when absent. */
  readonly query: string | null;
  /** Host header value to send upstream. */
  readonly hostHeader: string;
  /** True when the request goes to the upstream over TLS (an intercepted tunnel, or a TLS
   *  origination route: src/tls/routes.ts). */
  readonly tls?: boolean;
}

function splitPath(pathAndQuery: string): { pathname: string; query: string | null } {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return { pathname: pathAndQuery, query: null };
  return { pathname: pathAndQuery.slice(0, q), query: pathAndQuery.slice(q + 1) };
}

/** The path and query exactly as the client wrote them: the URL parser would re-encode them. */
function rawOriginForm(absolute: string): string {
  let i = absolute.indexOf('://') + 3;
  while (i < absolute.length && absolute[i] !== '/' && absolute[i] !== '?' && absolute[i] !== '#') i++;
  let rest = absolute.slice(i);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** "http://host[:port]" then "/", "?" or the end, the host only letters, digits, dots and
 *  dashes: what nearly every client sends. For such a target the WHATWG parser and this read the
 *  same host and port (normalizeHost applies the WHATWG rules to the host either way; the tests
 *  compare the two), and the URL parser's cost (~1.5 % of the gateway's CPU at 2 KiB) is saved.
 *  Anything else, or a host normalizeHost refuses, goes through absoluteAuthority, so errors are
 *  reported as before. */
const PLAIN_HTTP = /^http:\/\/([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?=[/?]|$)/;

export function plainHttpAuthority(rawUrl: string): { host: string; port: number } | undefined {
  const m = PLAIN_HTTP.exec(rawUrl);
  if (m === null) return undefined;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port > 65535) return undefined;
  try {
    return { host: normalizeHost(m[1]!), port };
  } catch {
    return undefined;
  }
}

/** Host and port of an absolute-form target through the WHATWG URL parser, with the refusals. */
export function absoluteAuthority(rawUrl: string, tls: boolean): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new EgError('EG_BAD_REQUEST', 'the request target is not a valid absolute URI');
  }
  // "http://allowed.example@other.example/" goes to other.example: a reader of the log or
  // of the client's code would see the first name (RFC 9110 §4.2.4: userinfo is an error).
  if (url.username !== '' || url.password !== '' || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(rawUrl)) {
    throw new EgError('EG_BAD_REQUEST', 'userinfo ("name@") in the request target is refused; send credentials in a header');
  }
  if (url.protocol !== (tls ? 'https:' : 'http:')) {
    throw new EgError('EG_BAD_REQUEST', `scheme ${url.protocol.slice(0, -1)} is not proxied in absolute form${tls ? ' inside a TLS tunnel' : '; use CONNECT for https'}`);
  }
  return { host: normalizeHost(url.hostname), port: url.port ? Number(url.port) : tls ? 443 : 80 };
}

export function hostHeaderFor(host: string, port: number, defaultPort = 80): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === defaultPort ? shown : `${shown}:${port}`;
}

/** Refusals the listener decided before the pipeline ran (framing, header limits, pipelining:
 *  src/server/http-limits.ts). The target stage raises them, so they are answered with their
 *  code and audited like any refusal. */
const listenerRefusals = new WeakMap<IncomingMessage, EgError>();

export function refuseAtTarget(req: IncomingMessage, err: EgError): void {
  listenerRefusals.set(req, err);
}

/**
 * Where a request goes. The rule for a Host header that disagrees with the target: in
 * absolute-form the URI wins and Host is rewritten to it (RFC 9112 §3.2.2); inside a tunnel the
 * tunnel's host:port is the destination and a Host naming another host is refused.
 */
export function resolveTarget(req: IncomingMessage, tunnel: TunnelBinding | undefined): RequestTarget {
  const refusal = listenerRefusals.get(req);
  if (refusal) throw refusal;
  const rawUrl = req.url ?? '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl)) {
    // Inside an intercepted TLS tunnel the scheme is https; anywhere else only http.
    const tls = tunnel?.tls === true;
    const { host, port } = (tls ? undefined : plainHttpAuthority(rawUrl)) ?? absoluteAuthority(rawUrl, tls);
    if (tunnel && (host !== tunnel.destination.host || port !== tunnel.destination.port)) {
      throw new EgError('EG_HOST_MISMATCH', `request target ${hostHeaderFor(host, port)} inside a tunnel to ${tunnel.authority}`);
    }
    const { pathname, query } = splitPath(rawOriginForm(rawUrl));
    return {
      via: tunnel ? (tls ? 'tunnel-tls' : 'tunnel-http') : 'forward',
      host,
      port,
      pathname,
      query,
      hostHeader: hostHeaderFor(host, port, tls ? 443 : 80),
      ...(tls ? { tls } : {}),
    };
  }
  if (!rawUrl.startsWith('/')) throw new EgError('EG_BAD_REQUEST', 'the request target must be absolute-form or origin-form');
  const { pathname, query } = splitPath(rawUrl);
  const hostHeader = req.headers.host;
  if (tunnel) {
    if (hostHeader !== undefined) {
      const named = parseAuthority(hostHeader, tunnel.destination.port);
      if (named.host !== tunnel.destination.host || named.port !== tunnel.destination.port) {
        throw new EgError('EG_HOST_MISMATCH', `Host header names ${hostHeaderFor(named.host, named.port)} inside a tunnel to ${tunnel.authority}`);
      }
    }
    const { host, port } = tunnel.destination;
    if (tunnel.tls) return { via: 'tunnel-tls', host, port, pathname, query, hostHeader: hostHeader ?? hostHeaderFor(host, port, 443), tls: true };
    return { via: 'tunnel-http', host, port, pathname, query, hostHeader: hostHeader ?? hostHeaderFor(host, port) };
  }
  if (!hostHeader) throw new EgError('EG_BAD_REQUEST', 'an origin-form request needs a Host header naming the destination');
  const { host, port } = parseAuthority(hostHeader, 80);
  return { via: 'gateway', host, port, pathname, query, hostHeader: hostHeaderFor(host, port) };
}

/**
 * The path as recorded in audit events: query names kept, values removed, and every path
 * segment in which the classifier finds something replaced by its category ("/users/{pi.phone}"),
 * so an identifier in a REST path never reaches the trail.
 */
export function auditPath(target: RequestTarget, classifier: Classifier, now: Date): string {
  const pathname = recordedPathname(target.pathname, classifier, now);
  if (target.query === null) return pathname;
  const names = target.query
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      return `${eq < 0 ? part : part.slice(0, eq)}=`;
    });
  return `${pathname}?${names.join('&')}`;
}

/** Paths in which the classifier found nothing, per classifier and China calendar day (an
 *  ID-shaped segment's birth date can turn valid at midnight). A service calls the same few
 *  paths again and again, and classifying the segments cost ~5 µs of every request (~2 % of
 *  the gateway's CPU at 2 KiB). A path that held something is never kept: it lives no longer
 *  than its request. */
const cleanPaths = new WeakMap<Classifier, { day: string; paths: LRUCache<string, true> }>();
const CLEAN_PATHS_MAX = 1_000;
const CLEAN_PATH_MAX_CHARS = 512;

function recordedPathname(pathname: string, classifier: Classifier, now: Date): string {
  const day = shanghaiDate(now);
  let known = cleanPaths.get(classifier);
  if (known === undefined || known.day !== day) {
    known = { day, paths: new LRUCache({ max: CLEAN_PATHS_MAX }) };
    cleanPaths.set(classifier, known);
  }
  if (known.paths.has(pathname)) return pathname;
  const segments = pathname.split('/');
  const leaves: Leaf[] = segments.map((raw, i) => {
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // malformed escapes: classify the raw text
    }
    return { location: `path[${i}]`, key: undefined, value, rawStart: 0, rawEnd: raw.length, source: 'text' };
  });
  const findings = classifier.classify(leaves, now);
  if (findings.length === 0) {
    if (pathname.length <= CLEAN_PATH_MAX_CHARS) known.paths.set(pathname, true);
    return pathname;
  }
  for (const finding of findings) segments[finding.leafIndex] = `{${finding.category}}`;
  return segments.join('/');
}
