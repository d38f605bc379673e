import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/audit/event.js';
import { shanghaiDate } from '../../../src/config/compile-legal.js';
import { loadPolicyText } from '../../../src/config/load.js';
import { createMetrics } from '../../../src/ops/metrics.js';

const in30 = shanghaiDate(new Date(Date.now() + 30 * 86_400_000));
const policy = loadPolicyText(
  `version: 1
destinations:
  - { name: crm, jurisdiction: US, recipient: CRM Inc, hosts: [crm.example] }
bases:
  - { id: crm-scc, type: standard_contract, recipients: [crm], categories: [pi.email], valid_from: 2020-01-01, valid_to: ${in30} }
  - { id: crm-open, type: certification, recipients: [crm], categories: [pi.name], valid_from: 2020-01-01 }
`,
  'm.yaml',
);

function event(over: Partial<AuditEvent>): AuditEvent {
  return {
    v: 1, kind: 'request', decisionId: 'd', time: new Date().toISOString(), policyRevision: policy.revision,
    client: { address: '127.0.0.1', port: 1 }, via: 'forward', method: 'POST',
    destination: { host: 'crm.example', port: 443, ip: '203.0.113.9', zone: 'crm', jurisdiction: 'US', abroad: true },
    path: '/x', mode: 'enforce', action: 'redact', wouldBe: 'redact',
    findings: [
      { category: 'pi.phone', grade: 'pi', location: '/p', rule: 'phone.field', confidence: 1, action: 'redact' },
      { category: 'pi.secret_thing', grade: 'pi', location: '/q', rule: 'custom.x', confidence: 1, action: 'allow' },
    ],
    redacted: ['/p'], status: 200, bytes: { requestIn: 100, requestOut: 90, response: 10 }, durationMs: 3, error: null,
    individuals: { count: 2, hashes: ['0123456789abcdef', 'fedcba9876543210'] },
    timings: { parseMs: 0.2, classifyMs: 0.5, decideMs: 0.01, forwardMs: 2 },
    ...over,
  };
}

describe('metrics', () => {
  it('counts requests, findings, bytes, stages and errors from audit events, with closed label sets', async () => {
    const m = createMetrics({ policy: () => policy, reloads: () => ({ ok: 2, failed: 1 }), defaultMetrics: false });
    m.observe(event({}));
    m.observe(event({ action: 'block', wouldBe: 'block', error: 'EG_BLOCKED_BY_POLICY', status: 403, findings: [] }));
    m.observe(event({ error: 'EG_SOMETHING_A_CLIENT_MADE_UP', findings: [] }));
    m.auditWriteFailed('ENOSPC');
    m.auditWriteFailed('a value with spaces');
    const text = await m.registry.metrics();
    expect(text).toContain('egress_guard_requests_total{action="redact",would_be="redact",mode="enforce",destination="crm",jurisdiction="US",kind="request"} 2');
    expect(text).toContain('egress_guard_requests_total{action="block",would_be="block",mode="enforce",destination="crm",jurisdiction="US",kind="request"} 1');
    expect(text).toContain('egress_guard_findings_total{category="pi.phone",grade="pi",action="redact"} 1');
    // A category the policy does not know (an older revision's) is not a label value of its own.
    expect(text).toContain('egress_guard_findings_total{category="other",grade="pi",action="allow"} 1');
    expect(text).toContain('egress_guard_bytes_total{direction="out"} 270');
    expect(text).toContain('egress_guard_stage_duration_seconds_count{stage="classify"} 3');
    expect(text).toContain('egress_guard_errors_total{code="EG_BLOCKED_BY_POLICY"} 1');
    expect(text).toContain('egress_guard_errors_total{code="other"} 1');
    expect(text).toContain('egress_guard_individuals_forwarded_abroad_total 4');
    expect(text).toContain('egress_guard_audit_write_failures_total{code="ENOSPC"} 1');
    expect(text).toContain('egress_guard_audit_write_failures_total{code="other"} 1');
    expect(text).toContain('egress_guard_policy_reloads_total{result="ok"} 2');
    expect(text).toContain('egress_guard_policy_reloads_total{result="failed"} 1');
    expect(text).toContain(`egress_guard_legal_basis_days_left{basis="crm-scc",type="standard_contract"} 30`);
    expect(text).not.toContain('crm-open"');
    expect(text).toContain(`egress_guard_policy_info{revision="${policy.revision}",mode="enforce"} 1`);
    expect(text).not.toMatch(/crm\.example|203\.0\.113/);
  });
});
