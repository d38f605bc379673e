import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listTrailFiles } from '../../src/audit/trail-files.js';
import { runAuditReport } from '../../src/cli/audit-run.js';

/**
 * The report of the checked-in fixture trail, rendered by a real browser: the HTML must load
 * from a file:// URL with no network, draw its SVG charts and tables, and produce a screenshot
 * (kept under .tmp/, git-ignored, for a human to look at).
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../../', import.meta.url).pathname;
const TRAIL = join(ROOT, 'test/fixtures/audit/trail');
const OUT = join(ROOT, '.tmp/audit-report');
const run = promisify(execFile);

function chromiumArgs(profile: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`];
}

// In CI Chromium is installed by .ci/run, so a missing browser fails there instead of skipping.
describe.runIf(existsSync(CHROMIUM) || process.env.CI !== undefined)('audit report in headless Chromium', () => {
  it('renders the fixture trail: a PNG screenshot, and a DOM with the charts and tables', async () => {
    mkdirSync(OUT, { recursive: true });
    const html = join(OUT, 'report.html');
    const png = join(OUT, 'report.png');
    rmSync(png, { force: true });
    // A policy whose bases the report lists with their expiry: one ending in 20 days, one ended.
    const policy = join(OUT, 'policy.yaml');
    const soon = new Date(Date.now() + (20 * 24 + 8) * 3_600_000).toISOString().slice(0, 10);
    writeFileSync(
      policy,
      `version: 1
destinations:
  - { name: crm, jurisdiction: US, recipient: Acme CRM Inc., hosts: [api.crm.example] }
bases:
  - { id: crm-scc, type: standard_contract, recipients: [crm], categories: ["pi.*"], valid_from: 2024-01-01, valid_to: ${soon}, reference: SCC-2024-17 }
  - { id: crm-old, type: certification, recipients: [crm], categories: [pi.email], valid_from: 2020-01-01, valid_to: 2023-12-31 }
`,
    );
    expect(await runAuditReport(listTrailFiles(TRAIL), { out: html, policy }, { stdout: process.stdout, stderr: process.stderr })).toBe(0);
    const url = pathToFileURL(html).href;

    const profile = mkdtempSync(join(tmpdir(), 'eg-chromium-'));
    try {
      await run(CHROMIUM, [...chromiumArgs(profile), `--screenshot=${png}`, '--window-size=1400,3200', url], { timeout: 60_000 });
      const image = readFileSync(png);
      expect(image.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(image.length).toBeGreaterThan(10_000);

      const { stdout: dom } = await run(CHROMIUM, [...chromiumArgs(profile), '--dump-dom', url], { timeout: 60_000, maxBuffer: 32 * 2 ** 20 });
      expect(dom.match(/<svg /g)?.length).toBe(3);
      for (const id of ['flows', 'timeline', 'individuals', 'links', 'bases', 'missing-basis']) expect(dom).toContain(`<section id="${id}">`);
      expect(dom).toMatch(/<table id="bases-table">[\s\S]*crm-old[\s\S]*EXPIRED[\s\S]*crm-scc[\s\S]*expires in 20 days[\s\S]*<\/table>/);
      expect(dom).toMatch(/<table id="links-table">[\s\S]*api\.crm\.example:443[\s\S]*<\/table>/);
      expect(dom).toMatch(/<table id="recipients-table">[\s\S]*Acme CRM Inc\.[\s\S]*<\/table>/);
      expect(dom).toContain('class="bar-block"');
      expect(dom).toContain('class="limit"');
      // The hostile recipient name stays text: the browser parsed no script out of it.
      expect(dom).not.toMatch(/<script/i);
      expect(dom).toContain('Evil &amp; &lt;Co&gt;');
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
