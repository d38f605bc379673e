import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProxyAgent, request } from 'undici';
import type { AuditEvent } from '../../src/audit/event.js';
import { InspectPool } from '../../src/pipeline/inspect-pool.js';
import { TEST_POLICY, eventually, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

// Bodies from 64 KiB go to the inspection thread (dist/src/pipeline/inspect-worker.js, built
// by `npm test`) in `threaded`; `inline` inspects everything on the event loop. Both must
// forward the same bytes and record the same audit event.
const POLICY = `${TEST_POLICY}\nlimits: { max_body_bytes: 8MiB, max_decoded_bytes: 16MiB }\n`;
const PHONE = '13812345678';

let up: TestUpstream;
let threaded: TestGateway;
let inline: TestGateway;
let threadedAgent: ProxyAgent;
let inlineAgent: ProxyAgent;

beforeAll(async () => {
  up = await startUpstream();
  vi.stubEnv('EG_INSPECT_THREADS', '1');
  vi.stubEnv('EG_INSPECT_THRESHOLD_BYTES', String(64 * 1024));
  threaded = await startTestGateway(POLICY);
  vi.stubEnv('EG_INSPECT_THREADS', '0');
  inline = await startTestGateway(POLICY);
  vi.unstubAllEnvs();
  threadedAgent = new ProxyAgent({ uri: threaded.proxyUrl });
  inlineAgent = new ProxyAgent({ uri: inline.proxyUrl });
});

afterAll(async () => {
  await Promise.all([threadedAgent.close(), inlineAgent.close()]);
  await Promise.all([threaded.close(), inline.close()]);
  await up.close();
});

/** ~1 MiB of order records; every 500th carries a mobile number, which abroad is masked. */
function largeBody(): string {
  const rows = Array.from({ length: 10_000 }, (_, i) => ({
    order: `ord-${i}`,
    sku: `SKU-${i}-B`,
    ts: 1_780_000_000_000 + i,
    note: 'x'.repeat(40),
    ...(i % 500 === 7 ? { contact: { mobile: PHONE } } : {}),
  }));
  return JSON.stringify({ batch: 'nightly', rows });
}

async function through(gw: TestGateway, agent: ProxyAgent, body: string) {
  const before = up.received.length;
  const events = gw.audit.events.length;
  const res = await request(`http://api.partner.example:${up.port}/bulk`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  const text = await res.body.text();
  await eventually(() => gw.audit.events.length > events);
  return { status: res.statusCode, text, received: up.received.slice(before)[0], event: gw.audit.events[events]! };
}

/** The audit event without what differs between any two requests. */
function stable(e: AuditEvent) {
  const { decisionId: _d, time: _t, durationMs: _m, timings: _tm, client: _c, destination, ...rest } = e;
  return { ...rest, destination: { ...destination, port: 0 } };
}

describe('large bodies on the inspection thread', () => {
  it('forwards the same masked bytes and records the same event as inline inspection', async () => {
    const body = largeBody();
    expect(Buffer.byteLength(body)).toBeGreaterThan(1_000_000);
    const offloads = vi.spyOn(InspectPool.prototype, 'offloads');
    const a = await through(threaded, threadedAgent, body);
    expect(offloads.mock.results.map((r) => r.value)).toEqual([true]);
    const b = await through(inline, inlineAgent, body);
    expect(offloads.mock.results.map((r) => r.value)).toEqual([true, false]);
    offloads.mockRestore();
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.received!.body.equals(b.received!.body)).toBe(true);
    expect(a.received!.body.toString()).toBe(body.replaceAll(PHONE, '*'.repeat(PHONE.length)));
    expect(a.received!.headers['content-length']).toBe(String(a.received!.body.length));
    expect(a.event.action).toBe('redact');
    expect(a.event.redacted).toHaveLength(20);
    expect(stable(a.event)).toEqual(stable(b.event));
  });

  it('treats a large body that does not parse exactly as inline inspection does', async () => {
    const body = `${largeBody().slice(0, -2)},`;
    const a = await through(threaded, threadedAgent, body);
    const b = await through(inline, inlineAgent, body);
    expect(a.status).toBe(b.status);
    expect(a.text).toBe(b.text.replace(b.event.decisionId, a.event.decisionId));
    expect(a.received === undefined).toBe(b.received === undefined);
    expect(a.event.error).toMatch(/^EG_BODY_/);
    expect(stable(a.event)).toEqual(stable(b.event));
  });
});
