import * as z from 'zod';
import { checkHost, parseHostPattern } from '../destination/host.js';

/**
 * Wire format of the policy's `tls` section (the operator CA, upstream trust, leaf settings) and
 * of `routes` (TLS origination). Imported by config/schema.ts; compiled by ./settings.ts.
 */

const MINUTE = 60_000;
const LEAF_UNITS_MS: Readonly<Record<string, number>> = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE };
export const LEAF_VALIDITY_BOUNDS_MS = { min: 10 * MINUTE, max: 30 * 24 * 60 * MINUTE } as const;

/** "24h", "90m", "7d": from 10 minutes to 30 days. */
export function parseLeafValidity(input: unknown): number | { readonly error: string } {
  const fail = { error: 'must be a whole number with m, h or d, from 10m to 30d (as "24h")' };
  if (typeof input !== 'string') return fail;
  const m = /^([0-9]+)\s*(m|h|d)$/.exec(input);
  if (!m) return fail;
  const ms = Number(m[1]) * (LEAF_UNITS_MS[m[2] ?? ''] ?? NaN);
  return ms >= LEAF_VALIDITY_BOUNDS_MS.min && ms <= LEAF_VALIDITY_BOUNDS_MS.max ? ms : fail;
}

const leafValidity = z.unknown().transform((input, ctx) => {
  const out = parseLeafValidity(input);
  if (typeof out === 'number') return out;
  ctx.issues.push({ code: 'custom', message: out.error, input });
  return z.NEVER;
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');
const path = z.string().min(1);

export const tlsSchema = z
  .strictObject({
    ca_cert_file: path.optional(),
    ca_key_file: path.optional(),
    ca_key_env: envName.optional(),
    extra_upstream_ca_files: z.array(path).optional(),
    leaf_validity: leafValidity.optional(),
    leaf_cache_size: z.number().int().min(1).max(1_000_000).optional(),
  })
  .superRefine((t, ctx) => {
    const keys = [t.ca_key_file, t.ca_key_env].filter((k) => k !== undefined).length;
    if (t.ca_cert_file !== undefined && keys !== 1) {
      ctx.addIssue({ code: 'custom', path: ['ca_cert_file'], message: 'the operator CA needs its key: set exactly one of ca_key_file or ca_key_env' });
    }
    if (t.ca_cert_file === undefined && keys > 0) {
      ctx.addIssue({ code: 'custom', path: [t.ca_key_file !== undefined ? 'ca_key_file' : 'ca_key_env'], message: 'a CA key without ca_cert_file: name the certificate too' });
    }
  });

/** Where an originated route sends requests: "https://host[:port]", host "*" meaning the host
 *  the request named (for wildcard host routes). */
export interface RouteUpstream {
  /** Normalised host, or "*". */
  readonly host: string;
  readonly port: number;
}

export function parseRouteUpstream(input: string): RouteUpstream | { readonly error: string } {
  const fail = (why: string) => ({ error: `${why} (expected "https://host" or "https://host:port", as "https://api.partner.example"; "https://*" keeps the host the request named)` });
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(\/?)$/.exec(input);
  if (!m) return fail(`${JSON.stringify(input)} is not a bare origin URL: no path, query or fragment`);
  if (m[1]!.toLowerCase() !== 'https') return fail(`routes originate TLS: the scheme must be https, not ${m[1]}`);
  let authority = m[2]!;
  if (authority.includes('@')) return fail('no user name or password in the URL');
  let port = 443;
  const portMatch = /^(.*):([0-9]{1,5})$/.exec(authority);
  if (portMatch && !(authority.startsWith('[') && !authority.includes(']:'))) {
    authority = portMatch[1]!;
    port = Number(portMatch[2]);
    if (port < 1 || port > 65535) return fail('the port must be from 1 to 65535');
  }
  if (authority === '*') return { host: '*', port };
  const checked = checkHost(authority);
  if ('error' in checked) return fail(`invalid host ${JSON.stringify(authority)}: ${checked.error}`);
  return { host: checked.host, port };
}

const hostPattern = z.string().transform((input, ctx) => {
  const out = parseHostPattern(input);
  if ('error' in out) {
    ctx.issues.push({ code: 'custom', message: out.error, input });
    return z.NEVER;
  }
  return out;
});

const routeUpstream = z.string().transform((input, ctx) => {
  const out = parseRouteUpstream(input);
  if ('error' in out) {
    ctx.issues.push({ code: 'custom', message: out.error, input });
    return z.NEVER;
  }
  return out;
});

export const routeSchema = z
  .strictObject({
    match: z
      .strictObject({
        host: hostPattern.optional(),
        path_prefix: z.string().regex(/^\/[^\s?#]*$/, 'must be a path starting with "/", without query or fragment (as "/partner/")').optional(),
      })
      .superRefine((m, ctx) => {
        if (m.host === undefined && m.path_prefix === undefined) ctx.addIssue({ code: 'custom', message: 'a route matches on host, path_prefix or both' });
      }),
    upstream: routeUpstream.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.match.host === undefined && (r.upstream === undefined || r.upstream.host === '*')) {
      ctx.addIssue({ code: 'custom', path: ['upstream'], message: 'a route without match.host names its upstream host, as "https://api.partner.example"' });
    }
  });

export type TlsWire = z.output<typeof tlsSchema>;
export type RouteWire = z.output<typeof routeSchema>;
