import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, type TestGateway, withGatewayAndUpstream } from '../harness.js';
import { bytewise, listenerRefusals, refusalsSince, sendRaw, startCountingUpstream, type CountingUpstream } from './http-raw.js';

// Slowloris: a client that holds a connection by sending its request slowly, or not at all, is
// answered 408 EG_REQUEST_TIMEOUT and cut off; nothing reaches the upstream. The timeouts are
// set small for the test; the clients drip far longer than them.

// A destination whose bodies go through uninspected: one declared over 64 KiB is streamed, its
// bytes going upstream as they arrive, so a drip holds an upstream request open too; a smaller
// one is held whole first (readSmallBody), so its drip reaches nothing.
const POLICY = `${TEST_POLICY}  - name: domestic-stream
    jurisdiction: CN
    hosts: [stream.domestic.example]
    inspect: never
`.replace('resolve:\n', 'resolve:\n  stream.domestic.example: 127.0.0.1\n');

let gw: TestGateway;
let up: CountingUpstream;

withGatewayAndUpstream(`${POLICY}\ntimeouts: { request_headers: 300ms, request: 800ms, keep_alive: 300ms }\n`, (started) => ({ gw, up } = started), {}, startCountingUpstream);

const abroad = () => `api.partner.example:${up.port}`;
const headOf = (authority: string, extra = '') => `POST http://${authority}/slow HTTP/1.1\r\nHost: ${authority}\r\nContent-Type: application/json\r\n${extra}`;
/** Far more pieces than the timeouts allow at the gap used. */
const endless = (line: (i: number) => string) => Array.from({ length: 200 }, (_, i) => line(i));

describe('slowloris', () => {
  it('a connection that sends nothing: 408 and closed, counted as a listener refusal', async () => {
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, []);
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({ EG_REQUEST_TIMEOUT: 1 });
  });

  it('a request line sent one byte at a time: 408 before it is complete', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, bytewise(`GET http://${abroad()}/${'x'.repeat(200)} HTTP/1.1\r\nHost: ${abroad()}\r\n\r\n`), { gapMs: 20 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(up.arrived.length).toBe(before);
  });

  it('headers that never end, one line at a time: 408, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, [headOf(abroad()), ...endless((i) => `X-Drip-${i}: a\r\n`)], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(up.arrived.length).toBe(before);
  });

  it('a body dripped one byte at a time (Content-Length): 408, recorded, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, [headOf(abroad(), 'Content-Length: 150\r\n\r\n'), ...endless(() => ' ')], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(up.arrived.length).toBe(before);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ action: 'block', status: 408, error: 'EG_REQUEST_TIMEOUT' });
  });

  it('a small body dripped to an uninspected destination: 408 EG_REQUEST_TIMEOUT, held, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, [headOf(`stream.domestic.example:${up.port}`, 'Content-Length: 150\r\n\r\n'), ...endless(() => ' ')], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(up.arrived.slice(before)).toEqual([]);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ destination: { zone: 'domestic-stream' }, status: 408, error: 'EG_REQUEST_TIMEOUT' });
  });

  it('a large body dripped to an uninspected destination: 408, recorded as EG_REQUEST_TIMEOUT, the upstream never gets a whole body', async () => {
    const before = up.arrived.length;
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, [headOf(`stream.domestic.example:${up.port}`, 'Content-Length: 100000\r\n\r\n'), ...endless(() => ' ')], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    // Streamed: the head went upstream, the body was cut before its end.
    expect(up.arrived.slice(before).map((a) => a.complete)).toEqual([false]);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ destination: { zone: 'domestic-stream' }, status: 408, error: 'EG_REQUEST_TIMEOUT' });
    // Recorded, so not a listener refusal too.
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({});
  });

  it('a chunked body that never ends, a chunk at a time: 408, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, [headOf(abroad(), 'Transfer-Encoding: chunked\r\n\r\n'), ...endless(() => '1\r\n \r\n')], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
    expect(up.arrived.length).toBe(before);
  });

  it('a CONNECT head sent slowly: 408, no tunnel', async () => {
    const got = await sendRaw(gw.port, [`CONNECT svc.internal.cn:${up.port} HTTP/1.1\r\n`, ...endless((i) => `X-Drip-${i}: a\r\n`)], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408, code: 'EG_REQUEST_TIMEOUT' });
  });

  it('inside a cleartext CONNECT tunnel, headers that never end: 408, nothing forwarded', async () => {
    const before = up.arrived.length;
    const authority = `svc.internal.cn:${up.port}`;
    const got = await sendRaw(gw.port, [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, `GET /in-tunnel HTTP/1.1\r\nHost: ${authority}\r\n`, ...endless((i) => `X-Drip-${i}: a\r\n`)], { gapMs: 50 });
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => [r.status, r.code])).toEqual([[200, null], [408, 'EG_REQUEST_TIMEOUT']]);
    expect(up.arrived.length).toBe(before);
  });

  it('the admin listener: a connection that sends nothing is answered 408 and closed', async () => {
    const got = await sendRaw(gw.gateway.adminAddress.port, []);
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 408 });
  });

  it('an idle kept-alive connection is closed after keep_alive, without another answer', async () => {
    const got = await sendRaw(gw.port, `GET http://${abroad()}/once HTTP/1.1\r\nHost: ${abroad()}\r\n\r\n`);
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => r.status)).toEqual([200]);
    expect(got.rest).toBe('');
  });

  it('a request sent at once within the timeouts goes through', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, headOf(abroad(), 'Content-Length: 2\r\n\r\n{}'), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.length).toBe(before + 1);
  });
});
