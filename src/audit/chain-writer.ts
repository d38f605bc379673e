import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { EgError } from '../errors.js';
import { genesisHash, keyId as keyIdOf, sealRecord } from './chain.js';
import type { AuditEntry, AuditHeader, AuditTrailer } from './event.js';
import { LineFile } from './line-file.js';
import { listTrailFiles, readTrailEnds, segmentOfName, trailFileName } from './trail-files.js';
import type { AuditSink } from './writer.js';

export interface ChainedAuditSinkOptions {
  /** A directory of rotated files (audit-<time>-<segment>.ndjson). Give `dir` or `file`. */
  readonly dir?: string;
  /** One file; each start of the writer appends a new segment. No rotation. */
  readonly file?: string;
  readonly key: Buffer;
  /** Start a new file once the current one would pass maxBytes, or is older than maxAgeMs. */
  readonly rotate?: { readonly maxBytes?: number; readonly maxAgeMs?: number };
  /** Operational logger: checkpoints and write failures go here, apart from the trail. */
  readonly log: Logger;
  readonly checkpoint?: { readonly everyEvents?: number; readonly everyMs?: number };
  /** Accepted-but-unwritten bytes past which healthy() turns false. */
  readonly maxPendingBytes?: number;
  /** Past this backlog events are counted as dropped (in the trailer) rather than held in memory. */
  readonly dropAfterBytes?: number;
  /** A write failed (ENOSPC, EACCES, ...), or the backlog crossed maxPendingBytes (code EG_AUDIT_BACKLOG). */
  readonly onError?: (err: NodeJS.ErrnoException) => void;
  /** Written in segment headers; the host name by default. */
  readonly instance?: string;
  /** How long close() waits for pending bytes before giving them up. */
  readonly closeTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface AuditSinkStatus {
  readonly healthy: boolean;
  readonly error: string | null;
  readonly pendingBytes: number;
  readonly dropped: number;
  readonly chain: string;
  readonly segment: number;
  /** Events in the chain so far (the next event's seq). */
  readonly events: number;
  readonly lastHash: string;
  readonly file: string | null;
}

export interface ChainedAuditSink extends AuditSink {
  healthy(): boolean;
  status(): AuditSinkStatus;
}

export const CHAIN_DEFAULTS = Object.freeze({
  maxPendingBytes: 16 * 2 ** 20,
  checkpointEveryEvents: 10_000,
  checkpointEveryMs: 60_000,
  /** A failed rotation (cannot create the next file) is retried after this long, meanwhile the
   *  current file keeps growing. */
  rotateRetryMs: 10_000,
});

interface Resume {
  readonly chain: string;
  readonly start: string;
  readonly segment: number;
  readonly nextSeq: number;
  readonly lastHash: string;
  readonly lastEventHash: string | null;
  readonly clean: boolean;
  readonly partialTail: boolean;
  readonly keyId: string;
}

/** Continues the chain of an existing trail, so that a restart is a new segment, not a new chain. */
function resumeFrom(path: string): Resume | null {
  const { first, last, lastHeader, partialTail, size } = readTrailEnds(path);
  if (size === 0) return null;
  if (!first || first['kind'] !== 'header' || !last || !lastHeader) {
    throw new EgError('EG_CONFIG_INVALID', `audit trail ${path} does not start with a chain header; give the chained writer a new file or directory`);
  }
  const header = lastHeader as unknown as AuditHeader;
  const lastHash = String(last['hash']);
  let nextSeq: number;
  if (last['kind'] === 'trailer') nextSeq = (last as unknown as AuditTrailer).nextSeq;
  else if (last['kind'] === 'header') nextSeq = (last as unknown as AuditHeader).firstSeq;
  else nextSeq = Number(last['seq']) + 1;
  if (!Number.isInteger(nextSeq)) throw new EgError('EG_CONFIG_INVALID', `audit trail ${path}: its last record has no sequence number`);
  return {
    chain: header.chain,
    start: header.start,
    segment: header.segment,
    nextSeq,
    lastHash,
    lastEventHash: last['kind'] === 'request' || last['kind'] === 'connect' || last['kind'] === 'threshold' || last['kind'] === 'drift' ? lastHash : null,
    clean: last['kind'] === 'trailer' && !partialTail,
    partialTail,
    keyId: header.keyId,
  };
}

/**
 * The tamper-evident trail: every record carries `prev` (the previous record's hash) and `hash`
 * (HMAC over prev and the record's canonical JSON), across files and restarts. Headers and
 * trailers bound each segment so `audit verify` can tell a missing file from deleted lines.
 * Writing never throws on the request path: failures make healthy() false and reach onError.
 */
export function createChainedAuditSink(options: ChainedAuditSinkOptions): ChainedAuditSink {
  if ((options.dir === undefined) === (options.file === undefined)) throw new EgError('EG_CONFIG_INVALID', 'audit: give a directory or a file');
  if (options.file !== undefined && (options.rotate?.maxBytes || options.rotate?.maxAgeMs)) {
    throw new EgError('EG_CONFIG_INVALID', 'audit: rotation needs a directory, not a single file');
  }
  const { key, log } = options;
  const now = options.now ?? (() => new Date());
  const keyId = keyIdOf(key);
  const instance = options.instance ?? hostname();
  const maxPending = options.maxPendingBytes ?? CHAIN_DEFAULTS.maxPendingBytes;
  const dropAfter = options.dropAfterBytes ?? maxPending * 4;
  const everyEvents = options.checkpoint?.everyEvents ?? CHAIN_DEFAULTS.checkpointEveryEvents;
  const everyMs = options.checkpoint?.everyMs ?? CHAIN_DEFAULTS.checkpointEveryMs;
  const maxBytes = options.rotate?.maxBytes ?? 0;
  const maxAgeMs = options.rotate?.maxAgeMs ?? 0;

  let previous: string | undefined;
  let resumed: Resume | null = null;
  let highestName = -1;
  if (options.dir !== undefined) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const existing = listTrailFiles(options.dir);
    highestName = segmentOfName(basename(existing.at(-1) ?? '')) ?? -1;
    // A writer killed right after opening a file leaves it empty: the chain goes on from the
    // newest file that has records, and the new file still gets a number of its own.
    for (const file of existing.reverse()) {
      resumed = resumeFrom(file);
      previous = file;
      if (resumed) break;
    }
  } else if (existsSync(options.file!)) {
    previous = options.file;
    resumed = resumeFrom(options.file!);
  }
  if (resumed && resumed.keyId !== keyId) log.warn({ previousKeyId: resumed.keyId, keyId }, 'audit key changed: verify the trail with both keys');
  if (resumed && !resumed.clean) log.warn({ file: previous, partialLine: resumed.partialTail }, 'audit trail was not closed cleanly; continuing its chain');

  const chain = resumed?.chain ?? randomBytes(8).toString('hex');
  const start = resumed?.start ?? now().toISOString();
  let segment = resumed ? Math.max(resumed.segment, highestName) + 1 : 0;
  let nextSeq = resumed?.nextSeq ?? 0;
  let lastHash = resumed?.lastHash ?? genesisHash(key, chain, start);
  let lastEventHash = resumed?.lastEventHash ?? null;
  let segEvents = 0;
  let segBytes = 0;
  let segOpened = 0;
  let segDropped = 0;
  let dropped = 0;
  let sinceCheckpoint = 0;
  let closed = false;
  let backlogReported = false;
  let dropping = false;
  let rotateRetryAt = 0;
  const ending = new Map<LineFile, Promise<void>>();

  const report = (err: NodeJS.ErrnoException, message: string) => {
    log.error({ err: { code: err.code, message: err.message } }, message);
    options.onError?.(err);
  };
  const hooks = {
    error: (err: NodeJS.ErrnoException) => report(err, 'audit trail cannot be written; exports should be refused until it can'),
    written: () => {
      if (backlogReported && pendingBytes() <= maxPending / 2) {
        backlogReported = false;
        log.info({ pendingBytes: pendingBytes() }, 'audit backlog back under its bound');
      }
    },
  };
  const pathFor = (seg: number) => (options.dir !== undefined ? join(options.dir, trailFileName(now(), seg)) : options.file!);

  const write = (file: LineFile, record: Record<string, unknown>): void => {
    const sealed = sealRecord(key, record);
    file.write(sealed.line);
    lastHash = sealed.hash;
    segBytes += Buffer.byteLength(sealed.line);
  };
  const openSegment = (file: LineFile, unclean: boolean): void => {
    segEvents = 0;
    segBytes = 0;
    segDropped = 0;
    segOpened = now().getTime();
    const header: Omit<AuditHeader, 'hash'> = {
      v: 1, kind: 'header', chain, segment, firstSeq: nextSeq, keyId, start, time: now().toISOString(), instance, unclean, prev: lastHash,
    };
    write(file, { ...header });
  };
  const closeSegment = (file: LineFile, reason: AuditTrailer['reason']): void => {
    const trailer: Omit<AuditTrailer, 'hash'> = {
      v: 1, kind: 'trailer', chain, segment, events: segEvents, nextSeq, dropped: segDropped, reason, time: now().toISOString(), prev: lastHash,
    };
    write(file, { ...trailer });
  };

  let current = new LineFile({ path: pathFor(segment) }, hooks);
  // A crash can leave half a line: the header must not be glued onto it.
  if (resumed?.partialTail && options.file !== undefined) current.write('\n');
  openSegment(current, resumed !== null && !resumed.clean);

  const files = () => [current, ...ending.keys()];
  const pendingBytes = () => files().reduce((sum, f) => sum + f.pendingBytes, 0);
  const failure = () => files().find((f) => f.error !== null)?.error ?? null;

  const checkpoint = (reason: 'events' | 'interval' | 'rotate' | 'close') => {
    if (lastEventHash === null || (reason === 'interval' && sinceCheckpoint === 0)) return;
    sinceCheckpoint = 0;
    log.info({ auditCheckpoint: { chain, segment, seq: nextSeq - 1, hash: lastEventHash, events: nextSeq, dropped, file: current.path, reason } }, 'audit checkpoint');
  };

  const rotate = (): void => {
    if (now().getTime() < rotateRetryAt) return;
    let next: LineFile;
    try {
      next = new LineFile({ path: pathFor(segment + 1) }, hooks);
    } catch (err) {
      rotateRetryAt = now().getTime() + CHAIN_DEFAULTS.rotateRetryMs;
      report(err as NodeJS.ErrnoException, 'audit rotation failed; still writing the current file');
      return;
    }
    closeSegment(current, 'rotate');
    const old = current;
    ending.set(
      old,
      old.end().catch((err: NodeJS.ErrnoException) => report(err, 'closing a rotated audit file failed')).finally(() => ending.delete(old)),
    );
    current = next;
    segment += 1;
    openSegment(current, false);
    checkpoint('rotate');
  };

  const timers: NodeJS.Timeout[] = [];
  if (everyMs > 0) timers.push(setInterval(() => checkpoint('interval'), everyMs));
  if (maxAgeMs > 0) {
    timers.push(setInterval(() => {
      if (!closed && segEvents > 0 && now().getTime() - segOpened >= maxAgeMs) rotate();
    }, Math.min(maxAgeMs, 60_000)));
  }
  for (const t of timers) t.unref();

  return {
    write(event: AuditEntry) {
      if (closed) {
        dropped += 1;
        log.error({ decisionId: 'decisionId' in event ? event.decisionId : event.triggeredBy }, 'audit event written after close; dropped');
        return;
      }
      if (pendingBytes() > dropAfter) {
        dropped += 1;
        segDropped += 1;
        if (!dropping) {
          dropping = true;
          report(Object.assign(new Error(`audit backlog past ${dropAfter} bytes: events are being dropped`), { code: 'EG_AUDIT_DROPPING' }), 'audit events dropped');
        }
        return;
      }
      dropping = false;
      const { hash: _hash, prev: _prev, seq: _seq, ...fields } = event;
      const record = () => ({ ...fields, seq: nextSeq, prev: lastHash });
      let sealed = sealRecord(key, record());
      const bytes = Buffer.byteLength(sealed.line);
      const tooBig = maxBytes > 0 && segBytes + bytes > maxBytes;
      const tooOld = maxAgeMs > 0 && now().getTime() - segOpened >= maxAgeMs;
      if (segEvents > 0 && (tooBig || tooOld)) {
        rotate();
        sealed = sealRecord(key, record());
      }
      current.write(sealed.line);
      segBytes += Buffer.byteLength(sealed.line);
      lastHash = sealed.hash;
      lastEventHash = sealed.hash;
      nextSeq += 1;
      segEvents += 1;
      sinceCheckpoint += 1;
      if (everyEvents > 0 && sinceCheckpoint >= everyEvents) checkpoint('events');
      if (!backlogReported && pendingBytes() > maxPending) {
        backlogReported = true;
        report(Object.assign(new Error(`audit backlog past ${maxPending} bytes`), { code: 'EG_AUDIT_BACKLOG' }), 'audit backlog past its bound');
      }
    },
    async flush() {
      await Promise.all([current.flush(), ...ending.values()]);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      closeSegment(current, 'close');
      checkpoint('close');
      await Promise.all([current.end(options.closeTimeoutMs), ...ending.values()]);
    },
    healthy: () => !closed && failure() === null && pendingBytes() <= maxPending,
    status: () => {
      const err = failure();
      return {
        healthy: !closed && err === null && pendingBytes() <= maxPending,
        error: err ? err.code ?? err.message : closed ? 'closed' : null,
        pendingBytes: pendingBytes(),
        dropped,
        chain,
        segment,
        events: nextSeq,
        lastHash,
        file: current.path,
      };
    },
  };
}
