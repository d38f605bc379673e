import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent } from 'undici';
import {
  lookupTable,
  loopbackOnlyUpstream,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestGatewayOptions,
  type TestUpstream,
} from './harness.js';
import { CURL_ENV, eventFor, parseError, rawConnect, send } from './clients.js';

/**
 * The policy model end to end: a real gateway (behind a guard that never dials off loopback),
 * a real upstream that records every byte, and real clients (undici ProxyAgent in absolute form,
 * node:http with a raw request target, curl -x).
 */

const run = promisify(execFile);
const ID_CARD = '11010519491231002X';
const PHONE = '13912345678';
const HASH_KEY_ENV = 'EG_TEST_POLICY_MODEL_HASH_KEY';
const HASH_KEY = 'policy-model-test-key-0123456789';


let up: TestUpstream;
const gateways: TestGateway[] = [];
const agents: ProxyAgent[] = [];

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all(gateways.map((g) => g.close()));
  await up.close();
});

async function gateway(policyText: string, options: TestGatewayOptions = {}) {
  const upstream = options.upstream ?? loopbackOnlyUpstream();
  const gw = await startTestGateway(policyText, undefined, { ...options, upstream });
  gateways.push(gw);
  // Absolute-form forward proxying, as curl, requests and Java use for http:// URLs.
  const agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  agents.push(agent);
  return { gw, agent, upstream: upstream as ReturnType<typeof loopbackOnlyUpstream> };
}

// ---------------------------------------------------------------------------------------------

describe('legal bases: an expired basis covers nothing', () => {
  const policy = (validTo: string) => `
version: 1
resolve:
  api.partner.example: 127.0.0.1
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
    recipient: Partner Analytics Inc.
bases:
  - id: scc-partner
    type: standard_contract
    recipients: [partner-us]
    categories: [pi.id_card]
    valid_from: 2020-01-01
    valid_to: ${validTo}
    reference: SCC-2020-0042
`;
  const payload = JSON.stringify({ idNo: ID_CARD, orderId: 'A-1' });

  it('refuses sensitive PI under a basis past its valid_to, naming the basis, its end date and the clause', async () => {
    const { gw, agent, upstream } = await gateway(policy('2020-12-31'));
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/v1/kyc`, { body: payload });
    expect(res.status).toBe(403);
    expect(res.headers['x-egress-error']).toBe('EG_BLOCKED_BY_POLICY');
    const error = parseError(res);
    expect(error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect(error.findings).toContainEqual(expect.objectContaining({ category: 'pi.id_card', location: '/idNo', reason: 'no-basis' }));
    const expired = (error.reasons ?? []).find((r) => r.text.includes('scc-partner') && r.text.includes('expired on 2020-12-31'));
    expect(expired, JSON.stringify(error.reasons)).toBeDefined();
    expect(expired!.rule).toBe('no-basis');
    expect(expired!.clause).toMatch(/PIPL Arts?\. .*38/);
    expect(res.text).not.toContain(ID_CARD);
    expect(up.received.length).toBe(before);
    expect(upstream.sent).toEqual([]);

    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'block', status: 403, error: 'EG_BLOCKED_BY_POLICY', basisMissing: false, basis: null });
    expect(event.findings[0]).toMatchObject({ category: 'pi.id_card', reason: 'no-basis', basis: null, action: 'block' });
    expect(event.reasons?.some((r) => r.text.includes('expired on 2020-12-31'))).toBe(true);
    expect(JSON.stringify(event)).not.toContain(ID_CARD);
  });

  it('allows the same request under the same basis with valid dates, byte for byte, and records basis and recipient', async () => {
    const { gw, agent } = await gateway(policy('2099-12-31'));
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/v1/kyc`, { body: payload });
    expect(res.status).toBe(200);
    expect(up.received.length).toBe(before + 1);
    expect(up.received[before]!.body.equals(Buffer.from(payload))).toBe(true);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({
      action: 'allow',
      basisMissing: false,
      basis: { id: 'scc-partner', type: 'standard_contract', reference: 'SCC-2020-0042' },
      destination: { zone: 'partner-us', abroad: true, recipient: 'Partner Analytics Inc.' },
    });
    expect(event.findings[0]).toMatchObject({ category: 'pi.id_card', basis: 'scc-partner', reason: 'basis:scc-partner', action: 'allow' });
  });

  it('counts valid_from and valid_to as whole days, inclusive, on the Asia/Shanghai calendar', async () => {
    // 2025-06-30T16:10Z is still June 30 in UTC but already July 1 in Shanghai.
    let now = new Date('2025-06-30T23:30:00+08:00');
    const { gw, agent } = await gateway(policy('2025-06-30').replace('valid_from: 2020-01-01', 'valid_from: 2025-01-01'), { clock: () => now });
    const statusAt = async (at: string) => {
      now = new Date(at);
      const res = await send(agent, `http://api.partner.example:${up.port}/v1/kyc`, { body: payload });
      return [res.status, (await eventFor(gw, res.headers['x-egress-decision-id'])).basis?.id ?? null];
    };
    expect(await statusAt('2025-06-30T23:30:00+08:00')).toEqual([200, 'scc-partner']);
    expect(await statusAt('2025-07-01T00:10:00+08:00')).toEqual([403, null]);
    expect(await statusAt('2025-01-01T00:10:00+08:00')).toEqual([200, 'scc-partner']);
    expect(await statusAt('2024-12-31T23:50:00+08:00')).toEqual([403, null]);
  });

  it('is refused the same way when the request comes from curl -x', async () => {
    const { gw } = await gateway(policy('2020-12-31'));
    const before = up.received.length;
    const out = await run('curl', ['-sS', '-x', gw.proxyUrl, '-o', '-', '-w', '\n%{http_code}', '-H', 'content-type: application/json', '--data-binary', payload, `http://api.partner.example:${up.port}/v1/kyc`], { env: CURL_ENV });
    const [json, code] = out.stdout.split('\n');
    expect(code).toBe('403');
    expect(JSON.parse(json!).error.reasons.map((r: { text: string }) => r.text).join(' ')).toContain('expired on 2020-12-31');
    expect(up.received.length).toBe(before);
  });
});

describe('monitor mode', () => {
  const policy = `
version: 1
resolve:
  monitor.partner.example: 127.0.0.1
  api.partner.example: 127.0.0.1
categories:
  pi.member_id: { grade: sensitive_pi }
rules:
  - id: member-no
    category: pi.member_id
    pattern: "MB[0-9]{8}"
    mode: monitor
destinations:
  - name: partner-monitored
    jurisdiction: SG
    hosts: [monitor.partner.example]
    mode: monitor
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
`;
  let gw: TestGateway;
  let agent: ProxyAgent;
  beforeAll(async () => {
    ({ gw, agent } = await gateway(policy));
  });

  it('forwards everything unchanged to a destination in monitor mode and records wouldBe block', async () => {
    const payload = `{"idCard": "${ID_CARD}",\n "mobile":"${PHONE}"}`;
    const before = up.received.length;
    const res = await send(agent, `http://monitor.partner.example:${up.port}/m?tel=${PHONE}`, { body: payload, headers: { 'x-user-phone': PHONE } });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.body.equals(Buffer.from(payload))).toBe(true);
    expect(got.url).toBe(`/m?tel=${PHONE}`);
    expect(got.headers['x-user-phone']).toBe(PHONE);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ mode: 'monitor', action: 'allow', wouldBe: 'block', redacted: [], status: 200 });
    expect(event.findings.map((f) => f.category)).toEqual(expect.arrayContaining(['pi.id_card', 'pi.phone']));
  });

  it('lets a finding of a rule in monitor mode through in an enforce destination, recording wouldBe block', async () => {
    const payload = '{"member":"MB12345678","orderId":"A-7"}';
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/orders`, { body: payload });
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.equals(Buffer.from(payload))).toBe(true);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ mode: 'enforce', action: 'allow', wouldBe: 'block' });
    expect(event.findings).toEqual([expect.objectContaining({ category: 'pi.member_id', rule: 'custom.member-no', action: 'allow', wouldBe: 'block', monitor: true })]);
  });

  it('still enforces the other findings of the same request', async () => {
    const payload = `{"member":"MB12345678","mobile":"${PHONE}"}`;
    const before = up.received.length;
    const res = await send(agent, `http://api.partner.example:${up.port}/orders`, { body: payload });
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString('utf8')).toBe('{"member":"MB12345678","mobile":"***********"}');
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ mode: 'enforce', action: 'redact', wouldBe: 'block', redacted: ['/mobile'] });
  });
});

// The SSRF forms moved to test/integration/hardening/ssrf.test.ts (one file per attack family).

describe('clients: header or source address, and bases limited to clients', () => {
  const policy = `
version: 1
client_header: x-egress-client
clients:
  - id: billing
    cidrs: [127.0.0.0/8]
  - id: hr
resolve:
  hr.hq.example: 127.0.0.1
destinations:
  - name: hq-us
    jurisdiction: US
    hosts: [hr.hq.example]
    recipient: Example Group HQ Inc.
bases:
  - id: hr-exemption
    type: exemption
    exemption: hr_management
    recipients: [hq-us]
    categories: ["pi.*"]
    clients: [hr]
    valid_from: 2024-01-01
`;
  const record = `{"employee":{"mobile":"${PHONE}","idNo":"${ID_CARD}"}}`;
  let gw: TestGateway;
  let agent: ProxyAgent;
  beforeAll(async () => {
    ({ gw, agent } = await gateway(policy));
  });

  it('allows the named client under its basis and strips the identity header', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://hr.hq.example:${up.port}/employees`, { body: record, headers: { 'x-egress-client': 'hr' } });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.body.equals(Buffer.from(record))).toBe(true);
    expect(got.headers['x-egress-client']).toBeUndefined();
    expect(got.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-egress-client');
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'allow', client: { application: 'hr' }, basis: { id: 'hr-exemption', type: 'exemption' } });
    // The header names an application: it is neither inspected nor a finding.
    expect(event.findings.map((f) => f.location).filter((l) => l.startsWith('header:'))).toEqual([]);
  });

  it('without the header, identifies the client by CIDR and refuses what its basis does not cover', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://hr.hq.example:${up.port}/employees`, { body: record });
    expect(res.status).toBe(403);
    const error = parseError(res);
    expect(error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect((error.reasons ?? []).map((r) => r.text).join('\n')).toContain('basis hr-exemption covers client hr, not billing');
    expect(up.received.length).toBe(before);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'block', client: { application: 'billing' }, basis: null, basisMissing: false });
  });

  it('without the header, masks the plain PI the basis does not cover for billing', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://hr.hq.example:${up.port}/employees`, { body: `{"mobile":"${PHONE}"}` });
    expect(res.status).toBe(200);
    expect(up.received[before]!.body.toString('utf8')).toBe('{"mobile":"***********"}');
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'redact', client: { application: 'billing' }, redacted: ['/mobile'] });
  });

  it('treats an unknown client name as no header (source CIDR) and still strips it', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://hr.hq.example:${up.port}/employees`, { body: `{"mobile":"${PHONE}"}`, headers: { 'x-egress-client': 'payroll-unknown' } });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.body.toString('utf8')).toBe('{"mobile":"***********"}');
    expect(got.headers['x-egress-client']).toBeUndefined();
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event.client.application).toBe('billing');
  });
});

describe('redaction modes, byte-exact upstream', () => {
  const policy = `
version: 1
resolve:
  partial.partner.example: 127.0.0.1
  hash.partner.example: 127.0.0.1
  drop.partner.example: 127.0.0.1
redaction:
  default: mask
  partial: { head: 3, tail: 4 }
  hash: { key_env: ${HASH_KEY_ENV} }
destinations:
  - name: partial-us
    jurisdiction: US
    hosts: [partial.partner.example]
    actions: { categories: { pi.phone: partial } }
  - name: hash-us
    jurisdiction: US
    hosts: [hash.partner.example]
    actions: { categories: { pi.phone: hash } }
  - name: drop-us
    jurisdiction: US
    hosts: [drop.partner.example]
    actions: { categories: { pi.phone: drop } }
`;
  let gw: TestGateway;
  let agent: ProxyAgent;
  const pseudonym = `h:${createHmac('sha256', HASH_KEY).update(PHONE, 'utf8').digest('hex').slice(0, 16)}`;
  beforeAll(async () => {
    // The key is read when the policy loads.
    process.env[HASH_KEY_ENV] = HASH_KEY;
    ({ gw, agent } = await gateway(policy));
  });
  afterAll(() => {
    delete process.env[HASH_KEY_ENV];
  });

  it('partial keeps head 3 and tail 4', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://partial.partner.example:${up.port}/c`, { body: `{"mobile": "${PHONE}", "n": 1}` });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.body.toString('utf8')).toBe('{"mobile": "139****5678", "n": 1}');
    expect(got.headers['content-length']).toBe(String(got.body.length));
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'redact', redacted: ['/mobile'] });
    // A partial mask still carries PI abroad without a basis.
    expect(event.basisMissing).toBe(true);
  });

  it('hash writes h: + 16 hex of the keyed HMAC, the same pseudonym for the same value', async () => {
    expect(pseudonym).toMatch(/^h:[0-9a-f]{16}$/);
    const before = up.received.length;
    const first = await send(agent, `http://hash.partner.example:${up.port}/c`, { body: `{"a":"${PHONE}","b":{"tel":"${PHONE}"}}` });
    const second = await send(agent, `http://hash.partner.example:${up.port}/c`, { body: `{"mobile":"${PHONE}"}` });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(up.received[before]!.body.toString('utf8')).toBe(`{"a":"${pseudonym}","b":{"tel":"${pseudonym}"}}`);
    expect(up.received[before + 1]!.body.toString('utf8')).toBe(`{"mobile":"${pseudonym}"}`);
    expect(up.received[before + 1]!.headers['content-length']).toBe(String(up.received[before + 1]!.body.length));
  });

  it('drop removes the JSON member, leaving valid JSON with a correct Content-Length', async () => {
    const before = up.received.length;
    const bodies = [
      [`{"orderId":"A-1","mobile":"${PHONE}","note":"x"}`, '{"orderId":"A-1","note":"x"}'],
      [`{"orderId":"A-1", "mobile":"${PHONE}"}`, '{"orderId":"A-1"}'],
      [`{"mobile":"${PHONE}"}`, '{}'],
      [`{"contacts":["${PHONE}","n/a"]}`, '{"contacts":["n/a"]}'],
    ] as const;
    for (const [body] of bodies) {
      const res = await send(agent, `http://drop.partner.example:${up.port}/c`, { body });
      expect(res.status).toBe(200);
    }
    bodies.forEach(([, want], i) => {
      const got = up.received[before + i]!;
      expect(got.body.toString('utf8')).toBe(want);
      expect(() => JSON.parse(got.body.toString('utf8'))).not.toThrow();
      expect(got.headers['content-length']).toBe(String(got.body.length));
      expect(got.headers['transfer-encoding']).toBeUndefined();
    });
  });

  it('drop removes a header carrying PI entirely and keeps the others', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://drop.partner.example:${up.port}/profile`, { headers: { 'x-user-phone': PHONE, 'x-trace-note': 'kept' } });
    expect(res.status).toBe(200);
    const got = up.received[before]!;
    expect(got.headers['x-user-phone']).toBeUndefined();
    expect(got.rawHeaders.join('\n')).not.toContain(PHONE);
    expect(got.headers['x-trace-note']).toBe('kept');
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'redact', redacted: ['header:x-user-phone'] });
  });

  it('never writes a redacted value or the key into the audit trail', () => {
    const lines = gw.audit.lines.join('\n');
    expect(lines).not.toContain(PHONE);
    expect(lines).not.toContain('139****5678');
    expect(lines).not.toContain(HASH_KEY);
  });
});

describe('destination ports', () => {
  let other: TestUpstream;
  let gw: TestGateway;
  let agent: ProxyAgent;
  beforeAll(async () => {
    other = await startUpstream();
    ({ gw, agent } = await gateway(`
version: 1
resolve:
  ported.partner.example: 127.0.0.1
destinations:
  - name: ported
    jurisdiction: US
    hosts: [ported.partner.example]
    ports: [${up.port}]
`));
  });
  afterAll(() => other.close());

  it('accepts the listed port', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://ported.partner.example:${up.port}/ok`, { body: '{"orderId":"A-1"}' });
    expect(res.status).toBe(200);
    expect(up.received.length).toBe(before + 1);
  });

  it('refuses another port, explicit or the default 80, with 403 EG_DEST_PORT_FORBIDDEN', async () => {
    for (const url of [`http://ported.partner.example:${other.port}/no`, 'http://ported.partner.example/no']) {
      const res = await send(agent, url, { body: '{"orderId":"A-1"}' });
      expect(res.status, url).toBe(403);
      expect(parseError(res).code).toBe('EG_DEST_PORT_FORBIDDEN');
      const event = await eventFor(gw, res.headers['x-egress-decision-id']);
      expect(event).toMatchObject({ action: 'block', error: 'EG_DEST_PORT_FORBIDDEN' });
    }
    expect(other.received).toEqual([]);
  });

  it('refuses a CONNECT to another port', async () => {
    const answer = await rawConnect(gw, `ported.partner.example:${other.port}`);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('EG_DEST_PORT_FORBIDDEN');
    expect(other.received).toEqual([]);
  });
});

describe('hard blocks: judicial bodies and the restriction list', () => {
  const policy = `
version: 1
resolve:
  court.example: 127.0.0.1
  blocked.partner.example: 127.0.0.1
  listed.example: 127.0.0.1
  api.listed.example: 127.0.0.1
  shop.example: 127.0.0.1
restricted:
  entities: [Blocked Trading Ltd.]
  hosts: [listed.example, "*.listed.example"]
  reference: CAC restriction list (test)
destinations:
  - name: court-us
    jurisdiction: US
    hosts: [court.example]
    judicial: true
  - name: blocked-partner
    jurisdiction: SG
    hosts: [blocked.partner.example]
    recipient: Blocked Trading Ltd.
  - name: shop
    jurisdiction: US
    hosts: [shop.example]
`;
  let gw: TestGateway;
  let agent: ProxyAgent;
  let guard: ReturnType<typeof loopbackOnlyUpstream>;
  beforeAll(async () => {
    ({ gw, agent, upstream: guard } = await gateway(policy));
  });

  it('refuses even a GET without a body to a judicial destination, citing DSL Art. 36', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://court.example:${up.port}/case/123`);
    expect(res.status).toBe(403);
    const error = parseError(res);
    expect(error.code).toBe('EG_RECIPIENT_RESTRICTED');
    expect(error.reasons).toEqual([expect.objectContaining({ rule: 'hard-block.judicial', clause: expect.stringContaining('DSL Art. 36') })]);
    expect(up.received.length).toBe(before);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ action: 'block', wouldBe: 'block', error: 'EG_RECIPIENT_RESTRICTED', status: 403 });
    expect(event.reasons).toEqual([expect.objectContaining({ rule: 'hard-block.judicial' })]);
  });

  it('refuses a destination whose recipient is a restricted entity, citing PIPL Art. 42', async () => {
    const res = await send(agent, `http://blocked.partner.example:${up.port}/x`, { body: '{"orderId":"A-1"}' });
    expect(res.status).toBe(403);
    const error = parseError(res);
    expect(error.code).toBe('EG_RECIPIENT_RESTRICTED');
    expect(error.reasons).toEqual([expect.objectContaining({ rule: 'hard-block.restricted', clause: expect.stringContaining('PIPL Art. 42') })]);
  });

  it('refuses a restricted host that no destination lists', async () => {
    for (const host of ['listed.example', 'api.listed.example']) {
      const res = await send(agent, `http://${host}:${up.port}/x`);
      expect(res.status, host).toBe(403);
      expect(parseError(res).code).toBe('EG_RECIPIENT_RESTRICTED');
    }
  });

  it('refuses a CONNECT to a restricted host (raw, and as curl -p sees it)', async () => {
    const answer = await rawConnect(gw, `listed.example:${up.port}`);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('EG_RECIPIENT_RESTRICTED');
    const event = await eventFor(gw, /X-Egress-Decision-Id: ([0-9a-f-]+)/i.exec(answer.head)?.[1]);
    expect(event).toMatchObject({ kind: 'connect', action: 'block', error: 'EG_RECIPIENT_RESTRICTED' });
    const failed = await run('curl', ['-sS', '-v', '-p', '-x', gw.proxyUrl, `http://court.example:${up.port}/`], { env: CURL_ENV }).catch((err: { stderr: string; code: number }) => err);
    expect((failed as { code: number }).code).toBe(56);
    expect(failed.stderr).toMatch(/< X-Egress-Error: EG_RECIPIENT_RESTRICTED/i);
  });

  it('still forwards to an ordinary destination of the same policy, and nothing else was dialled', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://shop.example:${up.port}/ok`);
    expect(res.status).toBe(200);
    expect(up.received.length).toBe(before + 1);
    expect(guard.sent.map((s) => s.path)).toEqual(['/ok']);
  });
});

describe('the restriction list beats a destination that lists the host', () => {
  // README: restricted `hosts` are "refused whatever destination they would fall in".
  const policy = `
version: 1
resolve:
  api.listed.example: 127.0.0.1
  cdn.partner.example: 127.0.0.1
restricted:
  hosts: ["*.listed.example", cdn.partner.example]
destinations:
  - name: listed-api
    jurisdiction: US
    hosts: [api.listed.example]
  - name: partner
    jurisdiction: US
    hosts: ["*.partner.example"]
`;
  let agent: ProxyAgent;
  beforeAll(async () => {
    ({ agent } = await gateway(policy));
  });

  it('refuses a host that a destination matches by suffix when the list names it exactly', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://cdn.partner.example:${up.port}/x`);
    expect(res.status).toBe(403);
    expect(parseError(res).code).toBe('EG_RECIPIENT_RESTRICTED');
    expect(up.received.length).toBe(before);
  });

  // The restriction list wins over any destination, however specific its host entry.
  it('refuses a host that a destination names exactly when the list names it by suffix', async () => {
    const before = up.received.length;
    const res = await send(agent, `http://api.listed.example:${up.port}/x`);
    expect(res.status).toBe(403);
    expect(parseError(res).code).toBe('EG_RECIPIENT_RESTRICTED');
    expect(up.received.length).toBe(before);
  });
});

describe('a restricted host is refused before DNS is asked about it', () => {
  it('answers 403 EG_RECIPIENT_RESTRICTED with no lookup, even for a name with no DNS record', async () => {
    const dns = lookupTable({});
    const { agent } = await gateway('version: 1\nrestricted:\n  hosts: ["*.banned.example"]\n', { lookupHost: dns.lookupHost });
    const res = await send(agent, `http://api.banned.example:${up.port}/x`);
    expect(res.status).toBe(403);
    expect(parseError(res).code).toBe('EG_RECIPIENT_RESTRICTED');
    expect(dns.asked).toEqual([]);
  });
});
