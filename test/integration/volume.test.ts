import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import type { AuditEvent, AuditThreshold } from '../../src/audit/event.js';
import { openVolumeStore } from '../../src/volume/open.js';
import { eventually, loopbackOnlyUpstream, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';
import { HAVE_REDIS, startRedis, type TestRedis } from './redis-server.js';
import { BIN, spawnServe, type ServeProcess } from './serve-process.js';

/**
 * Yearly volume thresholds end to end (issue 06): real gateways, a real upstream, real clients;
 * Redis tests with a real redis-server on a loopback port, started and stopped here.
 */

const run = promisify(execFile);
const KEY_HEX = 'cd'.repeat(32);

type Reply = { status: number; body: string; decisionId: string };
type ErrorBody = { error: { code: string; reasons?: { rule: string; text: string; clause: string | null }[] } };

/** A distinct, valid mainland mobile number per person. */
const phone = (i: number) => `1380${String(i).padStart(7, '0')}`;

async function send(agent: ProxyAgent, url: string, body: unknown): Promise<Reply> {
  const res = await request(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, dispatcher: agent });
  return { status: res.statusCode, body: await res.body.text(), decisionId: String(res.headers['x-egress-decision-id']) };
}

const policyText = (volume: string) => `
version: 1
handler: { entity: "Acme (China) Co., Ltd." }
resolve:
  api.partner.example: 127.0.0.1
  eu.partner.example: 127.0.0.1
  masked.partner.example: 127.0.0.1
volume:
${volume}
bases:
  - { id: scc-eu, type: standard_contract, recipients: [eu], categories: ["pi.*"], valid_from: 2026-01-01, max_individuals: 3, reference: "SCC filing 2026-017" }
destinations:
  - name: partner
    jurisdiction: US
    recipient: Partner Inc.
    hosts: [api.partner.example]
    actions: { grades: { pi: allow } }
  - name: eu
    jurisdiction: DE
    recipient: EU GmbH
    hosts: [eu.partner.example]
  - name: masked
    jurisdiction: SG
    hosts: [masked.partner.example]
`;

let up: TestUpstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

describe('volume thresholds in one gateway (embedded store)', () => {
  let gw: TestGateway;
  let agent: ProxyAgent;
  let now = new Date('2026-05-01T04:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'eg-volume-'));
  beforeAll(async () => {
    const policy = policyText(`  store: { sqlite: { path: ${join(dir, 'volume.db')} } }\n  thresholds: { non_sensitive: 5 }`);
    gw = await startTestGateway(policy, undefined, { upstream: loopbackOnlyUpstream(), clock: () => now, volumeStore: (s) => openVolumeStore(s) });
    agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  });
  afterAll(async () => {
    await agent.close();
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const partner = () => `http://api.partner.example:${up.port}/people`;
  const eventOf = async (decisionId: string) => {
    await eventually(() => gw.audit.events.some((e) => e.decisionId === decisionId));
    return gw.audit.events.find((e) => e.decisionId === decisionId)!;
  };
  const thresholds = () => (gw.audit.events as unknown as (AuditEvent | AuditThreshold)[]).filter((e): e is AuditThreshold => e.kind === 'threshold');

  it('counts each person once; refuses the new person who would reach the threshold, with the article; known people keep flowing', async () => {
    for (let i = 1; i <= 4; i++) expect((await send(agent, partner(), { mobile: phone(i) })).status).toBe(200);
    // The same person again, written differently, is not a new individual.
    expect((await send(agent, partner(), { contact: { mobile: `+86 ${phone(2)}` } })).status).toBe(200);
    const before = up.received.length;
    const refused = await send(agent, partner(), { mobile: phone(5) });
    expect(refused.status).toBe(403);
    expect(up.received.length).toBe(before);
    const error = (JSON.parse(refused.body) as ErrorBody).error;
    expect(error.code).toBe('EG_VOLUME_LIMIT');
    expect(error.reasons?.[0]).toMatchObject({ rule: 'volume.non_sensitive', clause: expect.stringContaining('2024 Provisions Arts. 5(4) and 8') });
    expect(error.reasons?.[0]?.text).toContain('4 individuals');
    const event = await eventOf(refused.decisionId);
    expect(event).toMatchObject({ action: 'block', wouldBe: 'block', error: 'EG_VOLUME_LIMIT', volume: { year: 2026, entity: 'Acme (China) Co., Ltd.', nonSensitive: 1, added: { nonSensitive: 0 } } });
    // A request mixing a known and the new person is refused whole; the known one alone flows.
    expect((await send(agent, partner(), { rows: [{ mobile: phone(1) }, { mobile: phone(6) }] })).status).toBe(403);
    const known = await send(agent, partner(), { rows: [{ mobile: phone(1) }, { mobile: phone(3) }] });
    expect(known.status).toBe(200);
    expect((await eventOf(known.decisionId)).volume).toMatchObject({ nonSensitive: 2, added: { nonSensitive: 0, sensitive: 0, exempt: 0 } });
    // The alert at 80 % (4 of 5) was written once, in the trail.
    expect(thresholds().map((t) => `${t.counter} ${t.level} ${t.count}/${t.threshold}`)).toEqual(['non_sensitive alert 4/5']);
  });

  it('does not count fully masked identifiers nor refused requests', async () => {
    // The masked destination masks PI (no basis): nothing identifying leaves, nothing counts.
    const masked = await send(agent, `http://masked.partner.example:${up.port}/x`, { mobile: phone(50) });
    expect(masked.status).toBe(200);
    expect(up.received.at(-1)!.body.toString()).toBe('{"mobile":"***********"}');
    expect((await eventOf(masked.decisionId)).volume).toBeUndefined();
    const status = JSON.parse((await run('node', [BIN, 'volume', 'status', '--json', '--now', '2026-05-01'], { env: { ...process.env, EG_POLICY: writePolicy() } })).stdout) as { counters: { label: string; individuals: number }[] };
    expect(status.counters.find((c) => c.label === 'non_sensitive')?.individuals).toBe(4);
  });

  /** `volume status` reads the same SQLite file as the gateway. */
  function writePolicy(): string {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policyText(`  store: { sqlite: { path: ${join(dir, 'volume.db')} } }\n  thresholds: { non_sensitive: 5 }`));
    return file;
  }

  it('under a standard contract the new person goes (the threshold is reached), up to the basis max_individuals', async () => {
    const eu = () => `http://eu.partner.example:${up.port}/people`;
    for (const i of [5, 6, 7]) expect((await send(agent, eu(), { mobile: phone(i) })).status).toBe(200);
    // 80 % of 3 rounds up to 3 itself: the basis only reports reaching its figure.
    expect(thresholds().map((t) => `${t.counter} ${t.level} ${t.count}/${t.threshold}`)).toEqual(['non_sensitive alert 4/5', 'non_sensitive crossed 5/5', 'basis:scc-eu crossed 3/3']);
    expect(thresholds()[1]).toMatchObject({ v: 1, entity: 'Acme (China) Co., Ltd.', year: 2026, clause: expect.stringContaining('Arts. 5(4) and 8'), triggeredBy: expect.any(String) });
    const over = await send(agent, eu(), { mobile: phone(8) });
    expect(over.status).toBe(403);
    expect((JSON.parse(over.body) as ErrorBody).error.reasons?.[0]).toMatchObject({ rule: 'volume.basis:scc-eu', clause: expect.stringContaining('standard contract') });
    const metrics = await (await request(`http://127.0.0.1:${gw.gateway.adminAddress.port}/metrics`)).body.text();
    expect(metrics).toMatch(/egress_guard_volume_individuals\{counter="non_sensitive"\} 7/);
    expect(metrics).toMatch(/egress_guard_volume_ratio\{counter="non_sensitive"\} 0\.000007\n/);
    expect(metrics).toMatch(/egress_guard_volume_individuals\{counter="basis:scc-eu"\} 3/);
    expect(metrics).toMatch(/egress_guard_volume_ratio\{counter="basis:scc-eu"\} 1/);
    expect(metrics).toMatch(/egress_guard_volume_refusals_total\{reason="limit"\} 3/);
    expect(metrics).toMatch(/egress_guard_volume_threshold_events_total\{counter="non_sensitive",level="crossed"\} 1/);
    expect(metrics).toMatch(/egress_guard_volume_store_up 1/);
    const ready = await request(`http://127.0.0.1:${gw.gateway.adminAddress.port}/readyz`);
    expect(await ready.body.json()).toMatchObject({ status: 'ready', volume: 'ok' });
  });

  it('starts the counters again at midnight Beijing time on 1 January', async () => {
    now = new Date('2026-12-31T15:59:59Z');
    expect((await send(agent, partner(), { mobile: phone(9) })).status).toBe(403);
    now = new Date('2026-12-31T16:00:00Z');
    const next = await send(agent, partner(), { mobile: phone(9) });
    expect(next.status).toBe(200);
    expect((await eventOf(next.decisionId)).volume).toMatchObject({ year: 2027, added: { nonSensitive: 1 } });
  });
});

/** `egress-guard serve` as a child process; resolves once it listens. */
const serve = (policy: string, extraEnv: Record<string, string> = {}): Promise<ServeProcess> =>
  spawnServe(['--policy', policy, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', '/dev/null', '--no-watch'], { env: { EG_AUDIT_KEY: KEY_HEX, ...extraEnv } });

async function volumeStatus(policy: string): Promise<Record<string, number>> {
  const { stdout } = await run('node', [BIN, 'volume', 'status', '--json', '--policy', policy]);
  const status = JSON.parse(stdout) as { counters: { label: string; individuals: number }[] };
  return Object.fromEntries(status.counters.map((c) => [c.label, c.individuals]));
}

describe('the embedded store survives a gateway restart', () => {
  it('keeps its counts in the SQLite file (WAL) across SIGTERM and a new process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-volume-restart-'));
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, policyText(`  store: { sqlite: { path: ${join(dir, 'counts', 'volume.db')} } }\n  thresholds: { non_sensitive: 3 }`));
    const url = `http://api.partner.example:${up.port}/p`;
    try {
      const first = await serve(policy);
      const a = new ProxyAgent({ uri: `http://${first.proxy}` });
      expect((await send(a, url, { mobile: phone(101) })).status).toBe(200);
      expect((await send(a, url, { mobile: phone(102) })).status).toBe(200);
      await a.close();
      await first.stop();
      expect(await volumeStatus(policy)).toMatchObject({ non_sensitive: 2, 'recipient:Partner Inc.:non_sensitive': 2, 'basis:(none)': 2 });
      const second = await serve(policy);
      const b = new ProxyAgent({ uri: `http://${second.proxy}` });
      expect((await send(b, url, { mobile: phone(103) })).status).toBe(403);
      expect((await send(b, url, { mobile: phone(101) })).status).toBe(200);
      await b.close();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(HAVE_REDIS)('a fleet sharing Redis (real redis-server)', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    dir = mkdtempSync(join(tmpdir(), 'eg-volume-fleet-'));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two gateway processes count the same person once and refuse the new person who would reach the threshold; counts survive restarts', async () => {
    const policy = join(dir, 'fleet.yaml');
    writeFileSync(policy, policyText(`  store: { redis: { url: "${redis.url}", key_prefix: "fleet:" } }\n  thresholds: { non_sensitive: 5 }`));
    const url = `http://api.partner.example:${up.port}/p`;
    const [g1, g2] = await Promise.all([serve(policy), serve(policy)]);
    const a1 = new ProxyAgent({ uri: `http://${g1.proxy}` });
    const a2 = new ProxyAgent({ uri: `http://${g2.proxy}` });
    try {
      expect((await send(a1, url, { mobile: phone(1) })).status).toBe(200);
      expect((await send(a2, url, { mobile: phone(1) })).status).toBe(200);
      expect((await volumeStatus(policy))['non_sensitive']).toBe(1);
      for (const [agent, i] of [[a1, 2], [a2, 3]] as const) expect((await send(agent, url, { mobile: phone(i) })).status).toBe(200);
      // One place left (fewer than 5): two new people at once through the two gateways cannot
      // both take it (the store checks and adds in one atomic step).
      const racers = await Promise.all([send(a1, url, { mobile: phone(40) }), send(a2, url, { mobile: phone(41) })]);
      expect(racers.map((r) => r.status).sort()).toEqual([200, 403]);
      // The next distinct person, through either gateway, is refused; everyone counted flows.
      const refused = await send(a2, url, { mobile: phone(5) });
      expect(refused.status).toBe(403);
      expect((JSON.parse(refused.body) as ErrorBody).error.code).toBe('EG_VOLUME_LIMIT');
      expect((await send(a1, url, { mobile: phone(5) })).status).toBe(403);
      const winner = racers[0]!.status === 200 ? 40 : 41;
      expect((await send(a1, url, { mobile: phone(winner) })).status).toBe(200);
      expect((await send(a2, url, { mobile: phone(winner) })).status).toBe(200);
      expect((await volumeStatus(policy))['non_sensitive']).toBe(4);

      // Restart Redis (append-only file) and one gateway: the counts are still there.
      await redis.kill();
      await redis.restart();
      await g1.stop();
      const g3 = await serve(policy);
      const a3 = new ProxyAgent({ uri: `http://${g3.proxy}` });
      try {
        expect((await volumeStatus(policy))['non_sensitive']).toBe(4);
        expect((await send(a3, url, { mobile: phone(5) })).status).toBe(403);
        expect((await send(a3, url, { mobile: phone(2) })).status).toBe(200);
        expect((await send(a3, url, { mobile: phone(winner) })).status).toBe(200);
      } finally {
        await a3.close();
        await g3.stop();
      }
    } finally {
      await a1.close();
      await a2.close();
      await Promise.all([g1.stop(), g2.stop()]);
    }
  }, 60_000);

  it('Redis killed mid-run: flows that need counting are refused with EG_VOLUME_UNAVAILABLE and /readyz says so; it recovers when Redis returns', async () => {
    const policy = join(dir, 'outage.yaml');
    writeFileSync(policy, policyText(`  store: { redis: { url: "${redis.url}", key_prefix: "outage:" } }`));
    const url = `http://api.partner.example:${up.port}/p`;
    // One process: the cache of known individuals is per process (each worker of a cluster
    // keeps its own), and this test relies on the one that counted person 1.
    const g = await serve(policy, { EG_WORKERS: '1' });
    const agent = new ProxyAgent({ uri: `http://${g.proxy}` });
    try {
      expect((await send(agent, url, { mobile: phone(1) })).status).toBe(200);
      await redis.kill();
      await expect
        .poll(async () => (await request(`http://${g.admin}/readyz`)).statusCode, { timeout: 5_000 })
        .toBe(503);
      expect(await (await request(`http://${g.admin}/readyz`)).body.json()).toMatchObject({ status: 'not ready' });
      // Which part is not ready: every worker reports its volume store.
      const workers = (await (await request(`http://${g.admin}/workers`)).body.json()) as { workers: { volume?: string }[] };
      expect(workers.workers.map((w) => w.volume)).toContain('unavailable');
      const refused = await send(agent, url, { mobile: phone(2) });
      expect(refused.status).toBe(503);
      expect((JSON.parse(refused.body) as ErrorBody).error).toMatchObject({ code: 'EG_VOLUME_UNAVAILABLE', reasons: [expect.objectContaining({ rule: 'volume.unavailable' })] });
      // A person this gateway has already counted needs no count: still flows.
      expect((await send(agent, url, { mobile: phone(1) })).status).toBe(200);
      // Nothing to count (no personal information): unaffected.
      expect((await send(agent, url, { order: 'A-1' })).status).toBe(200);
      await redis.restart();
      await expect.poll(async () => (await send(agent, url, { mobile: phone(2) })).status, { timeout: 10_000, interval: 200 }).toBe(200);
      expect((await request(`http://${g.admin}/readyz`)).statusCode).toBe(200);
      expect((await volumeStatus(policy))['non_sensitive']).toBe(2);
    } finally {
      await agent.close();
      await g.stop();
    }
  }, 60_000);
});
