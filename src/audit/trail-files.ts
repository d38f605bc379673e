import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** audit-<UTC yyyymmddThhmmssZ>-<segment>.ndjson: names sort by time, and the segment number
 *  (also in the header inside) tells the order when clocks disagree. */
export const TRAIL_FILE_NAME = /^audit-(\d{8}T\d{6}Z)-(\d{6,})\.ndjson(?:\.gz)?$/;

export function trailFileName(time: Date, segment: number): string {
  const stamp = time.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `audit-${stamp}-${String(segment).padStart(6, '0')}.ndjson`;
}

export function segmentOfName(name: string): number | null {
  const match = TRAIL_FILE_NAME.exec(name);
  return match ? Number(match[2]) : null;
}

/** Trail files of a directory, in segment order. */
export function listTrailFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => TRAIL_FILE_NAME.test(name))
    .sort((a, b) => segmentOfName(a)! - segmentOfName(b)! || a.localeCompare(b))
    .map((name) => join(dir, name));
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

/**
 * What a restarted writer needs from the file it continues: the first record, the last
 * complete parseable record and the last segment header (not the first line when one file holds
 * several segments). Reads from the end, widening the window only as far as it must.
 */
export function readTrailEnds(path: string): { first: Json | null; last: Json | null; lastHeader: Json | null; partialTail: boolean; size: number } {
  if (path.endsWith('.gz')) {
    const whole = gunzipSync(readFileSync(path));
    return trailEnds(whole.length, (start, length) => whole.subarray(start, start + length));
  }
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return trailEnds(size, (start, length) => {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    });
  } finally {
    closeSync(fd);
  }
}

function trailEnds(size: number, read: (start: number, length: number) => Buffer) {
  if (size === 0) return { first: null, last: null, lastHeader: null, partialTail: false, size };
  let first: Json | null = null;
  for (let window = 64 * 1024; ; window *= 4) {
    const head = read(0, Math.min(window, size));
    const nl = head.indexOf(0x0a);
    if (nl >= 0 || head.length >= size) {
      first = parseObject(head.subarray(0, nl >= 0 ? nl : head.length).toString('utf8'));
      break;
    }
  }
  const partialTail = read(size - 1, 1)[0] !== 0x0a;
  let last: Json | null = null;
  let lastHeader: Json | null = null;
  for (let window = 64 * 1024; ; window *= 4) {
    const start = Math.max(0, size - window);
    const lines = read(start, size - start).toString('utf8').split('\n');
    // Drop the unterminated tail, and the first piece unless it starts at the file's start.
    lines.pop();
    if (start > 0) lines.shift();
    for (let i = lines.length - 1; i >= 0 && lastHeader === null; i--) {
      // Once the last record is known only headers matter: skip parsing events.
      if (last !== null && !lines[i]!.includes('"kind":"header"')) continue;
      const record = parseObject(lines[i]!);
      if (!record || typeof record['hash'] !== 'string') continue;
      last ??= record;
      if (record['kind'] === 'header') lastHeader = record;
    }
    if (lastHeader !== null || start === 0) break;
  }
  return { first, last, lastHeader, partialTail, size };
}
