import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, type TestGateway, withGatewayAndUpstream } from '../harness.js';
import { listenerRefusals, refusalsSince, sendRaw, startCountingUpstream, type CountingUpstream } from './http-raw.js';

// Connection and pipelining caps: past max_connections a new connection is answered 503
// EG_TOO_MANY_CONNECTIONS and closed (CONNECT tunnels count); past max_pipelined_requests
// unanswered requests on one connection, the next is answered 429 EG_TOO_MANY_PIPELINED, the
// connection closes, and neither it nor anything after it is forwarded.

let gw: TestGateway;
let up: CountingUpstream;

withGatewayAndUpstream(`${TEST_POLICY}\nlimits: { max_connections: 3, max_pipelined_requests: 2 }\n`, (started) => ({ gw, up } = started), {}, startCountingUpstream);

const get = (path: string) => `GET http://api.partner.example:${up.port}${path} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`;

/** A connection the gateway has certainly accepted: it sent `first` and got an answer. */
function hold(first: string): Promise<{ socket: Socket; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(gw.port, '127.0.0.1', () => socket.write(first));
    let got = '';
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) resolve({ socket, answer: got });
    });
  });
}

async function closeAll(sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : (s.once('close', () => resolve()), s.destroy())))));
}

/** Until the gateway has seen the closes, a new connection may still be over the cap. */
async function servedAgain(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const got = await sendRaw(gw.port, get('/again'), { responses: 1, giveUpMs: 1_000 });
    if (got.responses[0]?.status === 200) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the gateway did not serve a new connection after the held ones closed');
}

describe('connection cap', () => {
  it('a connection past max_connections: 503, closed, its request not forwarded, counted', async () => {
    const held = await Promise.all([1, 2, 3].map(() => hold(get('/held'))));
    try {
      expect(held.map((h) => h.answer.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
      const before = up.arrived.length;
      const eventsBefore = gw.audit.events.length;
      const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
      const got = await sendRaw(gw.port, get('/fourth'));
      const gotAgain = await sendRaw(gw.port, get('/fifth'));
      expect(got.closed).toBe(true);
      expect(got.responses[0]).toMatchObject({ status: 503, code: 'EG_TOO_MANY_CONNECTIONS' });
      expect(gotAgain.responses[0]).toMatchObject({ status: 503, code: 'EG_TOO_MANY_CONNECTIONS' });
      expect(up.arrived.length).toBe(before);
      // No request exists, so no audit event: the listener's counter is the only record.
      expect(gw.audit.events.length).toBe(eventsBefore);
      expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({ EG_TOO_MANY_CONNECTIONS: 2 });
    } finally {
      await closeAll(held.map((h) => h.socket));
    }
    await servedAgain();
  });

  it('CONNECT tunnels count as connections', async () => {
    const authority = `svc.internal.cn:${up.port}`;
    // Each tunnel carries a request, so it is an HTTP tunnel at once (no wait for first bytes).
    const inTunnel = `GET /t HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;
    const held = await Promise.all([1, 2, 3].map(() => hold(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n${inTunnel}`)));
    try {
      expect(held.map((h) => h.answer.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
      const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
      const got = await sendRaw(gw.port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
      expect(got.responses[0]).toMatchObject({ status: 503, code: 'EG_TOO_MANY_CONNECTIONS' });
      expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({ EG_TOO_MANY_CONNECTIONS: 1 });
    } finally {
      await closeAll(held.map((h) => h.socket));
    }
    await servedAgain();
  });
});

describe('pipelining cap', () => {
  it('a third pipelined request past max_pipelined_requests: 429, closed, not forwarded, recorded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, get('/p1') + get('/p2') + get('/p3'));
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => [r.status, r.code])).toEqual([[200, null], [200, null], [429, 'EG_TOO_MANY_PIPELINED']]);
    expect(got.responses[2]!.headers['connection']).toBe('close');
    expect(up.arrived.slice(before).map((r) => r.url).sort()).toEqual(['/p1', '/p2']);
    const id = got.responses[2]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ action: 'block', status: 429, error: 'EG_TOO_MANY_PIPELINED' });
  });

  it('a refusal with an audit event is counted in errors_total, not as a listener refusal', async () => {
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, get('/q1') + get('/q2') + get('/q3'));
    expect(got.responses.map((r) => r.status)).toEqual([200, 200, 429]);
    const id = got.responses[2]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    const metrics = await (await fetch(`http://127.0.0.1:${gw.gateway.adminAddress.port}/metrics`)).text();
    expect(metrics).toMatch(/^egress_guard_errors_total\{code="EG_TOO_MANY_PIPELINED"\} [1-9]/m);
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({});
  });

  it('a burst of pipelined requests: every one past the cap refused and none of them forwarded', async () => {
    const before = up.arrived.length;
    const eventsBefore = gw.audit.events.length;
    const got = await sendRaw(gw.port, ['/b1', '/b2', '/b3', '/b4', '/b5', '/b6'].map(get).join(''));
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(up.arrived.slice(before).map((r) => r.url).sort()).toEqual(['/b1', '/b2']);
    await eventually(() => gw.audit.events.length >= eventsBefore + 6);
    const refused = gw.audit.events.slice(eventsBefore).filter((e) => e.error === 'EG_TOO_MANY_PIPELINED');
    expect(refused).toHaveLength(4);
  });

  it('pipelining within the cap: both answered in order, the connection stays open', async () => {
    const got = await sendRaw(gw.port, get('/k1') + get('/k2'), { responses: 2 });
    expect(got.closed).toBe(false);
    expect(got.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(got.responses.map((r) => r.headers['connection'])).toEqual(['keep-alive', 'keep-alive']);
  });
});
