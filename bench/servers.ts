/**
 * The two servers of the end-to-end bench, usable in process or as their own (pinned) process:
 *
 *   node dist/bench/servers.js sink                       → prints {"port":N}, serves until SIGTERM
 *   node dist/bench/servers.js passthrough NAME=IP ...    → the same, a forward proxy
 *
 * - sink: the upstream. Reads each request body to the end and answers a small JSON.
 * - passthrough: the baseline forward proxy, the minimal thing a team would run instead of the
 *   gateway: http-proxy streaming absolute-form requests to their origin over a keep-alive pool,
 *   no inspection. Names are pinned to addresses (NAME=IP), as the gateway's `resolve:` does,
 *   and only loopback addresses are accepted.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';

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
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    const ip = pins[url.hostname];
    if (ip === undefined || !/^127\./.test(ip)) {
      res.writeHead(403).end('not a pinned loopback name');
      return;
    }
    proxy.web(req, res, { target: `http://${ip}:${url.port || 80}` });
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  return listen(server, port);
}

async function main(argv: string[]): Promise<void> {
  const [kind, ...rest] = argv;
  let running: Running;
  if (kind === 'sink') running = await startSink();
  else if (kind === 'passthrough') {
    const pins: Record<string, string> = {};
    for (const a of rest) {
      const [name, ip] = a.split('=');
      if (name && ip) pins[name] = ip;
    }
    running = await startPassthrough(pins);
  } else {
    process.stderr.write('usage: servers.js sink | passthrough NAME=IP...\n');
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
