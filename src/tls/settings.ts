import { readFileSync } from 'node:fs';
import { EgError } from '../errors.js';
import { readPemBundle, UpstreamTrust } from './trust.js';
import type { OriginationRoute, TlsSettings } from '../config/model.js';
import { loadOperatorCa } from './ca.js';
import { DEFAULT_LEAF_CACHE_SIZE, DEFAULT_LEAF_VALIDITY_MS } from './leaf.js';
import type { RouteWire, TlsWire } from './schema.js';

/**
 * `tls` and `routes` → TlsSettings. The CA files are read and checked here, at load: a policy
 * whose CA cannot sign (or whose extra CA files do not parse) is refused, and a reload keeps the
 * running policy (EG_TLS_CA_INVALID).
 */
export function compileTls(tls: TlsWire | undefined, routes: readonly RouteWire[] | undefined, env: NodeJS.ProcessEnv = process.env, now = new Date()): TlsSettings {
  let ca: TlsSettings['ca'] = null;
  if (tls?.ca_cert_file !== undefined) {
    const certText = readOrFail(tls.ca_cert_file, 'tls.ca_cert_file');
    let keyText: string;
    let keyWhere: string;
    if (tls.ca_key_env !== undefined) {
      const value = env[tls.ca_key_env];
      if (!value) throw new EgError('EG_TLS_CA_INVALID', `environment variable ${tls.ca_key_env} (tls.ca_key_env) is not set`);
      keyText = value;
      keyWhere = `environment variable ${tls.ca_key_env}`;
    } else {
      keyText = readOrFail(tls.ca_key_file!, 'tls.ca_key_file');
      keyWhere = tls.ca_key_file!;
    }
    ca = loadOperatorCa(certText, keyText, { cert: tls.ca_cert_file, key: keyWhere }, now);
  }
  const extra = (tls?.extra_upstream_ca_files ?? []).flatMap((file) => readPemBundle(file));
  const compiled: OriginationRoute[] = (routes ?? []).map((r, index) =>
    Object.freeze({
      index,
      host: r.match.host ?? null,
      pathPrefix: r.match.path_prefix ?? null,
      upstream: Object.freeze(r.upstream ?? { host: '*', port: 443 }),
    }),
  );
  return Object.freeze({
    ca,
    upstreamTrust: new UpstreamTrust(extra),
    leafValidityMs: tls?.leaf_validity ?? DEFAULT_LEAF_VALIDITY_MS,
    leafCacheSize: tls?.leaf_cache_size ?? DEFAULT_LEAF_CACHE_SIZE,
    routes: Object.freeze(compiled),
  });
}

function readOrFail(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new EgError('EG_TLS_CA_INVALID', `${path} (${key}): ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
}

/**
 * Checks across sections, on the raw YAML (config/validate.ts runs them with the others): a
 * destination that intercepts needs the operator CA.
 */
export function tlsIssues(raw: Record<string, unknown>): { path: PropertyKey[]; message: string }[] {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const tls = raw['tls'];
  const hasCa = typeof tls === 'object' && tls !== null && (tls as Record<string, unknown>)['ca_cert_file'] !== undefined;
  if (hasCa) return issues;
  const check = (zone: unknown, path: PropertyKey[]) => {
    if (typeof zone === 'object' && zone !== null && (zone as Record<string, unknown>)['tls'] === 'intercept') {
      issues.push({ path: [...path, 'tls'], message: 'interception needs the operator CA: set tls.ca_cert_file and tls.ca_key_file (egress-guard ca init makes them)' });
    }
  };
  const zones = raw['destinations'];
  if (Array.isArray(zones)) zones.forEach((zone, i) => check(zone, ['destinations', i]));
  check(raw['unknown'], ['unknown']);
  return issues;
}
