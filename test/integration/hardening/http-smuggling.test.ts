import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, type TestGateway, withGatewayAndUpstream } from '../harness.js';
import { listenerRefusals, refusalsSince, sendRaw, startCountingUpstream, type CountingUpstream } from './http-raw.js';

// Request smuggling: every framing a proxy and the server behind it could read differently is
// refused with 400 EG_REQUEST_FRAMING, the connection is closed, and nothing reaches the
// upstream. api.partner.example is inspected (the body is read before forwarding);
// svc.internal.cn is not (the body would stream as it arrives), the path smuggling aims at.

let gw: TestGateway;
let up: CountingUpstream;

withGatewayAndUpstream(TEST_POLICY, (started) => ({ gw, up } = started), {}, startCountingUpstream);

const head = (host: string, lines: string, version = '1.1') =>
  `POST http://${host}:${up.port}/orders HTTP/${version}\r\nHost: ${host}:${up.port}\r\nContent-Type: application/json\r\n${lines}`;

/** `audited`: the parser got through the head, so the pipeline saw a request and recorded it.
 *  Otherwise no audit event exists, and egress_guard_listener_refusals_total counts it. */
const ATTACKS: { name: string; raw: (host: string) => string; audited: boolean }[] = [
  { name: 'CL.TE: Content-Length then Transfer-Encoding', raw: (h) => head(h, 'Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG'), audited: false },
  { name: 'TE.CL: Transfer-Encoding then Content-Length', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1\r\nA\r\n0\r\n\r\n'), audited: false },
  { name: 'duplicate identical Content-Length', raw: (h) => head(h, 'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}'), audited: false },
  { name: 'differing Content-Length', raw: (h) => head(h, 'Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}'), audited: false },
  { name: 'Content-Length as a list', raw: (h) => head(h, 'Content-Length: 2, 2\r\n\r\n{}'), audited: false },
  { name: 'signed Content-Length', raw: (h) => head(h, 'Content-Length: +2\r\n\r\n{}'), audited: false },
  { name: 'negative Content-Length', raw: (h) => head(h, 'Content-Length: -1\r\n\r\n{}'), audited: false },
  { name: 'Content-Length overflow', raw: (h) => head(h, 'Content-Length: 99999999999999999999999\r\n\r\n{}'), audited: false },
  { name: 'Transfer-Encoding: xchunked', raw: (h) => head(h, 'Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'Transfer-Encoding: chunked, identity', raw: (h) => head(h, 'Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: false },
  { name: 'Transfer-Encoding: identity, chunked', raw: (h) => head(h, 'Transfer-Encoding: identity, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'two Transfer-Encoding fields', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: false },
  { name: 'space before the colon of Transfer-Encoding', raw: (h) => head(h, 'Transfer-Encoding : chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: false },
  { name: 'Transfer-Encoding value tab-folded onto the next line (obs-fold)', raw: (h) => head(h, 'Transfer-Encoding:\r\n\tchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: false },
  { name: 'obs-fold continuing another header', raw: (h) => head(h, 'X-Note: a\r\n b\r\nContent-Length: 2\r\n\r\n{}'), audited: false },
  { name: 'vertical tab before chunked', raw: (h) => head(h, 'Transfer-Encoding:\x0bchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), audited: false },
  { name: 'Transfer-Encoding in an HTTP/1.0 request', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', '1.0'), audited: true },
  { name: 'bare LF ending a header line', raw: (h) => head(h, 'Content-Length: 2\n\r\n{}'), audited: false },
  { name: 'bare CR inside a header line', raw: (h) => head(h, 'X-Note: a\rContent-Length: 40\r\nContent-Length: 2\r\n\r\n{}'), audited: false },
  { name: 'chunk size overflow', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF2\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'negative chunk size', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'hex-prefixed chunk size (0x2)', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'garbage chunk size', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'chunk longer than its size', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n'), audited: true },
  { name: 'bare LF after a chunk size', raw: (h) => head(h, 'Transfer-Encoding: chunked\r\n\r\n2\n{}\r\n0\r\n\r\n'), audited: true },
];

describe.each(['api.partner.example', 'svc.internal.cn'])('request smuggling to %s', (host) => {
  it.each(ATTACKS)('$name: refused 400 EG_REQUEST_FRAMING, connection closed, nothing forwarded, counted or recorded', async ({ raw, audited }) => {
    const arrivedBefore = up.arrived.length;
    const eventsBefore = gw.audit.events.length;
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, raw(host));
    expect(got.closed).toBe(true);
    expect(got.responses).toHaveLength(1);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_REQUEST_FRAMING' });
    expect(got.responses[0]!.headers['connection']).toBe('close');
    expect(up.arrived.length).toBe(arrivedBefore);
    if (audited) {
      await eventually(() => gw.audit.events.length > eventsBefore);
      const event = gw.audit.events.at(-1)!;
      expect(event).toMatchObject({ action: 'block', status: 400, error: 'EG_REQUEST_FRAMING' });
      expect(event.decisionId).toBe(got.responses[0]!.headers['x-egress-decision-id']);
    }
    // Each refusal is in exactly one place: the audit trail (and errors_total), or this counter.
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual(audited ? {} : { EG_REQUEST_FRAMING: 1 });
  });

  it('a well-formed chunked request still goes through, its body intact', async () => {
    const arrivedBefore = up.arrived.length;
    const got = await sendRaw(gw.port, head(host, 'Transfer-Encoding: CHUNKED\r\n\r\n5\r\n{"a":\r\n3\r\n"b"\r\n1\r\n}\r\n0\r\n\r\n'), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.length).toBe(arrivedBefore + 1);
    expect(up.arrived.at(-1)!.body).toBe('{"a":"b"}');
  });
});

describe('framing errors on a connection that already carried a request', () => {
  it('a bad chunk in a second, pipelined request: the first is answered, the second refused and not forwarded', async () => {
    const arrivedBefore = up.arrived.length;
    const first = `GET http://api.partner.example:${up.port}/first HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`;
    const second = head('api.partner.example', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
    const got = await sendRaw(gw.port, first + second);
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => r.status)).toEqual([200, 400]);
    expect(got.responses[1]!.code).toBe('EG_REQUEST_FRAMING');
    expect(up.arrived.slice(arrivedBefore).map((r) => r.url)).toEqual(['/first']);
  });
});

describe('framing errors in a body already streaming to an uninspected destination', () => {
  it('a bad chunk after good ones: the upstream request is cut short, recorded as EG_REQUEST_FRAMING', async () => {
    const arrivedBefore = up.arrived.length;
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    // The first chunk goes upstream as it arrives; the bad one comes a moment later.
    const got = await sendRaw(gw.port, [head('svc.internal.cn', 'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n'), 'zz\r\nsmuggled\r\n0\r\n\r\n'], { gapMs: 200 });
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_REQUEST_FRAMING' });
    expect(up.arrived.slice(arrivedBefore).map((a) => a.complete)).toEqual([false]);
    const id = got.responses[0]?.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ destination: { zone: 'domestic' }, error: 'EG_REQUEST_FRAMING' });
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({});
  });
});

describe('requests that are not HTTP/1.x or carry what they cannot have', () => {
  it('a CONNECT carrying a Content-Length body: 400 EG_REQUEST_FRAMING, no tunnel, recorded', async () => {
    const authority = `svc.internal.cn:${up.port}`;
    const arrivedBefore = up.arrived.length;
    const got = await sendRaw(gw.port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 40\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    expect(got.closed).toBe(true);
    expect(got.responses).toHaveLength(1);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_REQUEST_FRAMING' });
    expect(up.arrived.length).toBe(arrivedBefore);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ kind: 'connect', action: 'block', error: 'EG_REQUEST_FRAMING' });
  });

  it.each([
    // Whether the parser accepted the head (the pipeline refused and recorded it) or not (counted).
    ['an HTTP/0.9 request line', `GET http://svc.internal.cn:PORT/\r\n\r\n`, true],
    ['an HTTP/2 preface sent in cleartext', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', false],
    ['an unknown HTTP version', `GET http://svc.internal.cn:PORT/ HTTP/1.2\r\nHost: svc.internal.cn\r\n\r\n`, false],
  ])('%s: 400 EG_BAD_REQUEST, nothing forwarded', async (_name, raw, audited) => {
    const arrivedBefore = up.arrived.length;
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, raw.replace('PORT', String(up.port)));
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_BAD_REQUEST' });
    expect(up.arrived.length).toBe(arrivedBefore);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    if (audited) await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual(audited ? {} : { EG_BAD_REQUEST: 1 });
  });
});
