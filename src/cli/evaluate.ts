import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import pino from 'pino';
import { isAuditEvent, type AuditEvent } from '../audit/event.js';
import type { AuditSink } from '../audit/writer.js';
import type { CompiledPolicy } from '../config/model.js';
import { EgError } from '../errors.js';
import { UpstreamBody } from '../forward/exchange.js';
import type { Upstream, UpstreamRequest } from '../forward/upstream.js';
import { startGateway, type Gateway } from '../server/gateway.js';

/**
 * Runs requests through the real gateway, in process, with nothing dialled: `test` and `explain`
 * see exactly what `serve` would decide and forward. Names resolve to PLACEHOLDER_IP (or the
 * address a case gives); the upstream is a recorder that answers 200.
 */

export const PLACEHOLDER_IP = '192.0.2.1';
/** Header the evaluator uses to attribute a request to a client address; removed before the
 *  forwarded request is reported. */
const CLIENT_ADDRESS_HEADER = 'x-egress-guard-eval-client';

export interface EvalRequest {
  readonly method: string;
  /** http:// or https:// URL; https is evaluated as the request inside the TLS session. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer | null;
  readonly clientAddress?: string;
  /** Address the host resolves to (default: a public placeholder). */
  readonly resolve?: string;
}

export interface Forwarded {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export interface EvalResult {
  /** The status the client got. */
  readonly status: number;
  /** The gateway's own error code when it answered itself (X-Egress-Error). */
  readonly error: string | null;
  /** What reached the destination, or null when nothing was forwarded. */
  readonly forwarded: Forwarded | null;
  /** The audit event the request produced. */
  readonly event: AuditEvent;
  /** The gateway's reply body when it answered itself. */
  readonly reply: string;
}

/** What the gateway's hooks and the evaluator share. */
interface EvalState {
  now: Date;
  readonly resolve: Map<string, string>;
  readonly events: AuditEvent[];
  forwarded: Forwarded | null;
}

export class Evaluator {
  private constructor(
    private readonly gateway: Gateway,
    private readonly state: EvalState,
  ) {}

  static async start(policy: CompiledPolicy, now: Date): Promise<Evaluator> {
    const state: EvalState = { now, resolve: new Map(), events: [], forwarded: null };
    const audit: AuditSink = {
      write: (event) => {
        if (isAuditEvent(event)) state.events.push(event);
      },
      flush: async () => {},
      close: async () => {},
    };
    const upstream: Upstream = {
      send: async (req: UpstreamRequest) => {
        const body = await collect(req.body);
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== CLIENT_ADDRESS_HEADER) headers[k] = v as string | string[];
        state.forwarded = { method: req.method, path: req.path, headers, body };
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: UpstreamBody.of(Buffer.from('{"ok":true}')) };
      },
      close: async () => {},
    };
    const gateway = await startGateway({
      policy,
      audit,
      log: pino({ level: 'silent' }),
      proxyHost: '127.0.0.1',
      proxyPort: 0,
      adminHost: '127.0.0.1',
      adminPort: 0,
      individualKey: Buffer.alloc(32, 7),
      upstream,
      lookupHost: async (host) => [state.resolve.get(host) ?? PLACEHOLDER_IP],
      publicAddresses: new Set([PLACEHOLDER_IP]),
      clock: () => state.now,
      clientAddressOf: (req) => {
        const v = req.headers[CLIENT_ADDRESS_HEADER];
        return typeof v === 'string' ? v : undefined;
      },
    });
    return new Evaluator(gateway, state);
  }

  set now(date: Date) {
    this.state.now = date;
  }

  async evaluate(req: EvalRequest): Promise<EvalResult> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new EgError('EG_CONFIG_INVALID', `request url ${JSON.stringify(req.url)} is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgError('EG_CONFIG_INVALID', `request url must be http:// or https:// (got ${url.protocol})`);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const target = `http://${url.hostname}:${port}${url.pathname}${url.search}`;
    if (req.resolve) this.state.resolve.set(url.hostname.toLowerCase(), req.resolve);
    else this.state.resolve.delete(url.hostname.toLowerCase());
    this.state.forwarded = null;
    const before = this.state.events.length;
    const headers: IncomingHttpHeaders = { ...(req.headers as IncomingHttpHeaders) };
    if (req.clientAddress) headers[CLIENT_ADDRESS_HEADER] = req.clientAddress;
    if (req.body !== null) headers['content-length'] = String(req.body.length);
    const { status, error, body } = await send(this.gateway.proxyAddress.port, req.method, target, headers, req.body);
    const event = this.state.events[before];
    if (!event) throw new EgError('EG_INTERNAL', 'the gateway wrote no audit event for the request');
    const forwarded = this.state.forwarded;
    return { status, error, forwarded, event, reply: forwarded ? '' : body };
  }

  close(): Promise<void> {
    return this.gateway.close(0);
  }
}

function send(port: number, method: string, target: string, headers: IncomingHttpHeaders, body: Buffer | null): Promise<{ status: number; error: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = res.headers['x-egress-error'];
        resolve({ status: res.statusCode ?? 0, error: typeof code === 'string' ? code : null, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function collect(body: UpstreamRequest['body']): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}
