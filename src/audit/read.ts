import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EgError } from '../errors.js';
import { isAuditEvent, type AuditEvent } from './event.js';
import { TRAIL_FILE_NAME } from './trail-files.js';

/**
 * Streaming access to trail files for the commands: line by line (a trail of several years does
 * not fit in memory), plain or gzip-compressed, with a progress line on stderr for long reads.
 */

export interface TrailLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** False for a last line with no newline: the writer was cut off mid-line (or the file was). */
  readonly complete: boolean;
}

/** Command-line arguments to files: a directory stands for the trail files inside it. */
export function expandTrailArgs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch (err) {
      throw new EgError('EG_CONFIG_INVALID', `${arg}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (!isDir) {
      files.push(arg);
      continue;
    }
    const inside = readdirSync(arg).filter((name) => TRAIL_FILE_NAME.test(name) || /\.ndjson(?:\.gz)?$/.test(name)).sort();
    files.push(...inside.map((name) => join(arg, name)));
  }
  if (files.length === 0) throw new EgError('EG_CONFIG_INVALID', 'no audit files given');
  return files;
}

export class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly active: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    threshold = 32 * 2 ** 20,
  ) {
    this.active = Boolean(out.isTTY) && total >= threshold;
  }

  add(bytes: number): void {
    this.done += bytes;
    if (!this.active) return;
    const now = Date.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const pct = Math.min(100, Math.floor((this.done / this.total) * 100));
    this.out.write(`\r${this.label} ${pct}% (${mib(this.done)} of ${mib(this.total)} MiB)\x1b[K`);
  }

  finish(): void {
    if (this.active) this.out.write('\r\x1b[K');
  }
}

const mib = (n: number) => (n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0);

export function totalSize(files: readonly string[]): number {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}

export async function* readTrailLines(files: readonly string[], progress?: Progress): AsyncGenerator<TrailLine> {
  for (const file of files) {
    const raw = createReadStream(file);
    if (progress) raw.on('data', (chunk) => progress.add(chunk.length));
    const source: Readable = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    raw.on('error', (err) => source.destroy(err));
    let pieces: Buffer[] = [];
    let line = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
        pieces.push(chunk.subarray(from, nl));
        line += 1;
        yield { file, line, text: Buffer.concat(pieces).toString('utf8'), complete: true };
        pieces = [];
        from = nl + 1;
      }
      if (from < chunk.length) pieces.push(chunk.subarray(from));
    }
    if (pieces.length > 0) yield { file, line: line + 1, text: Buffer.concat(pieces).toString('utf8'), complete: false };
  }
}

export interface EventFilter {
  readonly since?: number;
  readonly until?: number;
}

export interface ReadStats {
  /** Lines that were not events (headers, trailers) — expected. */
  chainRecords: number;
  /** Lines that did not parse or did not look like an event. */
  skipped: number;
}

/** Events in [since, until). Lines that are not events are counted, not fatal: `audit verify`
 *  is the place that judges the trail; the readers report on what is readable. */
export async function* readEvents(
  files: readonly string[],
  filter: EventFilter,
  stats: ReadStats,
  progress?: Progress,
): AsyncGenerator<{ event: AuditEvent; file: string; line: number }> {
  for await (const { file, line, text } of readTrailLines(files, progress)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      stats.skipped += 1;
      continue;
    }
    if (value === null || typeof value !== 'object') {
      stats.skipped += 1;
      continue;
    }
    const record = value as Record<string, unknown>;
    if (!isAuditEvent(record)) {
      if (record['kind'] === 'header' || record['kind'] === 'trailer') stats.chainRecords += 1;
      else if (record['kind'] === 'threshold' || record['kind'] === 'drift') continue;
      else stats.skipped += 1;
      continue;
    }
    const time = Date.parse(String(record.time));
    if (!Number.isFinite(time) || typeof record.destination !== 'object' || !Array.isArray(record.findings)) {
      stats.skipped += 1;
      continue;
    }
    if (filter.since !== undefined && time < filter.since) continue;
    if (filter.until !== undefined && time >= filter.until) continue;
    yield { event: record, file, line };
  }
  progress?.finish();
}

/** --since / --until: an ISO 8601 date or date-time. Without an offset it is UTC (as the trail
 *  is); write the offset (2026-01-01T00:00:00+08:00) for Beijing time. */
export function parseTimeArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(value.trim());
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}`) : NaN;
  if (!Number.isFinite(ms)) throw new EgError('EG_CONFIG_INVALID', `${flag} "${value}": expected an ISO 8601 date, e.g. 2026-01-01 or 2026-01-01T00:00:00+08:00`);
  return ms;
}

/** Connect events whose requests were inspected one by one duplicate those requests' flows. */
export function isFlow(event: AuditEvent): boolean {
  return !(event.kind === 'connect' && event.tunnel === 'http');
}
