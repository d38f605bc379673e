import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
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
