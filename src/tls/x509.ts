import { createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

/**
 * The one place that loads the X.509 library: @peculiar/x509 over Node's own WebCrypto, so key
 * generation and signing are OpenSSL's, and every certificate structure is built from the
 * library's typed ASN.1 schemas (no hand-written DER).
 *
 * Loaded on first use, synchronously (its CommonJS build), so that commands and policies
 * without an operator CA do not pay its start-up (about 0.1 s).
 */
export type { X509 };

let library: typeof X509 | undefined;

export function loadX509(): typeof X509 {
  if (library) return library;
  const require = createRequire(import.meta.url);
  // It resolves its algorithm providers through tsyringe, which needs the Reflect metadata
  // polyfill loaded first.
  require('reflect-metadata');
  const lib = require('@peculiar/x509') as typeof X509;
  lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof lib.cryptoProvider.set>[0]);
  library = lib;
  return lib;
}

/** The key kinds the gateway signs with: operator CAs may be any of them; leaves are P-256. */
export type KeyKind = { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | 'P-521' } | { readonly type: 'rsa'; readonly bits: number };

const CURVE_HASH = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' } as const;
const OPENSSL_CURVES: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** What a Node KeyObject is, for signing; undefined when the gateway cannot sign with it. */
export function keyKindOf(key: KeyObject): KeyKind | undefined {
  if (key.asymmetricKeyType === 'ec') {
    const curve = OPENSSL_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    return curve ? { type: 'ec', curve } : undefined;
  }
  if (key.asymmetricKeyType === 'rsa') return { type: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  return undefined;
}

/** WebCrypto parameters for signing with a key of this kind (SHA-256 for RSA and P-256). */
export function signingAlgorithm(kind: KeyKind): webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams {
  return kind.type === 'ec'
    ? { name: 'ECDSA', hash: CURVE_HASH[kind.curve] }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

function importAlgorithm(kind: KeyKind): webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams {
  return kind.type === 'ec' ? { name: 'ECDSA', namedCurve: kind.curve } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** A WebCrypto signing key from a Node private key (KeyObject#toCryptoKey needs Node 22). */
export async function toSigningKey(key: KeyObject, kind: KeyKind): Promise<webcrypto.CryptoKey> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, importAlgorithm(kind), false, ['sign']);
}

/** The SubjectPublicKeyInfo (DER) of a key. */
export function spkiOf(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
}

/** A positive, non-zero 128-bit serial number in hex (RFC 5280 §4.1.2.2: at most 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function parsePrivateKey(pem: string | Buffer): KeyObject {
  return createPrivateKey(pem);
}
