/**
 * The two servers of the end-to-end bench, usable in process or as their own (pinned) process:
 *
 *   node dist/bench/servers.js sink                       → prints {"port":N}, serves until SIGTERM
 *   node dist/bench/servers.js passthrough NAME=IP ...    → the same, a forward proxy
 *   node dist/bench/servers.js forwarder NAME=IP ...      → the same, the gateway's mechanics only
 *
 * - sink: the upstream. Reads each request body to the end and answers a small JSON.
 * - passthrough: the baseline forward proxy, the minimal thing a team would run instead of the
 *   gateway: http-proxy streaming absolute-form requests to their origin over a keep-alive pool,
 *   no inspection. Names are pinned to addresses (NAME=IP), as the gateway's `resolve:` does,
 *   and only loopback addresses are accepted.
 * - forwarder: a reference, not a baseline: what the gateway's forwarding costs without its own
 *   work. The same Node HTTP server, undici Agent and exchange (src/forward/exchange.ts) as the
 *   gateway, the body held in full before it is sent, hop-by-hop headers dropped and Via added
 *   (src/forward/headers.ts), the upstream's answer streamed back; no policy, inspection, audit
 *   or metrics. Its CPU per
 *   request beside the gateway's is the price of the gateway's own per-request work.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';
import { Agent as UndiciAgent, type Dispatcher } from 'undici';
import { exchange } from '../src/forward/exchange.js';
import { appendVia, endToEndHeaders } from '../src/forward/headers.js';
import { ClientGone } from '../src/forward/upstream.js';

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startSink(port = 0): Promise<Running> {
  const server = createServer((req, res) => {
    let received = 0;
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('end', () => {
      const answer = `{"ok":true,"received":${received}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  server.maxHeadersCount = 100;
  return listen(server, port);
}

/** The pinned loopback address of an absolute-form request's host, or why it is refused. */
function pinnedTarget(req: IncomingMessage, pins: Readonly<Record<string, string>>): { url: URL; ip: string } | { status: number; why: string } {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    return { status: 400, why: 'absolute-form requests only' };
  }
  const ip = pins[url.hostname];
  if (ip === undefined || !/^127\./.test(ip)) return { status: 403, why: 'not a pinned loopback name' };
  return { url, ip };
}

export function startForwarder(pins: Readonly<Record<string, string>>, port = 0): Promise<Running> {
  const agent = new UndiciAgent({ keepAliveTimeout: 4_000 });
  const server = createServer((req, res) => {
    const target = pinnedTarget(req, pins);
    if ('why' in target) {
      res.writeHead(target.status).end(target.why);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const headers = endToEndHeaders(req.headers, ['host']);
      headers['host'] = target.url.host;
      headers['content-length'] = String(body.length);
      appendVia(headers, req.httpVersion, 'bench-forwarder');
      const signal = new ClientGone();
      res.once('close', () => signal.abort());
      exchange(agent, { origin: `http://${target.ip}:${target.url.port || 80}`, path: `${target.url.pathname}${target.url.search}`, method: req.method as Dispatcher.HttpMethod, headers, body }, signal)
        .then((answer) => {
          const out = endToEndHeaders(answer.headers);
          appendVia(out, '1.1', 'bench-forwarder');
          res.writeHead(answer.statusCode, out);
          return answer.body.pipeTo(res, () => {});
        })
        .catch(() => {
          if (res.headersSent) return void res.destroy();
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end('bad gateway');
        });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  return listen(server, port);
}

export function startPassthrough(pins: Readonly<Record<string, string>>, port = 0): Promise<Running> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = httpProxy.createProxyServer({ agent, xfwd: false, ws: false });
  proxy.on('error', (_err: Error, _req: IncomingMessage, res: ServerResponse | unknown) => {
    const r = res as ServerResponse;
    if (typeof r.writeHead !== 'function') return;
    if (!r.headersSent) r.writeHead(502, { 'content-type': 'text/plain' });
    r.end('bad gateway');
  });
  const server = createServer((req, res) => {
    const target = pinnedTarget(req, pins);
    if ('why' in target) {
      res.writeHead(target.status).end(target.why);
      return;
    }
    proxy.web(req, res, { target: `http://${target.ip}:${target.url.port || 80}` });
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  return listen(server, port);
}

async function main(argv: string[]): Promise<void> {
  const [kind, ...rest] = argv;
  let running: Running;
  if (kind === 'sink') running = await startSink();
  else if (kind === 'passthrough' || kind === 'forwarder') {
    const pins: Record<string, string> = {};
    for (const a of rest) {
      const [name, ip] = a.split('=');
      if (name && ip) pins[name] = ip;
    }
    running = await (kind === 'passthrough' ? startPassthrough(pins) : startForwarder(pins));
  } else {
    process.stderr.write('usage: servers.js sink | passthrough NAME=IP... | forwarder NAME=IP...\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Never outlive the bench that started it.
  process.on('disconnect', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

if (process.argv[1] !== undefined && /servers\.js$/.test(process.argv[1])) void main(process.argv.slice(2));
