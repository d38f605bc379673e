import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_POLICY, type TestGateway } from '../harness.js';
import { listenerRefusals, parseResponses, refusalsSince } from './http-raw.js';

// Shutdown: a request that arrives on a kept-alive connection after close() began is answered
// 503 EG_SHUTTING_DOWN without reaching the pipeline, so no audit event records it; the
// listener's refusal counter does.

let gw: TestGateway;
let slow: Server;
let release: () => void = () => {};
const arrived: string[] = [];

beforeAll(async () => {
  // Holds its first answer until released, so the connection is busy when the drain begins.
  slow = createServer((req, res) => {
    arrived.push(req.url ?? '');
    const answer = () => res.end('{}');
    if (arrived.length === 1) release = answer;
    else answer();
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway(TEST_POLICY);
});

afterAll(async () => {
  await gw.close();
  await new Promise<void>((resolve) => slow.close(() => resolve()));
});

describe('drain', () => {
  it('a request pipelined behind one in flight when the drain begins: 503 EG_SHUTTING_DOWN, not forwarded, counted', async () => {
    const port = (slow.address() as AddressInfo).port;
    const get = (path: string) => `GET http://api.partner.example:${port}${path} HTTP/1.1\r\nHost: api.partner.example:${port}\r\n\r\n`;
    const admin = gw.gateway.adminAddress.port;
    const countedBefore = await listenerRefusals(admin);
    const socket = connect(gw.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(get('/first'));
    while (arrived.length === 0) await new Promise((r) => setTimeout(r, 10));
    const closing = gw.gateway.close(5_000);
    socket.write(get('/second'));
    // Node hands a pipelined request over as soon as its head is parsed; its 503 waits behind
    // the first answer. Read the counter while the admin listener is still up (it closes when
    // the drain ends, after the first answer).
    let moved: Record<string, number> = {};
    for (let i = 0; i < 100 && Object.keys(moved).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      moved = refusalsSince(countedBefore, await listenerRefusals(admin));
    }
    release();
    await closed;
    await closing;
    expect(parseResponses(got).responses.map((r) => [r.status, r.code])).toEqual([[200, null], [503, 'EG_SHUTTING_DOWN']]);
    expect(arrived).toEqual(['/first']);
    expect(gw.audit.events.map((e) => e.path)).toEqual(['/first']);
    expect(moved).toEqual({ EG_SHUTTING_DOWN: 1 });
  });
});
