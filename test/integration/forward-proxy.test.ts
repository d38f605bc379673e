import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { createClassifier } from '../../src/classify/matcher.js';
import { BUILTIN_CATEGORIES, type Grade } from '../../src/classify/taxonomy.js';
import { startTestGateway, startUpstream, eventually, type TestGateway, type TestUpstream } from './harness.js';

const run = promisify(execFile);
const BUILTIN_GRADES = new Map(Object.entries(BUILTIN_CATEGORIES) as [string, Grade][]);
const ID_CARD = '11010519491231002X';
const PHONE = '13812345678';

let gw: TestGateway;
let up: TestUpstream;
let agent: ProxyAgent;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway();
  // Absolute-form forward proxying, as curl, requests and Java use for http:// URLs.
  agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
});

afterAll(async () => {
  await agent.close();
  await gw.close();
  await up.close();
});

async function post(url: string, body: string, contentType = 'application/json') {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': contentType }, dispatcher: agent });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

function eventsFor(decisionId: string) {
  return gw.audit.events.filter((e) => e.decisionId === decisionId);
}

describe('forward proxy, absolute-form (undici ProxyAgent)', () => {
  it('forwards an allowed request to a domestic destination byte-identical', async () => {
    const body = '{"orderId":"A-1001", "mobile":"13812345678",\n "amount": 12.50}';
    const before = up.received.length;
    const res = await post(`http://svc.internal.cn:${up.port}/orders?x=1`, body);
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    const id = res.headers['x-egress-decision-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const got = up.received[before]!;
    expect(got.body.toString('utf8')).toBe(body);
    expect(got.url).toBe('/orders?x=1');
    expect(got.headers.host).toBe(`svc.internal.cn:${up.port}`);
    expect(got.headers.via).toBe('1.1 egress-guard');
    expect(got.headers['proxy-connection']).toBeUndefined();
    await eventually(() => eventsFor(id).length === 1);
    expect(eventsFor(id)[0]).toMatchObject({ action: 'allow', destination: { zone: 'domestic', jurisdiction: 'CN', abroad: false } });
  });

  it('relays bodies to an uninspected destination byte-identical: held when small, streamed when large or chunked', async () => {
    const small = Buffer.from('{"note":"小包"}');
    const large = Buffer.alloc(200 * 1024, 'abcdefghij');
    const chunks = (b: Buffer) => Readable.from((function* () { for (let i = 0; i < b.length; i += 50_000) yield b.subarray(i, i + 50_000); })());
    const cases: Array<{ body: Buffer; send: Buffer | Readable }> = [
      { body: small, send: small },
      { body: large, send: large },
      // No length declared: sent chunked.
      { body: large, send: chunks(large) },
    ];
    for (const { body, send } of cases) {
      const before = up.received.length;
      const res = await request(`http://svc.internal.cn:${up.port}/bulk`, { method: 'POST', body: send, headers: { 'content-type': 'application/octet-stream' }, dispatcher: agent });
      await res.body.text();
      expect(res.statusCode).toBe(200);
      const got = up.received[before]!;
      expect(got.body.equals(body)).toBe(true);
      const id = res.headers['x-egress-decision-id'] as string;
      await eventually(() => eventsFor(id).length === 1);
      expect(eventsFor(id)[0]).toMatchObject({ action: 'allow', error: null, bytes: { requestIn: body.length, requestOut: body.length } });
    }
  });

  it('masks a phone number sent abroad and leaves every other byte as it was', async () => {
    const body = `{"orderId":"A-1001","contact":{"mobile": "${PHONE}" },"note":"hello"}`;
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/v1/contacts`, body);
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.body.toString('utf8')).toBe('{"orderId":"A-1001","contact":{"mobile": "***********" },"note":"hello"}');
    expect(got.headers['content-length']).toBe(String(got.body.length));
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => eventsFor(id).length === 1);
    const event = eventsFor(id)[0]!;
    expect(event).toMatchObject({ action: 'redact', redacted: ['/contact/mobile'], destination: { zone: 'partner-us', abroad: true } });
    expect(event.findings.map((f) => f.category)).toContain('pi.phone');
  });

  it('masks PI in a form body and in the query string', async () => {
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/submit?tel=${PHONE}&page=2`, `a=1&mobile=${PHONE}&b=x+y`, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.url).toBe('/submit?tel=***********&page=2');
    expect(got.body.toString('utf8')).toBe('a=1&mobile=***********&b=x+y');
  });

  it('refuses sensitive PI to an abroad destination with 403 and sends nothing upstream', async () => {
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/v1/kyc`, JSON.stringify({ user: { idCard: ID_CARD } }));
    expect(res.status).toBe(403);
    const body = JSON.parse(res.text) as { error: { code: string; decisionId: string; findings: { category: string; location: string; rule: string }[] } };
    expect(body.error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect(body.error.decisionId).toBe(res.headers['x-egress-decision-id']);
    expect(body.error.findings).toContainEqual(expect.objectContaining({ category: 'pi.id_card', location: '/user/idCard' }));
    expect(res.text).not.toContain(ID_CARD);
    expect(up.received.length).toBe(before);
    await eventually(() => eventsFor(body.error.decisionId).length === 1);
    expect(eventsFor(body.error.decisionId)[0]).toMatchObject({ action: 'block', status: 403, error: 'EG_BLOCKED_BY_POLICY' });
  });

  it('lets a monitored zone through and records what enforce would have done', async () => {
    const before = up.received.length;
    const payload = JSON.stringify({ idCard: ID_CARD });
    const res = await post(`http://monitor.partner.example:${up.port}/x`, payload);
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString()).toBe(payload);
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => eventsFor(id).length === 1);
    expect(eventsFor(id)[0]).toMatchObject({ mode: 'monitor', action: 'allow', wouldBe: 'block' });
  });

  it('records a path segment holding an identifier by its category, never its value', async () => {
    const res = await request(`http://svc.internal.cn:${up.port}/users/${PHONE}/orders?id=${ID_CARD}`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => eventsFor(id).length === 1);
    expect(eventsFor(id)[0]!.path).toBe('/users/{pi.phone}/orders?id=');
  });

  it('writes a map keyed by identifiers as "*" in the refusal and the audit event, never the key', async () => {
    const res = await post(`http://api.partner.example:${up.port}/v1/kyc`, JSON.stringify({ byPhone: { [PHONE]: { idCard: ID_CARD } } }));
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(PHONE);
    const body = JSON.parse(res.text) as { error: { decisionId: string; findings: { category: string; location: string }[] } };
    expect(body.error.findings).toContainEqual(expect.objectContaining({ category: 'pi.id_card', location: '/byPhone/*/idCard' }));
    await eventually(() => eventsFor(body.error.decisionId).length === 1);
    const event = eventsFor(body.error.decisionId)[0]!;
    expect(JSON.stringify(event)).not.toContain(PHONE);
    expect(event.findings.map((f) => f.location)).toContain('/byPhone/*/idCard');
  });

  it('masks a phone number used as an object key in place, and keeps it out of the audit event', async () => {
    const body = `{"byPhone": {"${PHONE}": {"orders": 3}},\n "note": "hello"}`;
    const before = up.received.length;
    const res = await post(`http://api.partner.example:${up.port}/v1/stats`, body);
    expect(res.status).toBe(200);
    const got = up.received[before]!.body.toString('utf8');
    expect(got).toBe('{"byPhone": {"***********": {"orders": 3}},\n "note": "hello"}');
    expect(JSON.parse(got)).toEqual({ byPhone: { '***********': { orders: 3 } }, note: 'hello' });
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => eventsFor(id).length === 1);
    const event = eventsFor(id)[0]!;
    expect(event).toMatchObject({ action: 'redact', redacted: ['/byPhone/*#key'], destination: { abroad: true } });
    expect(event.findings.map((f) => [f.category, f.location])).toEqual([['pi.phone', '/byPhone/*#key']]);
    expect(JSON.stringify(event)).not.toContain(PHONE.slice(3, 9));
  });

  it('refuses a loopback destination that no zone allows', async () => {
    const before = up.received.length;
    const res = await post(`http://127.0.0.1:${up.port}/`, '{}');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('EG_DEST_ADDRESS_FORBIDDEN');
    expect(up.received.length).toBe(before);
  });

  it('keeps the audit trail one event per request and free of detected values', async () => {
    const lines = gw.audit.lines.join('\n');
    expect(lines).not.toContain(ID_CARD);
    expect(lines).not.toContain(PHONE);
    // The product's own matcher finds no identifier anywhere in the audit bytes.
    const classifier = createClassifier(BUILTIN_GRADES);
    const leaks = classifier.classify([{ location: '', key: undefined, value: lines, rawStart: 0, rawEnd: Buffer.byteLength(lines), source: 'text' }], new Date());
    expect(leaks.filter((f) => !['pi.name', 'pi.address'].includes(f.category))).toEqual([]);
    expect(gw.audit.events.some((e) => (e.individuals?.count ?? 0) > 0)).toBe(true);
    const ids = gw.audit.events.filter((e) => e.kind === 'request').map((e) => e.decisionId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('forward proxy with curl -x', () => {
  it('masks PI and refuses sensitive PI, as seen by curl', async () => {
    const before = up.received.length;
    const ok = await run('curl', ['-sS', '-x', gw.proxyUrl, '-H', 'content-type: application/json', '--data-binary', `{"phone":"${PHONE}"}`, `http://api.partner.example:${up.port}/c`]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
    expect(up.received[before]!.body.toString()).toBe('{"phone":"***********"}');

    const refused = await run('curl', ['-sS', '-x', gw.proxyUrl, '-o', '-', '-w', '\n%{http_code}', '-H', 'content-type: application/json', '--data-binary', `{"sfzh":"${ID_CARD}"}`, `http://api.partner.example:${up.port}/c`]);
    const [json, code] = refused.stdout.split('\n');
    expect(code).toBe('403');
    expect(JSON.parse(json!).error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect(up.received.length).toBe(before + 1);
  });

  it('tunnels CONNECT to a domestic destination and refuses one abroad on 443', async () => {
    const domestic = await run('curl', ['-sS', '-p', '-x', gw.proxyUrl, `http://svc.internal.cn:${up.port}/tunnel`]);
    expect(JSON.parse(domestic.stdout)).toMatchObject({ ok: true });
    const refused = await run('curl', ['-sS', '-v', '-x', gw.proxyUrl, 'https://api.partner.example:443/'], { encoding: 'utf8' }).catch((err: { stderr: string }) => err);
    expect(refused.stderr).toMatch(/< HTTP\/1\.1 403/);
    expect(refused.stderr).toMatch(/< X-Egress-Error: EG_TUNNEL_REFUSED/i);
  });
});
