import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Raw sockets for the HTTP hardening tests: exact bytes in, every response parsed out. */

export interface Arrived {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The request ended normally; false when its body never completed. */
  readonly complete: boolean;
}

export interface CountingUpstream {
  readonly port: number;
  /** Every request whose head reached the upstream, counted on arrival (not when its body ends):
   *  a refused attack must leave this empty. */
  readonly arrived: Arrived[];
  close(): Promise<void>;
}

export async function startCountingUpstream(): Promise<CountingUpstream> {
  const arrived: Arrived[] = [];
  const server: Server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '', complete: false };
    arrived.push(entry);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      entry.body = Buffer.concat(chunks).toString('latin1');
      entry.complete = true;
      const answer = JSON.stringify({ ok: true, received: entry.body.length });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** X-Egress-Error, else error.code of a JSON body. */
  readonly code: string | null;
}

export interface RawExchange {
  readonly responses: RawResponse[];
  /** The gateway closed the connection (rather than the test giving up waiting). */
  readonly closed: boolean;
  /** Bytes after the last complete response. */
  readonly rest: string;
}

/** Splits what came back into responses (each with Content-Length, as the gateway's are). */
export function parseResponses(text: string): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = text.slice(at, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (!status) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (text.length < end + 4 + length) break;
    const body = text.slice(end + 4, end + 4 + length);
    let code = headers['x-egress-error'] ?? null;
    if (code === null && body.startsWith('{')) code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
    responses.push({ status: Number(status[1]), headers, body, code });
    at = end + 4 + length;
  }
  return { responses, rest: text.slice(at) };
}

export interface SendOptions {
  /** Resolve once this many responses arrived, without waiting for the close. */
  readonly responses?: number;
  /** Gives up (closed: false) after this long; a guard against a hanging test, not a timing. */
  readonly giveUpMs?: number;
  /** Sent one after another with this pause between them (a slow client). */
  readonly gapMs?: number;
}

/** Opens a connection, sends `parts` (with pauses when gapMs is set) and collects responses. */
export function sendRaw(port: number, parts: string | readonly (string | Buffer)[], options: SendOptions = {}): Promise<RawExchange> {
  const list = typeof parts === 'string' ? [parts] : parts;
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let got = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(giveUp);
      clearInterval(dripper);
      socket.destroy();
      const { responses, rest } = parseResponses(got);
      resolve({ responses, closed, rest });
    };
    const giveUp = setTimeout(() => finish(false), options.giveUpMs ?? 5_000);
    let dripper: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      if (!options.gapMs) {
        for (const part of list) socket.write(part);
        return;
      }
      let i = 0;
      const next = () => {
        if (i < list.length && !socket.destroyed) socket.write(list[i++]!);
      };
      next();
      dripper = setInterval(next, options.gapMs);
    });
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (options.responses !== undefined && parseResponses(got).responses.length >= options.responses) finish(false);
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
  });
}

/** A client that drips `text` one byte per `gapMs`: a slowloris. */
export function bytewise(text: string): string[] {
  return [...text];
}

/** egress_guard_listener_refusals_total by code, read from the admin listener's /metrics. */
export async function listenerRefusals(adminPort: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^egress_guard_listener_refusals_total\{code="([A-Z_]+)"\} (\d+)$/gm)) counts[m[1]!] = Number(m[2]);
  return counts;
}

/** How each code's count moved between two readings of listenerRefusals (codes that moved only). */
export function refusalsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const [code, n] of Object.entries(after)) if (n !== (before[code] ?? 0)) moved[code] = n - (before[code] ?? 0);
  return moved;
}
