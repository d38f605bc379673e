import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isIpLiteral } from '../destination/host.js';
import type { OperatorCa } from './ca.js';
import { loadX509, privateKeyPem, randomSerial, signingAlgorithm, spkiOf, toSigningKey, type X509 } from './x509.js';

/**
 * Leaf certificates for intercepted names: minted on demand, signed by the operator CA, short-lived,
 * and cached so a handshake to a name seen before costs no signature.
 */

/** How far back a leaf's validity starts: clients whose clocks run a little behind accept it. */
export const LEAF_BACKDATE_MS = 5 * 60_000;
export const DEFAULT_LEAF_VALIDITY_MS = 24 * 3_600_000;
export const DEFAULT_LEAF_CACHE_SIZE = 1_000;

/** The operator CA ready to sign: its WebCrypto key and its name as issuer. */
export interface Signer {
  readonly ca: OperatorCa;
  readonly signingKey: webcrypto.CryptoKey;
  readonly issuer: X509.Name;
  readonly algorithm: ReturnType<typeof signingAlgorithm>;
  readonly authorityKeyId: X509.AuthorityKeyIdentifierExtension;
}

export async function prepareSigner(ca: OperatorCa): Promise<Signer> {
  const x509 = loadX509();
  const parsed = new x509.X509Certificate(ca.cert.raw);
  return {
    ca,
    signingKey: await toSigningKey(ca.key, ca.keyKind),
    // The issuer is the CA's subject exactly as encoded in its certificate, so the chain links.
    issuer: parsed.subjectName,
    algorithm: signingAlgorithm(ca.keyKind),
    authorityKeyId: ca.subjectKeyId
      ? new x509.AuthorityKeyIdentifierExtension(ca.subjectKeyId)
      : await x509.AuthorityKeyIdentifierExtension.create(spkiOf(ca.key)),
  };
}

export interface Leaf {
  /** The name it is for: a normalised host name or an IP literal. */
  readonly name: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * A leaf for `name`: subjectAltName dNSName (or iPAddress for an IP literal), serverAuth,
 * digitalSignature, not a CA, an ECDSA P-256 key of its own, valid from a few minutes ago for
 * `validityMs` (never past the CA's own end).
 */
export async function mintLeaf(signer: Signer, name: string, validityMs: number, now = new Date()): Promise<Leaf> {
  const x509 = loadX509();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const notBefore = new Date(now.getTime() - LEAF_BACKDATE_MS);
  const notAfter = new Date(Math.min(now.getTime() + validityMs, signer.ca.notAfter.getTime()));
  const ip = isIpLiteral(name);
  // A common name holds at most 64 characters; the subjectAltName is what clients check.
  const subject: X509.JsonName = name.length <= 64 ? [{ CN: [name] }, { O: ['egress-guard interception'] }] : [{ O: ['egress-guard interception'] }];
  const serialNumber = randomSerial();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: signer.issuer,
    notBefore,
    notAfter,
    publicKey: spki,
    signingKey: signer.signingKey,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: name }], name.length > 64),
      await x509.SubjectKeyIdentifierExtension.create(spki),
      signer.authorityKeyId,
    ],
  });
  return Object.freeze({ name, certPem: cert.toString('pem') + '\n', keyPem: privateKeyPem(privateKey), serialNumber, notBefore, notAfter });
}

export interface LeafCacheOptions<T> {
  readonly signer: () => Promise<Signer>;
  readonly validityMs: number;
  /** Most leaves kept; the least recently used goes first. */
  readonly max: number;
  /** What is kept beside each leaf (the TLS context built from it). */
  readonly build: (leaf: Leaf) => T;
  readonly now?: () => Date;
}

export interface CachedLeaf<T> {
  readonly leaf: Leaf;
  readonly value: T;
}

/**
 * Bounded LRU of leaves by name. Concurrent handshakes for one name share one mint (lru-cache
 * keeps the in-flight fetch); an entry is dropped well before its leaf expires.
 */
export class LeafCache<T> {
  readonly #cache: LRUCache<string, CachedLeaf<T>>;
  #minted = 0;

  constructor(options: LeafCacheOptions<T>) {
    const now = options.now ?? (() => new Date());
    this.#cache = new LRUCache<string, CachedLeaf<T>>({
      max: options.max,
      // Reused for at most half its validity (≥ 1 h left when it is last handed out at 24 h).
      ttl: Math.max(1_000, Math.floor(options.validityMs / 2)),
      fetchMethod: async (name) => {
        const leaf = await mintLeaf(await options.signer(), name, options.validityMs, now());
        this.#minted += 1;
        return { leaf, value: options.build(leaf) };
      },
    });
  }

  async get(name: string): Promise<CachedLeaf<T>> {
    const entry = await this.#cache.fetch(name);
    if (!entry) throw new Error(`no leaf certificate for ${name}`);
    return entry;
  }

  /** Leaves minted since start (a cache hit mints none). */
  get minted(): number {
    return this.#minted;
  }

  get size(): number {
    return this.#cache.size;
  }
}
