import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/classify/finding.js';
import { loadPolicyText } from '../../../src/config/load.js';
import type { CompiledPolicy, Zone } from '../../../src/config/model.js';
import { decide, zoneNeedsInspection, type DecisionContext } from '../../../src/policy/decide.js';

process.env.EG_TEST_REDACT_KEY = 'decider-test-key-0123456789abcdef';

/** One policy exercising every part of the decider; each table row below is one sentence. */
const POLICY = loadPolicyText(
  `
version: 1
handler: { entity: Acme China Ltd }
redaction:
  default: mask
  partial: { head: 3, tail: 4 }
  hash: { key_env: EG_TEST_REDACT_KEY }
categories:
  important.production: { grade: important }
  core.reserves: { grade: core }
clients:
  - { id: hr-portal, cidrs: [10.1.0.0/16], scenario: hr_management }
  - { id: shop, cidrs: [10.2.0.0/16], scenario: order_fulfilment }
destinations:
  - name: domestic
    jurisdiction: CN
    hosts: ["*.cn"]
  - name: hq
    jurisdiction: DE
    recipient: Acme GmbH
    hosts: [hr.acme.example]
  - name: courier
    jurisdiction: HK
    recipient: Swift Courier Ltd
    hosts: [api.courier.example]
    always:
      categories: { pi.id_card: hash }
  - name: lab
    jurisdiction: US
    recipient: Lab Inc
    hosts: [lab.example]
    non_important: [important.production]
    actions:
      categories: { pi.phone: partial }
  - name: court
    jurisdiction: US
    hosts: [court.example]
    judicial: true
  - name: vendor
    jurisdiction: SG
    recipient: Blocked Vendor Pte
    hosts: [vendor.example]
  - name: ftz-partner
    jurisdiction: SG
    recipient: Partner Pte
    hosts: [partner.example]
  - name: icv
    jurisdiction: DE
    recipient: Car Maker AG
    hosts: [cars.example]
    scenario: after_sales
restricted:
  entities: [Blocked Vendor Pte]
catalogs:
  - id: lingang-icv
    kind: general
    entries:
      - id: after-sales-vin
        scenario: after_sales
        categories: [vehicle.vin]
        unless: [pi.name, pi.phone]
  - id: plant
    kind: important
    entries:
      - id: output
        category: important.output
        fields: [dailyOutput]
      - id: vin-export
        scenario: bulk_export
        categories: [vehicle.vin]
  - id: ftz-neg
    kind: negative_list
    entries:
      - id: health
        categories: [pi.health]
bases:
  - id: hr-2025
    type: exemption
    exemption: hr_management
    recipients: [Acme GmbH]
    categories: ["pi.*"]
    scenarios: [hr_management]
    valid_from: 2025-01-01
  - id: scc-courier
    type: standard_contract
    recipients: [courier]
    categories: [pi.name, pi.phone, pi.address, pi.id_card]
    valid_from: 2024-01-01
    valid_to: 2025-12-31
    reference: SH-SCC-2024-001
  - id: scc-courier-2026
    type: standard_contract
    recipients: [courier]
    categories: [pi.name, pi.phone, pi.address]
    valid_from: 2026-01-01
    valid_to: 2028-12-31
    clients: [shop]
  - id: lab-sa
    type: security_assessment
    recipients: [Lab Inc]
    categories: [important.genetic, pi.health]
    valid_from: 2026-03-01
    valid_to: 2029-02-28
  - id: lab-small
    type: exemption
    exemption: small_volume
    recipients: [lab]
    categories: ["pi.*"]
    valid_from: 2026-01-01
  - id: ftz
    type: exemption
    exemption: ftz_negative_list
    negative_list: ftz-neg
    recipients: [ftz-partner]
    categories: ["pi.*"]
    valid_from: 2026-01-01
`,
  'decide.yaml',
);

const zone = (name: string): Zone => POLICY.destinations.find((z) => z.name === name)!;
const client = (id: string | null) => (id === null ? null : POLICY.clients.find((c) => c.id === id)!);

function finding(category: string, location = '/x', rule = 'test'): Finding {
  return { category, grade: POLICY.categoryGrades.get(category)!, rule, location, leafIndex: 0, start: 0, end: 1, confidence: 1 };
}

interface Row {
  readonly dest: string;
  readonly findings: readonly (string | [string, string])[];
  readonly date?: string;
  readonly client?: string | null;
  readonly scenario?: string | null;
  readonly policy?: CompiledPolicy;
  readonly action: 'allow' | 'redact' | 'block';
  readonly reason?: string;
  readonly basis?: string | null;
  readonly mode?: string | null;
  readonly clause?: RegExp;
  readonly text?: RegExp;
}

function run(row: Row) {
  const z = zone(row.dest);
  const c = row.client === undefined ? null : client(row.client);
  const ctx: DecisionContext = {
    policy: row.policy ?? POLICY,
    zone: z,
    client: c,
    scenario: row.scenario !== undefined ? row.scenario : (c?.scenario ?? z.scenario),
    date: row.date ?? '2026-06-01',
  };
  return decide(ctx, row.findings.map((f) => (typeof f === 'string' ? finding(f) : finding(f[0], f[1]))));
}

const TABLE: Record<string, Row> = {
  'a domestic destination allows sensitive data': { dest: 'domestic', findings: ['pi.id_card', 'important.genetic'], action: 'allow', reason: 'default' },
  'a judicial body abroad refuses even a request without findings': { dest: 'court', findings: [], action: 'block', clause: /DSL Art\. 36/ },
  'a recipient on the restriction list refuses everything': { dest: 'vendor', findings: ['pi.email'], action: 'block', reason: 'hard-block.restricted', clause: /PIPL Art\. 42/ },
  'employee PI to headquarters under the HR exemption is allowed for the HR portal': {
    dest: 'hq', client: 'hr-portal', findings: ['pi.name', 'pi.id_card', 'pi.bank_card'], action: 'allow', reason: 'basis:hr-2025', basis: 'hr-2025', clause: /Art\. 5\(2\)/,
  },
  'the same PI from the shop (scenario order_fulfilment) is not covered by the HR exemption': {
    dest: 'hq', client: 'shop', findings: ['pi.id_card'], action: 'block', reason: 'no-basis', text: /covers scenario hr_management, not order_fulfilment/,
  },
  'an expired standard contract covers nothing and the reason names it': {
    dest: 'courier', findings: ['pi.id_card'], date: '2026-06-01', action: 'block', reason: 'no-basis', text: /scc-courier expired on 2025-12-31/,
  },
  'the expired contract covered the same data while valid (with the always-hash on ID numbers)': {
    dest: 'courier', findings: ['pi.name', 'pi.id_card'], date: '2025-06-01', action: 'redact', reason: 'always:category:pi.id_card', mode: 'hash',
  },
  'a basis restricted to a client does not cover an unidentified client': {
    dest: 'courier', findings: ['pi.phone'], client: null, action: 'redact', reason: 'no-basis', text: /covers client shop, not \(unidentified\)/,
  },
  'the 2026 contract covers the shop\'s phone numbers': { dest: 'courier', findings: ['pi.phone'], client: 'shop', action: 'allow', basis: 'scc-courier-2026' },
  'important data under a security assessment is allowed once it is valid': { dest: 'lab', findings: ['important.genetic'], date: '2026-03-01', action: 'allow', basis: 'lab-sa', clause: /security assessment/ },
  'a security assessment not yet valid covers nothing': { dest: 'lab', findings: ['important.genetic'], date: '2026-02-28', action: 'block', text: /not valid until 2026-03-01/, clause: /Art\. 7: important data/ },
  'the small-volume exemption covers non-sensitive PI': { dest: 'lab', findings: ['pi.email'], action: 'allow', basis: 'lab-small' },
  'the small-volume exemption never covers sensitive PI': { dest: 'lab', findings: ['pi.bank_card'], action: 'block', text: /small-volume exemption covers non-sensitive/ },
  'a per-category partial entry applies to uncovered findings only': { dest: 'lab', findings: ['pi.phone'], date: '2025-06-01', action: 'redact', mode: 'partial', reason: 'no-basis' },
  'a catalog field makes important data, blocked without an assessment': { dest: 'hq', findings: [['important.output', '/report/dailyOutput']], client: 'hr-portal', action: 'block', clause: /important data needs a security assessment/ },
  'a category certified non-important for the destination flows freely': { dest: 'lab', findings: ['important.production'], action: 'allow', reason: 'default', text: /general data/ },
  'core data never leaves, even with a basis': { dest: 'hq', findings: ['core.reserves'], client: 'hr-portal', action: 'block', reason: 'core', clause: /core data/ },
  'a VIN in the after-sales scenario is general data under the Lingang list': { dest: 'icv', findings: ['vehicle.vin'], action: 'allow', reason: 'default', text: /general data/ },
  'the list entry does not apply when a name travels with the VIN': { dest: 'icv', findings: ['vehicle.vin', 'pi.name'], action: 'redact', reason: 'no-basis' },
  'an important catalog entry for VINs in bulk export raises them to important': { dest: 'icv', findings: ['vehicle.vin'], scenario: 'bulk_export', action: 'block', reason: 'no-basis', clause: /Art\. 7/ },
  'the FTZ exemption covers data not on the negative list': { dest: 'ftz-partner', findings: ['pi.bank_card'], action: 'allow', basis: 'ftz', clause: /negative list/ },
  'the FTZ exemption does not cover data on the negative list': { dest: 'ftz-partner', findings: ['pi.health'], action: 'block', text: /on negative list entry ftz-neg\/health/ },
  'an unknown destination blocks sensitive PI and masks other PI (strictest wins)': { dest: '(unknown)', findings: ['pi.email', 'pi.passport'], action: 'block' },
};

describe('decide', () => {
  for (const [sentence, row] of Object.entries(TABLE)) {
    it(sentence, () => {
      const r = row.dest === '(unknown)'
        ? decide({ policy: POLICY, zone: POLICY.unknownZone, client: null, scenario: null, date: '2026-06-01' }, row.findings.map((f) => finding(f as string)))
        : run(row);
      expect(r.action).toBe(row.action);
      expect(r.wouldBe).toBe(row.action);
      const deciding = r.hardBlock ?? r.perFinding.find((d) => d.action === row.action)?.reasons[0];
      if (row.reason) expect(r.hardBlock?.rule ?? r.perFinding.map((d) => d.reasons[0]?.rule)).toContain(row.reason);
      if (row.basis !== undefined) expect(r.bases[0]?.id ?? null).toBe(row.basis);
      if (row.mode !== undefined) expect(r.perFinding.find((d) => d.action === 'redact')?.redactMode).toBe(row.mode);
      if (row.clause) expect(deciding?.clause ?? '').toMatch(row.clause);
      if (row.text) expect(r.perFinding.map((d) => d.reasons[0]?.text).join(' | ')).toMatch(row.text);
    });
  }
});

describe('monitor', () => {
  const monitored = loadPolicyText(
    `
version: 1
rules:
  - { id: member, category: pi.member, fields: [memberNo], mode: monitor }
categories:
  pi.member: { grade: sensitive_pi }
destinations:
  - { name: partner, jurisdiction: US, hosts: [p.example] }
  - { name: trial, jurisdiction: US, hosts: [t.example], mode: monitor }
`,
    'm.yaml',
  );
  const ctx = (name: string): DecisionContext => ({ policy: monitored, zone: monitored.destinations.find((z) => z.name === name)!, client: null, scenario: null, date: '2026-06-01' });
  const f = (category: string, rule: string): Finding => ({ category, grade: monitored.categoryGrades.get(category)!, rule, location: '/a', leafIndex: 0, start: 0, end: 1, confidence: 1 });

  it('a destination in monitor mode forwards and records what enforce would do', () => {
    const r = decide(ctx('trial'), [f('pi.id_card', 'id_card.checksum')]);
    expect([r.action, r.wouldBe, r.mode]).toEqual(['allow', 'block', 'monitor']);
  });

  it('a rule in monitor mode counts for wouldBe only; enforced rules still act', () => {
    const alone = decide(ctx('partner'), [f('pi.member', 'custom.member')]);
    expect([alone.action, alone.wouldBe, alone.perFinding[0]?.enforced]).toEqual(['allow', 'block', false]);
    const mixed = decide(ctx('partner'), [f('pi.member', 'custom.member'), f('pi.email', 'email.syntax')]);
    expect([mixed.action, mixed.wouldBe]).toEqual(['redact', 'block']);
  });
});

describe('zoneNeedsInspection', () => {
  it('reads payloads abroad, skips them for an all-allow domestic destination, and follows inspect', () => {
    const p = loadPolicyText(
      'version: 1\ndestinations:\n  - { name: d, jurisdiction: CN, hosts: ["*.cn"] }\n  - { name: a, jurisdiction: CN, hosts: [a.example], inspect: always }\n  - { name: n, jurisdiction: US, hosts: [n.example], inspect: never }\n',
      'i.yaml',
    );
    expect(p.destinations.map(zoneNeedsInspection)).toEqual([false, true, false]);
    expect(zoneNeedsInspection(p.unknownZone)).toBe(true);
  });
});

describe('catalog entries in monitor mode', () => {
  const p = loadPolicyText(
    `
version: 1
destinations:
  - { name: icv, jurisdiction: DE, hosts: [cars.example], scenario: after_sales }
catalogs:
  - id: lingang
    kind: general
    entries:
      - { id: vin, scenario: after_sales, categories: [vehicle.vin], mode: monitor }
  - id: fleet
    kind: important
    entries:
      - { id: plates, categories: [pi.plate], mode: monitor }
`,
    'c.yaml',
  );
  const ctx: DecisionContext = { policy: p, zone: p.destinations[0]!, client: null, scenario: 'after_sales', date: '2026-06-01' };
  const f = (category: string): Finding => ({ category, grade: p.categoryGrades.get(category)!, rule: 'test', location: '/a', leafIndex: 0, start: 0, end: 1, confidence: 1 });

  it('a monitored general list does not lower the grade in force; wouldBe shows what it would', () => {
    const r = decide(ctx, [f('vehicle.vin')]);
    expect([r.action, r.wouldBe]).toEqual(['redact', 'allow']);
    expect(r.perFinding[0]).toMatchObject({ action: 'redact', wouldBe: 'allow', enforced: false, redactMode: 'mask' });
    expect(r.perFinding[0]?.reasons.map((x) => x.rule)).toEqual(['default', 'catalog:lingang/vin']);
  });

  it('a monitored important entry does not raise the grade in force', () => {
    const r = decide(ctx, [f('pi.plate')]);
    expect([r.action, r.wouldBe]).toEqual(['redact', 'block']);
    expect(r.perFinding[0]?.reasons.map((x) => x.rule)).toEqual(['no-basis', 'catalog:fleet/plates']);
    expect(r.perFinding[0]?.reasons[0]?.clause).toMatch(/Art\. 7/);
  });
});

