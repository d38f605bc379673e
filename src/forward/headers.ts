import type { IncomingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 connection-specific fields, plus the de-facto Proxy-Connection and the
 *  fields undici manages itself (it refuses them from callers). */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'expect',
]);

export type HeaderMap = Record<string, string | string[]>;

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const tokens = new Set<string>();
  if (value === undefined) return tokens;
  for (const line of Array.isArray(value) ? value : [value]) {
    for (const token of line.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) tokens.add(name);
    }
  }
  return tokens;
}

/**
 * Copies end-to-end headers only: hop-by-hop fields and every field named in `Connection` are
 * dropped; `extraDrop` removes more (e.g. content-length when the body is rewritten).
 */
export function endToEndHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  extraDrop: readonly string[] = [],
): HeaderMap {
  const named = connectionTokens(headers['connection']);
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || extraDrop.includes(lower)) continue;
    out[lower] = value;
  }
  return out;
}

/** Appends this hop to `Via` (RFC 9110 §7.6.3). */
export function appendVia(headers: HeaderMap, httpVersion: string, pseudonym: string): void {
  const hop = `${httpVersion} ${pseudonym}`;
  const existing = headers['via'];
  headers['via'] = existing === undefined ? hop : `${Array.isArray(existing) ? existing.join(', ') : existing}, ${hop}`;
}
