import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { TEST_POLICY, eventually, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

const PHONE = '13812345678';
const IDS = ['11010519491231002X', '110101199003071233'];

let gw: TestGateway;
let small: TestGateway;
let up: TestUpstream;
let agent: ProxyAgent;
let smallAgent: ProxyAgent;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway();
  small = await startTestGateway(`${TEST_POLICY}\nlimits: { max_body_bytes: 1KiB, max_decoded_bytes: 4KiB }\n`);
  agent = new ProxyAgent({ uri: gw.proxyUrl });
  smallAgent = new ProxyAgent({ uri: small.proxyUrl });
});

afterAll(async () => {
  await Promise.all([agent.close(), smallAgent.close()]);
  await Promise.all([gw.close(), small.close()]);
  await up.close();
});

async function send(dispatcher: ProxyAgent, url: string, body: Buffer | string, headers: Record<string, string>) {
  const res = await request(url, { method: 'POST', body, headers, dispatcher });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('content encodings through the gateway', () => {
  it.each([
    ['gzip', gzipSync, gunzipSync],
    ['br', brotliCompressSync, brotliDecompressSync],
  ] as const)('redacts a %s JSON body and re-encodes it the same way', async (encoding, encode, decode) => {
    const json = `{"contact": {"mobile": "${PHONE}"}, "items": [1, 2, 3]}`;
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/enc`, encode(Buffer.from(json)), {
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.headers['content-encoding']).toBe(encoding);
    expect(Number(got.headers['content-length'])).toBe(got.body.length);
    expect(decode(got.body).toString()).toBe('{"contact": {"mobile": "***********"}, "items": [1, 2, 3]}');
  });
});

describe('multipart uploads', () => {
  it('masks the ID numbers of a CSV file part and leaves the other parts as they were', async () => {
    const boundary = '----egtest7MA4YWxkTrZu0gW';
    const csv = `姓名,身份证号,城市\r\n王小明,${IDS[0]},北京\r\n李雷,${IDS[1]},上海\r\n`;
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="batch"\r\n\r\n2026-11\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n` +
      `--${boundary}--\r\n`;
    const before = up.received.length;
    const res = await send(agent, `http://ids.partner.example:${up.port}/upload`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(res.status).toBe(200);
    const got = up.received[before]!.body.toString('utf8');
    for (const id of IDS) expect(got).not.toContain(id);
    expect(got).toContain('*'.repeat(18));
    expect(got.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="batch"\r\n\r\n2026-11\r\n`)).toBe(true);
    expect(got.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    const event = gw.audit.events.find((e) => e.decisionId === id)!;
    expect(event.action).toBe('redact');
    expect(event.findings.filter((f) => f.category === 'pi.id_card')).toHaveLength(2);
  });
});

describe('bodies the gateway cannot inspect', () => {
  it('refuses a body over the inspection limit to an abroad destination with 413', async () => {
    const before = up.received.length;
    const res = await send(smallAgent, `http://api.partner.example:${up.port}/big`, JSON.stringify({ pad: 'x'.repeat(4096) }), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('EG_BODY_TOO_LARGE');
    expect(up.received.length).toBe(before);
  });

  it('streams a body over the limit to a domestic destination unchanged', async () => {
    const payload = JSON.stringify({ pad: 'y'.repeat(8192), mobile: PHONE });
    const before = up.received.length;
    const res = await send(smallAgent, `http://svc.internal.cn:${up.port}/big`, payload, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString()).toBe(payload);
  });

  it('refuses a binary body to an abroad destination with a code', async () => {
    const res = await send(agent, `http://api.partner.example:${up.port}/bin`, Buffer.from([0, 1, 2, 3, 255]), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('EG_BODY_UNINSPECTABLE');
  });

  it('refuses a gzip bomb to an abroad destination before it is expanded', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const res = await send(agent, `http://api.partner.example:${up.port}/bomb`, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([403, 413]).toContain(res.status);
    expect(['EG_BODY_TOO_LARGE', 'EG_BODY_UNINSPECTABLE']).toContain(JSON.parse(res.text).error.code);
  });
});

describe('headers', () => {
  it('masks a phone number in an inspected request header', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/h`, '{}', { 'content-type': 'application/json', 'x-user-phone': PHONE, 'x-request-id': '13812345678' });
    expect(res.status).toBe(200);
    expect(up.received[before]!.headers['x-user-phone']).toBe('***********');
    expect(up.received[before]!.headers['x-request-id']).toBe('13812345678');
  });
});
