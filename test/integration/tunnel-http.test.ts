import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { eventually, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

const ID_CARD = '11010519491231002X';
const PHONE = '13812345678';

let gw: TestGateway;
let up: TestUpstream;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw.close();
  await up.close();
});

// undici's ProxyAgent tunnels http:// URLs through CONNECT by default; with proxyTunnel: false
// it sends absolute-form. Both must give the same decisions.
describe.each([
  { mode: 'CONNECT tunnel (undici default)', proxyTunnel: true },
  { mode: 'absolute-form (proxyTunnel: false)', proxyTunnel: false },
])('undici ProxyAgent, $mode', ({ proxyTunnel }) => {
  let agent: ProxyAgent;
  beforeAll(() => {
    agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel, connections: 1 });
  });
  afterAll(() => agent.close());

  const post = async (url: string, body: string) => {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  it('refuses a resident ID sent abroad with a 403 whose JSON body reaches the app', async () => {
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/kyc`, JSON.stringify({ customer: { sfzh: ID_CARD } }));
    expect(res.status).toBe(403);
    const error = (JSON.parse(res.text) as { error: { code: string; decisionId: string; findings: unknown[] } }).error;
    expect(error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect(error.decisionId).toBe(res.headers['x-egress-decision-id']);
    expect(error.findings).toContainEqual({ category: 'pi.id_card', location: '/customer/sfzh', rule: 'id_card.checksum', reason: 'no-basis' });
    expect(up.received.length).toBe(before);
  });

  it('masks a phone number upstream', async () => {
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/contacts`, `{"shouji":"${PHONE}","n":1}`);
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString()).toBe('{"shouji":"***********","n":1}');
  });

  it('forwards a domestic request byte-identical', async () => {
    const before = up.received.length;
    const body = `{"shouji":"${PHONE}", "idCard":"${ID_CARD}"}`;
    const res = await post(`http://svc.internal.cn:${up.port}/d?q=${PHONE}`, body);
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString()).toBe(body);
    expect(up.received[before]!.url).toBe(`/d?q=${PHONE}`);
  });

  it('decides and audits two requests on one connection separately', async () => {
    const first = await post(`http://api.partner.example:${up.port}/a`, `{"mobile":"${PHONE}"}`);
    const second = await post(`http://api.partner.example:${up.port}/b`, `{"idCard":"${ID_CARD}"}`);
    expect([first.status, second.status]).toEqual([200, 403]);
    const ids = [first.headers['x-egress-decision-id'], second.headers['x-egress-decision-id']] as string[];
    expect(ids[0]).not.toBe(ids[1]);
    await eventually(() => ids.every((id) => gw.audit.events.some((e) => e.decisionId === id)));
    const [a, b] = ids.map((id) => gw.audit.events.find((e) => e.decisionId === id)!);
    expect(a).toMatchObject({ action: 'redact', path: '/a', via: proxyTunnel ? 'tunnel-http' : 'forward' });
    expect(b).toMatchObject({ action: 'block', path: '/b', via: proxyTunnel ? 'tunnel-http' : 'forward' });
    // undici keeps one tunnel per origin, so both requests travel on the same connection.
    if (proxyTunnel) expect(a!.client.port).toBe(b!.client.port);
  });
});

/** Speaks raw HTTP/1.1 to the gateway; resolves with everything received until `until` matches. */
function rawExchange(socket: Socket, until: RegExp, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(new Error(`timed out; got: ${got}`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (until.test(got)) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    socket.on('error', () => undefined);
  });
}

function openRaw(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(gw.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function gatewayStillServes(): Promise<void> {
  const res = await request(`http://svc.internal.cn:${up.port}/alive`, { dispatcher: new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false }) });
  expect(res.statusCode).toBe(200);
  await res.body.text();
}

describe('raw sockets: early answers, tunnels, resets', () => {
  it('answers 403 before reading a large body and survives the client resetting', async () => {
    const socket = await openRaw();
    const answer = rawExchange(socket, /\r\n\r\n\{.*\}$/s);
    socket.write(`POST http://127.0.0.1:${up.port}/x HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n`);
    socket.write(Buffer.alloc(64 * 1024, 0x20));
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 403/);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('EG_DEST_ADDRESS_FORBIDDEN');
    socket.resetAndDestroy();
    await gatewayStillServes();
  });

  it('inspects cleartext HTTP in a raw CONNECT tunnel and refuses a Host naming another host', async () => {
    const socket = await openRaw();
    const established = rawExchange(socket, /\r\n\r\n$/);
    socket.write(`CONNECT api.partner.example:${up.port} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`);
    expect(await established).toMatch(/^HTTP\/1\.1 200/);
    socket.removeAllListeners('data');
    const refused = rawExchange(socket, /\r\n\r\n\{.*\}$/s);
    socket.write(`GET /x HTTP/1.1\r\nHost: svc.internal.cn:${up.port}\r\n\r\n`);
    const text = await refused;
    expect(text).toMatch(/^HTTP\/1\.1 403/);
    expect(text).toContain('EG_HOST_MISMATCH');
    socket.destroy();
  });

  it('answers a request whose client half-closed after sending it', async () => {
    const socket = await openRaw();
    const answer = rawExchange(socket, /"ok":true/);
    socket.end(`POST http://svc.internal.cn:${up.port}/half HTTP/1.1\r\nHost: svc.internal.cn:${up.port}\r\nContent-Length: 2\r\n\r\n{}`);
    expect(await answer).toMatch(/^HTTP\/1\.1 200/);
  });

  it('survives a client reset in the middle of a body and audits the request', async () => {
    const socket = await openRaw();
    const events = gw.audit.events.length;
    socket.write(`POST http://api.partner.example:${up.port}/cut HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"`);
    await new Promise((r) => setTimeout(r, 50));
    socket.resetAndDestroy();
    await eventually(() => gw.audit.events.slice(events).some((e) => e.path === '/cut'));
    await gatewayStillServes();
  });

  it('sends 100 Continue only after the destination is accepted', async () => {
    const refusedSocket = await openRaw();
    const refused = rawExchange(refusedSocket, /\r\n\r\n\{.*\}$/s);
    refusedSocket.write(`POST http://127.0.0.1:${up.port}/x HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`);
    const refusedText = await refused;
    expect(refusedText).not.toMatch(/100 Continue/);
    expect(refusedText).toMatch(/^HTTP\/1\.1 403/);
    refusedSocket.destroy();

    const socket = await openRaw();
    const before = up.received.length;
    const cont = rawExchange(socket, /100 Continue\r\n\r\n/);
    socket.write(`POST http://api.partner.example:${up.port}/e HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 24\r\n\r\n`);
    await cont;
    socket.removeAllListeners('data');
    const done = rawExchange(socket, /"ok":true/);
    socket.write(`{"mobile":"${PHONE}"}  `.slice(0, 24));
    expect(await done).toMatch(/HTTP\/1\.1 200/);
    expect(up.received[before]!.body.toString()).toBe('{"mobile":"***********"}');
    expect(up.received[before]!.headers.expect).toBeUndefined();
    socket.destroy();
  });

  it('closes an opaque (non-HTTP) tunnel to a zone that refuses tunnels, and audits it', async () => {
    const socket = await openRaw();
    const events = gw.audit.events.length;
    const established = rawExchange(socket, /\r\n\r\n$/);
    socket.write(`CONNECT api.partner.example:${up.port} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`);
    expect(await established).toMatch(/^HTTP\/1\.1 200/);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, 0x01, 0x00]));
    await closed;
    await eventually(() => gw.audit.events.slice(events).some((e) => e.kind === 'connect' && e.error === 'EG_TUNNEL_REFUSED'));
  });
});
