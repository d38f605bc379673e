import { describe, expect, it } from 'vitest';
import { loadDefaultPolicy, loadPolicyText } from '../../../src/config/load.js';
import { policyIssues } from '../config/helpers.js';


describe('the volume section', () => {
  it('defaults to the thresholds of the law and an embedded SQLite file', () => {
    const v = loadPolicyText('version: 1\nvolume: {}\n', 'p.yaml').volume;
    expect(v).toMatchObject({
      store: { kind: 'sqlite', path: 'egress-guard-volume.db' },
      thresholds: { nonSensitive: 100_000, nonSensitiveAssessment: 1_000_000, sensitiveAssessment: 10_000, alertFraction: 0.8 },
      countExemptFlows: false,
      onStoreFailure: 'refuse',
      actionOverLimit: 'block',
      cacheSize: 100_000,
      needed: true,
    });
  });

  it('compiles a Redis store with its defaults', () => {
    const v = loadPolicyText('version: 1\nvolume:\n  store: { redis: { url: "redis://r.internal:6379/2" } }\n', 'p.yaml').volume;
    expect(v.store).toEqual({ kind: 'redis', url: 'redis://r.internal:6379/2', keyPrefix: 'egress-guard:volume:', exactLimit: 1_000_000, passwordEnv: null });
  });

  it('the embedded default policy never carries PI abroad, so it opens no store', () => {
    expect(loadDefaultPolicy().volume.needed).toBe(false);
  });

  it('reports every mistake as file:line:col', () => {
    expect(
      policyIssues(`version: 1
volume:
  store:
    sqlite: { path: a.db }
    redis: { url: "http://x" }
  thresholds: { non_sensitive: 2000000, alert_fraction: 1.5 }
  on_store_failure: ignore
  cache: 5
`),
    ).toEqual([
      'p.yaml:4:5 volume.store: name exactly one store: sqlite, redis or memory',
      'p.yaml:5:19 volume.store.redis.url: must be a redis:// or rediss:// URL, as "redis://redis.internal:6379/0"',
      'p.yaml:6:32 volume.thresholds.non_sensitive: non_sensitive (2000000) must be below non_sensitive_assessment (1000000)',
      'p.yaml:6:57 volume.thresholds.alert_fraction: Too big: expected number to be <=1',
      'p.yaml:7:21 volume.on_store_failure: must be one of refuse, allow (got "ignore")',
      'p.yaml:8:3 volume.cache: unknown key; expected one of store, thresholds, count_exempt_flows, on_store_failure, action_over_limit, cache_size',
    ]);
  });
});
