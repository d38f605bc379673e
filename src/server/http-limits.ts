import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../config/model.js';
import { EgError, type ErrorCode } from '../errors.js';
import { refuseAtTarget } from '../pipeline/target.js';
import { TurnBatch } from '../pipeline/turn-batch.js';

/**
 * The client side of the proxy listener: what a client may hold (connections, pipelined
 * requests), how much it may send before the request is known (header bytes and fields), how
 * slowly (timeouts), and how the request must be framed. Node's parser (llhttp, strict) already
 * rejects most smuggling forms; what it lets through that a server behind us could read
 * differently is refused here, and its rejections are answered with a coded body instead of a
 * bare 400. Every refusal closes the connection: after a framing error nothing that follows on
 * it can be trusted to start a new request.
 */
export interface ListenerLimits {
  readonly maxHeaderBytes: number;
  readonly maxHeaders: number;
  readonly maxConnections: number;
  readonly maxPipelinedRequests: number;
  readonly requestHeadersMs: number;
  readonly requestMs: number;
  readonly keepAliveMs: number;
}

export function listenerLimits(policy: CompiledPolicy): ListenerLimits {
  const { maxHeaderBytes, maxHeaders, maxConnections, maxPipelinedRequests } = policy.limits;
  const { requestHeadersMs, requestMs, keepAliveMs } = policy.timeouts;
  return { maxHeaderBytes, maxHeaders, maxConnections, maxPipelinedRequests, requestHeadersMs, requestMs, keepAliveMs };
}

/** Admin requests are probes and scrapes: a flood there must not take the descriptors the
 *  proxy needs. Over the cap Node closes new admin connections at once. */
const ADMIN_MAX_CONNECTIONS = 128;

/**
 * Sets the limits Node enforces itself. They are read when a connection is accepted, so a
 * reload applies to new connections. Call before listen: Node starts its timeout checker then.
 */
export function applyListenerLimits(server: Server, limits: ListenerLimits, role: 'proxy' | 'admin' = 'proxy'): void {
  const s = server as Server & { maxHeaderSize?: number; connectionsCheckingInterval?: number; requireHostHeader?: boolean };
  s.maxHeaderSize = limits.maxHeaderBytes;
  // One more than allowed: Node silently drops the fields past its count, so seeing the extra
  // one is how a request over the limit is told apart from one at it.
  s.maxHeadersCount = limits.maxHeaders + 1;
  s.requestTimeout = limits.requestMs;
  s.headersTimeout = Math.min(limits.requestHeadersMs, limits.requestMs);
  s.keepAliveTimeout = limits.keepAliveMs;
  // Node checks both request timeouts on this interval (30 s by default), so a timeout is only
  // as precise as the interval; the check walks the open connections, cheap at this rate.
  s.connectionsCheckingInterval = Math.max(25, Math.min(1_000, Math.floor(s.headersTimeout / 4)));
  // A missing Host is refused by requestRefusal, with a code and an audit event.
  if (role === 'proxy') s.requireHostHeader = false;
  else s.maxConnections = ADMIN_MAX_CONNECTIONS;
}

/** How often the fields a request must not repeat occur: two values would let two readers pick
 *  different ones. One pass over the raw names, lower-casing only those of a matching length
 *  (this runs for every request). */
function repeatedFields(req: IncomingMessage): { host: number; contentLength: number; transferEncoding: number } {
  const counts = { host: 0, contentLength: 0, transferEncoding: 0 };
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') counts.host++;
    else if (name.length === 14 && name.toLowerCase() === 'content-length') counts.contentLength++;
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') counts.transferEncoding++;
  }
  return counts;
}

/**
 * What the listener refuses in a request llhttp accepted: too many header fields, a version
 * other than 1.0/1.1, framing a server behind us could read another way, a missing or repeated
 * Host. Null when the request may go on.
 */
export function requestRefusal(req: IncomingMessage, limits: ListenerLimits): EgError | null {
  if (req.rawHeaders.length / 2 > limits.maxHeaders) {
    return new EgError('EG_HEADERS_TOO_LARGE', `more than ${limits.maxHeaders} header fields (limits.max_headers)`);
  }
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') {
    return new EgError('EG_BAD_REQUEST', `HTTP/${req.httpVersion} is not supported; use HTTP/1.1`);
  }
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  const counts = repeatedFields(req);
  if (te !== undefined) {
    if (req.httpVersion === '1.0') return new EgError('EG_REQUEST_FRAMING', 'Transfer-Encoding in an HTTP/1.0 request');
    if (counts.transferEncoding > 1 || te.trim().toLowerCase() !== 'chunked') {
      return new EgError('EG_REQUEST_FRAMING', 'Transfer-Encoding must be exactly "chunked"');
    }
    if (cl !== undefined) return new EgError('EG_REQUEST_FRAMING', 'Content-Length together with Transfer-Encoding');
  }
  if (cl !== undefined && (counts.contentLength > 1 || !/^\d{1,15}$/.test(cl))) {
    return new EgError('EG_REQUEST_FRAMING', 'one Content-Length of decimal digits is allowed');
  }
  if (req.method === 'CONNECT') {
    // A CONNECT carries no content: bytes after its head are the tunnel's, never a body.
    if (te !== undefined || cl !== undefined) return new EgError('EG_REQUEST_FRAMING', 'a CONNECT request has no body');
    return null;
  }
  const hosts = counts.host;
  if (hosts > 1) return new EgError('EG_BAD_REQUEST', 'more than one Host header');
  if (hosts === 0 && req.httpVersion === '1.1') return new EgError('EG_BAD_REQUEST', 'an HTTP/1.1 request needs a Host header');
  return null;
}

/** The code for a request Node's parser or its timeouts refused (llhttp error codes). */
export function parserError(err: NodeJS.ErrnoException, limits: ListenerLimits): EgError {
  const code = err.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') return new EgError('EG_HEADERS_TOO_LARGE', `over ${limits.maxHeaderBytes} bytes of request line and headers (limits.max_header_bytes)`);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new EgError('EG_REQUEST_TIMEOUT', `headers within ${limits.requestHeadersMs} ms (timeouts.request_headers), the whole request within ${limits.requestMs} ms (timeouts.request)`);
  }
  if (FRAMING_ERRORS.has(code)) return new EgError('EG_REQUEST_FRAMING', `parser: ${code}`);
  return new EgError('EG_BAD_REQUEST', `malformed HTTP request (${/^[A-Z_]{1,40}$/.test(code) ? code : 'parse error'})`);
}

const FRAMING_ERRORS = new Set([
  'HPE_INVALID_TRANSFER_ENCODING',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_CHUNK_EXTENSIONS_OVERFLOW',
  'HPE_INVALID_HEADER_TOKEN',
  'HPE_CR_EXPECTED',
  'HPE_LF_EXPECTED',
  'HPE_STRICT',
]);

/** A refusal written straight to the socket, where no request object exists to answer with
 *  (nor an audit event: the request never got far enough to have a destination). */
export function rawRefusal(err: EgError): string {
  const body = JSON.stringify({ error: { code: err.code, message: err.message, decisionId: null, findings: [] } });
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Egress-Error: ${err.code}\r\n` +
    `Cache-Control: no-store\r\n` +
    `Connection: close\r\n\r\n` +
    body
  );
}

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Handed to the pipeline (a request with a body waits one turn, see admit). */
  started: boolean;
  refusal: EgError | null;
}

/** After a refusal the pipeline answers, the connection is cut if the answer did not close it. */
const ANSWER_GRACE_MS = 1_000;

export class ListenerGuard {
  private limits: ListenerLimits;
  private open = 0;
  private readonly exchanges = new WeakMap<Socket, Exchange[]>();
  /** Accepted over max_connections: answered 503 and closing; nothing on them is handled. */
  private readonly overCap = new WeakSet<Socket>();
  /** Over max_pipelined_requests: every later request on the connection gets the same refusal. */
  private readonly refusing = new WeakMap<Socket, EgError>();
  private readonly failed = new WeakSet<Socket>();
  /** Refusals at the cap are logged once a second with their count: a flood must not flood the log. */
  private capRefusals = 0;
  private capLoggedAt = 0;

  constructor(
    limits: ListenerLimits,
    private readonly log: Logger,
    /** Tunnel sockets come back in as connections; they were counted when accepted. */
    private readonly isTunnel: (socket: Socket) => boolean,
    /** A refusal no audit event records (no request exists): only metrics can count it. */
    private readonly onRefusal: (code: ErrorCode) => void = () => {},
    /** Called as a request is queued to start at the end of the turn: the stage it reaches
     *  next through its promise continuations primes its own batch (InspectPool.primeInline). */
    private readonly onQueuedStart: () => void = () => {},
  ) {
    this.limits = limits;
  }

  /** The requests with a body that arrived in one turn start together at its end (one
   *  setImmediate for all of them: src/pipeline/turn-batch.ts). */
  private readonly starts = new TurnBatch<() => void>((go) => go(), (err) => this.log.error({ err }, 'a request could not be started'));

  setLimits(limits: ListenerLimits): void {
    this.limits = limits;
  }

  onConnection(socket: Socket): void {
    if (this.isTunnel(socket)) return;
    if (this.open >= this.limits.maxConnections) {
      this.overCap.add(socket);
      socket.on('error', () => socket.destroy());
      this.onRefusal('EG_TOO_MANY_CONNECTIONS');
      this.capRefusals += 1;
      if (Date.now() - this.capLoggedAt >= 1_000) {
        this.log.warn({ code: 'EG_TOO_MANY_CONNECTIONS', limit: this.limits.maxConnections, refused: this.capRefusals }, 'connections refused: at limits.max_connections');
        this.capLoggedAt = Date.now();
        this.capRefusals = 0;
      }
      socket.write(rawRefusal(new EgError('EG_TOO_MANY_CONNECTIONS', `limit ${this.limits.maxConnections}`)));
      socket.destroySoon();
      return;
    }
    this.open += 1;
    socket.once('close', () => (this.open -= 1));
  }

  /** What requestRefusal says of a request under the limits in force (CONNECT uses it). */
  refusalFor(req: IncomingMessage): EgError | null {
    return requestRefusal(req, this.limits);
  }

  /** A connection accepted over the cap: its 503 is on the way, nothing on it is handled. */
  dropped(socket: Socket): boolean {
    return this.overCap.has(socket);
  }

  /**
   * Hands a request to the pipeline (`start`), as a refusal when a limit or the framing says
   * so: the pipeline then answers it with its code and writes its audit event, and the
   * connection closes after the answer. A request with a body waits one turn of the event
   * loop: a framing error in the bytes that came with the head (a bad chunk size) is found by
   * the parser within that turn, and the request is refused before anything is forwarded.
   * `refusal` is one the caller found (an Expect the gateway does not support); the limits and
   * the framing take precedence over it.
   */
  admit(req: IncomingMessage, res: ServerResponse, start: () => void, refusal: EgError | null = null): void {
    const socket = req.socket;
    if (this.overCap.has(socket)) return;
    let list = this.exchanges.get(socket);
    if (!list) this.exchanges.set(socket, (list = []));
    const exchange: Exchange = { req, res, started: false, refusal: this.refusing.get(socket) ?? requestRefusal(req, this.limits) ?? refusal };
    list.push(exchange);
    res.once('close', () => {
      const at = list.indexOf(exchange);
      if (at >= 0) list.splice(at, 1);
    });
    if (!exchange.refusal && list.length > this.limits.maxPipelinedRequests) {
      exchange.refusal = new EgError('EG_TOO_MANY_PIPELINED', `limit ${this.limits.maxPipelinedRequests}`);
      this.refusing.set(socket, exchange.refusal);
    }
    const go = () => {
      exchange.started = true;
      if (exchange.refusal) {
        res.shouldKeepAlive = false;
        refuseAtTarget(req, exchange.refusal);
      }
      start();
    };
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (hasBody && !exchange.refusal) {
      this.starts.push(go);
      this.onQueuedStart();
    } else go();
  }

  /**
   * Node's parser or timeouts refused what a client sent ('clientError'). Where a request is
   * being received, the pipeline answers it (its code, its audit event); where none is, a coded
   * answer is written to the socket if no other answer is under way; else the connection is
   * cut, which is the only signal that cannot corrupt an answer in progress.
   */
  onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ECONNRESET' || !socket.writable || this.failed.has(socket) || this.overCap.has(socket)) {
      socket.destroy();
      return;
    }
    this.failed.add(socket);
    const refusal = parserError(err, this.limits);
    // The parser's error carries the raw bytes it failed on: only the codes are logged.
    this.log.info({ code: refusal.code, parser: /^[A-Z_]{1,40}$/.test(err.code ?? '') ? err.code : undefined, client: socket.remoteAddress }, 'client request refused by the listener');
    const list = this.exchanges.get(socket) ?? [];
    const current = list.at(-1);
    if (current && !current.req.complete && !current.res.headersSent) {
      current.refusal ??= refusal;
      if (!current.started) return;
      // Reading the body: the read fails with the code, and the pipeline answers and audits it.
      if (current.req.listenerCount('error') > 0) current.req.emit('error', current.refusal);
      setTimeout(() => socket.destroy(), ANSWER_GRACE_MS).unref();
      return;
    }
    // From here no request records the refusal: the bytes never became one.
    this.onRefusal(refusal.code);
    if (list.length === 0) {
      socket.write(rawRefusal(refusal));
      socket.destroySoon();
      return;
    }
    socket.destroy();
  }
}
