import { describe, expect, it } from 'vitest';
import type { AuditDrift, AuditEvent, AuditFinding } from '../../../src/audit/event.js';
import type { Finding } from '../../../src/classify/finding.js';
import { loadPolicyText } from '../../../src/config/load.js';
import { decide } from '../../../src/policy/decide.js';
import { detectDrift, DriftTracker } from '../../../src/policy/drift.js';
import { checkThreshold, Replayer } from '../../../src/policy/replay.js';

const POLICY = `
version: 1
clients:
  - { id: crm-sync, cidrs: [10.1.0.0/16] }
rules:
  - { id: member-no, category: pi.member_id, fields: [memberNo] }
categories:
  pi.member_id: { grade: pi }
destinations:
  - name: acme
    jurisdiction: US
    recipient: Acme CRM Inc.
    hosts: [api.acme.example, "*.acme.example"]
  - name: ops
    jurisdiction: SG
    recipient: Ops Pte
    hosts: [ops.example]
    mode: monitor
  - name: home
    jurisdiction: CN
    recipient: Home Co
    hosts: ["*.cn"]
bases:
  - id: scc-acme
    type: standard_contract
    recipients: [acme]
    categories: [pi.phone, pi.member_id]
    clients: [crm-sync]
    locations: [/customer/mobile, "?tel"]
    valid_from: 2024-01-01
    valid_to: 2026-06-30
`;

const policy = loadPolicyText(POLICY, 'p.yaml');

const f = (category: string, location: string, action: AuditFinding['action'], extra: Partial<AuditFinding> = {}): AuditFinding => ({
  category, grade: category === 'pi.id_card' ? 'sensitive_pi' : 'pi', location, rule: 'builtin', confidence: 1, action, ...extra,
});

const event = (over: Partial<AuditEvent> & { host?: string }): AuditEvent => {
  const { host = 'api.acme.example', ...rest } = over;
  return {
    v: 1, kind: 'request', decisionId: 'id', time: '2026-03-01T04:00:00.000Z', policyRevision: 'r',
    client: { address: '10.1.0.5', port: 1, application: 'crm-sync' }, via: 'forward', method: 'POST',
    destination: { host, port: 443, ip: '203.0.113.5', zone: 'acme', jurisdiction: 'US', abroad: true, recipient: 'Acme CRM Inc.' },
    path: '/', mode: 'enforce', action: 'allow', wouldBe: 'allow', findings: [], redacted: [], status: 200,
    bytes: { requestIn: 10, requestOut: 10, response: 1 }, durationMs: 1, error: null, scenario: null,
    timings: { parseMs: 0.1, classifyMs: 0.1, decideMs: 0.1, forwardMs: 1 },
    ...rest,
  };
};

function replay(candidate: string, events: AuditEvent[], asOf?: string) {
  const r = new Replayer(loadPolicyText(candidate, 'c.yaml'), asOf ? { asOf } : {});
  for (const e of events) r.add(e);
  return r.finish();
}

describe('Replayer', () => {
  it('counts what it cannot replay, by reason', () => {
    const report = replay(POLICY, [
      event({ kind: 'connect', via: 'connect', tunnel: 'opaque' }),
      event({ findingsOmitted: 2, host: 'svc.cn' }),
      event({ error: 'EG_BODY_UNINSPECTABLE' }),
      event({ error: 'EG_DEST_UNRESOLVED', action: 'block' }),
      event({ timings: { parseMs: null, classifyMs: 0, decideMs: 0, forwardMs: 1 }, bytes: { requestIn: 500, requestOut: 500, response: 0 } }),
      event({ findingsOmitted: 0, findings: [f('pi.phone', '/customer/mobile', 'allow', { basis: 'scc-acme' })] }),
    ]);
    expect(report.notReplayable).toEqual({
      'CONNECT tunnel': 1,
      'body could not be inspected': 1,
      'body not inspected when recorded': 1,
      'findings not listed (findingsOmitted)': 1,
      'refused before a decision (EG_DEST_UNRESOLVED)': 1,
    });
    expect(report).toMatchObject({ events: 6, replayed: 1, changed: 0 });
  });

  it('replays flows whose upstream failed after the decision, TLS failures included', () => {
    const failed = ['EG_UPSTREAM_CONNECT', 'EG_UPSTREAM_CERT_INVALID', 'EG_UPSTREAM_TLS', 'EG_UPSTREAM_TIMEOUT'].map((code) =>
      event({ error: code, status: 502, findings: [f('pi.phone', '/customer/mobile', 'allow', { basis: 'scc-acme' })] }),
    );
    expect(replay(POLICY, failed)).toMatchObject({ events: 4, replayed: 4, notReplayable: {} });
  });

  it('sees monitor → enforce, restriction lists, ports, dropped rules and expiring bases', () => {
    const monitored = event({ decisionId: 'm', host: 'ops.example', mode: 'monitor', destination: { host: 'ops.example', port: 443, ip: null, zone: 'ops', jurisdiction: 'SG', abroad: true, recipient: 'Ops Pte' }, findings: [f('pi.id_card', '/id', 'block')] });
    const member = event({ decisionId: 'c', findings: [f('pi.member_id', '/memberNo', 'allow', { rule: 'custom.member-no', basis: 'scc-acme' })] });
    const phone = event({ decisionId: 'p', findings: [f('pi.phone', '/customer/mobile', 'allow', { basis: 'scc-acme' })] });
    const enforced = POLICY.replace('    mode: monitor\n', '');
    expect(replay(enforced, [monitored]).groups).toEqual([{ change: 'newly_blocked', recipient: 'Ops Pte', category: 'pi.id_card', flows: 1, findings: 0, decisionIds: ['m'] }]);

    const restricted = `${POLICY}restricted:\n  entities: [Acme CRM Inc.]\n`;
    expect(replay(restricted, [phone]).groups.map((g) => [g.change, g.category])).toEqual([['newly_blocked', '(hard-block.restricted)']]);
    const wasRestricted = event({ error: 'EG_RECIPIENT_RESTRICTED', action: 'block', status: 403 });
    expect(replay(restricted, [wasRestricted])).toMatchObject({ replayed: 1, changed: 0 });
    expect(replay(POLICY, [wasRestricted]).notReplayable).toEqual({ 'refused before its body was read': 1 });

    const ports = POLICY.replace('    hosts: [api.acme.example, "*.acme.example"]\n', '    hosts: [api.acme.example, "*.acme.example"]\n    ports: [8443]\n');
    expect(replay(ports, [phone]).groups.map((g) => [g.change, g.category])).toEqual([['newly_blocked', '(port not accepted)']]);

    const noRule = POLICY.replace('  - { id: member-no, category: pi.member_id, fields: [memberNo] }\n', '').replace('rules:\n', '');
    expect(replay(noRule, [member])).toMatchObject({ findingsDropped: 1, changed: 0 });

    // On 2026-07-01 the contract has ended: the phone number loses its basis and is masked.
    const later = replay(POLICY, [phone], '2026-07-01');
    expect(later.flows[0]!.changes).toEqual([
      { change: 'redaction_added', category: 'pi.phone', location: '/customer/mobile', from: 'allow', to: 'redact' },
      { change: 'basis_missing', category: 'pi.phone', location: '/customer/mobile', from: 'scc-acme', to: null },
    ]);
    expect(checkThreshold(later, { maxNewBlocks: 0 })).toEqual({ passed: false, text: '0 newly blocked flows <= --max-new-blocks 0' });
  });

  it('takes the client by application id, else by address', () => {
    const byAddress = event({ decisionId: 'a', client: { address: '10.1.9.9', port: 1, application: null }, findings: [f('pi.phone', '/customer/mobile', 'allow', { basis: 'scc-acme' })] });
    const stranger = event({ decisionId: 's', client: { address: '192.0.2.1', port: 1, application: 'other' }, findings: [f('pi.phone', '/customer/mobile', 'allow', { basis: 'scc-acme' })] });
    const report = replay(POLICY, [byAddress, stranger]);
    expect(report.flows.map((x) => [x.decisionId, x.changes.map((c) => c.change)])).toEqual([['s', ['redaction_added', 'basis_missing']]]);
  });
});

const find = (category: string, location: string): Finding => ({ category, grade: policy.categoryGrades.get(category)!, rule: 'builtin', location, leafIndex: 0, start: 0, end: 1, confidence: 1 });

function drift(host: string, findings: Finding[], application: string | null = 'crm-sync', seen = () => false) {
  const zone = policy.lookupZone(host, undefined);
  const ctx = { policy, zone, client: policy.clientFor(application ?? undefined, '10.1.0.5'), scenario: null, date: '2026-03-01' };
  return detectDrift({ ctx, decision: decide(ctx, findings), host, application }, seen).map((d) => d.key.replace(/\0/g, '|'));
}

describe('detectDrift', () => {
  it('tells location, category, domain and new-category drift apart', () => {
    expect(drift('api.acme.example', [find('pi.phone', '/customer/mobile'), find('pi.phone', '?tel')])).toEqual([]);
    expect(drift('api.acme.example', [find('pi.phone', '/contacts/3/mobile'), find('pi.phone', '/contacts/4/mobile')])).toEqual(['location|crm-sync|scc-acme|/contacts/*/mobile']);
    expect(drift('api.acme.example', [find('pi.phone', '/customer/mobile'), find('pi.email', '/customer/email')])).toEqual(['category|crm-sync|scc-acme|pi.email']);
    // No basis relied on (the client is not covered): neither category nor location drift.
    expect(drift('api.acme.example', [find('pi.email', '/customer/email')], 'billing')).toEqual([]);
    expect(drift('eu.acme.example', [find('pi.phone', '/customer/mobile')])).toEqual(['domain|Acme CRM Inc.|eu.acme.example']);
    expect(drift('eu.acme.example', [find('pi.phone', '/customer/mobile')], 'crm-sync', () => true)).toEqual([]);
    expect(drift('ops.example', [find('pi.bank_card', '/card')])).toEqual(['new_category|crm-sync|Ops Pte|pi.bank_card']);
    expect(drift('x.cn', [find('pi.bank_card', '/card')])).toEqual([]);
  });

  it('writes each drift once per tracker, and refuses every time under drift.action refuse', () => {
    const refusing = loadPolicyText(`${POLICY}drift: { action: refuse }\n`, 'r.yaml');
    const written: AuditDrift[] = [];
    const tracker = new DriftTracker({ emit: (r) => written.push(r) });
    const zone = refusing.lookupZone('api.acme.example', undefined);
    const ctx = { policy: refusing, zone, client: refusing.clientFor('crm-sync', '10.1.0.5'), scenario: null, date: '2026-03-01' };
    const decision = decide(ctx, [find('pi.phone', '/other')]);
    const outcomes = [1, 2, 3].map((i) => tracker.check({ ctx, decision, host: 'api.acme.example', application: 'crm-sync', decisionId: `d${i}`, clientAddress: '10.1.0.5', now: new Date('2026-03-01T00:00:00Z') }));
    expect(outcomes.map((o) => [o?.refusal?.code, o?.wouldBlock, o?.reasons[0]?.rule])).toEqual([
      ['EG_SCOPE_DRIFT', true, 'drift:location'],
      ['EG_SCOPE_DRIFT', true, 'drift:location'],
      ['EG_SCOPE_DRIFT', true, 'drift:location'],
    ]);
    expect(written.map((w) => [w.key, w.triggeredBy, w.action, w.policyRevision])).toEqual([['location|crm-sync|scc-acme|/other', 'd1', 'refuse', refusing.revision]]);
    expect(tracker.check({ ctx, decision: decide(ctx, [find('pi.phone', '/customer/mobile')]), host: 'api.acme.example', application: 'crm-sync', decisionId: 'd4', clientAddress: '10.1.0.5', now: new Date() })).toBeNull();
  });
});
