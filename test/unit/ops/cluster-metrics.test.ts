import { describe, expect, it } from 'vitest';
import { AggregatorRegistry } from 'prom-client';
import type { AuditEvent } from '../../../src/audit/event.js';
import { shanghaiDate } from '../../../src/config/compile-legal.js';
import { loadPolicyText } from '../../../src/config/load.js';
import { createClusterMetrics, createMetrics } from '../../../src/ops/metrics.js';

/**
 * What the cluster primary's /metrics serves: prom-client's AggregatorRegistry over the
 * primary's registry and each worker's. Counters add up; figures every process reports alike
 * (days left, the running revision, reload counts) must not.
 */

const in30 = shanghaiDate(new Date(Date.now() + 30 * 86_400_000));
const policy = loadPolicyText(
  `version: 1
destinations:
  - { name: crm, jurisdiction: US, recipient: CRM Inc, hosts: [crm.example] }
bases:
  - { id: crm-scc, type: standard_contract, recipients: [crm], categories: [pi.email], valid_from: 2020-01-01, valid_to: ${in30} }
`,
  'c.yaml',
);

const event = (action: AuditEvent['action']): AuditEvent => ({
  v: 1, kind: 'request', decisionId: 'd', time: new Date().toISOString(), policyRevision: policy.revision,
  client: { address: '127.0.0.1', port: 1 }, via: 'forward', method: 'POST',
  destination: { host: 'crm.example', port: 443, ip: '203.0.113.9', zone: 'crm', jurisdiction: 'US', abroad: true },
  path: '/x', mode: 'enforce', action, wouldBe: action, findings: [], redacted: [], status: 200,
  bytes: { requestIn: 10, requestOut: 10, response: 5 }, durationMs: 1, error: null,
  timings: { parseMs: 0.1, classifyMs: 0.1, decideMs: 0.1, forwardMs: 1 },
});

describe('cluster metrics aggregation', () => {
  it('sums requests and latencies over the workers, and keeps per-process figures as they are', async () => {
    // The primary: reload counters (it reloads), no requests; plus the cluster gauges.
    const primary = createMetrics({ policy: () => policy, reloads: () => ({ ok: 3, failed: 1 }), defaultMetrics: false });
    const cluster = createClusterMetrics({ expected: () => 2, ready: () => 2 }, primary.registry);
    cluster.workerRestarted();
    primary.auditWriteFailed('ENOSPC');
    // Two workers: they applied the 3 good reloads the primary sent them.
    const workers = [0, 1].map(() => createMetrics({ policy: () => policy, reloads: () => ({ ok: 3, failed: 0 }), defaultMetrics: false }));
    for (let i = 0; i < 3; i++) workers[0]!.observe(event('redact'));
    for (let i = 0; i < 4; i++) workers[1]!.observe(event('redact'));
    workers[1]!.observe(event('block'));
    workers[0]!.listenerRefused('EG_TOO_MANY_CONNECTIONS');
    workers[1]!.listenerRefused('EG_TOO_MANY_CONNECTIONS');
    workers[1]!.listenerRefused('EG_REQUEST_TIMEOUT');

    const all = await Promise.all([primary, ...workers].map((m) => m.registry.getMetricsAsJSON()));
    const text = await AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();

    expect(text).toContain('egress_guard_requests_total{action="redact",would_be="redact",mode="enforce",destination="crm",jurisdiction="US",kind="request"} 7');
    expect(text).toContain('egress_guard_requests_total{action="block",would_be="block",mode="enforce",destination="crm",jurisdiction="US",kind="request"} 1');
    expect(text).toContain('egress_guard_stage_duration_seconds_count{stage="forward"} 8');
    expect(text).toContain('egress_guard_bytes_total{direction="in"} 80');
    expect(text).toContain('egress_guard_audit_write_failures_total{code="ENOSPC"} 1');
    expect(text).toContain('egress_guard_listener_refusals_total{code="EG_TOO_MANY_CONNECTIONS"} 2');
    expect(text).toContain('egress_guard_listener_refusals_total{code="EG_REQUEST_TIMEOUT"} 1');
    expect(text).toContain('egress_guard_listener_refusals_total{code="EG_REQUEST_FRAMING"} 0');
    // Not three times the figures:
    expect(text).toContain('egress_guard_legal_basis_days_left{basis="crm-scc",type="standard_contract"} 30');
    expect(text).toContain(`egress_guard_policy_info{revision="${policy.revision}",mode="enforce"} 1`);
    expect(text).toContain('egress_guard_policy_reloads_total{result="ok"} 3');
    expect(text).toContain('egress_guard_policy_reloads_total{result="failed"} 1');
    expect(text).toContain('egress_guard_workers_expected 2');
    expect(text).toContain('egress_guard_workers_ready 2');
    expect(text).toContain('egress_guard_worker_restarts_total 1');
  });

  it('shows two policy_info series when workers disagree on the revision', async () => {
    const other = loadPolicyText('version: 1\nmode: monitor\n', 'o.yaml');
    const a = createMetrics({ policy: () => policy, defaultMetrics: false });
    const b = createMetrics({ policy: () => other, defaultMetrics: false });
    const all = await Promise.all([a, b].map((m) => m.registry.getMetricsAsJSON()));
    const text = await AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
    expect(text.split('\n').filter((l) => l.startsWith('egress_guard_policy_info{'))).toHaveLength(2);
  });
});
