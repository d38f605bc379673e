import { describe, expect, it } from 'vitest';
import { createChainedAuditSink } from '../../../src/audit/chain-writer.js';
import { listTrailFiles, segmentOfName } from '../../../src/audit/trail-files.js';
import { verifyTrail } from '../../../src/audit/verify.js';
import { FIXTURE_KEY, fixtureEvents } from '../../fixtures/audit/events.js';
import { captureLog, records, tempDir, writeTrail } from './helpers.js';

describe('rotation', () => {
  it('starts a new file past maxBytes and carries the chain across files', async () => {
    const dir = tempDir();
    const files = await writeTrail(dir, fixtureEvents(60), { rotate: { maxBytes: 8 * 1024 } });
    expect(files.length).toBeGreaterThan(3);
    const segments = files.map(records);
    segments.forEach((recs, n) => {
      expect(segmentOfName(files[n]!.split('/').pop()!)).toBe(n);
      expect(recs[0]).toMatchObject({ kind: 'header', segment: n, unclean: false });
      expect(recs.at(-1)).toMatchObject({ kind: 'trailer', segment: n, reason: n === files.length - 1 ? 'close' : 'rotate' });
      if (n > 0) expect(recs[0]!['prev']).toBe(segments[n - 1]!.at(-1)!['hash']);
      const size = recs.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
      expect(size).toBeLessThan(8 * 1024 + 2048);
    });
    const seqs = segments.flatMap((recs) => recs.filter((r) => r['kind'] === 'request').map((r) => r['seq']));
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const report = await verifyTrail(files, { keys: [FIXTURE_KEY] });
    expect(report).toMatchObject({ valid: true, events: 60, segments: files.length, closed: true });
  });

  it('rotates by age, naming files by UTC time and segment', async () => {
    const dir = tempDir();
    let clock = Date.parse('2026-03-01T23:59:00Z');
    const sink = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log, rotate: { maxAgeMs: 60_000 }, now: () => new Date(clock) });
    const events = fixtureEvents(3);
    sink.write(events[0]!);
    clock += 30_000;
    sink.write(events[1]!);
    clock += 45_000;
    sink.write(events[2]!);
    await sink.close();
    const names = listTrailFiles(dir).map((f) => f.split('/').pop());
    expect(names).toEqual(['audit-20260301T235900Z-000000.ndjson', 'audit-20260302T000015Z-000001.ndjson']);
    expect((await verifyTrail(listTrailFiles(dir), { keys: [FIXTURE_KEY] })).valid).toBe(true);
  });

  it('orders files by the segment in their header, whatever order they are given in', async () => {
    const dir = tempDir();
    const files = await writeTrail(dir, fixtureEvents(30), { rotate: { maxBytes: 6 * 1024 } });
    const report = await verifyTrail([...files].reverse(), { keys: [FIXTURE_KEY] });
    expect(report.valid).toBe(true);
    expect(report.files).toEqual(files);
  });

  it('resumes after a rotated trail with the next segment number', async () => {
    const dir = tempDir();
    const before = await writeTrail(dir, fixtureEvents(30), { rotate: { maxBytes: 6 * 1024 } });
    const after = await writeTrail(dir, fixtureEvents(32).slice(30), { rotate: { maxBytes: 6 * 1024 } });
    expect(after).toHaveLength(before.length + 1);
    expect(records(after.at(-1)!)[0]).toMatchObject({ segment: before.length, firstSeq: 30 });
    expect((await verifyTrail(after, { keys: [FIXTURE_KEY] })).valid).toBe(true);
  });
});
