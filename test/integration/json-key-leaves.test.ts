import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { startTestGateway, startUpstream, eventually, type TestGateway, type TestUpstream } from './harness.js';

const PHONE = '13912345678';

let gw: TestGateway;
let up: TestUpstream;
let agent: ProxyAgent;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway();
  agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
});

afterAll(async () => {
  await agent.close();
  await gw.close();
  await up.close();
});

describe('identifiers used as JSON object keys', () => {
  it('masks a phone number key sent abroad in place, and keeps it out of the audit event', async () => {
    const body = `{"byPhone": {"${PHONE}": {"orders": 3}},\n "note": "hello"}`;
    const before = up.received.length;
    const res = await request(`http://api.partner.example:${up.port}/v1/stats`, {
      method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent,
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const got = up.received[before]!;
    expect(got.body.toString('utf8')).toBe('{"byPhone": {"***********": {"orders": 3}},\n "note": "hello"}');
    expect(JSON.parse(got.body.toString('utf8'))).toEqual({ byPhone: { '***********': { orders: 3 } }, note: 'hello' });
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    const event = gw.audit.events.find((e) => e.decisionId === id)!;
    expect(event).toMatchObject({ action: 'redact', redacted: ['/byPhone/*#key'], destination: { abroad: true } });
    expect(event.findings.map((f) => [f.category, f.location])).toEqual([['pi.phone', '/byPhone/*#key']]);
    expect(JSON.stringify(event)).not.toContain(PHONE);
    expect(JSON.stringify(event)).not.toContain('912345');
  });
});
