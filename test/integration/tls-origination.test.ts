import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { eventually, startTestGateway, type TestGateway } from './harness.js';
import { makeTestPki, startHttpsUpstream, type TestHttpsUpstream, type TestPki } from './tls-pki.js';

/**
 * TLS origination: apps speak cleartext HTTP to the gateway (gateway mode or forward proxy) and
 * a matching route makes the gateway open TLS to the upstream itself, verifying it; the app
 * needs no CA. Loopback only: the route's names are pinned to 127.0.0.1.
 */

const run = promisify(execFile);
const ID_CARD = '11010519491231002X';
const MASKED = '*'.repeat(ID_CARD.length);

let pki: TestPki;
let up: TestHttpsUpstream;
let selfSigned: TestHttpsUpstream;
let gw: TestGateway;

beforeAll(async () => {
  pki = await makeTestPki();
  up = await startHttpsUpstream(await pki.serverCert({ dns: ['api.partner.example', 'ids.partner.example'] }));
  selfSigned = await startHttpsUpstream(await pki.selfSigned(['self.partner.example']));
  gw = await startTestGateway(`
version: 1
resolve:
  api.partner.example: 127.0.0.1
  ids.partner.example: 127.0.0.1
  self.partner.example: 127.0.0.1
tls:
  extra_upstream_ca_files: [${pki.upstreamCaPath}]
routes:
  - match: { host: self.partner.example }
    upstream: https://*:${selfSigned.port}
  - match: { host: "*.partner.example" }
    upstream: https://*:${up.port}
  - match: { path_prefix: /partner/ }
    upstream: https://ids.partner.example:${up.port}
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example, self.partner.example]
  - name: partner-ids-masked
    jurisdiction: DE
    hosts: [ids.partner.example]
    actions:
      categories: { pi.id_card: redact }
`);
});

afterAll(async () => {
  await gw?.close();
  await up?.close();
  await selfSigned?.close();
  pki?.cleanup();
});

const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, unknown> };
};

describe('TLS origination routes', () => {
  it('gateway mode, wildcard host route: the app sends Host: ids.partner.example in cleartext, the upstream gets TLS and a redacted body', async () => {
    const before = up.received.length;
    const res = await post(`${gw.proxyUrl}/v1/kyc?x=1`, `{"idCard":"${ID_CARD}"}`, { host: 'ids.partner.example' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, tls: true });
    const got = up.received[before]!;
    expect(got.body.toString()).toBe(`{"idCard":"${MASKED}"}`);
    expect(got.url).toBe('/v1/kyc?x=1');
    // The Host header names the upstream as an https client would send it.
    expect(got.headers.host).toBe(`ids.partner.example:${up.port}`);
    const id = res.headers['x-egress-decision-id'] as string;
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    const event = gw.audit.events.find((e) => e.decisionId === id)!;
    expect(event).toMatchObject({ via: 'gateway', action: 'redact', status: 200 });
    expect(event.destination).toMatchObject({ host: 'ids.partner.example', port: up.port, zone: 'partner-ids-masked' });
  });

  it('path-prefix route: http://<gateway>/partner/… goes to the route\'s HTTPS upstream', async () => {
    const before = up.received.length;
    const res = await post(`${gw.proxyUrl}/partner/orders`, `{"idCard":"${ID_CARD}","n":2}`);
    expect(res.status).toBe(200);
    expect(up.received[before]!.url).toBe('/partner/orders');
    expect(up.received[before]!.body.toString()).toBe(`{"idCard":"${MASKED}","n":2}`);
  });

  it('forward proxy (curl -x, absolute-form http://): the route upgrades the request to TLS', async () => {
    const before = up.received.length;
    const { stdout } = await run('curl', ['-sS', '-x', gw.proxyUrl, '-H', 'content-type: application/json', '--data-binary', `{"idCard":"${ID_CARD}"}`, 'http://ids.partner.example/fwd']);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, tls: true });
    expect(up.received[before]!.body.toString()).toBe(`{"idCard":"${MASKED}"}`);
  });

  it('refuses a blocked request before any connection to the upstream', async () => {
    const before = up.received.length;
    const res = await post(`${gw.proxyUrl}/v1/blocked`, `{"idCard":"${ID_CARD}"}`, { host: 'api.partner.example' });
    expect(res.status).toBe(403);
    expect((res.json.error as { code: string }).code).toBe('EG_BLOCKED_BY_POLICY');
    expect(up.received.length).toBe(before);
  });

  it('answers 502 EG_UPSTREAM_CERT_INVALID when the upstream certificate does not verify, never falling back', async () => {
    const res = await post(`${gw.proxyUrl}/x`, '{"n":1}', { host: 'self.partner.example' });
    expect(res.status).toBe(502);
    expect(res.headers['x-egress-error']).toBe('EG_UPSTREAM_CERT_INVALID');
    expect((res.json.error as { message: string }).message).toMatch(/self-signed/);
    expect(selfSigned.received.length).toBe(0);
  });

  it('leaves requests no route matches in cleartext', async () => {
    const res = await request(`${gw.proxyUrl}/elsewhere`, { headers: { host: 'unrouted.example.org' } });
    await res.body.text();
    // No route, no record for the name: refused as unresolved, not sent anywhere over TLS.
    expect(res.statusCode).toBe(502);
    expect(res.headers['x-egress-error']).toBe('EG_DEST_UNRESOLVED');
  });
});
