import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, type TestGateway, withGatewayAndUpstream } from '../harness.js';
import { sendRaw, startCountingUpstream, type CountingUpstream } from './http-raw.js';

// The one rule (README "Host header rules"): in absolute-form the request target's authority
// is the destination, and a Host header naming anything else is rewritten to it, so the policy
// decision, the address dialled, the Host the upstream sees and the audit event all name the
// same host. Inside a CONNECT tunnel the tunnel's host:port is the destination and a request
// naming another is refused 403 EG_HOST_MISMATCH. A request whose Host is ambiguous (two Host
// fields, userinfo in the target) or missing in HTTP/1.1 is refused 400 EG_BAD_REQUEST.

const ID_CARD = '11010519491231002X';
let gw: TestGateway;
let up: CountingUpstream;

withGatewayAndUpstream(TEST_POLICY, (started) => ({ gw, up } = started), {}, startCountingUpstream);

const post = (target: string, hostLines: string, body: string) =>
  `POST ${target} HTTP/1.1\r\n${hostLines}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

async function eventOf(decisionId: string | undefined) {
  await eventually(() => gw.audit.events.some((e) => e.decisionId === decisionId));
  return gw.audit.events.find((e) => e.decisionId === decisionId)!;
}

describe('absolute-form: the URI wins', () => {
  it('a Host naming another host is rewritten to the URI authority; the audit names the host dialled', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, post(`http://svc.internal.cn:${up.port}/a`, `Host: api.partner.example:${up.port}\r\n`, '{"note":"hi"}'), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.length).toBe(before + 1);
    expect(up.arrived.at(-1)!.headers.host).toBe(`svc.internal.cn:${up.port}`);
    const event = await eventOf(got.responses[0]!.headers['x-egress-decision-id']);
    expect(event.destination).toMatchObject({ host: 'svc.internal.cn', port: up.port, zone: 'domestic', abroad: false });
  });

  it('a domestic Host does not get an ID card past an abroad URI: decided on the URI, refused', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, post(`http://api.partner.example:${up.port}/a`, `Host: svc.internal.cn:${up.port}\r\n`, `{"idCard":"${ID_CARD}"}`), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 403, code: 'EG_BLOCKED_BY_POLICY' });
    expect(up.arrived.length).toBe(before);
    const event = await eventOf(got.responses[0]!.headers['x-egress-decision-id']);
    expect(event.destination).toMatchObject({ host: 'api.partner.example', zone: 'partner-us', abroad: true });
    expect(JSON.stringify(event)).not.toContain(ID_CARD);
  });

  it('userinfo naming one host before the real one: 400, nothing forwarded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, post(`http://svc.internal.cn@api.partner.example:${up.port}/a`, `Host: svc.internal.cn\r\n`, '{}'), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_BAD_REQUEST' });
    expect(up.arrived.length).toBe(before);
  });
});

describe('ambiguous or missing Host', () => {
  it('two Host fields: 400, closed, nothing forwarded, recorded', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, post('/a', `Host: svc.internal.cn:${up.port}\r\nHost: api.partner.example:${up.port}\r\n`, '{}'));
    expect(got.closed).toBe(true);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_BAD_REQUEST' });
    expect(up.arrived.length).toBe(before);
    const event = await eventOf(got.responses[0]!.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'block', error: 'EG_BAD_REQUEST' });
  });

  it('two Host fields in absolute-form: 400 as well', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, post(`http://svc.internal.cn:${up.port}/a`, `Host: svc.internal.cn:${up.port}\r\nHost: api.partner.example\r\n`, '{}'));
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_BAD_REQUEST' });
    expect(up.arrived.length).toBe(before);
  });

  it('an HTTP/1.1 request without Host: 400 with a code', async () => {
    const before = up.arrived.length;
    const got = await sendRaw(gw.port, `GET http://svc.internal.cn:${up.port}/a HTTP/1.1\r\n\r\n`);
    expect(got.responses[0]).toMatchObject({ status: 400, code: 'EG_BAD_REQUEST' });
    expect(up.arrived.length).toBe(before);
  });

  it('origin-form (gateway mode): the Host header is the destination', async () => {
    const got = await sendRaw(gw.port, post('/g', `Host: svc.internal.cn:${up.port}\r\n`, '{}'), { responses: 1 });
    expect(got.responses[0]).toMatchObject({ status: 200 });
    expect(up.arrived.at(-1)!).toMatchObject({ url: '/g', headers: { host: `svc.internal.cn:${up.port}` } });
  });
});

describe('inside a CONNECT tunnel: the tunnel wins', () => {
  const connectTo = (authority: string) => `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;

  it('a Host naming another host than the tunnel: 403 EG_HOST_MISMATCH, nothing forwarded', async () => {
    const before = up.arrived.length;
    const tunnel = `svc.internal.cn:${up.port}`;
    const got = await sendRaw(gw.port, [connectTo(tunnel), post('/t', `Host: api.partner.example:${up.port}\r\n`, '{}')], { responses: 2 });
    expect(got.responses.map((r) => [r.status, r.code])).toEqual([[200, null], [403, 'EG_HOST_MISMATCH']]);
    expect(up.arrived.length).toBe(before);
  });

  it('an absolute URI naming another host than the tunnel: 403 EG_HOST_MISMATCH', async () => {
    const before = up.arrived.length;
    const tunnel = `svc.internal.cn:${up.port}`;
    const got = await sendRaw(gw.port, [connectTo(tunnel), post(`http://api.partner.example:${up.port}/t`, `Host: ${tunnel}\r\n`, '{}')], { responses: 2 });
    expect(got.responses.map((r) => [r.status, r.code])).toEqual([[200, null], [403, 'EG_HOST_MISMATCH']]);
    expect(up.arrived.length).toBe(before);
  });

  it('a Host naming the tunnel itself goes through', async () => {
    const before = up.arrived.length;
    const tunnel = `svc.internal.cn:${up.port}`;
    const got = await sendRaw(gw.port, [connectTo(tunnel), post('/t', `Host: ${tunnel}\r\n`, '{}')], { responses: 2 });
    expect(got.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(up.arrived.length).toBe(before + 1);
  });
});
