import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCheck, summarize } from '../../../src/cli/check.js';
import { loadPolicyText } from '../../../src/config/load.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../../policies/', import.meta.url));

function run(path: string): { code: number; out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = runCheck(path, out, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('runCheck', () => {
  it('prints a summary and returns 0 for a valid policy', () => {
    const { code, out, err } = run(`${POLICIES}default.yaml`);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^policy {3}.*default\.yaml\nrevision [0-9a-f]{16}\nmode {5}enforce\n/);
    expect(out).toContain('limits   body 8 MiB, decoded 32 MiB, buffered at once 64 MiB; headers 16 KiB in at most 100 fields; connections 4096, pipelined 16\n');
    expect(out).toContain('timeouts upstream connect 5000 ms, headers 30000 ms, body 30000 ms; client headers 10000 ms, request 120000 ms, keep-alive 5000 ms; body budget wait 30000 ms\n');
    expect(out).toContain('destination domestic: CN, domestic (hosts 1, cidrs 0)\n');
    expect(out).toContain(
      [
        'destination unknown: ZZ, abroad (every host no destination matches)',
        '  mode enforce; tunnel block; uninspectable block; special addresses refused',
        '  actions (findings no basis covers)',
        '    grade core          block',
        '    grade important     block',
        '    grade sensitive_pi  block',
        '    grade pi            redact',
        '    default             allow',
      ].join('\n'),
    );
  });

  it('lists category actions of a zone', () => {
    const { code, out } = run(`${POLICIES}examples/partner.yaml`);
    expect(code).toBe(0);
    expect(out).toContain('destination partner-sg: SG, abroad (hosts 2, cidrs 0)\n');
    expect(out).toContain('    category pi.email      allow\n');
  });

  it('shows audit, drift and volume settings and the locations a basis was filed for', () => {
    const { out } = run(`${POLICIES}default.yaml`);
    expect(out).toContain('audit    on failure refuse; domestic detail summary\ndrift    record\n');
    expect(out).toContain('volume   not counted (no flow abroad can carry personal information)\n');
    const hr = run(`${POLICIES}examples/fund-research.yaml`).out;
    expect(hr).toMatch(/^volume {3}sqlite .*; thresholds N 100,000 \/ 1,000,000, S 10,000; alert at \d+ %; over limit (block|allow); store failure (refuse|allow)$/m);
    const scoped = loadPolicyText(
      'version: 1\ndestinations:\n  - { name: acme, jurisdiction: US, hosts: [api.acme.example] }\nbases:\n  - { id: scc, type: standard_contract, recipients: [acme], categories: [pi.phone], locations: [/customer/mobile, "?tel"], valid_from: 2024-01-01 }\n',
      'p.yaml',
    );
    expect(summarize(scoped, new Date('2026-01-01T00:00:00Z'))).toContain('categories pi.phone; locations /customer/mobile, ?tel\n');
  });

  it('points a policy test file at `egress-guard test` instead of listing its keys as errors', () => {
    const { code, err } = run(`${POLICIES}examples/partner.test.yaml`);
    expect(code).toBe(2);
    expect(err).toBe(`${POLICIES}examples/partner.test.yaml: this is a policy test file (it has cases:), not a policy; run: egress-guard test ${POLICIES}examples/partner.test.yaml\n`);
  });

  it('prints every issue to err and returns 2 for an invalid policy', () => {
    const file = `${FIXTURES}duplicate-zone.yaml`;
    const { code, out, err } = run(file);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n')).toEqual([
      `${file}:6:11 destinations[1].name: destination name "partner" is already used by destinations[0]`,
      `${file}:8:13 destinations[1].hosts[0]: host pattern "api.partner.example" is already listed at destinations[0].hosts[0]`,
      `${file}: 2 issues; the policy was not loaded`,
      '',
    ]);
  });

  it('returns 2 with the reason when the file cannot be read', () => {
    const { code, err } = run(`${FIXTURES}does-not-exist.yaml`);
    expect(code).toBe(2);
    expect(err).toMatch(/^EG_POLICY_READ: .*does-not-exist\.yaml: ENOENT/);
  });
});
