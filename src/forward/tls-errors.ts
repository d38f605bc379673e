import { EgError } from '../errors.js';

/**
 * OpenSSL's verification results (and Node's name check), as an operator reads them. An upstream
 * certificate that fails verification is never a reason to fall back to anything: the request
 * fails with EG_UPSTREAM_CERT_INVALID and the reason.
 */
const CERT_REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  ERR_TLS_CERT_ALTNAME_INVALID: 'name mismatch',
  ERR_TLS_CERT_ALTNAME_FORMAT: 'name mismatch (malformed subjectAltName)',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not yet valid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown issuer (not signed by a trusted CA)',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown issuer (not signed by a trusted CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown issuer (not signed by a trusted CA)',
  CERT_UNTRUSTED: 'untrusted',
  CERT_REJECTED: 'rejected',
  CERT_REVOKED: 'revoked',
  CERT_SIGNATURE_FAILURE: 'bad signature',
  CERT_CHAIN_TOO_LONG: 'chain too long',
  INVALID_CA: 'invalid CA certificate in the chain',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'not for TLS server use (key usage)',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'issuer key unreadable',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'malformed validity',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'malformed validity',
  HOSTNAME_MISMATCH: 'name mismatch',
  IP_ADDRESS_MISMATCH: 'name mismatch',
};

/** An EgError for a TLS failure towards the upstream, or undefined when `err` is not one. */
export function upstreamTlsError(err: unknown): EgError | undefined {
  const e = err as { code?: unknown; reason?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const reason = CERT_REASONS[code];
  if (reason !== undefined) {
    // Node's name-check reason lists the names asked for and presented: host names, never data.
    const names = code === 'ERR_TLS_CERT_ALTNAME_INVALID' && typeof e?.reason === 'string' ? `: ${e.reason}` : '';
    return new EgError('EG_UPSTREAM_CERT_INVALID', `${reason}${names} (${code})`, { cause: err });
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ERR_TLS_HANDSHAKE_TIMEOUT' || code.startsWith('ERR_TLS_')) {
    return new EgError('EG_UPSTREAM_TLS', `(${code})`, { cause: err });
  }
  return undefined;
}
