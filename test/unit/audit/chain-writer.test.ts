import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genesisHash, keyId, recordHash } from '../../../src/audit/chain.js';
import { createChainedAuditSink } from '../../../src/audit/chain-writer.js';
import { auditLineSchema } from '../../../src/audit/schema.js';
import { listTrailFiles, TRAIL_FILE_NAME } from '../../../src/audit/trail-files.js';
import { verifyTrail } from '../../../src/audit/verify.js';
import { FIXTURE_KEY, fixtureEvent, fixtureEvents } from '../../fixtures/audit/events.js';
import { captureLog, readLines, records, tempDir, writeTrail } from './helpers.js';

describe('chained audit sink', () => {
  it('frames events with a header and a trailer and links every record to the one before', async () => {
    const dir = tempDir();
    const files = await writeTrail(dir, fixtureEvents(20));
    expect(files).toHaveLength(1);
    expect(TRAIL_FILE_NAME.test(files[0]!.split('/').pop()!)).toBe(true);
    const recs = records(files[0]!);
    expect(recs.map((r) => r['kind'])).toEqual(['header', ...Array(20).fill('request'), 'trailer']);
    const header = recs[0]!;
    expect(header).toMatchObject({ segment: 0, firstSeq: 0, keyId: keyId(FIXTURE_KEY), unclean: false });
    expect(header['prev']).toBe(genesisHash(FIXTURE_KEY, String(header['chain']), String(header['start'])));
    for (let i = 1; i < recs.length; i++) expect(recs[i]!['prev']).toBe(recs[i - 1]!['hash']);
    for (const r of recs) expect(recordHash(FIXTURE_KEY, r)).toBe(r['hash']);
    expect(recs.slice(1, -1).map((r) => r['seq'])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(recs.at(-1)).toMatchObject({ kind: 'trailer', events: 20, nextSeq: 20, dropped: 0, reason: 'close' });
    for (const r of recs) expect(auditLineSchema.safeParse(r).success).toBe(true);
  });

  it('keeps the event as given apart from seq, prev and hash (a producer cannot preset them)', async () => {
    const dir = tempDir();
    const event = { ...fixtureEvent(1), seq: 99, prev: 'f'.repeat(64), hash: 'e'.repeat(64) };
    const [file] = await writeTrail(dir, [event]);
    const written = records(file!)[1]!;
    expect(written['seq']).toBe(0);
    const { seq: _s, prev: _p, hash: _h, ...rest } = written;
    const { seq: _s2, prev: _p2, hash: _h2, ...given } = event;
    expect(rest).toEqual(JSON.parse(JSON.stringify(given)));
  });

  it('continues the chain after a restart: a new segment, same chain, seq carrying on', async () => {
    const dir = tempDir();
    await writeTrail(dir, fixtureEvents(5));
    const files = await writeTrail(dir, fixtureEvents(8).slice(5));
    expect(files).toHaveLength(2);
    const [first, second] = files.map(records);
    expect(second![0]).toMatchObject({ kind: 'header', segment: 1, firstSeq: 5, chain: first![0]!['chain'], unclean: false, prev: first!.at(-1)!['hash'] });
    expect((await verifyTrail(files, { keys: [FIXTURE_KEY] })).valid).toBe(true);
  });

  it('marks the next segment unclean when the writer stopped without closing, and verify accepts it', async () => {
    const dir = tempDir();
    const crashed = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log });
    for (const e of fixtureEvents(4)) crashed.write(e);
    await crashed.flush();
    const { log, lines } = captureLog();
    const files = await writeTrail(dir, fixtureEvents(6).slice(4), { log });
    expect(records(files[1]!)[0]).toMatchObject({ unclean: true, firstSeq: 4 });
    expect(lines.some((l) => String(l['msg']).includes('not closed cleanly'))).toBe(true);
    const report = await verifyTrail(files, { keys: [FIXTURE_KEY] });
    expect(report.valid).toBe(true);
    expect(report.warnings.join('\n')).toMatch(/ended without a trailer/);
    await crashed.close();
  });

  it('survives a crash in the middle of a line: verify warns, the chain stays valid', async () => {
    const dir = tempDir();
    const crashed = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log });
    for (const e of fixtureEvents(3)) crashed.write(e);
    await crashed.flush();
    appendFileSync(listTrailFiles(dir)[0]!, '{"v":1,"kind":"request","decis');
    const files = await writeTrail(dir, fixtureEvents(5).slice(3));
    const report = await verifyTrail(files, { keys: [FIXTURE_KEY] });
    expect(report.valid).toBe(true);
    expect(report.events).toBe(5);
    expect(report.warnings.join('\n')).toMatch(/stopped in the middle of this line/);
  });

  it('appends segments to one file in single-file mode, newline-separating a partial tail', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit.ndjson');
    const first = createChainedAuditSink({ file, key: FIXTURE_KEY, log: captureLog().log });
    first.write(fixtureEvent(0));
    await first.flush();
    appendFileSync(file, '{"half":');
    const second = createChainedAuditSink({ file, key: FIXTURE_KEY, log: captureLog().log });
    second.write(fixtureEvent(1));
    await second.close();
    const kinds = readLines(file).map((l) => { try { return (JSON.parse(l) as { kind: string }).kind; } catch { return 'partial'; } });
    expect(kinds).toEqual(['header', 'request', 'partial', 'header', 'request', 'trailer']);
    const report = await verifyTrail([file], { keys: [FIXTURE_KEY] });
    expect(report.valid).toBe(true);
    expect(report.segments).toBe(2);
    await first.close();
  });

  it('refuses to chain onto a file that is not a chained trail', () => {
    const dir = tempDir();
    const file = join(dir, 'plain.ndjson');
    writeFileSync(file, `${JSON.stringify(fixtureEvent(0))}\n`);
    expect(() => createChainedAuditSink({ file, key: FIXTURE_KEY, log: captureLog().log })).toThrow(/does not start with a chain header/);
  });

  it('logs checkpoints (latest seq, hash and count) every N events and at close', async () => {
    const dir = tempDir();
    const { log, lines } = captureLog();
    const files = await writeTrail(dir, fixtureEvents(25), { log, checkpoint: { everyEvents: 10, everyMs: 0 } });
    const checkpoints = lines.filter((l) => l['msg'] === 'audit checkpoint').map((l) => l['auditCheckpoint'] as { seq: number; hash: string; events: number; reason: string });
    expect(checkpoints.map((c) => [c.seq, c.events, c.reason])).toEqual([[9, 10, 'events'], [19, 20, 'events'], [24, 25, 'close']]);
    const bySeq = new Map(records(files[0]!).map((r) => [r['seq'], r['hash']]));
    for (const c of checkpoints) expect(bySeq.get(c.seq)).toBe(c.hash);
    expect((await verifyTrail(files, { keys: [FIXTURE_KEY], checkpoints })).valid).toBe(true);
  });

  it('writes files only the owner can read', async () => {
    const dir = tempDir();
    const [file] = await writeTrail(dir, fixtureEvents(1));
    const { statSync } = await import('node:fs');
    expect(statSync(file!).mode & 0o077).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});

describe('chained audit sink, restarts', () => {
  it('skips an empty newest file (killed right after opening it) and keeps the chain', async () => {
    const dir = tempDir();
    await writeTrail(dir, fixtureEvents(3));
    writeFileSync(join(dir, 'audit-20000101T000000Z-000001.ndjson'), '');
    const files = await writeTrail(dir, fixtureEvents(5).slice(3));
    expect(files).toHaveLength(3);
    expect(records(files[2]!)[0]).toMatchObject({ segment: 2, firstSeq: 3, unclean: false, prev: records(files[0]!).at(-1)!['hash'] });
    const report = await verifyTrail(files, { keys: [FIXTURE_KEY] });
    expect(report).toMatchObject({ valid: true, events: 5 });
  });
});
