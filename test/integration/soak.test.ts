import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The short variant of `npm run soak` (npm test builds dist/ first): the real gateway process,
// 5,000 mixed requests at concurrency 256, then every check of bench/soak.ts. No timing is
// asserted; the figures are printed for people to read.
const SOAK = new URL('../../dist/bench/soak.js', import.meta.url).pathname;
const run = promisify(execFile);

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

describe('soak, short variant', () => {
  it('5,000 mixed requests: alive, one audit event per answer, chain valid, RSS bounded, no fd leaked', async () => {
    const { stdout } = await run('node', [SOAK, '--requests', '5000', '--concurrency', '256', '--json'], { timeout: 55_000, maxBuffer: 4 << 20 }).catch(
      (err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`soak failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      },
    );
    const report = JSON.parse(stdout) as { answers: number; auditEvents: number; fdBefore: number; fdAfter: number; checks: Check[]; byKind: Record<string, Record<string, number>> };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.answers).toBe(5000);
    expect(report.auditEvents).toBe(5000);
    expect(report.fdAfter).toBeLessThanOrEqual(report.fdBefore);
    // Every kind of the mix was exercised.
    for (const kind of ['allowed', 'redacted', 'blocked', 'malformed', 'upstream']) expect(Object.keys(report.byKind[kind] ?? {}).length).toBeGreaterThan(0);
  }, 60_000);
});
