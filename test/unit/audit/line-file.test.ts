import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineFile } from '../../../src/audit/line-file.js';
import { tempDir } from './helpers.js';

function open(path: string) {
  let batches = 0;
  const errors: string[] = [];
  const file = new LineFile({ path }, { written: () => (batches += 1), error: (e) => errors.push(String(e.code)) });
  return { file, errors, batches: () => batches };
}

describe('line file', () => {
  it('writes the lines accepted together as one batch, in order', async () => {
    const path = join(tempDir(), 'a.ndjson');
    const { file, batches } = open(path);
    const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(20)}"}\n`);
    for (const l of lines) file.write(l);
    // The first 64 KiB went out in line; the rest waits for the batch timer.
    expect(file.pendingBytes).toBeGreaterThan(0);
    expect(file.pendingBytes).toBeLessThan(lines.join('').length);
    await file.flush();
    expect(file.pendingBytes).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    // 2000 lines of ~40 bytes: one 64 KiB batch and the rest, not one write per line.
    expect(batches()).toBeLessThanOrEqual(3);
    await file.end();
  });

  it('keeps lines written while a batch is in flight for the next one, and end() writes them all', async () => {
    const path = join(tempDir(), 'b.ndjson');
    const { file, batches } = open(path);
    const expected: string[] = [];
    for (let turn = 0; turn < 50; turn++) {
      for (let i = 0; i < 40; i++) {
        const line = `{"turn":${turn},"i":${i}}\n`;
        expected.push(line);
        file.write(line);
      }
      await new Promise((r) => setImmediate(r));
    }
    await file.end();
    expect(readFileSync(path, 'utf8')).toBe(expected.join(''));
    expect(batches()).toBeLessThan(50);
    expect(() => file.write('late\n')).toThrow(/after end/);
  });

  it('writes a regular file in line, and through the thread pool for a while after a slow write', async () => {
    const path = join(tempDir(), 'c.ndjson');
    // Every inline write counts as slow (longer than -1 ms).
    const file = new LineFile({ path }, { written: () => {}, error: () => {} }, 1_000, -1);
    const batch = (tag: string) => Array.from({ length: 2000 }, (_, i) => `{"${tag}":${i},"pad":"${'x'.repeat(30)}"}\n`).join('');
    const first = batch('a');
    file.write(first);
    // Past the batch size: written before write() returned.
    expect(file.pendingBytes).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(first);
    const second = batch('b');
    file.write(second);
    // Backed off: this batch is in flight on the thread pool, and stays pending until its
    // callback runs on this thread (the bytes may already be in the file by then).
    expect(file.pendingBytes).toBe(second.length);
    await file.flush();
    expect(file.pendingBytes).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(first + second);
    await file.end();
  });
});
