import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { MemoryAudit, TEST_POLICY, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

/**
 * `serve` records audit events once per event-loop turn (src/pipeline/turn-batch.ts). Whatever
 * reads what the records feed (stats, /metrics, /inventory, flush, close) sees every request
 * answered so far, and the trail holds the same events as when each is recorded at once.
 */

const PHONE = '13912345678';
let up: TestUpstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

async function traffic(gw: TestGateway): Promise<string[]> {
  const agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  try {
    const answers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const body = JSON.stringify(i % 3 === 0 ? { n: i, contact: { phone: PHONE } } : { n: i });
        const res = await request(`http://api.partner.example:${up.port}/p/${i}`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await res.body.text();
        return res.headers['x-egress-decision-id'] as string;
      }),
    );
    return answers;
  } finally {
    await agent.close();
  }
}

/** An event with what differs from run to run (ids, times, ports, durations) taken out. */
function stable(e: Record<string, unknown>): unknown {
  const { decisionId: _d, time: _t, durationMs: _m, timings: _g, client: _c, destination, ...rest } = e;
  return { ...rest, destination: { ...(destination as object), port: 0 } };
}

describe('audit events recorded once per event-loop turn', () => {
  it('stats, metrics and the inventory count every answered request at once', async () => {
    const gw = await startTestGateway(TEST_POLICY, new MemoryAudit(), { recordPerTurn: true });
    try {
      const ids = await traffic(gw);
      expect(gw.gateway.stats().requests).toBe(12);
      const metrics = await gw.gateway.metrics.registry.metrics();
      const requests = [...metrics.matchAll(/^egress_guard_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(requests).toBe(12);
      const inventory = await request(`http://127.0.0.1:${gw.gateway.adminAddress.port}/inventory`);
      const flows = ((await inventory.body.json()) as { flows: { requests: number }[] }).flows;
      expect(flows.reduce((sum, f) => sum + f.requests, 0)).toBe(12);
      expect(new Set(gw.audit.events.map((e) => e.decisionId))).toEqual(new Set(ids));
    } finally {
      await gw.close();
    }
  });

  it('writes the same events as recording each at once, and none is left behind by close', async () => {
    const batched = await startTestGateway(TEST_POLICY, new MemoryAudit(), { recordPerTurn: true });
    const direct = await startTestGateway(TEST_POLICY, new MemoryAudit());
    const inOrder = (gw: TestGateway) => gw.audit.events.map((e) => stable(e as unknown as Record<string, unknown>)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    try {
      await traffic(batched);
      await traffic(direct);
    } finally {
      await batched.close();
      await direct.close();
    }
    expect(batched.audit.events).toHaveLength(12);
    expect(inOrder(batched)).toEqual(inOrder(direct));
    expect(batched.audit.events.filter((e) => e.action === 'redact')).toHaveLength(4);
  });
});
