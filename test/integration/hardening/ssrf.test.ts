import { execFile } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsServerLookup } from '../../../src/destination/resolve.js';
import { eventually, lookupTable, loopbackOnlyUpstream, MemoryAudit, startTestGateway, startUpstream, type TestGateway, type TestGatewayOptions, type TestUpstream } from '../harness.js';
import { startDnsResponder, type DnsResponder } from './ssrf-dns.js';
import { CURL_ENV, eventFor, parseError, rawConnect, rawProxy, send, type Reply } from '../clients.js';

/**
 * SSRF, one case per attack: every spelling of a loopback, private, link-local, metadata or
 * other special-use address, the gateway's own ports, IDN homographs, and DNS rebinding. Names
 * are answered by a fake lookup table (the classic forms) or by a real DNS server on 127.0.0.1
 * (ssrf-dns.ts) through the gateway's own resolver; the upstream pool sits behind a guard that
 * never dials off loopback.
 */

const run = promisify(execFile);
const PHONE = '13912345678';


let up: TestUpstream;
let dns: DnsResponder;
let gw: TestGateway;
let guard: ReturnType<typeof loopbackOnlyUpstream>;

const ALLOWED_LAB = 'api.partner.example';
// "api" with a Cyrillic "а" (U+0430): looks the same, and is another name.
const HOMOGRAPH = '\u0430pi.partner.example';
const HOMOGRAPH_A_LABEL = new URL(`http://${HOMOGRAPH}/`).hostname;
// This host's own non-loopback address, when it has one: the gateway at that address loops too.
const OWN_ADDRESS = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const POLICY = `
version: 1
destinations:
  - name: lab
    jurisdiction: US
    hosts: [${ALLOWED_LAB}]
    allow_special_addresses: true
  - name: loopback-by-cidr
    jurisdiction: CN
    cidrs: [127.0.0.0/8]
${OWN_ADDRESS ? `  - name: own-network
    jurisdiction: CN
    cidrs: [${OWN_ADDRESS}/32]
    allow_special_addresses: true
` : ''}`;

const ANSWERS: Record<string, { A?: string[]; AAAA?: string[] }> = {
  [ALLOWED_LAB]: { A: ['127.0.0.1'] },
  [HOMOGRAPH_A_LABEL]: { A: ['127.0.0.1'] },
  'v6-loopback.attacker.example': { A: ['93.184.216.34'], AAAA: ['::1'] },
  'many.attacker.example': { A: ['93.184.216.34', '93.184.216.35', '10.1.2.3'] },
  'mapped.attacker.example': { AAAA: ['::ffff:7f00:1'] },
  'metadata.attacker.example': { A: ['169.254.169.254'] },
  'nat64.attacker.example': { AAAA: ['64:ff9b::a9fe:a9fe'] },
  'self.attacker.example': { A: ['127.0.0.1'] },
};

beforeAll(async () => {
  up = await startUpstream();
  dns = await startDnsResponder((name, type) => {
    const answer = ANSWERS[name];
    if (!answer) return { rcode: 3 };
    return { addresses: type === 'A' ? answer.A ?? [] : answer.AAAA ?? [] };
  });
  guard = loopbackOnlyUpstream();
  gw = await startTestGateway(POLICY, undefined, { lookupHost: dnsServerLookup([dns.server], 1_000), upstream: guard });
});

const classicGateways: TestGateway[] = [];
const agents: ProxyAgent[] = [];

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([gw?.close(), dns?.close(), ...classicGateways.map((g) => g.close())]);
  await up?.close();
});

function post(port: number, target: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: target, headers: { 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end('{"mobile":"13912345678"}');
  });
}

async function expectRefused(reply: Reply, status: number, code: string, target: TestGateway | { audit: MemoryAudit } = gw) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['x-egress-error']).toBe(code);
  expect(JSON.parse(reply.text).error.code).toBe(code);
  const id = reply.headers['x-egress-decision-id'];
  await eventually(() => target.audit.events.some((e) => e.decisionId === id));
  const events = target.audit.events.filter((e) => e.decisionId === id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ action: 'block', error: code, status });
  return events[0]!;
}


/** A gateway behind its own loopback guard, with an undici ProxyAgent in absolute form. */
async function gateway(policyText: string, options: TestGatewayOptions = {}) {
  const upstream = loopbackOnlyUpstream();
  const started = await startTestGateway(policyText, undefined, { ...options, upstream });
  classicGateways.push(started);
  const agent = new ProxyAgent({ uri: started.proxyUrl, proxyTunnel: false });
  agents.push(agent);
  return { gw: started, agent, upstream };
}

describe('the classic forms, with no destination allowing them', () => {
  const policy = `
version: 1
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
  - name: loopback-by-cidr
    jurisdiction: CN
    cidrs: [127.0.0.0/8]
`;
  const dns = lookupTable({
    'internal.attacker.example': ['127.0.0.1'],
    // A public first answer, then loopback: one bad answer refuses the name.
    'rebind.attacker.example': ['93.184.216.34', '127.0.0.1'],
    localhost: ['127.0.0.1', '::1'],
  });
  let gw: TestGateway;
  let agent: ProxyAgent;
  let guard: ReturnType<typeof loopbackOnlyUpstream>;
  let adminPort: number;
  beforeAll(async () => {
    ({ gw, agent, upstream: guard } = await gateway(policy, { lookupHost: dns.lookupHost }));
    adminPort = gw.gateway.adminAddress.port;
  });

  type Case = [label: string, target: () => string, code: 'EG_DEST_ADDRESS_FORBIDDEN' | 'EG_LOOP_DETECTED'];
  const cases: Case[] = [
    ['the upstream by its loopback address', () => `http://127.0.0.1:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['the admin listener', () => `http://127.0.0.1:${adminPort}/policy`, 'EG_LOOP_DETECTED'],
    ['the proxy itself', () => `http://127.0.0.1:${gw.port}/`, 'EG_LOOP_DETECTED'],
    ['a name that DNS resolves to loopback', () => `http://internal.attacker.example:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['a name resolving to loopback, at the proxy port', () => `http://internal.attacker.example:${gw.port}/`, 'EG_LOOP_DETECTED'],
    ['a rebinding name answering [public, loopback]', () => `http://rebind.attacker.example:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['hex IPv4', () => `http://0x7f000001:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['decimal IPv4', () => `http://2130706433:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['octal IPv4', () => `http://0177.0.0.1:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['short IPv4', () => `http://127.1:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['IPv4-mapped IPv6 at the admin port', () => `http://[::ffff:127.0.0.1]:${adminPort}/policy`, 'EG_LOOP_DETECTED'],
    ['IPv6 loopback', () => `http://[::1]:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['NAT64 of loopback', () => `http://[64:ff9b::7f00:1]:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['the unspecified address', () => `http://0.0.0.0:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['localhost with a trailing dot', () => `http://localhost.:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
    ['LOCALHOST in capitals', () => `http://LOCALHOST:${up.port}/`, 'EG_DEST_ADDRESS_FORBIDDEN'],
  ];

  it.each(cases)('refuses %s and audits it, with nothing dialled', async (_label, target, code) => {
    const before = up.received.length;
    const res = await rawProxy(gw, target(), { method: 'POST', body: `{"mobile":"${PHONE}"}` });
    expect(res.status, res.text).toBe(code === 'EG_LOOP_DETECTED' ? 508 : 403);
    expect(res.headers['x-egress-error']).toBe(code);
    expect(parseError(res).code).toBe(code);
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
    const event = await eventFor(gw, res.headers['x-egress-decision-id']);
    expect(event).toMatchObject({ kind: 'request', action: 'block', error: code, status: code === 'EG_LOOP_DETECTED' ? 508 : 403 });
  });

  it('asked DNS for the normalised name, never with its trailing dot or capitals', () => {
    expect(dns.asked).toContain('localhost');
    expect(dns.asked.filter((h) => h !== h.toLowerCase() || h.endsWith('.'))).toEqual([]);
  });

  it('refuses the same targets in gateway mode, named by the Host header', async () => {
    const before = up.received.length;
    for (const host of [`127.0.0.1:${up.port}`, `0x7f000001:${up.port}`, `[::ffff:127.0.0.1]:${up.port}`, `localhost.:${up.port}`, `internal.attacker.example:${up.port}`]) {
      const res = await rawProxy(gw, '/latest/meta-data/', { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(parseError(res).code).toBe('EG_DEST_ADDRESS_FORBIDDEN');
      const event = await eventFor(gw, res.headers['x-egress-decision-id']);
      expect(event).toMatchObject({ via: 'gateway', action: 'block', error: 'EG_DEST_ADDRESS_FORBIDDEN' });
    }
    const self = await rawProxy(gw, '/policy', { headers: { host: `127.0.0.1:${adminPort}` } });
    expect(self.status).toBe(508);
    expect(parseError(self).code).toBe('EG_LOOP_DETECTED');
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
  });

  it('says which answer of a rebinding name was refused', async () => {
    const res = await rawProxy(gw, `http://rebind.attacker.example:${up.port}/x`);
    expect(res.status).toBe(403);
    expect(parseError(res).message).toMatch(/loopback/);
  });

  it('refuses the same through undici ProxyAgent and curl -x', async () => {
    const before = up.received.length;
    const viaUndici = await send(agent, `http://127.0.0.1:${up.port}/`);
    expect(viaUndici.status).toBe(403);
    const viaCurl = await run('curl', ['-sS', '-x', gw.proxyUrl, '-o', '-', '-w', '\n%{http_code}', 'http://169.254.169.254/latest/meta-data/'], { env: CURL_ENV });
    const [json, code] = viaCurl.stdout.split('\n');
    expect(code).toBe('403');
    expect(JSON.parse(json!).error.code).toBe('EG_DEST_ADDRESS_FORBIDDEN');
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
  });

  it('refuses a CONNECT to a loopback address, to the gateway itself and to a rebinding name', async () => {
    const before = up.received.length;
    for (const [authority, status, code] of [
      [`127.0.0.1:${up.port}`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`[::ffff:7f00:1]:${up.port}`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`rebind.attacker.example:${up.port}`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`0x7f000001:${up.port}`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`localhost.:${up.port}`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`169.254.169.254:80`, 403, 'EG_DEST_ADDRESS_FORBIDDEN'],
      [`127.0.0.1:${gw.port}`, 508, 'EG_LOOP_DETECTED'],
    ] as const) {
      const answer = await rawConnect(gw, authority);
      expect(answer.status, authority).toBe(status);
      expect(answer.head).toMatch(new RegExp(`X-Egress-Error: ${code}`, 'i'));
      const decisionId = /X-Egress-Decision-Id: ([0-9a-f-]+)/i.exec(answer.head)?.[1];
      const event = await eventFor(gw, decisionId);
      expect(event).toMatchObject({ kind: 'connect', action: 'block', error: code, tunnel: null });
    }
    expect(up.received.length).toBe(before);
  });

  it('refuses a CONNECT to loopback as curl -p sees it', async () => {
    const failed = await run('curl', ['-sS', '-v', '-p', '-x', gw.proxyUrl, `http://127.0.0.1:${up.port}/`], { env: CURL_ENV }).catch((err: { stderr: string; code: number }) => err);
    expect((failed as { code: number }).code).toBe(56);
    expect(failed.stderr).toMatch(/< X-Egress-Error: EG_DEST_ADDRESS_FORBIDDEN/i);
  });
});

describe('special addresses in every spelling are refused, nothing dialled', () => {
  type Case = [attack: string, host: () => string];
  const forbidden: Case[] = [
    ['IPv6 unspecified [::]', () => '[::]'],
    ['IPv4-mapped IPv6 written out in full [0:0:0:0:0:ffff:7f00:1]', () => '[0:0:0:0:0:ffff:7f00:1]'],
    ['IPv4-mapped IPv6 in hex groups [::ffff:7f00:1]', () => '[::ffff:7f00:1]'],
    ['IPv4-compatible IPv6 (deprecated) [::127.0.0.1]', () => '[::127.0.0.1]'],
    ['NAT64 embedding a private IPv4 [64:ff9b::10.0.0.1]', () => '[64:ff9b::10.0.0.1]'],
    ['NAT64 embedding the metadata address [64:ff9b::a9fe:a9fe]', () => '[64:ff9b::a9fe:a9fe]'],
    ['6to4 embedding loopback [2002:7f00:1::]', () => '[2002:7f00:1::]'],
    ['6to4 embedding a private IPv4 [2002:c0a8:101::1]', () => '[2002:c0a8:101::1]'],
    ['AWS metadata over IPv6 [fd00:ec2::254]', () => '[fd00:ec2::254]'],
    ['IPv6 link-local [fe80::1]', () => '[fe80::1]'],
    ['IPv6 unique-local [fd12:3456::1]', () => '[fd12:3456::1]'],
    ['IPv6 multicast [ff02::1]', () => '[ff02::1]'],
    ['cloud metadata in decimal (2852039166)', () => '2852039166'],
    ['cloud metadata in hex (0xa9fea9fe)', () => '0xa9fea9fe'],
    ['cloud metadata in octal (0251.0376.0251.0376)', () => '0251.0376.0251.0376'],
    ['Alibaba Cloud metadata 100.100.100.200', () => '100.100.100.200'],
    ['Tencent Cloud metadata 169.254.0.23', () => '169.254.0.23'],
    ['link-local IPv4 169.254.1.1', () => '169.254.1.1'],
    ['private 10.0.0.1', () => '10.0.0.1'],
    ['private 172.16.0.1', () => '172.16.0.1'],
    ['private 192.168.1.1', () => '192.168.1.1'],
    ['carrier-grade NAT 100.64.0.1', () => '100.64.0.1'],
    ['broadcast 255.255.255.255', () => '255.255.255.255'],
    ['loopback other than 127.0.0.1 (127.0.0.2)', () => '127.0.0.2'],
    ['short hex IPv4 (0x7f.1)', () => '0x7f.1'],
    ['short octal IPv4 (0177.1)', () => '0177.1'],
    ['mixed bases in one address (0x7f.0.0.01)', () => '0x7f.0.0.01'],
    ['IPv4 with a trailing dot (127.0.0.1.)', () => '127.0.0.1.'],
    ['decimal IPv4 with a trailing dot (2130706433.)', () => '2130706433.'],
    ['a percent-encoded IPv4 (%31%32%37.0.0.1), decoded before the check', () => '%31%32%37.0.0.1'],
    ['metadata.google.internal by name', () => 'metadata.google.internal'],
    ['metadata.google.internal. with a trailing dot and capitals', () => 'Metadata.Google.Internal.'],
    ['a name answering A public and AAAA loopback', () => 'v6-loopback.attacker.example'],
    ['a name answering three A records, one private', () => 'many.attacker.example'],
    ['a name answering an IPv4-mapped AAAA of loopback', () => 'mapped.attacker.example'],
    ['a name answering the metadata address', () => 'metadata.attacker.example'],
    ['a name answering NAT64 of the metadata address', () => 'nat64.attacker.example'],
  ];

  it.each(forbidden)('%s', async (_attack, host) => {
    const before = up.received.length;
    const reply = await post(gw.port, `http://${host()}:${up.port}/latest/meta-data/`);
    await expectRefused(reply, 403, 'EG_DEST_ADDRESS_FORBIDDEN');
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
  });

  it('refuses metadata names without asking DNS about them', () => {
    expect(dns.asked.map((q) => q.name).filter((n) => n.includes('metadata.google'))).toEqual([]);
  });

  it.each([
    ['an IPv6 zone id ([fe80::1%25eth0])', '[fe80::1%25eth0]'],
    ['userinfo that hides the real host (allowed@127.0.0.1)', `${ALLOWED_LAB}@127.0.0.1`],
  ])('refuses %s as a bad request', async (_attack, host) => {
    const reply = await post(gw.port, `http://${host}:${up.port}/`);
    await expectRefused(reply, 400, 'EG_BAD_REQUEST');
    expect(guard.sent).toEqual([]);
  });
});

describe('requests to the gateway itself (loops)', () => {
  type Case = [attack: string, target: () => string];
  const loops: Case[] = [
    ['[::1] at the proxy port', () => `http://[::1]:${gw.port}/`],
    ['[::] at the admin port', () => `http://[::]:${gw.gateway.adminAddress.port}/policy`],
    ['0.0.0.0 at the proxy port', () => `http://0.0.0.0:${gw.port}/`],
    ['127.0.0.2 at the admin port', () => `http://127.0.0.2:${gw.gateway.adminAddress.port}/metrics`],
    ['[0:0:0:0:0:ffff:7f00:1] at the proxy port', () => `http://[0:0:0:0:0:ffff:7f00:1]:${gw.port}/`],
    ['decimal loopback at the admin port', () => `http://2130706433:${gw.gateway.adminAddress.port}/policy`],
    ['a name DNS answers with loopback, at the admin port', () => `http://self.attacker.example:${gw.gateway.adminAddress.port}/policy`],
  ];
  it.each(loops)('%s', async (_attack, target) => {
    const reply = await post(gw.port, target());
    await expectRefused(reply, 508, 'EG_LOOP_DETECTED');
    expect(guard.sent).toEqual([]);
  });

  it.skipIf(!OWN_ADDRESS)('this host\'s own interface address at the proxy port, even in a zone allowing it', async () => {
    const reply = await post(gw.port, `http://${OWN_ADDRESS}:${gw.port}/`);
    await expectRefused(reply, 508, 'EG_LOOP_DETECTED');
    expect(guard.sent).toEqual([]);
  });
});

describe('IDN homographs', () => {
  it('forwards the allowed name itself (the zone allows its loopback address)', async () => {
    const before = up.received.length;
    const reply = await post(gw.port, `http://${ALLOWED_LAB}:${up.port}/ok`);
    expect(reply.status, reply.text).toBe(200);
    expect(up.received.length).toBe(before + 1);
    guard.sent.length = 0;
    const id = reply.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)!.destination).not.toHaveProperty('mixedScript');
  });

  it('single-script and CJK-with-Latin IDNs are not flagged as mixed', async () => {
    for (const host of ['xn--bcher-kva.example', 'xn--abc-u68dy61b.cn']) {
      const reply = await post(gw.port, `http://${host}:${up.port}/`);
      expect(reply.status).toBe(502); // no DNS record: the point is the audit event
      const id = reply.headers['x-egress-decision-id'];
      await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
      const event = gw.audit.events.find((e) => e.decisionId === id)!;
      expect(event.destination.host).toBe(host);
      expect(event.destination).not.toHaveProperty('mixedScript');
    }
  });

  it('a Cyrillic "а" in a name that looks like the allowed one gets none of its allowances', async () => {
    const before = up.received.length;
    const reply = await post(gw.port, `http://${HOMOGRAPH_A_LABEL}:${up.port}/`);
    const event = await expectRefused(reply, 403, 'EG_DEST_ADDRESS_FORBIDDEN');
    expect(HOMOGRAPH_A_LABEL).toMatch(/^xn--/);
    expect(event.destination).toMatchObject({ host: HOMOGRAPH_A_LABEL, mixedScript: true });
    expect(event.destination.zone).not.toBe('lab');
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
  });

  it('the homograph sent as raw UTF-8 in a Host header does not match the allowed name', async () => {
    const before = up.received.length;
    const head = Buffer.concat([
      Buffer.from('GET / HTTP/1.1\r\nHost: '),
      Buffer.from(`${HOMOGRAPH}:${up.port}`, 'utf8'),
      Buffer.from('\r\nConnection: close\r\n\r\n'),
    ]);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(gw.port, '127.0.0.1', () => socket.write(head));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 (400|403|502) /);
    expect(up.received.length).toBe(before);
    expect(guard.sent).toEqual([]);
  });
});

describe('DNS rebinding through a real DNS server', () => {
  // The "public" side of the rebinding is 127.0.0.2, declared public to this gateway only (the
  // offline-evaluation hook), so that nothing leaves loopback; the internal side is 127.0.0.1
  // on the same port. Every answer has TTL 0.
  let rebindDns: DnsResponder;
  let gateway: TestGateway;
  const audit = new MemoryAudit();
  let publicSide: Server;
  let internalSide: Server;
  let port: number;
  const hits = { public: 0, internal: 0 };

  beforeAll(async () => {
    publicSide = createServer((_req, res) => {
      hits.public += 1;
      res.end('public');
    });
    await new Promise<void>((resolve) => publicSide.listen(0, '127.0.0.2', resolve));
    port = (publicSide.address() as AddressInfo).port;
    internalSide = createServer((_req, res) => {
      hits.internal += 1;
      res.end('internal secrets');
    });
    await new Promise<void>((resolve) => internalSide.listen(port, '127.0.0.1', resolve));
    rebindDns = await startDnsResponder((name, type, n) => {
      if (name !== 'rebind.attacker.example' || type !== 'A') return { addresses: [] };
      return { addresses: [n === 1 ? '127.0.0.2' : '127.0.0.1'] };
    });
    gateway = await startTestGateway('version: 1\n', audit, {
      lookupHost: dnsServerLookup([rebindDns.server], 1_000),
      publicAddresses: new Set(['127.0.0.2']),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await rebindDns?.close();
    for (const server of [publicSide, internalSide]) {
      server?.closeAllConnections();
      server?.close();
    }
  });

  it('a name whose first answer is public and second is loopback: the address checked is the address dialled', async () => {
    const first = await post(gateway.port, `http://rebind.attacker.example:${port}/`);
    expect(first.status, first.text).toBe(200);
    expect(first.text).toBe('public');
    const asked = rebindDns.asked.filter((q) => q.type === 'A').length;
    expect(asked).toBe(1); // no second lookup when dialling
    await eventually(() => audit.events.length === 1);
    expect(audit.events[0]!.destination).toMatchObject({ host: 'rebind.attacker.example', ip: '127.0.0.2' });

    const second = await post(gateway.port, `http://rebind.attacker.example:${port}/`);
    await expectRefused(second, 403, 'EG_DEST_ADDRESS_FORBIDDEN', { audit });
    expect(rebindDns.asked.filter((q) => q.type === 'A')).toHaveLength(2); // asked again: no cache
    expect(JSON.parse(second.text).error.message).toMatch(/loopback/);
    expect(hits).toEqual({ public: 1, internal: 0 });
  });
});
