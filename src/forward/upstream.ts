import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { EgError } from '../errors.js';
import { exchange, type UpstreamAnswer } from './exchange.js';
import type { HeaderMap } from './headers.js';
import { upstreamTlsError } from './tls-errors.js';
import { createTlsUpstream } from './tls-upstream.js';
import type { UpstreamTls } from '../tls/trust.js';

export interface UpstreamTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
}

export interface UpstreamRequest {
  /** The IP that was checked; it is the one dialled (no second DNS lookup). */
  readonly ip: string;
  readonly port: number;
  readonly method: string;
  /** Origin-form path with query. */
  readonly path: string;
  /** End-to-end headers including `host` naming the destination. */
  readonly headers: HeaderMap;
  readonly body: Buffer | Readable | null;
  readonly signal: ClientGone;
  /** TLS to the upstream (interception, TLS origination): the name verified and the CAs
   *  trusted. Absent: cleartext HTTP. */
  readonly tls?: UpstreamTls;
}

/**
 * Fires 'abort' once, when the client has gone away, and the exchange with the upstream ends.
 * undici takes an EventEmitter as a request's signal; an AbortController and its EventTarget
 * listener cost about 3 % of the gateway's CPU per small request.
 */
export class ClientGone extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

export type UpstreamResponse = UpstreamAnswer;

export interface Upstream {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** A pooled keep-alive undici Agent; connections are keyed by the pinned IP:port origin. */
export function createUpstream(timeouts: UpstreamTimeouts): Upstream {
  const agent = new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: 4_000,
  });
  const tlsUpstream = createTlsUpstream(timeouts);
  return {
    async send(request) {
      if (request.tls) {
        try {
          return await tlsUpstream.send(request, request.tls);
        } catch (err) {
          throw toEgError(err);
        }
      }
      const host = request.ip.includes(':') ? `[${request.ip}]` : request.ip;
      try {
        return await exchange(agent, {
          origin: `http://${host}:${request.port}`,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body,
        }, request.signal);
      } catch (err) {
        throw toEgError(err);
      }
    },
    close: async () => {
      await Promise.all([agent.close(), tlsUpstream.close()]);
    },
  };
}

/** Maps undici and socket errors to the gateway's codes; the detail names the cause. */
export function toEgError(err: unknown): EgError {
  if (err instanceof EgError) return err;
  const tlsError = upstreamTlsError(err);
  if (tlsError) return tlsError;
  // DOMException (an aborted signal) has a numeric code.
  const rawCode = (err as { code?: unknown } | undefined)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const detail = `(${code || (err instanceof Error ? err.name : 'unknown')})`;
  if (err instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new EgError('EG_UPSTREAM_TIMEOUT', `connect timed out ${detail}`, { cause: err });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return new EgError('EG_UPSTREAM_TIMEOUT', detail, { cause: err });
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') return new EgError('EG_UPSTREAM_HEADERS_TOO_LARGE', detail, { cause: err });
  // The request's signal fires only when the client went away: the exchange ends on its side.
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR' || (err instanceof Error && err.name === 'AbortError')) {
    return new EgError('EG_CLIENT_ABORTED', detail, { cause: err });
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new EgError('EG_UPSTREAM_CONNECT', detail, { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new EgError('EG_UPSTREAM_RESET', detail, { cause: err });
  }
  return new EgError('EG_UPSTREAM_FAILED', detail, { cause: err });
}
