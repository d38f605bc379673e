import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sealRecord } from '../../../src/audit/chain.js';
import { verifyTrail, type VerifyReport } from '../../../src/audit/verify.js';
import { FIXTURE_KEY, fixtureEvents } from '../../fixtures/audit/events.js';
import { captureLog, readLines, records, tempDir, writeTrail } from './helpers.js';

const verify = (files: readonly string[], extra: Partial<Parameters<typeof verifyTrail>[1]> = {}) => verifyTrail(files, { keys: [FIXTURE_KEY], ...extra });

/** Rewrites a trail file line by line, as someone with write access but without the key could. */
function tamper(file: string, edit: (lines: string[]) => string[], trailingNewline = true): void {
  writeFileSync(file, edit(readLines(file)).join('\n') + (trailingNewline ? '\n' : ''));
}

// Line n (1-based) of a single-segment file holds seq n - 2: line 1 is the header.
async function oneFile(n = 20): Promise<string> {
  const [file] = await writeTrail(tempDir(), fixtureEvents(n));
  return file!;
}

function expectBreak(report: VerifyReport, kind: string, file: string, line: number, message?: RegExp): void {
  expect(report.valid).toBe(false);
  expect(report.break).toMatchObject({ kind, file, line });
  if (message) expect(report.break!.message).toMatch(message);
}

describe('audit verify', () => {
  it('accepts an untouched trail', async () => {
    const file = await oneFile();
    expect(await verify([file])).toMatchObject({ valid: true, break: null, events: 20, segments: 1, firstSeq: 0, lastSeq: 19, closed: true, warnings: [] });
  });

  it('edited: a changed field is a hash mismatch at that file:line', async () => {
    const file = await oneFile();
    tamper(file, (lines) => lines.map((l, i) => (i === 6 ? l.replace('"jurisdiction":"', '"jurisdiction":"X') : l)));
    expectBreak(await verify([file]), 'edited', file, 7, /does not match its hash/);
  });

  it('edited: a line that no longer parses', async () => {
    const file = await oneFile();
    tamper(file, (lines) => lines.map((l, i) => (i === 4 ? l.slice(0, 40) : l)));
    expectBreak(await verify([file]), 'edited', file, 5, /not a valid chain record/);
  });

  it('deleted: the next record points at one that is gone; the seq gap says how many', async () => {
    const file = await oneFile();
    tamper(file, (lines) => lines.filter((_, i) => i !== 5));
    expectBreak(await verify([file]), 'deleted', file, 6, /1 event \(seq 4\) missing/);
    const other = await oneFile();
    tamper(other, (lines) => lines.filter((_, i) => i < 5 || i > 7));
    expectBreak(await verify([other]), 'deleted', other, 6, /3 events \(seq 4\.\.6\) missing/);
  });

  it('deleted: a segment header removed from the start of a file', async () => {
    const file = await oneFile();
    tamper(file, (lines) => lines.slice(1));
    expectBreak(await verify([file]), 'deleted', file, 1, /does not start with a segment header/);
  });

  it('reordered: two records swapped, or one moved further down', async () => {
    const file = await oneFile();
    tamper(file, (lines) => { [lines[5], lines[6]] = [lines[6]!, lines[5]!]; return lines; });
    expectBreak(await verify([file]), 'reordered', file, 6, /is at .*:7, after this one/);
    const other = await oneFile();
    tamper(other, (lines) => { const [moved] = lines.splice(3, 1); lines.splice(12, 0, moved!); return lines; });
    expectBreak(await verify([other]), 'reordered', other, 4, /:13, after this one/);
  });

  it('truncated: the file ends in a partial line', async () => {
    const file = await oneFile();
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 60));
    expectBreak(await verify([file]), 'truncated', file, 22, /partial line/);
  });

  it('truncated: cut at a line boundary, the tail is missing only against a checkpoint', async () => {
    const { log, lines } = captureLog();
    const [file] = await writeTrail(tempDir(), fixtureEvents(20), { log, checkpoint: { everyEvents: 5, everyMs: 0 } });
    const checkpoints = lines.filter((l) => l['msg'] === 'audit checkpoint').map((l) => l['auditCheckpoint'] as { seq: number; hash: string });
    tamper(file!, (all) => all.slice(0, -4));
    const alone = await verify([file!]);
    expect(alone.valid).toBe(true);
    expect(alone.warnings.join()).toMatch(/no trailer/);
    const report = await verify([file!], { checkpoints });
    expect(report.break).toMatchObject({ kind: 'truncated', file, message: expect.stringMatching(/ends at seq 16; a checkpoint recorded seq 19/) });
  });

  it('truncated: a trailer whose count disagrees with its segment', async () => {
    const file = await oneFile(6);
    tamper(file, (lines) => {
      const trailer = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      delete trailer['hash'];
      return [...lines.slice(0, -1), sealRecord(FIXTURE_KEY, { ...trailer, events: 5 }).line.trimEnd()];
    });
    expectBreak(await verify([file]), 'truncated', file, 8, /counts 5 events; segment 0 holds 6/);
  });

  it('inserted: a forged record the chain continues without', async () => {
    const file = await oneFile();
    tamper(file, (lines) => {
      const forged = lines[4]!.replace(/"decisionId":"[^"]+"/, '"decisionId":"forged"');
      lines.splice(5, 0, forged);
      return lines;
    });
    expectBreak(await verify([file]), 'inserted', file, 6, /a modified copy of the record at .*:5/);
    const other = await oneFile();
    tamper(other, (lines) => {
      const forged = lines[4]!.replace(/"hash":"[0-9a-f]+"/, `"hash":"${'ab'.repeat(32)}"`);
      lines.splice(5, 0, forged);
      return lines;
    });
    expectBreak(await verify([other]), 'inserted', other, 6, /chain continues without it/);
  });

  it('inserted: a replayed copy of an earlier record', async () => {
    const file = await oneFile();
    tamper(file, (lines) => { lines.splice(9, 0, lines[2]!); return lines; });
    expectBreak(await verify([file]), 'inserted', file, 10, /a copy of the record at .*:3/);
  });

  describe('files missing from the sequence', () => {
    async function rotated(): Promise<string[]> {
      const files = await writeTrail(tempDir(), fixtureEvents(40), { rotate: { maxBytes: 5 * 1024 } });
      expect(files.length).toBeGreaterThanOrEqual(4);
      return files;
    }

    it('a file from the middle', async () => {
      const files = await rotated();
      unlinkSync(files[1]!);
      const rest = files.filter((_, i) => i !== 1);
      expectBreak(await verify(rest), 'missing-file', files[2]!, 1, /segment 1 is missing/);
    });

    it('the first file (unless --partial)', async () => {
      const files = await rotated();
      expectBreak(await verify(files.slice(1)), 'missing-file', files[1]!, 1, /starts at segment 1/);
      const partial = await verify(files.slice(1), { partial: true });
      expect(partial.valid).toBe(true);
      expect(partial.warnings.join()).toMatch(/starts at segment 1/);
    });

    it('the last file, after a rotation', async () => {
      const files = await rotated();
      const report = await verify(files.slice(0, -1));
      expect(report.break).toMatchObject({ kind: 'missing-file', message: expect.stringMatching(/closed by rotation/) });
    });

    it('the end of a file cut at a line boundary, with later files present', async () => {
      const files = await rotated();
      tamper(files[1]!, (lines) => lines.slice(0, -2));
      expectBreak(await verify(files), 'truncated', files[2]!, 1, /segment 1 ends early/);
    });
  });

  it('cannot verify with the wrong key, and says so instead of calling the trail broken', async () => {
    const file = await oneFile(3);
    const report = await verifyTrail([file], { keys: [Buffer.alloc(32, 7)] });
    expect(report.valid).toBe(false);
    expect(report.break).toBeNull();
    expect(report.unusable).toMatch(/written with key id/);
  });

  it('reports dropped events from the trailer as a warning', async () => {
    const file = await oneFile(3);
    tamper(file, (lines) => {
      const trailer = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      delete trailer['hash'];
      return [...lines.slice(0, -1), sealRecord(FIXTURE_KEY, { ...trailer, dropped: 2 }).line.trimEnd()];
    });
    const report = await verify([file]);
    expect(report.valid).toBe(true);
    expect(report.warnings.join()).toMatch(/dropped 2 events/);
    expect(records(file).at(-1)!['dropped']).toBe(2);
  });
});
