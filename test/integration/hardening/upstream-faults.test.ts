import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsServerLookup } from '../../../src/destination/resolve.js';
import { eventually, startTestGateway, type TestGateway } from '../harness.js';
import { startDnsResponder, type DnsResponder } from './ssrf-dns.js';

/**
 * Upstream faults end to end: a real gateway with its real undici pool and small timeouts, real
 * local servers that misbehave on purpose, and a client that sees every byte. Each fault must
 * give a 502/504 with its code before anything went out, or a cut connection after (never a
 * clean end of a partial body), and exactly one audit event.
 */

const POLICY = `
version: 1
resolve:
  api.partner.example: 127.0.0.1
  stream.internal.cn: 127.0.0.1
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
  - name: internal-stream
    jurisdiction: CN
    hosts: [stream.internal.cn]
    inspect: never
timeouts: { connect: 300ms, headers: 400ms, body: 400ms }
`;
// The same, with timeouts that never fire during a test: client aborts must not be mistaken
// for timeouts.
const PATIENT_POLICY = POLICY.replace('timeouts: { connect: 300ms, headers: 400ms, body: 400ms }', 'timeouts: { connect: 30s, headers: 30s, body: 30s }');

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The response ended as its framing says (Content-Length reached, last chunk seen). */
  complete: boolean;
}

const servers: (Server | HttpServer)[] = [];
let gw: TestGateway;
let patient: TestGateway;
let dns: DnsResponder;
let deadDnsPort: number;
let requestsSent = 0;

async function listenRaw(onSocket: (socket: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw server that waits for the end of the request head, then acts. */
function afterRequestHead(act: (socket: Socket) => void): Promise<number> {
  return listenRaw((socket) => {
    let head = '';
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) act(socket);
    });
  });
}

async function freePort(): Promise<number> {
  const port = await listenRaw(() => {});
  const server = servers.pop()!;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** node:http through the proxy, absolute-form target; resolves however the response ends. */
function viaProxy(target: TestGateway, url: string, init: { method?: string; body?: string } = {}): Promise<Reply> {
  requestsSent += target === gw ? 1 : 0;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: target.port, method: init.method ?? 'GET', path: url, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.end(init.body);
  });
}

function eventsFor(target: TestGateway, reply: Reply) {
  const id = reply.headers['x-egress-decision-id'];
  expect(typeof id).toBe('string');
  return target.audit.events.filter((e) => e.decisionId === id);
}

async function oneEvent(target: TestGateway, reply: Reply) {
  await eventually(() => eventsFor(target, reply).length > 0);
  const events = eventsFor(target, reply);
  expect(events).toHaveLength(1);
  return events[0]!;
}

function expectRefusal(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.body.toString()).toBe(status);
  expect(reply.headers['x-egress-error']).toBe(code);
  expect(JSON.parse(reply.body.toString()).error.code).toBe(code);
}

beforeAll(async () => {
  dns = await startDnsResponder((name) => (name === 'nx.partner.example' ? { rcode: 3 } : { rcode: 2 }));
  // A UDP port nobody listens on: the kernel answers "port unreachable" at once.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  deadDnsPort = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const live = dnsServerLookup([dns.server], 1_000);
  const dead = dnsServerLookup([`127.0.0.1:${deadDnsPort}`], 300);
  const lookupHost = (host: string) => (host.startsWith('dead.') ? dead(host) : live(host));
  gw = await startTestGateway(POLICY, undefined, { lookupHost });
  patient = await startTestGateway(PATIENT_POLICY);
});

afterAll(async () => {
  await Promise.all([gw?.close(), patient?.close(), dns?.close()]);
  for (const server of servers) {
    (server as HttpServer).closeAllConnections?.();
    server.close();
  }
});

describe('faults before the response: 502/504 with a code and one audit event', () => {
  it('connection refused', async () => {
    const port = await freePort();
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_CONNECT');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_CONNECT', status: 502, destination: { zone: 'partner-us' } });
  });

  it('DNS failure: NXDOMAIN', async () => {
    const reply = await viaProxy(gw, 'http://nx.partner.example/');
    expectRefusal(reply, 502, 'EG_DEST_UNRESOLVED');
    expect(JSON.parse(reply.body.toString()).error.message).toMatch(/nx\.partner\.example \(ENOTFOUND\)/);
    expect(dns.asked).toContainEqual({ name: 'nx.partner.example', type: 'A' });
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_DEST_UNRESOLVED', status: 502, action: 'block' });
  });

  it('DNS failure: SERVFAIL', async () => {
    const reply = await viaProxy(gw, 'http://broken.partner.example/');
    expectRefusal(reply, 502, 'EG_DEST_UNRESOLVED');
    expect(JSON.parse(reply.body.toString()).error.message).toMatch(/\(ESERVFAIL\)/);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_DEST_UNRESOLVED', status: 502 });
  });

  it('DNS failure: the DNS server is unreachable', async () => {
    const reply = await viaProxy(gw, 'http://dead.partner.example/');
    expectRefusal(reply, 502, 'EG_DEST_UNRESOLVED');
    expect(JSON.parse(reply.body.toString()).error.message).toMatch(/dead\.partner\.example \((ECONNREFUSED|ETIMEOUT)\)/);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_DEST_UNRESOLVED', status: 502 });
  });

  // A listening socket whose accept queue is full drops further SYNs, which is what a
  // black-holed destination looks like. Node accepts at once, so python holds the socket.
  const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;
  it.skipIf(!hasPython)('connect timeout (a destination that never completes the handshake)', async () => {
    const holder: ChildProcess = spawn('python3', ['-c', [
      'import socket, sys',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'print(s.getsockname()[1], flush=True); sys.stdin.read()',
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve) => holder.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      // Fill the accept queue (backlog 0 holds one connection).
      const filler = connect(port, '127.0.0.1');
      await new Promise((resolve) => filler.once('connect', resolve));
      const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
      filler.destroy();
      expectRefusal(reply, 504, 'EG_UPSTREAM_TIMEOUT');
      expect(JSON.parse(reply.body.toString()).error.message).toMatch(/connect timed out/);
      expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_TIMEOUT', status: 504 });
    } finally {
      holder.kill();
    }
  });

  it('headers timeout (the destination reads the request and never answers)', async () => {
    const port = await afterRequestHead(() => {});
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 504, 'EG_UPSTREAM_TIMEOUT');
    expect(JSON.parse(reply.body.toString()).error.message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_TIMEOUT', status: 504, action: 'allow' });
  });

  it('reset before the response (TCP RST)', async () => {
    const port = await afterRequestHead((socket) => socket.resetAndDestroy());
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`, { method: 'POST', body: '{"note":"hello"}' });
    expectRefusal(reply, 502, 'EG_UPSTREAM_RESET');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 502 });
  });

  it('close before the response (FIN, no status line)', async () => {
    const port = await afterRequestHead((socket) => socket.end());
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_RESET');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 502 });
  });

  it('oversized response headers', async () => {
    const port = await afterRequestHead((socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\nContent-Length: 2\r\n\r\nok`);
    });
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_HEADERS_TOO_LARGE');
    expect(reply.headers['x-big']).toBeUndefined();
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_HEADERS_TOO_LARGE', status: 502 });
  });

  it('garbage instead of a status line', async () => {
    const port = await afterRequestHead((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_FAILED');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_FAILED', status: 502 });
  });

  // undici reads these as a body that does not match its framing: refused whole, nothing passed on.
  it('a response with two different Content-Lengths (response smuggling)', async () => {
    const port = await afterRequestHead((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n'));
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_RESET');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 502 });
  });

  it('a response with both Content-Length and Transfer-Encoding (response smuggling)', async () => {
    const port = await afterRequestHead((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expectRefusal(reply, 502, 'EG_UPSTREAM_RESET');
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 502 });
  });
});

describe('faults during the response body: the client connection is cut, never ended cleanly', () => {
  it('reset during a Content-Length body', async () => {
    const port = await afterRequestHead((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`, () => setImmediate(() => socket.resetAndDestroy()));
    });
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(false);
    expect(reply.body.length).toBeLessThan(1000);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 200, action: 'allow' });
  });

  it('close (FIN) in the middle of a Content-Length body', async () => {
    const port = await afterRequestHead((socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
    });
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(false);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 200 });
  });

  it('reset during a chunked body (no last chunk reaches the client)', async () => {
    const port = await afterRequestHead((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', () => setImmediate(() => socket.resetAndDestroy()));
    });
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(false);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_RESET', status: 200 });
  });

  it('body timeout (the destination stalls mid-body)', async () => {
    const port = await afterRequestHead((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
    });
    const reply = await viaProxy(gw, `http://api.partner.example:${port}/`);
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(false);
    expect(await oneEvent(gw, reply)).toMatchObject({ error: 'EG_UPSTREAM_TIMEOUT', status: 200 });
  });
});

describe('client aborts propagate to the destination', () => {
  /** An upstream that records when its side of each request's connection closes. */
  async function watchedUpstream(onRequest: (res: import('node:http').ServerResponse) => void) {
    const state = { received: 0, closed: 0, bodyBytes: 0, requestAborted: false };
    const server = createHttpServer((req, res) => {
      state.received += 1;
      req.socket.on('close', () => (state.closed += 1));
      req.on('data', (c: Buffer) => (state.bodyBytes += c.length));
      req.on('aborted', () => (state.requestAborted = true));
      onRequest(res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, state };
  }

  /** Sends a request head (and part of a body) by hand, so the test decides when to go away. */
  function rawClient(port: number, head: string): Socket {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(head);
    return socket;
  }

  // A FIN alone cannot tell "gone" from a half-close (the gateway answers half-closed clients,
  // src/server/gateway.ts), so a client that vanishes while nothing is written back is seen by
  // its RST: a killed process with unread data, or SO_LINGER 0, as here.
  it('the client goes away (RST) while the destination is preparing its answer', async () => {
    const up = await watchedUpstream(() => {});
    const before = patient.audit.events.length;
    const client = rawClient(patient.port, `GET http://api.partner.example:${up.port}/slow HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`);
    await eventually(() => up.state.received === 1);
    client.resetAndDestroy();
    await eventually(() => up.state.closed === 1);
    await eventually(() => patient.audit.events.length === before + 1);
    expect(patient.audit.events[before]).toMatchObject({ error: 'EG_CLIENT_ABORTED', action: 'allow', destination: { zone: 'partner-us' } });
  });

  // The client closes normally (FIN); the next bytes the gateway passes on meet its RST.
  it('the client goes away (FIN) in the middle of a streamed response body', async () => {
    const up = await watchedUpstream((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part\n');
      const more = setInterval(() => res.write('more\n'), 20);
      res.on('close', () => clearInterval(more));
    });
    const before = patient.audit.events.length;
    const client = rawClient(patient.port, `GET http://api.partner.example:${up.port}/stream HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`);
    await new Promise((resolve) => client.once('data', resolve));
    client.destroy();
    await eventually(() => up.state.closed === 1);
    await eventually(() => patient.audit.events.length === before + 1);
    expect(patient.audit.events[before]).toMatchObject({ error: 'EG_CLIENT_ABORTED', status: 200 });
  });

  it('the client goes away in the middle of a streamed upload', async () => {
    const up = await watchedUpstream(() => {});
    const before = patient.audit.events.length;
    const client = rawClient(
      patient.port,
      `POST http://stream.internal.cn:${up.port}/upload HTTP/1.1\r\nHost: stream.internal.cn:${up.port}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n${'u'.repeat(1000)}`,
    );
    await eventually(() => up.state.bodyBytes >= 1000);
    client.destroy();
    await eventually(() => up.state.closed === 1);
    expect(up.state.requestAborted).toBe(true);
    await eventually(() => patient.audit.events.length === before + 1);
    expect(patient.audit.events[before]).toMatchObject({ error: 'EG_CLIENT_ABORTED', destination: { zone: 'internal-stream' } });
  });
});

describe('a client that goes away before its body was inspected', () => {
  it('reaches no destination and leaves one audit event (RST mid-upload)', async () => {
    let received = 0;
    const server = createHttpServer((_req, res) => {
      received += 1;
      res.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const before = patient.audit.events.length;
    const client = connect(patient.port, '127.0.0.1');
    client.on('error', () => {});
    client.write(`POST http://api.partner.example:${port}/kyc HTTP/1.1\r\nHost: api.partner.example:${port}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"idCard":"1101`);
    await eventually(() => patient.gateway.stats().inFlight > 0);
    client.resetAndDestroy();
    await eventually(() => patient.audit.events.length === before + 1);
    expect(patient.audit.events[before]).toMatchObject({ action: 'block', destination: { zone: 'partner-us' } });
    expect(patient.audit.events[before]!.error).toBe('EG_BAD_REQUEST'); // decided before anything was forwarded
    expect(received).toBe(0);
  });
});

describe('after all the faults', () => {
  it('wrote exactly one audit event per request and still forwards a sound request', async () => {
    const good = await createGoodUpstream();
    const reply = await viaProxy(gw, `http://api.partner.example:${good}/ok`);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('fine');
    expect(reply.complete).toBe(true);
    await eventually(() => gw.audit.events.length === requestsSent);
    expect(new Set(gw.audit.events.map((e) => e.decisionId)).size).toBe(requestsSent);
  });
});

async function createGoodUpstream(): Promise<number> {
  const server = createHttpServer((_req, res) => res.end('fine'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
