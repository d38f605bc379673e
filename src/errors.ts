/**
 * The one registry of error codes. Every answer the gateway produces itself, and every error a
 * command reports, carries one of these codes. docs/errors.md is kept in sync by a test.
 */
export interface ErrorSpec {
  /** HTTP status when the error becomes a local reply. */
  readonly status: number;
  /** What happened and what to do: no detected value ever goes in here. */
  readonly message: string;
}

export const ERRORS = Object.freeze({
  EG_POLICY_INVALID: { status: 500, message: 'The policy file is not valid; fix every issue listed and load it again.' },
  EG_POLICY_READ: { status: 500, message: 'The policy file could not be read; check the path and its permissions.' },
  EG_CONFIG_INVALID: { status: 500, message: 'A command-line flag or environment variable has an invalid value.' },
  EG_REDACT_KEY_MISSING: { status: 500, message: 'The policy names a key for hash redaction that cannot be read; set the environment variable or file it names (at least 16 bytes).' },
  EG_RECIPIENT_RESTRICTED: { status: 403, message: 'The destination is a foreign judicial or law-enforcement body, or a recipient on the PIPL Art. 42 restriction list: no data may be sent to it without PRC approval.' },
  EG_DEST_PORT_FORBIDDEN: { status: 403, message: 'The destination does not accept requests on this port; use a port listed for it in the policy, or add the port there.' },
  EG_BLOCKED_BY_POLICY: { status: 403, message: 'The request carries data that the policy does not allow to this destination; see findings for the categories and locations.' },
  EG_DEST_ADDRESS_FORBIDDEN: { status: 403, message: 'The destination resolves to a loopback, private, link-local or other special-use address; list it in a zone with allow_special_addresses to permit it.' },
  EG_TUNNEL_REFUSED: { status: 403, message: 'Opaque CONNECT tunnels to this destination are refused because the gateway cannot inspect them; set the zone tunnel policy, or send cleartext HTTP through the gateway.' },
  EG_HOST_MISMATCH: { status: 403, message: 'The Host header names another host than the tunnel or request target; send requests for one host per tunnel.' },
  EG_BODY_TOO_LARGE: { status: 413, message: 'The request body exceeds the inspection limit; send a smaller body or raise limits.max_body_bytes.' },
  EG_BODY_UNINSPECTABLE: { status: 403, message: 'The request body cannot be inspected (binary, malformed or in an unsupported format) and the policy refuses uninspectable bodies to this destination.' },
  EG_ENCODING_UNSUPPORTED: { status: 415, message: 'The request uses a Content-Encoding the gateway cannot decode (supported: gzip, x-gzip, deflate, br, identity).' },
  EG_BAD_REQUEST: { status: 400, message: 'The request is not a valid proxy or gateway request.' },
  EG_REQUEST_FRAMING: { status: 400, message: 'The request\'s message framing is ambiguous or malformed (Content-Length with Transfer-Encoding, duplicate or invalid Content-Length, a Transfer-Encoding other than chunked, obs-fold, bare CR or LF, an invalid chunk size); a proxy and a server reading such a request differently is how requests are smuggled, so it was refused and not forwarded. Send either one Content-Length or Transfer-Encoding: chunked, with CRLF line endings.' },
  EG_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers exceed the gateway\'s limit (limits.max_header_bytes for their size, limits.max_headers for their number); send fewer or smaller headers, or raise the limit.' },
  EG_REQUEST_TIMEOUT: { status: 408, message: 'The client did not send the request in time (timeouts.request_headers for the request line and headers, timeouts.request for the whole request with its body); send the request without pauses, or raise the timeout.' },
  EG_EXPECTATION_FAILED: { status: 417, message: 'The request carries an Expect header the gateway does not support; only 100-continue is.' },
  EG_TOO_MANY_CONNECTIONS: { status: 503, message: 'The gateway holds as many client connections as it allows (limits.max_connections); retry later, reuse connections, or raise the limit.' },
  EG_TOO_MANY_PIPELINED: { status: 429, message: 'The connection carries more pipelined requests awaiting an answer than the gateway allows (limits.max_pipelined_requests); the connection is closed after this answer. Wait for answers before sending more requests on one connection, or open another.' },
  EG_DEST_UNRESOLVED: { status: 502, message: 'The destination host name could not be resolved.' },
  EG_UPSTREAM_CONNECT: { status: 502, message: 'The gateway could not connect to the destination.' },
  EG_UPSTREAM_TIMEOUT: { status: 504, message: 'The destination did not answer in time.' },
  EG_UPSTREAM_RESET: { status: 502, message: 'The destination closed the connection before a complete response.' },
  EG_UPSTREAM_FAILED: { status: 502, message: 'The request to the destination failed.' },
  EG_UPSTREAM_HEADERS_TOO_LARGE: { status: 502, message: 'The destination answered with response headers larger than the gateway accepts (16 KiB, Node\'s --max-http-header-size); nothing of the response was passed on. Fix the destination, or raise the limit for the gateway process.' },
  EG_UPSTREAM_CERT_INVALID: { status: 502, message: 'The destination presented a TLS certificate that does not verify (self-signed, name mismatch, expired, unknown issuer, …; the detail names the reason); the request was not forwarded, and the gateway never falls back to an unverified or cleartext connection. Fix the destination\'s certificate, or add the CA that issued it to tls.extra_upstream_ca_files.' },
  EG_UPSTREAM_TLS: { status: 502, message: 'The TLS handshake with the destination failed (no TLS on that port, or no protocol version or cipher in common); the request was not forwarded.' },
  EG_CLIENT_TLS_HANDSHAKE: { status: 400, message: 'The client\'s TLS handshake with the gateway failed, most often because the client does not trust the operator CA that signs the certificates the gateway presents for intercepted destinations; install its certificate in the client (README "HTTPS").' },
  EG_TLS_CA_INVALID: { status: 500, message: 'A certificate file named in the policy\'s tls section cannot be used (the operator CA\'s certificate or key, or an extra upstream CA): unreadable, not PEM, the key does not match the certificate, the certificate is not a CA or is outside its validity; the detail names which. Create an operator CA with `egress-guard ca init`.' },
  EG_CLIENT_ABORTED: { status: 499, message: 'The client closed the connection before the exchange completed.' },
  EG_LOOP_DETECTED: { status: 508, message: 'The request would loop back into the gateway itself.' },
  EG_AUDIT_UNAVAILABLE: { status: 503, message: 'The audit trail cannot be written, and no data goes abroad without its record; fix the audit destination (disk space, permissions) and retry.' },
  EG_VOLUME_LIMIT: { status: 403, message: 'The request carries personal information of individuals not yet counted this year, and counting them would pass a volume threshold that the legal bases in force do not cover (2024 Provisions Arts. 5(4), 7 and 8: from 100,000 individuals a standard contract, certification or security assessment; any sensitive personal information at least a standard contract; from 1,000,000, or 10,000 with sensitive information, a security assessment), or a basis\'s max_individuals; individuals already counted keep flowing. File the mechanism and add it to the policy\'s bases.' },
  EG_VOLUME_UNAVAILABLE: { status: 503, message: 'The store of the yearly volume counts cannot be reached, and flows that would add individuals to the counts are refused rather than left uncounted; restore the store (volume.store) and retry.' },
  EG_SCOPE_DRIFT: { status: 403, message: 'The request goes beyond the declared scope of the legal basis it relies on (a data category or field location the basis does not list), or to a domain not yet listed for its recipient, and the policy refuses scope drift (drift.action: refuse); a change in the scope of an export needs a new or supplemented filing. Extend the basis (categories, locations) or list the host under the destination once filed.' },
  EG_BUSY: { status: 503, message: 'The gateway holds as many request bodies in memory for inspection as it allows (limits.body_budget_bytes), and this one waited for room longer than timeouts.body_budget_wait; retry later, send smaller bodies, or raise the budget.' },
  EG_SHUTTING_DOWN: { status: 503, message: 'The gateway is shutting down; retry on another instance.' },
  EG_INTERNAL: { status: 500, message: 'The gateway failed while handling the request; the request was not forwarded.' },
} as const satisfies Record<string, ErrorSpec>);

export type ErrorCode = keyof typeof ERRORS;

/** A typed error with a stable code. `detail` adds specifics (where, what to change); it must
 *  never contain a detected value. */
export class EgError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const spec = ERRORS[code];
    super(detail ? `${spec.message} ${detail}` : spec.message, options);
    this.name = 'EgError';
    this.code = code;
    this.status = spec.status;
    this.detail = detail;
  }
}

export function isEgError(err: unknown): err is EgError {
  return err instanceof EgError;
}
