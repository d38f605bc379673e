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
  EG_DEST_UNRESOLVED: { status: 502, message: 'The destination host name could not be resolved.' },
  EG_UPSTREAM_CONNECT: { status: 502, message: 'The gateway could not connect to the destination.' },
  EG_UPSTREAM_TIMEOUT: { status: 504, message: 'The destination did not answer in time.' },
  EG_UPSTREAM_RESET: { status: 502, message: 'The destination closed the connection before a complete response.' },
  EG_UPSTREAM_FAILED: { status: 502, message: 'The request to the destination failed.' },
  EG_CLIENT_ABORTED: { status: 499, message: 'The client closed the connection before the exchange completed.' },
  EG_LOOP_DETECTED: { status: 508, message: 'The request would loop back into the gateway itself.' },
  EG_AUDIT_UNAVAILABLE: { status: 503, message: 'The audit trail cannot be written, and no data goes abroad without its record; fix the audit destination (disk space, permissions) and retry.' },
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
