import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The bench as `npm run bench -- --smoke` runs it (npm test builds dist/ first). A smoke run:
// a tiny corpus and one-second wrk runs, so the bench keeps working; no figure is asserted
// (this machine is shared and noisy; the figures are for people to read, as ratios).
const RUN = new URL('../../dist/bench/run.js', import.meta.url).pathname;
const run = promisify(execFile);

describe('bench smoke run', () => {
  it('runs every part on a tiny corpus, prints the table and writes the JSON', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eg-bench-'));
    try {
      const { stdout } = await run('node', [RUN, '--smoke', '--out', out], { timeout: 90_000, maxBuffer: 4 << 20 });
      expect(stdout).toMatch(/egress-guard bench: smoke run/);
      expect(stdout).toMatch(/^part\s+figure\s+value\s+baseline \(same run\)\s+ratio\s+target/m);
      expect(stdout).toMatch(/^matcher\s+product matcher, body bytes to findings \(parse\+pre-check\+classify\)\s+[\d.]+ MB\/s\s+combined regex [\d.]+ MB\/s\s+[\d.]+×/m);
      expect(stdout).toMatch(/^matcher\s+leaf classifier alone, every leaf \(no pre-check\)\s+[\d.]+ MB\/s/m);
      expect(stdout).toMatch(/^matcher\s+event-loop max delay/m);
      expect(stdout).toMatch(/^memory\s+peak RSS, slow uploads: gateway/m);
      expect(stdout).toMatch(/^scan\s+scan --ndjson start to exit, empty input: bin \(bundle\)\s+[\d.]+ s\s+tsc output [\d.]+ s/m);
      expect(stdout).toMatch(/^scan\s+scan --ndjson start to exit, \d+ docs/m);
      // ../shared beside the checkout (as in CI): the scorer's sample, as shipped vs without the code
      // cache, and without it vs Node 20's default budget.
      expect(stdout).toMatch(/^scan\s+scan --ndjson start to exit, the scorer's public sample \(\d+ docs\): bin as shipped\s+\d+ KB\/s\s+no code cache \d+ KB\/s|^note: scorer sample row skipped/m);
      expect(stdout).toMatch(/^scan\s+the same without the code cache: 256 KiB interrupt budget \(as shipped\)\s+\d+ KB\/s\s+66 KiB budget \d+ KB\/s|^note: scorer sample row skipped/m);
      // wrk and rg are optional: their rows are there, or a note says why not.
      expect(stdout).toMatch(/^gateway\s+2 KiB: gateway req\/s|^note: wrk part skipped/m);
      expect(stdout).toMatch(/^gateway\s+2 KiB: gateway with the body relayed unread \(inspect: never\) req\/s\s+\d+\s+http-proxy \d+|^note: wrk part skipped/m);
      expect(stdout).toMatch(/rg --count-matches|^note: rg part skipped/m);
      const files = readdirSync(out).filter((f) => f.endsWith('-smoke.json'));
      expect(files).toHaveLength(1);
      const json = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as { mode: string; rows: unknown[]; matcher: { corpus: { bodies: number } } };
      expect(json.mode).toBe('smoke');
      expect(json.rows.length).toBeGreaterThan(5);
      expect(json.matcher.corpus.bodies).toBeGreaterThan(50);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
