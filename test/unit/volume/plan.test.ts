import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/config/load.js';
import type { CompiledPolicy } from '../../../src/config/model.js';
import { individualRecords } from '../../../src/pipeline/individuals.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { compileRuntime } from '../../../src/pipeline/runtime.js';
import { decide } from '../../../src/policy/decide.js';
import { VolumeCounter, type VolumeAlert } from '../../../src/volume/counter.js';
import { crossings, limitReason, planVolume } from '../../../src/volume/plan.js';
import { SqliteVolumeStore } from '../../../src/volume/sqlite.js';
import type { VolumeStore } from '../../../src/volume/store.js';

const KEY = Buffer.alloc(32, 3);
const NOW = new Date('2026-05-01T04:00:00Z');

const POLICY = `
version: 1
handler: { entity: "Acme (China) Co., Ltd." }
volume:
  store: { memory: {} }
  thresholds: { non_sensitive: 10, non_sensitive_assessment: 20, sensitive_assessment: 5 }
bases:
  - { id: scc-eu, type: standard_contract, recipients: [eu], categories: ["pi.*"], valid_from: 2026-01-01, max_individuals: 12 }
  - { id: hr, type: exemption, exemption: hr_management, recipients: [hq], categories: ["pi.*"], valid_from: 2026-01-01 }
  - { id: cac, type: security_assessment, recipients: [sa], categories: ["pi.*"], valid_from: 2026-01-01 }
destinations:
  - { name: eu, jurisdiction: DE, recipient: EU GmbH, hosts: [eu.example] }
  - { name: hq, jurisdiction: US, recipient: HQ Inc., hosts: [hq.example] }
  - { name: sa, jurisdiction: SG, hosts: [sa.example] }
  - name: open
    jurisdiction: JP
    hosts: [open.example]
    actions: { grades: { pi: allow, sensitive_pi: allow } }
  - name: masked
    jurisdiction: JP
    hosts: [masked.example]
    actions: { grades: { pi: mask, sensitive_pi: drop } }
  - name: partial
    jurisdiction: JP
    hosts: [partial.example]
    actions: { grades: { pi: partial } }
`;

function plan(policy: CompiledPolicy, zoneName: string, body: unknown) {
  const runtime = compileRuntime(policy);
  const zone = policy.destinations.find((z) => z.name === zoneName)!;
  const inspection = inspectBody(runtime.classifier, Buffer.from(JSON.stringify(body)), 'application/json', NOW);
  const findings = inspection.findings;
  const decision = decide({ policy, zone, client: null, scenario: null, date: '2026-05-01' }, findings);
  const people = individualRecords(KEY, [{ leaves: inspection.parsed.leaves, findings }]);
  return { zone, decision, people, plan: planVolume({ policy, zone, decision, people }) };
}

const counters = (p: ReturnType<typeof planVolume>) => Object.fromEntries(p.adds.map((a) => [a.counter, a.limits]));

describe('what a request counts (planVolume)', () => {
  const policy = loadPolicyText(POLICY, 'volume.yaml');

  it('one person per record, by their most stable identifier; no basis: N below non_sensitive', () => {
    const { plan: p, people } = plan(policy, 'open', { users: [{ name: '张三', mobile: '13800000001', email: 'a@example.com' }, { mobile: '13800000002' }] });
    expect(people).toHaveLength(2);
    expect(p.classes).toEqual({ nonSensitive: 2, sensitive: 0, exempt: 0 });
    expect(counters(p)).toEqual({ N: [9, 9], 'r:N:open': [null, null], 'b:': [null, null] });
  });

  it('sensitive PI with no basis may not leave at all (S limit 0); under a contract up to sensitive_assessment', () => {
    expect(counters(plan(policy, 'open', { idCard: '11010519491231002X' }).plan)).toMatchObject({ S: [0] });
    const eu = plan(policy, 'eu', { idCard: '11010519491231002X', mobile: '13800000001' });
    expect(counters(eu.plan)).toEqual({ N: [19], S: [4], 'r:N:EU GmbH': [null], 'r:S:EU GmbH': [null], 'b:scc-eu': [12] });
    expect(eu.plan.classes).toEqual({ nonSensitive: 1, sensitive: 1, exempt: 0 });
  });

  it('a security assessment sets no statutory limit', () => {
    expect(counters(plan(policy, 'sa', { mobile: '13800000001' }).plan)).toEqual({ N: [null], 'r:N:sa': [null], 'b:cac': [null] });
  });

  it('fully masked or dropped identifiers do not count; partial masks do', () => {
    expect(plan(policy, 'masked', { mobile: '13800000001', idCard: '11010519491231002X' }).plan.adds).toEqual([]);
    expect(counters(plan(policy, 'partial', { mobile: '13800000001' }).plan)).toMatchObject({ N: [9] });
  });

  it('flows under the HR exemption are counted apart, or in N with count_exempt_flows', () => {
    const apart = plan(policy, 'hq', { mobile: '13800000001' }).plan;
    expect(counters(apart)).toEqual({ X: [null], 'r:X:HQ Inc.': [null], 'b:hr': [null] });
    const counted = loadPolicyText(POLICY.replace('volume:\n', 'volume:\n  count_exempt_flows: true\n'), 'volume.yaml');
    expect(counters(plan(counted, 'hq', { mobile: '13800000001' }).plan)).toEqual({ N: [null], 'r:N:HQ Inc.': [null], 'b:hr': [null] });
  });

  it('explains a refusal with the article', () => {
    expect(limitReason(policy, 'Acme', { counter: 'N', count: 9, fresh: 1, limit: 9 })).toMatchObject({ rule: 'volume.non_sensitive', clause: expect.stringContaining('Arts. 5(4) and 8') });
    expect(limitReason(policy, 'Acme', { counter: 'N', count: 19, fresh: 1, limit: 19 }).clause).toContain('Art. 7(2)');
    expect(limitReason(policy, 'Acme', { counter: 'S', count: 0, fresh: 1, limit: 0 }).clause).toContain('Art. 8');
    expect(limitReason(policy, 'Acme', { counter: 'b:scc-eu', count: 12, fresh: 1, limit: 12 })).toMatchObject({ rule: 'volume.basis:scc-eu', clause: expect.stringContaining('Art. 38(3)') });
  });

  it('alerts at the alert fraction and at each threshold, once', () => {
    const c = (counter: string, before: number, after: number) => crossings(policy, 'Acme', [{ counter, before, after }]).map((x) => `${x.counter} ${x.level} ${x.threshold}`);
    expect(c('N', 6, 7)).toEqual([]);
    expect(c('N', 7, 8)).toEqual(['non_sensitive alert 10']);
    expect(c('N', 8, 9)).toEqual([]);
    expect(c('N', 9, 16)).toEqual(['non_sensitive crossed 10', 'non_sensitive alert 20']);
    expect(c('S', 0, 1)).toEqual(['sensitive crossed 1']);
    // A step past both the alert point and the threshold reports the threshold.
    expect(c('b:scc-eu', 9, 12)).toEqual(['basis:scc-eu crossed 12']);
    expect(c('r:N:eu', 0, 100)).toEqual([]);
  });
});

/** A store that does what `inner` does, except the methods given. */
function delegate(inner: VolumeStore, over: Partial<VolumeStore>): VolumeStore {
  return {
    kind: inner.kind,
    description: inner.description,
    has: (...a) => inner.has(...a),
    add: (...a) => inner.add(...a),
    counts: (...a) => inner.counts(...a),
    daily: (...a) => inner.daily(...a),
    healthy: () => inner.healthy(),
    ready: (t) => inner.ready(t),
    close: () => inner.close(),
    ...over,
  };
}

describe('VolumeCounter', () => {
  const policy = loadPolicyText(POLICY, 'volume.yaml');
  function counter(store: VolumeStore = new SqliteVolumeStore(':memory:')) {
    const alerts: VolumeAlert[] = [];
    let opened = 0;
    const vc = new VolumeCounter({ log: pino({ level: 'silent' }), open: () => (opened++, store), onAlert: (a) => alerts.push(a) });
    return { vc, alerts, store, opened: () => opened };
  }
  const admit = (vc: VolumeCounter, zone: string, body: unknown, now = NOW) => {
    const p = plan(policy, zone, body);
    return vc.admit({ policy, zone: p.zone, decision: p.decision, people: p.people, now, decisionId: 'd' });
  };
  const person = (i: number) => ({ mobile: `1380000${String(i).padStart(4, '0')}` });

  it('refuses the new person who would reach the threshold; known people keep flowing; alerts once', async () => {
    const { vc, alerts } = counter();
    await vc.configure(policy);
    for (let i = 1; i <= 9; i++) expect((await admit(vc, 'open', person(i))).refusal).toBeNull();
    const tenth = await admit(vc, 'open', person(10));
    expect(tenth.refusal?.code).toBe('EG_VOLUME_LIMIT');
    expect(tenth.reasons[0]?.clause).toContain('Arts. 5(4) and 8');
    expect((await admit(vc, 'open', person(3))).refusal).toBeNull();
    expect(alerts.map((a) => `${a.counter} ${a.level} ${a.count}`)).toEqual(['non_sensitive alert 8']);
    // Under the standard contract the tenth goes, and the threshold is reached.
    const underContract = await admit(vc, 'eu', person(10));
    expect(underContract.refusal).toBeNull();
    expect(underContract.audit).toMatchObject({ year: 2026, entity: 'Acme (China) Co., Ltd.', nonSensitive: 1, added: { nonSensitive: 1, sensitive: 0, exempt: 0 } });
    expect(alerts.map((a) => `${a.counter} ${a.level} ${a.count}`)).toContain('non_sensitive crossed 10');
  });

  it('makes no store call when every individual is known to the local cache', async () => {
    const store = new SqliteVolumeStore(':memory:');
    let calls = 0;
    const counting = delegate(store, { add: (...args) => (calls++, store.add(...args)) });
    const { vc } = counter(counting);
    await vc.configure(policy);
    await admit(vc, 'open', person(1));
    await admit(vc, 'open', person(1));
    await admit(vc, 'open', person(1));
    expect(calls).toBe(1);
    await admit(vc, 'sa', person(1));
    expect(calls).toBe(2);
  });

  it('refuses with EG_VOLUME_UNAVAILABLE when the store fails, unless on_store_failure is allow', async () => {
    const broken = delegate(new SqliteVolumeStore(':memory:'), {
      add: async () => {
        throw new Error('connection refused');
      },
    });
    const { vc } = counter(broken);
    await vc.configure(policy);
    const refused = await admit(vc, 'open', person(1));
    expect(refused.refusal?.code).toBe('EG_VOLUME_UNAVAILABLE');
    const allowing = loadPolicyText(POLICY.replace('volume:\n', 'volume:\n  on_store_failure: allow\n'), 'v.yaml');
    const p = plan(allowing, 'open', person(1));
    const allowed = await vc.admit({ policy: allowing, zone: p.zone, decision: p.decision, people: p.people, now: NOW, decisionId: 'd' });
    expect(allowed.refusal).toBeNull();
    expect(allowed.audit?.uncounted).toBe(true);
  });

  it('starts new counters at midnight Beijing time on 1 January', async () => {
    const { vc } = counter();
    await vc.configure(policy);
    for (let i = 1; i <= 9; i++) await admit(vc, 'open', person(i), new Date('2026-12-31T15:59:00Z'));
    expect((await admit(vc, 'open', person(10), new Date('2026-12-31T15:59:59Z'))).refusal?.code).toBe('EG_VOLUME_LIMIT');
    const newYear = await admit(vc, 'open', person(10), new Date('2026-12-31T16:00:00Z'));
    expect(newYear.refusal).toBeNull();
    expect(newYear.audit?.year).toBe(2027);
  });

  it('a policy whose flows abroad never carry PI opens no store', async () => {
    const { vc, opened } = counter();
    const plain = loadPolicyText('version: 1\n', 'plain.yaml');
    expect(plain.volume.needed).toBe(false);
    await vc.configure(plain);
    expect(opened()).toBe(0);
    expect(vc.state(plain)).toBe('off');
    expect(vc.ready(plain)).toBe(true);
  });
});
