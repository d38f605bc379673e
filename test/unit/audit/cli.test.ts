import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAuditCommands } from '../../../src/cli/audit.js';
import { runAuditReport, runAuditSubject, runAuditSummary, runAuditVerify } from '../../../src/cli/audit-run.js';
import { FIXTURE_PHONE } from '../../fixtures/audit/events.js';
import { captureIo, fixtureTrail, readLines, tempDir } from './helpers.js';

const KEY_FILE = new URL('../../fixtures/audit/key.hex', import.meta.url).pathname;

const io = captureIo;

describe('audit commands', () => {
  it('verify: 0 for a valid trail (files or its directory), 1 when broken, 2 without the right key', async () => {
    const files = await fixtureTrail();
    const dir = join(files[0]!, '..');
    let streams = io();
    expect(await runAuditVerify([dir], { keyFile: [KEY_FILE] }, streams)).toBe(0);
    expect(streams.out()).toMatch(/^valid: chain [0-9a-f]{16}, 3 files, 3 segments, 300 events \(seq 0\.\.299\), closed/);
    writeFileSync(files[1]!, readLines(files[1]!).filter((_, i) => i !== 3).join('\n') + '\n');
    streams = io();
    expect(await runAuditVerify(files, { keyFile: [KEY_FILE], json: true }, streams)).toBe(1);
    expect(JSON.parse(streams.out())).toMatchObject({ valid: false, break: { kind: 'deleted', file: files[1], line: 4 } });
    streams = io();
    expect(await runAuditVerify(files, { key: ['11'.repeat(32)] }, streams)).toBe(2);
    expect(streams.err()).toMatch(/cannot verify: .* written with key id/);
    streams = io();
    expect(await runAuditVerify(files, { keyFile: [KEY_FILE], checkpoint: ['12:nothex'] }, streams)).toBe(2);
    expect(streams.err()).toMatch(/--checkpoint "12:nothex"/);
  });

  it('usage problems exit 2 with the reason on stderr', async () => {
    const files = await fixtureTrail();
    let streams = io();
    expect(await runAuditSummary(files, { by: 'colour' }, streams)).toBe(2);
    expect(streams.err()).toMatch(/EG_CONFIG_INVALID: .*--by colour/);
    streams = io();
    expect(await runAuditSummary(['/nonexistent/trail'], {}, streams)).toBe(2);
    expect(streams.err()).toMatch(/ENOENT/);
    streams = io();
    expect(await runAuditSummary(files, { since: 'yesterday' }, streams)).toBe(2);
    streams = io();
    const savedEnv = { key: process.env['EG_AUDIT_KEY'], file: process.env['EG_AUDIT_KEY_FILE'] };
    delete process.env['EG_AUDIT_KEY'];
    delete process.env['EG_AUDIT_KEY_FILE'];
    try {
      expect(await runAuditSubject(FIXTURE_PHONE, files, {}, streams)).toBe(2);
      expect(streams.err()).toMatch(/no audit key/);
    } finally {
      if (savedEnv.key !== undefined) process.env['EG_AUDIT_KEY'] = savedEnv.key;
      if (savedEnv.file !== undefined) process.env['EG_AUDIT_KEY_FILE'] = savedEnv.file;
    }
  });

  it('summary prints a table, or JSON', async () => {
    const files = await fixtureTrail();
    const streams = io();
    expect(await runAuditSummary(files, { by: 'jurisdiction', since: '2026-01-05', until: '2026-01-06T00:00:00+00:00', json: true }, streams)).toBe(0);
    const summary = JSON.parse(streams.out()) as { rows: { key: { jurisdiction: string } }[]; total: { flows: number } };
    expect(summary.total.flows).toBe(85);
    expect(summary.rows.map((r) => r.key.jurisdiction).sort()).toEqual(['CN', 'HK', 'US', 'ZZ']);
  });

  it('subject reads identifiers from stdin with "-", and never prints them', async () => {
    const files = await fixtureTrail();
    const streams = io();
    const { Readable } = await import('node:stream');
    expect(await runAuditSubject('-', files, { keyFile: [KEY_FILE] }, streams, Readable.from([`${FIXTURE_PHONE}\n`]))).toBe(0);
    expect(streams.out()).toMatch(/flows: 9\n/);
    expect(streams.out() + streams.err()).not.toContain(FIXTURE_PHONE);
  });

  it('report writes one HTML file', async () => {
    const files = await fixtureTrail();
    const out = join(tempDir(), 'nested', 'report.html');
    const streams = io();
    expect(await runAuditReport(files, { out, title: 'Q1 <review>' }, streams)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<title>Q1 &#60;review&#62;</title>');
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(streams.err()).toMatch(/300 flows, 4 data links/);
  });

  it('registers verify, summary, subject, report, schema and keygen under "audit"', async () => {
    const program = new Command('egress-guard');
    const streams = io();
    const codes: number[] = [];
    const audit = registerAuditCommands(program, streams, (c) => codes.push(c));
    expect(audit.commands.map((c) => c.name())).toEqual(['verify', 'summary', 'subject', 'report', 'schema', 'keygen']);
    const files = await fixtureTrail();
    await program.parseAsync(['node', 'egress-guard', 'audit', 'verify', '--key-file', KEY_FILE, ...files]);
    await program.parseAsync(['node', 'egress-guard', 'audit', 'summary', '--by', 'recipient,category', ...files]);
    expect(codes).toEqual([0, 0]);
    expect(streams.out()).toMatch(/recipient\s+category\s+flows/);
    await program.parseAsync(['node', 'egress-guard', 'audit', 'keygen']);
    expect(streams.out()).toMatch(/\n[0-9a-f]{64}\n$/);
    expect(streams.err()).toMatch(/key id [0-9a-f]{16}/);
  });
});
