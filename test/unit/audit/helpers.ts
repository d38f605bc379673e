import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createChainedAuditSink, type ChainedAuditSinkOptions } from '../../../src/audit/chain-writer.js';
import type { AuditEvent } from '../../../src/audit/event.js';
import { listTrailFiles } from '../../../src/audit/trail-files.js';
import { FIXTURE_KEY } from '../../fixtures/audit/events.js';
import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/io.js';

export function tempDir(prefix = 'eg-audit-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A logger whose lines the test can read (checkpoints, failures). */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

/** Writes events through a chained sink into `dir` and closes it; returns the files in order. */
export async function writeTrail(dir: string, events: readonly AuditEvent[], options: Partial<ChainedAuditSinkOptions> = {}): Promise<string[]> {
  const sink = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log, ...options });
  for (const e of events) sink.write(e);
  await sink.close();
  return listTrailFiles(dir);
}

export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

export function records(file: string): Record<string, unknown>[] {
  return readLines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The fixture trail (300 events over four days) written through the chained sink, rotated. */
export async function fixtureTrail(): Promise<string[]> {
  const { fixtureEvents } = await import('../../fixtures/audit/events.js');
  return writeTrail(tempDir(), fixtureEvents(), { rotate: { maxBytes: 128 * 1024 } });
}

/** A command's stdout and stderr captured as text (stderr is not a TTY: no progress lines). */
export function captureIo(): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk: Buffer, _e, done) { append(chunk.toString()); done(); } });
  return {
    stdout: sink((s) => (out += s)),
    stderr: Object.assign(sink((s) => (err += s)), { isTTY: false }) as unknown as NodeJS.WriteStream,
    out: () => out,
    err: () => err,
  };
}

