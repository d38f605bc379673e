import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EgError } from '../errors.js';

export interface ReplyFinding {
  readonly category: string;
  readonly location: string;
  readonly rule: string;
  /** Rule id of the policy reason that decided it ("no-basis", "core", ...). */
  readonly reason?: string | null;
}

export interface ReplyReason {
  readonly rule: string;
  readonly text: string;
  readonly clause: string | null;
}

export function errorBody(err: EgError, decisionId: string, findings: readonly ReplyFinding[], reasons: readonly ReplyReason[] = []): string {
  return JSON.stringify({
    error: { code: err.code, message: err.message, decisionId, findings, ...(reasons.length > 0 ? { reasons } : {}) },
  });
}

/**
 * A reply the gateway makes itself. When the request body was not read (an early refusal), the
 * connection is closed after the reply rather than reused, since the unread bytes would be
 * parsed as the next request; Node discards what is left meanwhile.
 */
export function sendLocalReply(
  req: IncomingMessage,
  res: ServerResponse,
  err: EgError,
  decisionId: string,
  findings: readonly ReplyFinding[],
  reasons: readonly ReplyReason[] = [],
): void {
  if (res.headersSent) {
    // Part of an upstream response already went out: cutting the connection is the only way
    // the client can tell that what it got is incomplete.
    res.destroy();
    return;
  }
  const body = errorBody(err, decisionId, findings, reasons);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-egress-decision-id': decisionId,
    'x-egress-error': err.code,
    'cache-control': 'no-store',
  };
  if (!req.complete) headers['connection'] = 'close';
  res.writeHead(err.status, headers);
  res.end(body);
}
