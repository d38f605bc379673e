import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import type { AuditDrift, AuditEntry, AuditEvent } from '../../src/audit/event.js';
import { runInventory } from '../../src/cli/inventory.js';
import { eventually, MemoryAudit, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';

/**
 * Scope drift end to end: the real gateway, a local upstream, the policy's bases declaring their
 * locations. Each distinct drift is one `kind: "drift"` record per process, a metric, a line in
 * `inventory --drift`, and — with drift.action refuse — a refusal of every flow showing it.
 */

const PHONE = '13812345678';
const PHONE2 = '13912345678';

const POLICY = `
version: 1
resolve:
  api.acme.example: 127.0.0.1
  eu.acme.example: 127.0.0.1
  mon.partner.example: 127.0.0.1
clients:
  - { id: crm-sync, cidrs: [127.0.0.0/8] }
destinations:
  - name: acme
    jurisdiction: US
    recipient: Acme CRM Inc.
    hosts: [api.acme.example, "*.acme.example"]
  - name: partner-mon
    jurisdiction: SG
    recipient: Partner SG Pte
    hosts: [mon.partner.example]
    mode: monitor
bases:
  - id: scc-acme
    type: standard_contract
    recipients: [acme]
    categories: [pi.phone]
    locations: [/customer/mobile, "/customers/*/mobile"]
    valid_from: 2024-01-01
    reference: SCC-2024-07
`;

/** Everything the gateway wrote, drift records included (MemoryAudit types them as events). */
const entries = (gw: TestGateway): AuditEntry[] => gw.audit.events as unknown as AuditEntry[];
const drifts = (gw: TestGateway): AuditDrift[] => entries(gw).filter((e): e is AuditDrift => e.kind === 'drift');
const requestEvent = (gw: TestGateway, id: string): AuditEvent | undefined => gw.audit.events.find((e) => e.kind === 'request' && e.decisionId === id);

let up: TestUpstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

async function post(gw: TestGateway, agent: ProxyAgent, host: string, json: unknown) {
  const res = await request(`http://${host}:${up.port}/v1/customers`, { method: 'POST', body: JSON.stringify(json), headers: { 'content-type': 'application/json' }, dispatcher: agent });
  const text = await res.body.text();
  const id = res.headers['x-egress-decision-id'] as string;
  await eventually(() => requestEvent(gw, id) !== undefined);
  return { status: res.statusCode, text, id, error: res.headers['x-egress-error'] as string | undefined };
}

async function driftMetric(gw: TestGateway, kind: string): Promise<number> {
  const text = await gw.gateway.metrics.registry.metrics();
  const m = new RegExp(`^egress_guard_drift_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('scope drift, recorded (drift.action: record, the default)', () => {
  let gw: TestGateway;
  let agent: ProxyAgent;
  beforeAll(async () => {
    gw = await startTestGateway(POLICY, new MemoryAudit());
    agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  });
  afterAll(async () => {
    await agent.close();
    await gw.close();
  });

  it('raises exactly one drift event for a new field location under an existing basis', async () => {
    const inScope = await post(gw, agent, 'api.acme.example', { customer: { mobile: PHONE } });
    expect(inScope.status).toBe(200);
    const bulk = await post(gw, agent, 'api.acme.example', { customers: [{ mobile: PHONE }, { mobile: PHONE2 }] });
    expect(bulk.status).toBe(200);
    expect(drifts(gw)).toEqual([]);

    const first = await post(gw, agent, 'api.acme.example', { customer: { mobile: PHONE }, contact: { mobile: PHONE2 } });
    const again = await post(gw, agent, 'api.acme.example', { contact: { mobile: PHONE } });
    // Recorded, not refused: both flows are forwarded under the basis.
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(requestEvent(gw, first.id)).toMatchObject({ action: 'allow', wouldBe: 'allow', error: null, basis: { id: 'scc-acme' } });

    const location = drifts(gw).filter((d) => d.drift === 'location');
    expect(location).toHaveLength(1);
    expect(location[0]).toMatchObject({
      v: 1,
      kind: 'drift',
      drift: 'location',
      key: 'location|crm-sync|scc-acme|/contact/mobile',
      triggeredBy: first.id,
      client: { address: '127.0.0.1', application: 'crm-sync' },
      destination: { host: 'api.acme.example', zone: 'acme', jurisdiction: 'US', recipient: 'Acme CRM Inc.' },
      basis: 'scc-acme',
      category: 'pi.phone',
      location: '/contact/mobile',
      action: 'record',
      text: 'application crm-sync sent pi.phone at /contact/mobile to Acme CRM Inc. under basis scc-acme, which declares the locations /customer/mobile, /customers/*/mobile',
    });
    expect(location[0]!.clause).toMatch(/Standard Contract Measures Art\. 8/);
    expect(drifts(gw)).toHaveLength(1);
    expect(await driftMetric(gw, 'location')).toBe(1);
  });

  it('raises one drift for a category outside the basis, one for a new domain of the recipient, one per new category in monitor mode', async () => {
    const before = drifts(gw).length;
    const email = await post(gw, agent, 'api.acme.example', { customer: { mobile: PHONE, email: 'li.lei@example.com' } });
    await post(gw, agent, 'api.acme.example', { customer: { mobile: PHONE2, email: 'han.meimei@example.com' } });
    // No basis covers the e-mail address: masked by the destination's actions, as before drift.
    expect(requestEvent(gw, email.id)).toMatchObject({ action: 'redact', error: null });

    const eu = await post(gw, agent, 'eu.acme.example', { customer: { mobile: PHONE } });
    await post(gw, agent, 'eu.acme.example', { customer: { mobile: PHONE2 } });
    expect(eu.status).toBe(200);

    const mon = await post(gw, agent, 'mon.partner.example', { customer: { mobile: PHONE } });
    await post(gw, agent, 'mon.partner.example', { customer: { mobile: PHONE2 } });
    const monEmail = await post(gw, agent, 'mon.partner.example', { customer: { email: 'li.lei@example.com' } });

    const added = drifts(gw).slice(before).map((d) => [d.drift, d.key, d.triggeredBy, d.action]);
    expect(added).toEqual([
      ['category', 'category|crm-sync|scc-acme|pi.email', email.id, 'record'],
      ['domain', 'domain|Acme CRM Inc.|eu.acme.example', eu.id, 'record'],
      ['new_category', 'new_category|crm-sync|Partner SG Pte|pi.phone', mon.id, 'record'],
      ['new_category', 'new_category|crm-sync|Partner SG Pte|pi.email', monEmail.id, 'record'],
    ]);
    expect(drifts(gw).find((d) => d.drift === 'new_category')!.text).toMatch(/^application crm-sync started sending pi\.phone to Partner SG Pte on \d{4}-\d{2}-\d{2} \(destination partner-mon, monitor mode, no basis\)$/);
    expect([await driftMetric(gw, 'category'), await driftMetric(gw, 'domain'), await driftMetric(gw, 'new_category')]).toEqual([1, 1, 2]);

    // The trail the gateway wrote: `inventory --drift` lists each drift once, with its first time.
    const dir = mkdtempSync(join(tmpdir(), 'eg-drift-e2e-'));
    const file = join(dir, 'audit.ndjson');
    writeFileSync(file, `${gw.audit.lines.join('\n')}\n${gw.audit.lines.join('\n')}\n`);
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    expect(await runInventory([file], { drift: true, json: true }, { stdout: out, stderr: new PassThrough() as unknown as NodeJS.WriteStream })).toBe(0);
    const log = JSON.parse(stdout) as { drifts: { drift: string; key: string; records: number; first: string }[] };
    expect(log.drifts.map((d) => [d.drift, d.records])).toEqual([
      ['location', 2],
      ['category', 2],
      ['domain', 2],
      ['new_category', 2],
      ['new_category', 2],
    ]);
    expect(log.drifts[0]!.first).toBe(drifts(gw)[0]!.time);
  });

  it('keeps a live inventory on the admin listener', async () => {
    const res = await request(`http://127.0.0.1:${gw.gateway.adminAddress.port}/inventory`);
    expect(res.statusCode).toBe(200);
    const live = (await res.body.json()) as { since: string; flows: { application: string; recipient: string; domains: string[]; categories: { category: string; locations: string[] }[]; requests: number; individuals: number }[] };
    expect(live.flows.map((f) => [f.application, f.recipient, f.domains, f.categories.map((c) => `${c.category} ${c.locations.join(',')}`), f.requests])).toEqual([
      ['crm-sync', 'Acme CRM Inc.', ['api.acme.example', 'eu.acme.example'], ['pi.email /customer/email', 'pi.phone /contact/mobile,/customer/mobile,/customers/*/mobile'], 8],
      ['crm-sync', 'Partner SG Pte', ['mon.partner.example'], ['pi.email /customer/email', 'pi.phone /customer/mobile'], 3],
    ]);
    expect(live.flows[0]!.individuals).toBe(2);
    expect(JSON.stringify(live)).not.toContain(PHONE);
  });
});

describe('scope drift, refused (drift.action: refuse)', () => {
  let gw: TestGateway;
  let agent: ProxyAgent;
  beforeAll(async () => {
    gw = await startTestGateway(`${POLICY}drift:\n  action: refuse\n`, new MemoryAudit());
    agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  });
  afterAll(async () => {
    await agent.close();
    await gw.close();
  });

  it('refuses every flow with a new location (EG_SCOPE_DRIFT), writing the drift once', async () => {
    const forwarded = up.received.length;
    const ok = await post(gw, agent, 'api.acme.example', { customer: { mobile: PHONE } });
    expect(ok.status).toBe(200);
    const first = await post(gw, agent, 'api.acme.example', { contact: { mobile: PHONE } });
    const second = await post(gw, agent, 'api.acme.example', { contact: { mobile: PHONE2 } });
    expect([first.status, first.error, second.status, second.error]).toEqual([403, 'EG_SCOPE_DRIFT', 403, 'EG_SCOPE_DRIFT']);
    expect(up.received.length).toBe(forwarded + 1);
    const body = JSON.parse(first.text) as { error: { code: string; reasons?: { rule: string }[] } };
    expect(body.error.code).toBe('EG_SCOPE_DRIFT');
    expect(JSON.stringify(body)).toContain('drift:location');
    expect(JSON.stringify(body)).not.toContain(PHONE);
    expect(requestEvent(gw, second.id)).toMatchObject({ action: 'block', wouldBe: 'block', error: 'EG_SCOPE_DRIFT', status: 403 });
    expect(requestEvent(gw, second.id)!.reasons![0]).toMatchObject({ rule: 'drift:location' });
    expect(drifts(gw).map((d) => [d.drift, d.triggeredBy, d.action])).toEqual([['location', first.id, 'refuse']]);
  });

  it('refuses a new domain every time (a refused domain never becomes seen), and never refuses in monitor mode', async () => {
    const a = await post(gw, agent, 'eu.acme.example', { customer: { mobile: PHONE } });
    const b = await post(gw, agent, 'eu.acme.example', { customer: { mobile: PHONE } });
    expect([a.status, b.status]).toEqual([403, 403]);
    expect(drifts(gw).filter((d) => d.drift === 'domain').map((d) => d.triggeredBy)).toEqual([a.id]);

    const mon = await post(gw, agent, 'mon.partner.example', { customer: { mobile: PHONE } });
    expect(mon.status).toBe(200);
    expect(requestEvent(gw, mon.id)).toMatchObject({ mode: 'monitor', action: 'allow', error: null });
    expect(drifts(gw).filter((d) => d.drift === 'new_category').map((d) => d.action)).toEqual(['record']);
  });
});
