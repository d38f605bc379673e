import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { eventually, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

/**
 * The admin listener of one gateway process: every endpoint, the metrics that move on each kind
 * of request, readiness during a drain, and that the admin port cannot be reached through the
 * proxy. (The cluster primary's admin listener: cluster.test.ts.)
 */

const PHONE = '13812345678';
const ID_CARD = '11010519491231002X';

let gw: TestGateway;
let up: TestUpstream;
let agent: ProxyAgent;
let admin: string;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway();
  // Absolute-form forward proxying (curl, Python, Java).
  agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  admin = `http://127.0.0.1:${gw.gateway.adminAddress.port}`;
});

afterAll(async () => {
  await agent.close();
  await gw.close();
  await up.close();
});

async function get(path: string, method: 'GET' | 'HEAD' | 'POST' = 'GET') {
  const res = await request(`${admin}${path}`, { method });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** Prometheus text → "name{labels}" → value. */
async function scrape(): Promise<Map<string, number>> {
  const { text } = await get('/metrics');
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** Sum of the series of `name` whose labels include `labels` (order-insensitive). */
function total(values: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of values) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

async function post(url: string, body: string) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** A raw CONNECT; resolves with the status line's code. */
function rawConnect(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no CONNECT answer: ${head}`)), 5_000).unref();
  });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('admin endpoints', () => {
  it('/healthz answers alive, /readyz ready, both uncached JSON', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['cache-control']).toBe('no-store');
    expect(health.headers['content-type']).toBe('application/json');
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it('/policy shows the running revision, its source and reload status, and no secret', async () => {
    const policy = await get('/policy');
    expect(policy.status).toBe(200);
    expect(policy.json()).toMatchObject({
      revision: gw.gateway.policy.runtime().policy.revision,
      source: 'test-policy.yaml',
      mode: 'enforce',
      reloads: { ok: 0, failed: 0 },
      lastError: null,
      warnings: [],
      bases: [],
    });
    expect(Date.parse(String(policy.json()['loadedAt']))).toBeGreaterThan(0);
    expect(policy.text).not.toMatch(/key/i);
  });

  it('/metrics is the Prometheus text format with every metric declared', async () => {
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['egress_guard_requests_total', 'egress_guard_findings_total', 'egress_guard_stage_duration_seconds', 'egress_guard_audit_refusals_total', 'egress_guard_policy_info']) {
      expect(metrics.text).toContain(`# TYPE ${name} `);
    }
  });

  it('/workers lists this process; unknown paths are 404 with the list, other methods 405, HEAD works', async () => {
    const workers = await get('/workers');
    expect(workers.status).toBe(200);
    expect(workers.json()).toMatchObject({ workers: [{ worker: 0, pid: process.pid, ready: true, draining: false, revision: gw.gateway.policy.runtime().policy.revision }] });
    const missing = await get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'not found', endpoints: ['/healthz', '/readyz', '/policy', '/metrics', '/inventory', '/workers'] });
    expect((await get('/healthz', 'POST')).status).toBe(405);
    const head = await get('/readyz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });
});

describe('metrics move with each kind of request', () => {
  const requests = (labels: Record<string, string>) => (v: Map<string, number>) => total(v, 'egress_guard_requests_total', labels);

  async function delta(send: () => Promise<unknown>, ...reads: ((v: Map<string, number>) => number)[]): Promise<number[]> {
    const before = await scrape();
    const events = gw.audit.events.length;
    await send();
    // Metrics come from the audit event, written when the exchange ends.
    await eventually(() => gw.audit.events.length > events);
    const after = await scrape();
    return reads.map((read) => read(after) - read(before));
  }

  it('allowed: requests{action=allow}, bytes in and out, the forward stage', async () => {
    const body = '{"order":"A-1"}';
    const [allowed, bytesIn, bytesOut, forwards] = await delta(
      async () => expect((await post(`http://svc.internal.cn:${up.port}/o`, body)).status).toBe(200),
      requests({ action: 'allow', destination: 'domestic', jurisdiction: 'CN', kind: 'request' }),
      (v) => total(v, 'egress_guard_bytes_total', { direction: 'in' }),
      (v) => total(v, 'egress_guard_bytes_total', { direction: 'out' }),
      (v) => total(v, 'egress_guard_stage_duration_seconds_count', { stage: 'forward' }),
    );
    expect(allowed).toBe(1);
    expect(bytesIn).toBe(body.length);
    expect(bytesOut).toBe(body.length);
    expect(forwards).toBe(1);
  });

  it('redacted: requests{action=redact}, the finding, individuals abroad, classify stage', async () => {
    const [redacted, findings, individuals, classified] = await delta(
      async () => expect((await post(`http://api.partner.example:${up.port}/c`, `{"mobile":"${PHONE}"}`)).status).toBe(200),
      requests({ action: 'redact', destination: 'partner-us', jurisdiction: 'US' }),
      (v) => total(v, 'egress_guard_findings_total', { category: 'pi.phone', action: 'redact' }),
      (v) => total(v, 'egress_guard_individuals_forwarded_abroad_total'),
      (v) => total(v, 'egress_guard_stage_duration_seconds_count', { stage: 'classify' }),
    );
    expect([redacted, findings, classified]).toEqual([1, 1, 1]);
    expect(individuals).toBeGreaterThanOrEqual(1);
  });

  it('blocked: requests{action=block}, errors{EG_BLOCKED_BY_POLICY}, the blocked finding; nothing forwarded', async () => {
    const received = up.received.length;
    const [blocked, errors, findings, forwarded] = await delta(
      async () => expect((await post(`http://api.partner.example:${up.port}/k`, `{"sfzh":"${ID_CARD}"}`)).status).toBe(403),
      requests({ action: 'block', destination: 'partner-us' }),
      (v) => total(v, 'egress_guard_errors_total', { code: 'EG_BLOCKED_BY_POLICY' }),
      (v) => total(v, 'egress_guard_findings_total', { category: 'pi.id_card', action: 'block' }),
      (v) => total(v, 'egress_guard_bytes_total', { direction: 'out' }),
    );
    expect([blocked, errors, findings, forwarded]).toEqual([1, 1, 1, 0]);
    expect(up.received.length).toBe(received);
  });

  it('upstream error: errors{EG_UPSTREAM_CONNECT}', async () => {
    const port = await closedPort();
    const [errors, requestsSeen] = await delta(
      async () => {
        const res = await post(`http://api.partner.example:${port}/x`, '{"a":1}');
        expect(res.status).toBe(502);
        expect(res.headers['x-egress-error']).toBe('EG_UPSTREAM_CONNECT');
      },
      (v) => total(v, 'egress_guard_errors_total', { code: 'EG_UPSTREAM_CONNECT' }),
      requests({ destination: 'partner-us', kind: 'request' }),
    );
    expect([errors, requestsSeen]).toEqual([1, 1]);
  });

  it('CONNECT: a refused opaque tunnel counts as kind=connect, action=block; a cleartext tunnel as a connect and its requests', async () => {
    const [refused, tunnelErrors] = await delta(
      async () => expect(await rawConnect(gw.port, 'api.partner.example:443')).toBe(403),
      requests({ kind: 'connect', action: 'block', destination: 'partner-us' }),
      (v) => total(v, 'egress_guard_errors_total', { code: 'EG_TUNNEL_REFUSED' }),
    );
    expect([refused, tunnelErrors]).toEqual([1, 1]);

    const before = await scrape();
    const tunnel = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: true, connections: 1 });
    const res = await request(`http://svc.internal.cn:${up.port}/t`, { method: 'POST', body: '{}', dispatcher: tunnel });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await tunnel.close(); // the connect event is written when the tunnel ends
    await eventually(() => gw.audit.events.some((e) => e.kind === 'connect' && e.destination.zone === 'domestic'));
    const after = await scrape();
    const connects = requests({ kind: 'connect', destination: 'domestic' });
    const inside = requests({ kind: 'request', destination: 'domestic' });
    expect(connects(after) - connects(before)).toBe(1);
    expect(inside(after) - inside(before)).toBe(1);
  });
});

describe('the admin port through the proxy', () => {
  it('is refused as a loop, by address, by a name pinned to loopback, and by CONNECT', async () => {
    const port = gw.gateway.adminAddress.port;
    const received = up.received.length;
    for (const url of [`http://127.0.0.1:${port}/metrics`, `http://api.partner.example:${port}/policy`, `http://localhost:${port}/healthz`]) {
      const res = await post(url, '{}');
      const code = res.headers['x-egress-error'];
      expect(res.status, url).not.toBe(200);
      // Loopback by address or pinned name: the loop check; a name resolving to loopback may be
      // refused as a special address first. Never an answer from the admin listener.
      expect(['EG_LOOP_DETECTED', 'EG_DEST_ADDRESS_FORBIDDEN', 'EG_DEST_UNRESOLVED'], url).toContain(code);
      expect(res.text, url).not.toMatch(/egress_guard_|"revision"|"status":"ok"/);
    }
    expect((await post(`http://127.0.0.1:${port}/metrics`, '{}')).headers['x-egress-error']).toBe('EG_LOOP_DETECTED');
    expect(await rawConnect(gw.port, `127.0.0.1:${port}`)).toBe(508);
    expect(up.received.length).toBe(received);
  });

  it('stays refused when the policy allows loopback destinations', async () => {
    const open = await startTestGateway(`
version: 1
destinations:
  - name: local
    jurisdiction: CN
    cidrs: [127.0.0.0/8]
    allow_special_addresses: true
`);
    const local = new ProxyAgent({ uri: open.proxyUrl, proxyTunnel: false });
    try {
      const ok = await request(`http://127.0.0.1:${up.port}/ok`, { method: 'POST', body: '{}', dispatcher: local });
      expect(ok.statusCode).toBe(200); // loopback is allowed by this policy...
      await ok.body.text();
      const res = await request(`http://127.0.0.1:${open.gateway.adminAddress.port}/metrics`, { dispatcher: local });
      expect(res.statusCode).toBe(508); // ...but not the gateway's own admin port
      expect(res.headers['x-egress-error']).toBe('EG_LOOP_DETECTED');
      expect(await res.body.text()).not.toContain('egress_guard_');
    } finally {
      await local.close();
      await open.close();
    }
  });
});

describe('readiness during a drain', () => {
  it('/readyz answers 503 while in-flight requests finish, /healthz stays 200', async () => {
    const slow: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('{"slow":true}'), 600));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const draining = await startTestGateway();
    const dAgent = new ProxyAgent({ uri: draining.proxyUrl, proxyTunnel: false });
    const dAdmin = `http://127.0.0.1:${draining.gateway.adminAddress.port}`;
    try {
      const inFlight = request(`http://svc.internal.cn:${(slow.address() as AddressInfo).port}/slow`, { method: 'POST', body: '{}', dispatcher: dAgent });
      await eventually(() => draining.gateway.stats().inFlight === 1);
      const closing = draining.gateway.close(5_000);
      const ready = await request(`${dAdmin}/readyz`);
      expect(ready.statusCode).toBe(503);
      expect(await ready.body.json()).toMatchObject({ status: 'not ready' });
      const health = await request(`${dAdmin}/healthz`);
      expect(health.statusCode).toBe(200);
      await health.body.text();
      const res = await inFlight;
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('{"slow":true}');
      await closing;
    } finally {
      await dAgent.close();
      await draining.close();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
