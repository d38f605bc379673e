import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { createAuditSink } from '../../src/audit/writer.js';
import { MemoryAudit, TEST_POLICY, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

/** A sink whose disk is full: it accepts nothing and says so. */
class BrokenAudit extends MemoryAudit {
  ok = false;
  healthy(): boolean {
    return this.ok;
  }
}

let gw: TestGateway & { audit: BrokenAudit };
let up: TestUpstream;
let agent: ProxyAgent;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(TEST_POLICY, new BrokenAudit());
  agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
});

afterAll(async () => {
  await agent.close();
  await gw.close();
  await up.close();
});

describe('no export without its record', () => {
  it('refuses flows abroad with 503 EG_AUDIT_UNAVAILABLE while the trail cannot be written, and reports not ready', async () => {
    const before = up.received.length;
    const res = await request(`http://api.partner.example:${up.port}/x`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, dispatcher: agent });
    expect(res.statusCode).toBe(503);
    expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe('EG_AUDIT_UNAVAILABLE');
    expect(up.received.length).toBe(before);
    const ready = await request(`http://127.0.0.1:${gw.gateway.adminAddress.port}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.text();
  });

  it('lets domestic flows through, and flows abroad again once the trail recovers', async () => {
    const domestic = await request(`http://svc.internal.cn:${up.port}/d`, { method: 'POST', body: '{}', dispatcher: agent });
    expect(domestic.statusCode).toBe(200);
    await domestic.body.text();
    gw.audit.ok = true;
    const abroad = await request(`http://api.partner.example:${up.port}/x`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, dispatcher: agent });
    expect(abroad.statusCode).toBe(200);
    await abroad.body.text();
  });
});

describe('audit settings in the policy', () => {
  const PHONE = '13912345678';
  const withAudit = (settings: string) => `${TEST_POLICY}\naudit:\n${settings}\n`;
  const send = (g: TestGateway, a: ProxyAgent, host: string) =>
    request(`http://${host}:${up.port}/p`, { method: 'POST', body: JSON.stringify({ phone: PHONE }), headers: { 'content-type': 'application/json' }, dispatcher: a });

  it('on_audit_failure: allow forwards flows abroad while the trail is down', async () => {
    const g = await startTestGateway(withAudit('  on_audit_failure: allow'), new BrokenAudit());
    const a = new ProxyAgent({ uri: g.proxyUrl, proxyTunnel: false });
    try {
      const before = up.received.length;
      const res = await send(g, a, 'api.partner.example');
      expect(res.statusCode).toBe(200);
      await res.body.text();
      expect(up.received.length).toBe(before + 1);
      expect(up.received.at(-1)?.body.toString()).not.toContain(PHONE);
    } finally {
      await a.close();
      await g.close();
    }
  });

  it.each([
    ['summary', 1, 0],
    ['full', 1, 1],
    ['off', 0, 0],
  ] as const)('domestic_detail %s: allowed domestic flows recorded (%i) with %i findings listed', async (detail, events, listed) => {
    // inspect: always so the domestic flow has findings to record at all.
    const policy = withAudit(`  domestic_detail: ${detail}`).replace('    hosts: ["*.cn"]', '    hosts: ["*.cn"]\n    inspect: always');
    const g = await startTestGateway(policy);
    const a = new ProxyAgent({ uri: g.proxyUrl, proxyTunnel: false });
    try {
      const res = await send(g, a, 'svc.internal.cn');
      expect(res.statusCode).toBe(200);
      await res.body.text();
      expect(g.audit.events).toHaveLength(events);
      if (events > 0) {
        expect(g.audit.events[0]?.findings).toHaveLength(listed);
        if (detail === 'summary') expect(g.audit.events[0]?.findingsOmitted).toBe(1);
      }
      // A refusal is always recorded in full, whatever the level.
      const refused = await request(`http://api.partner.example:${up.port}/p`, { method: 'POST', body: '{"id":"11010519491231002X"}', headers: { 'content-type': 'application/json' }, dispatcher: a });
      expect(refused.statusCode).toBe(403);
      await refused.body.text();
      expect(g.audit.events.at(-1)?.findings.length).toBeGreaterThan(0);
    } finally {
      await a.close();
      await g.close();
    }
  });
});

describe('a trail on a full disk', () => {
  it('refuses the export, counts the write failure and the refusal in /metrics, and reports not ready', async () => {
    // /dev/full answers every write with ENOSPC: a real disk-full failure, no mock.
    let metrics: { auditWriteFailed(code: string | undefined): void } | undefined;
    const sink = createAuditSink('/dev/full', { onError: (err) => metrics?.auditWriteFailed(err.code) });
    const g = await startTestGateway(TEST_POLICY, sink as unknown as MemoryAudit);
    metrics = g.gateway.metrics;
    const a = new ProxyAgent({ uri: g.proxyUrl, proxyTunnel: false });
    try {
      // The first flow is written (and fails on disk); the sink is unhealthy from then on.
      const first = await request(`http://svc.internal.cn:${up.port}/d`, { method: 'POST', body: '{}', dispatcher: a });
      await first.body.text();
      await new Promise((r) => setTimeout(r, 50));
      await sink.flush().catch(() => {});
      const before = up.received.length;
      const res = await request(`http://api.partner.example:${up.port}/x`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, dispatcher: a });
      expect(res.statusCode).toBe(503);
      await res.body.text();
      expect(up.received.length).toBe(before);
      const admin = `http://127.0.0.1:${g.gateway.adminAddress.port}`;
      const text = await (await request(`${admin}/metrics`)).body.text();
      expect(text).toMatch(/^egress_guard_audit_write_failures_total\{code="ENOSPC"\} [1-9]/m);
      expect(text).toMatch(/^egress_guard_audit_refusals_total 1$/m);
      expect(text).toMatch(/^egress_guard_errors_total\{code="EG_AUDIT_UNAVAILABLE"\} 1$/m);
      const ready = await request(`${admin}/readyz`);
      expect(ready.statusCode).toBe(503);
      await ready.body.text();
    } finally {
      await a.close();
      await g.gateway.close(500).catch(() => {});
    }
  });
});
