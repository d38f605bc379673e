import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expandTrailArgs, parseTimeArg, Progress, readTrailLines } from '../../../src/audit/read.js';
import { summariseTrail } from '../../../src/audit/summary.js';
import { verifyTrail } from '../../../src/audit/verify.js';
import { FIXTURE_KEY, fixtureEvents } from '../../fixtures/audit/events.js';
import { tempDir, writeTrail } from './helpers.js';

describe('reading trail files', () => {
  it('streams lines with their numbers and flags an unterminated last line', async () => {
    const file = join(tempDir(), 'a.ndjson');
    writeFileSync(file, 'one\n\ntwo\nthr');
    const lines = [];
    for await (const l of readTrailLines([file])) lines.push(l);
    expect(lines.map((l) => [l.line, l.text, l.complete])).toEqual([[1, 'one', true], [2, '', true], [3, 'two', true], [4, 'thr', false]]);
  });

  it('reads gzip-compressed (archived) files like plain ones, for verify and the readers', async () => {
    const files = await writeTrail(tempDir(), fixtureEvents(40), { rotate: { maxBytes: 16 * 1024 } });
    const gz = `${files[0]!}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(files[0]!)));
    const mixed = [gz, ...files.slice(1)];
    expect((await verifyTrail(mixed, { keys: [FIXTURE_KEY] })).valid).toBe(true);
    expect((await summariseTrail(mixed, [], {})).total.flows).toBe(40);
  });

  it('expands a directory into its trail files', async () => {
    const files = await writeTrail(tempDir(), fixtureEvents(40), { rotate: { maxBytes: 16 * 1024 } });
    expect(expandTrailArgs([join(files[0]!, '..')])).toEqual(files);
    expect(() => expandTrailArgs([])).toThrow(/no audit files/);
  });

  it('parses --since/--until as UTC unless an offset is written', () => {
    expect(parseTimeArg('2026-01-01', '--since')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseTimeArg('2026-01-01T08:00', '--since')).toBe(Date.parse('2026-01-01T08:00:00Z'));
    expect(parseTimeArg('2026-01-01T08:00:00+08:00', '--since')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseTimeArg(undefined, '--since')).toBeUndefined();
    expect(() => parseTimeArg('last week', '--until')).toThrow(/--until "last week"/);
  });

  it('shows progress on a terminal for large inputs only, and clears it at the end', () => {
    const drawn: string[] = [];
    const tty = Object.assign(new Writable({ write(c: Buffer, _e, done) { drawn.push(c.toString()); done(); } }), { isTTY: true }) as unknown as NodeJS.WriteStream;
    const big = new Progress(100 * 2 ** 20, 'reading', tty);
    big.add(50 * 2 ** 20);
    big.finish();
    expect(drawn[0]).toMatch(/^\rreading 50% \(50 of 100 MiB\)/);
    expect(drawn.at(-1)).toBe('\r\x1b[K');
    drawn.length = 0;
    const small = new Progress(1024, 'reading', tty);
    small.add(1024);
    small.finish();
    const pipe = new Progress(100 * 2 ** 20, 'reading', Object.assign(tty, { isTTY: false }));
    pipe.add(2 ** 20);
    pipe.finish();
    expect(drawn).toEqual([]);
  });
});
