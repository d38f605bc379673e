import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { eventually, startTestGateway, type TestGateway } from './harness.js';
import { makeTestPki, startHttpsUpstream, type TestHttpsUpstream, type TestPki } from './tls-pki.js';

/**
 * TLS interception end to end, on loopback only: clients (curl, undici, node:tls) CONNECT through
 * the gateway and trust the operator CA made here; the gateway terminates their TLS, runs the
 * pipeline and forwards over TLS to HTTPS upstreams whose certificates come from a second test
 * CA (trusted through tls.extra_upstream_ca_files), or from nobody.
 */

const run = promisify(execFile);
const ID_CARD = '11010519491231002X';
const MASKED = '*'.repeat(ID_CARD.length);

let pki: TestPki;
let good: TestHttpsUpstream;
let selfSigned: TestHttpsUpstream;
let wrongName: TestHttpsUpstream;
let expired: TestHttpsUpstream;
let gw: TestGateway;

function policy(p: TestPki): string {
  return `
version: 1
resolve:
  api.partner.example: 127.0.0.1
  ids.partner.example: 127.0.0.1
  self.partner.example: 127.0.0.1
  wrong.partner.example: 127.0.0.1
  expired.partner.example: 127.0.0.1
  tunnel.partner.example: 127.0.0.1
  closed.partner.example: 127.0.0.1
tls:
  ca_cert_file: ${p.operatorCertPath}
  ca_key_file: ${p.operatorKeyPath}
  extra_upstream_ca_files: [${p.upstreamCaPath}]
  leaf_validity: 24h
  leaf_cache_size: 100
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example, self.partner.example, wrong.partner.example, expired.partner.example]
    tls: intercept
  - name: partner-ids-masked
    jurisdiction: DE
    hosts: [ids.partner.example]
    tls: intercept
    actions:
      categories: { pi.id_card: redact }
  - name: partner-tunnel
    jurisdiction: US
    hosts: [tunnel.partner.example]
    tunnel: allow
  - name: partner-closed
    jurisdiction: US
    hosts: [closed.partner.example]
  - name: loopback-literal
    jurisdiction: US
    cidrs: [127.0.0.1/32]
    allow_special_addresses: true
    tls: intercept
    actions:
      categories: { pi.id_card: redact }
`;
}

beforeAll(async () => {
  pki = await makeTestPki();
  good = await startHttpsUpstream(await pki.serverCert({ dns: ['api.partner.example', 'ids.partner.example', 'tunnel.partner.example'], ips: ['127.0.0.1'] }));
  selfSigned = await startHttpsUpstream(await pki.selfSigned(['self.partner.example']));
  wrongName = await startHttpsUpstream(await pki.serverCert({ dns: ['other.example'] }));
  const day = 86_400_000;
  expired = await startHttpsUpstream(await pki.serverCert({ dns: ['expired.partner.example'], notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) }));
  gw = await startTestGateway(policy(pki));
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([good, selfSigned, wrongName, expired].map((u) => u?.close()));
  pki?.cleanup();
});

/** curl through the proxy, trusting the operator CA: body and status. */
async function curl(url: string, body: string, extra: string[] = []): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', [
    '-sS', '-x', gw.proxyUrl, '--cacert', pki.operatorCertPath, '-o', '-', '-w', '\n%{http_code}',
    '-H', 'content-type: application/json', '--data-binary', body, ...extra, url,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** A raw CONNECT, then TLS over it: the socket once the handshake is done. */
function tlsThroughProxy(authority: string, options: { servername?: string; ca?: string; session?: Buffer } = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const raw = netConnect(gw.port, '127.0.0.1', () => raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
    raw.once('error', reject);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      raw.off('data', onData);
      if (!head.startsWith('HTTP/1.1 200')) {
        reject(new Error(head.split('\r\n')[0]));
        return;
      }
      const socket = tlsConnect({
        socket: raw,
        // The name checked when no servername is given (an IP literal: no SNI is sent).
        host: authority.slice(0, authority.lastIndexOf(':')),
        ca: options.ca ?? pki.operatorCertPem,
        ...(options.servername !== undefined ? { servername: options.servername } : {}),
        ...(options.session ? { session: options.session } : {}),
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    };
    raw.on('data', onData);
  });
}

/** One HTTP/1.1 request on an open (TLS) socket; the status line and body. */
function httpOver(socket: TLSSocket, host: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.once('end', () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head!.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
    socket.once('error', reject);
    socket.write(`POST /raw HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

describe('TLS interception with curl --cacert', () => {
  it('redacts an ID number in a JSON body before it reaches the HTTPS upstream', async () => {
    const before = good.received.length;
    const res = await curl(`https://ids.partner.example:${good.port}/kyc`, `{"idCard":"${ID_CARD}","n":1}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, tls: true });
    expect(good.received.length).toBe(before + 1);
    const got = good.received[before]!;
    expect(got.body.toString()).toBe(`{"idCard":"${MASKED}","n":1}`);
    expect(got.url).toBe('/kyc');
    expect(got.headers.host).toBe(`ids.partner.example:${good.port}`);
    await eventually(() => gw.audit.events.some((e) => e.kind === 'request' && e.path === '/kyc'));
    const event = gw.audit.events.find((e) => e.kind === 'request' && e.path === '/kyc')!;
    expect(event).toMatchObject({ via: 'tunnel-tls', action: 'redact', status: 200, error: null, redacted: ['/idCard'] });
    expect(event.destination).toMatchObject({ host: 'ids.partner.example', port: good.port, ip: '127.0.0.1', zone: 'partner-ids-masked' });
    expect(JSON.stringify(event)).not.toContain(ID_CARD);
  });

  it('refuses a blocked request inside the TLS tunnel; nothing reaches the upstream', async () => {
    const before = good.received.length;
    const res = await curl(`https://api.partner.example:${good.port}/blocked`, `{"idCard":"${ID_CARD}"}`);
    expect(res.status).toBe(403);
    const error = (JSON.parse(res.body) as { error: { code: string; findings: { category: string }[] } }).error;
    expect(error.code).toBe('EG_BLOCKED_BY_POLICY');
    expect(error.findings.map((f) => f.category)).toContain('pi.id_card');
    expect(good.received.length).toBe(before);
  });

  it('fails the client handshake when the client does not trust the operator CA', async () => {
    const failed = await run('curl', ['-sS', '-x', gw.proxyUrl, `https://ids.partner.example:${good.port}/untrusted`]).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).not.toBeNull();
    expect(failed!.code).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
    await eventually(() => gw.audit.events.some((e) => e.kind === 'connect' && e.error === 'EG_CLIENT_TLS_HANDSHAKE'));
    expect(good.received.some((r) => r.url === '/untrusted')).toBe(false);
  });
});

describe('TLS interception with undici ProxyAgent', () => {
  let agent: ProxyAgent;
  beforeAll(() => {
    agent = new ProxyAgent({ uri: gw.proxyUrl, requestTls: { ca: pki.operatorCertPem }, connections: 1 });
  });
  afterAll(() => agent.close());

  const post = async (url: string, body: string) => {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  it('redacts upstream and keeps the intercepted connection alive across requests', async () => {
    const before = good.received.length;
    const connectsBefore = gw.audit.events.filter((e) => e.kind === 'connect').length;
    const first = await post(`https://ids.partner.example:${good.port}/a`, JSON.stringify({ customer: { sfzh: ID_CARD } }));
    const second = await post(`https://ids.partner.example:${good.port}/b`, JSON.stringify({ customer: { sfzh: ID_CARD } }));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(good.received.slice(before).map((r) => r.body.toString())).toEqual([`{"customer":{"sfzh":"${MASKED}"}}`, `{"customer":{"sfzh":"${MASKED}"}}`]);
    const ids = [first.headers['x-egress-decision-id'], second.headers['x-egress-decision-id']] as string[];
    await eventually(() => ids.every((id) => gw.audit.events.some((e) => e.decisionId === id)));
    const [a, b] = ids.map((id) => gw.audit.events.find((e) => e.decisionId === id)!);
    expect(a).toMatchObject({ via: 'tunnel-tls', action: 'redact' });
    // One tunnel (one client port), one CONNECT for both requests.
    expect(a!.client.port).toBe(b!.client.port);
    expect(gw.audit.events.filter((e) => e.kind === 'connect').length).toBe(connectsBefore);
  });

  it('reuses the upstream TLS connection for consecutive requests', async () => {
    const before = good.connections();
    for (let i = 0; i < 3; i++) expect((await post(`https://ids.partner.example:${good.port}/reuse`, '{"n":1}')).status).toBe(200);
    expect(good.connections() - before).toBeLessThanOrEqual(1);
  });
});

describe('upstream certificate verification', () => {
  const failure = async (host: string, port: number) => {
    const res = await curl(`https://${host}:${port}/x`, '{"n":1}', ['-D', '-']);
    const json = JSON.parse(res.body.slice(res.body.indexOf('{'))) as { error: { code: string; message: string } };
    return { status: res.status, ...json.error };
  };

  it('answers 502 EG_UPSTREAM_CERT_INVALID for a self-signed upstream certificate', async () => {
    const before = selfSigned.received.length;
    const res = await failure('self.partner.example', selfSigned.port);
    expect(res.status).toBe(502);
    expect(res.code).toBe('EG_UPSTREAM_CERT_INVALID');
    expect(res.message).toMatch(/self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(selfSigned.received.length).toBe(before);
  });

  it('answers 502 EG_UPSTREAM_CERT_INVALID for a certificate naming another host', async () => {
    const res = await failure('wrong.partner.example', wrongName.port);
    expect(res.status).toBe(502);
    expect(res.code).toBe('EG_UPSTREAM_CERT_INVALID');
    expect(res.message).toMatch(/name mismatch/);
    expect(res.message).toMatch(/wrong\.partner\.example/);
    expect(wrongName.received.length).toBe(0);
  });

  it('answers 502 EG_UPSTREAM_CERT_INVALID for an expired certificate', async () => {
    const res = await failure('expired.partner.example', expired.port);
    expect(res.status).toBe(502);
    expect(res.code).toBe('EG_UPSTREAM_CERT_INVALID');
    expect(res.message).toMatch(/expired \(CERT_HAS_EXPIRED\)/);
    await eventually(() => gw.audit.events.some((e) => e.kind === 'request' && e.error === 'EG_UPSTREAM_CERT_INVALID' && e.destination.host === 'expired.partner.example'));
  });
});

describe('tls: tunnel destinations', () => {
  it('relay TLS unread: the client verifies the upstream itself and bytes arrive unchanged', async () => {
    const before = good.received.length;
    const { stdout } = await run('curl', ['-sS', '-x', gw.proxyUrl, '--cacert', pki.upstreamCaPath, '-H', 'content-type: application/json', '--data-binary', `{"idCard":"${ID_CARD}"}`, `https://tunnel.partner.example:${good.port}/opaque`]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, tls: true });
    expect(good.received[before]!.body.toString()).toBe(`{"idCard":"${ID_CARD}"}`);
    await eventually(() => gw.audit.events.some((e) => e.kind === 'connect' && e.destination.host === 'tunnel.partner.example' && e.tunnel === 'opaque'));
  });

  it('stay refused where opaque tunnels are blocked (the default abroad)', async () => {
    await expect(tlsThroughProxy(`closed.partner.example:${good.port}`, { servername: 'closed.partner.example' })).rejects.toThrow();
    await eventually(() => gw.audit.events.some((e) => e.kind === 'connect' && e.destination.host === 'closed.partner.example' && e.error === 'EG_TUNNEL_REFUSED'));
  });
});

describe('leaf certificates', () => {
  it('are minted for the SNI name, chain to the operator CA, and are reused from the cache', async () => {
    const operator = new X509Certificate(pki.operatorCertPem);
    const first = await tlsThroughProxy(`ids.partner.example:${good.port}`, { servername: 'ids.partner.example' });
    const second = await tlsThroughProxy(`ids.partner.example:${good.port}`, { servername: 'ids.partner.example' });
    const [a, b] = [first.getPeerX509Certificate()!, second.getPeerX509Certificate()!];
    first.destroy();
    second.destroy();
    expect(first.alpnProtocol).toBe('http/1.1');
    expect(a.fingerprint256).toBe(b.fingerprint256);
    expect(a.subjectAltName).toBe('DNS:ids.partner.example');
    expect(a.checkIssued(operator)).toBe(true);
    expect(a.verify(operator.publicKey)).toBe(true);
    const hours = (Date.parse(a.validTo) - Date.parse(a.validFrom)) / 3_600_000;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThan(24.2);
  });

  it('are minted for the CONNECT host when the client sends no SNI (an IP literal: iPAddress SAN)', async () => {
    const before = good.received.length;
    // No servername: node sends no SNI for an IP literal, and checks the certificate's IP.
    const socket = await tlsThroughProxy(`127.0.0.1:${good.port}`, {});
    const cert = socket.getPeerX509Certificate()!;
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1');
    const res = await httpOver(socket, `127.0.0.1:${good.port}`, `{"idCard":"${ID_CARD}"}`);
    expect(res.status).toBe(200);
    // Upstream verified against its IP SAN, the body redacted.
    expect(good.received[before]!.body.toString()).toBe(`{"idCard":"${MASKED}"}`);
  });

  it('lose no request byte sent right behind the client\'s handshake', async () => {
    const raw = () =>
      new Promise<string>((resolve, reject) => {
        const sock = netConnect(gw.port, '127.0.0.1', () => sock.write(`CONNECT ids.partner.example:${good.port} HTTP/1.1\r\nHost: x\r\n\r\n`));
        sock.once('error', reject);
        sock.once('data', () => {
          const t = tlsConnect({ socket: sock, servername: 'ids.partner.example', ca: pki.operatorCertPem });
          // Written before the handshake ends: node sends it with (or right after) its Finished.
          t.end('GET /early HTTP/1.1\r\nHost: ids.partner.example\r\nConnection: close\r\n\r\n');
          let text = '';
          t.on('data', (c: Buffer) => (text += c.toString()));
          t.once('close', () => resolve(text));
          t.once('error', reject);
        });
      });
    const answers = await Promise.all(Array.from({ length: 10 }, raw));
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('resume TLS sessions (session tickets)', async () => {
    const first = await tlsThroughProxy(`ids.partner.example:${good.port}`, { servername: 'ids.partner.example' });
    const session = await new Promise<Buffer>((resolve) => {
      const ready = first.getSession();
      // TLS 1.3 sends the ticket after the handshake.
      if (ready && first.getProtocol() !== 'TLSv1.3') resolve(ready);
      else first.once('session', resolve);
      first.write('GET / HTTP/1.1\r\nHost: ids.partner.example\r\n\r\n');
    });
    first.destroy();
    const second = await tlsThroughProxy(`ids.partner.example:${good.port}`, { servername: 'ids.partner.example', session });
    expect(second.isSessionReused()).toBe(true);
    second.destroy();
  });

  it('records the intercepted tunnel as a connect event with tunnel "tls"', async () => {
    await eventually(() => gw.audit.events.some((e) => e.kind === 'connect' && e.tunnel === 'tls' && e.error === null && e.destination.host === 'ids.partner.example'));
  });
});
