import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { EgError } from '../errors.js';

/**
 * TLS towards the upstream: the checked IP is the one dialled, the SNI and the certificate name
 * check are the destination's host name (its IP for an IP literal), and the certificate must
 * chain to the trust store below. Nothing here can turn verification off.
 */

/** Where the operating system keeps its CA bundle (Debian/Ubuntu/Alpine, RHEL/Fedora, others). */
const OS_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

let systemRootsMemo: readonly string[] | undefined;

/**
 * The "system store": Node's default CA list (its bundled Mozilla roots plus NODE_EXTRA_CA_CERTS;
 * on Node ≥ 22.15 also what `--use-system-ca` adds) and the operating system's bundle, read once.
 */
export function systemRoots(): readonly string[] {
  if (systemRootsMemo) return systemRootsMemo;
  const roots = new Set<string>();
  const getCACertificates = (tls as unknown as { getCACertificates?: (type: 'default' | 'system') => string[] }).getCACertificates;
  if (getCACertificates) {
    for (const pem of getCACertificates('default')) roots.add(pem);
    for (const pem of getCACertificates('system')) roots.add(pem);
  } else {
    for (const pem of tls.rootCertificates) roots.add(pem);
    const extra = process.env['NODE_EXTRA_CA_CERTS'];
    if (extra) for (const pem of readPemBundle(extra, { quiet: true })) roots.add(pem);
    const bundle = OS_BUNDLES.find((path) => existsSync(path));
    if (bundle) for (const pem of readPemBundle(bundle, { quiet: true })) roots.add(pem);
  }
  systemRootsMemo = Object.freeze([...roots]);
  return systemRootsMemo;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, each checked to parse. Throws EG_TLS_CA_INVALID (or, quiet,
 *  returns what could be read). */
export function readPemBundle(path: string, options: { quiet?: boolean } = {}): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (options.quiet) return [];
    throw new EgError('EG_TLS_CA_INVALID', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
  const pems = text.match(PEM_CERT) ?? [];
  const good: string[] = [];
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
      good.push(`${pem}\n`);
    } catch (err) {
      if (!options.quiet) throw new EgError('EG_TLS_CA_INVALID', `${path}: a certificate in it does not parse`, { cause: err });
    }
  }
  if (good.length === 0 && !options.quiet) throw new EgError('EG_TLS_CA_INVALID', `${path}: no PEM certificate ("-----BEGIN CERTIFICATE-----") in it`);
  return good;
}

/** The CAs upstream certificates must chain to: the system store plus the policy's
 *  `tls.extra_upstream_ca_files`. Its SecureContext is built once, on first use. */
export class UpstreamTrust {
  /** Equal trusts have equal ids: connection pools are shared across policy reloads. */
  readonly id: string;
  readonly extra: readonly string[];
  #context: tls.SecureContext | undefined;

  constructor(extra: readonly string[]) {
    this.extra = Object.freeze([...extra]);
    this.id = createHash('sha256').update(this.extra.join('')).digest('hex').slice(0, 16);
  }

  secureContext(): tls.SecureContext {
    this.#context ??= tls.createSecureContext({ ca: [...systemRoots(), ...this.extra] });
    return this.#context;
  }
}

export interface UpstreamTls {
  /** SNI and the name the certificate must carry; null for an IP literal (checked against the
   *  certificate's IP addresses, no SNI sent). */
  readonly servername: string | null;
  readonly trust: UpstreamTrust;
}
