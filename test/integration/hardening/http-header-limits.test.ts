import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/config/load.js';
import { eventually, TEST_POLICY, type TestGateway, withGatewayAndUpstream } from '../harness.js';
import { listenerRefusals, refusalsSince, sendRaw, startCountingUpstream, type CountingUpstream } from './http-raw.js';

// Header size and count limits: a request over either is refused 431 EG_HEADERS_TOO_LARGE and
// never forwarded; over the byte limit the parser stops before a request exists (no audit
// event), over the count the request is refused by the pipeline and recorded.

let gw: TestGateway;
let up: CountingUpstream;

withGatewayAndUpstream(`${TEST_POLICY}\nlimits: { max_header_bytes: 2KiB, max_headers: 20 }\n`, (started) => ({ gw, up } = started), {}, startCountingUpstream);

const target = () => `http://api.partner.example:${up.port}/h`;
const get = (extra: string, url = target()) => `GET ${url} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n${extra}\r\n`;
const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-F${i}: v\r\n`).join('');

describe('header limits', () => {
  it('one header value past max_header_bytes: 431, closed, nothing forwarded, counted as a listener refusal', async () => {
    const before = up.arrived.length;
    const countedBefore = await listenerRefusals(gw.gateway.adminAddress.port);
    const got = await sendRaw(gw.port, get(`X-Big: ${'a'.repeat(3000)}\r\n`));
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    expect(up.arrived.length).toBe(before);
    expect(refusalsSince(countedBefore, await listenerRefusals(gw.gateway.adminAddress.port))).toEqual({ EG_HEADERS_TOO_LARGE: 1 });
  });

  it('many small headers adding up past max_header_bytes: 431', async () => {
    const before = up.arrived.length;
    const many = Array.from({ length: 15 }, (_, i) => `X-P${i}: ${'b'.repeat(200)}\r\n`).join('');
    const got = await sendRaw(gw.port, get(many));
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    expect(up.arrived.length).toBe(before);
  });

  it('a request line (URL) past max_header_bytes: 431', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, get('', `${target()}?q=${'c'.repeat(3000)}`));
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    expect(up.arrived.length).toBe(before);
  });

  it('a header block that never ends, sent in pieces past the limit: 431 before it ends', async () => {
    const before = up.arrived.length;
    const pieces = [get('').slice(0, -2), ...Array.from({ length: 40 }, (_, i) => `X-S${i}: ${'d'.repeat(100)}\r\n`)];
    const got = await sendRaw(gw.port, pieces, { gapMs: 5 });
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    expect(up.arrived.length).toBe(before);
  });

  it('more header fields than max_headers: 431, recorded, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, get(fields(20)));
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    expect(up.arrived.length).toBe(before);
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ action: 'block', status: 431, error: 'EG_HEADERS_TOO_LARGE' });
  });

  it('exactly max_headers fields (Host included) is forwarded with every field', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, get(fields(19)), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.length).toBe(before + 1);
    expect(up.arrived.at(-1)!.headers['x-f18']).toBe('v');
  });

  it('a CONNECT with more fields than max_headers: 431, no tunnel', async () => {
    const got = await sendRaw(gw.port, `CONNECT svc.internal.cn:${up.port} HTTP/1.1\r\nHost: svc.internal.cn:${up.port}\r\n${fields(20)}\r\n`);
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
    const id = got.responses[0]!.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ kind: 'connect', action: 'block', error: 'EG_HEADERS_TOO_LARGE' });
  });

  it('a CONNECT head past max_header_bytes: 431', async () => {
    const got = await sendRaw(gw.port, `CONNECT svc.internal.cn:${up.port} HTTP/1.1\r\nHost: svc.internal.cn:${up.port}\r\nX-Big: ${'e'.repeat(3000)}\r\n\r\n`);
    expect(got.responses[0]).toMatchObject({ status: 431, code: 'EG_HEADERS_TOO_LARGE' });
  });
});

describe('the admin listener', () => {
  it('a request head past max_header_bytes: 431, closed', async () => {
    const got = await sendRaw(gw.gateway.adminAddress.port, `GET /healthz HTTP/1.1\r\nHost: admin\r\nX-Big: ${'f'.repeat(3000)}\r\n\r\n`);
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 431 });
  });

  it('a request within the limits is answered', async () => {
    const got = await sendRaw(gw.gateway.adminAddress.port, 'GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n', { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
  });
});

describe('limits follow a policy reload', () => {
  it('raising max_headers lets the same request through on a new connection', async () => {
    expect(gw.gateway.reload(loadPolicyText(`${TEST_POLICY}\nlimits: { max_header_bytes: 2KiB, max_headers: 40 }\n`, 'p.yaml')).ok).toBe(true);
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, get(fields(25)), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.length).toBe(before + 1);
  });
});
