import { basename } from 'node:path';
import { genesisHash, keyId as keyIdOf, recordHash } from './chain.js';
import { readTrailLines, type Progress, type TrailLine } from './read.js';
import { segmentOfName } from './trail-files.js';

/**
 * `audit verify`: walks the chain record by record and stops at the first broken link, naming
 * what most likely happened there. The HMAC makes every record unforgeable without the key, so
 * the kinds are told apart by how the damage looks around the break:
 *
 * - edited      a record's hash does not match its content (the next record still points at it)
 * - inserted    a record that does not verify and whose removal heals the chain, or a copy of a
 *               record already seen, or a segment from another chain
 * - deleted     a record points at a predecessor that is not there (seq gap, or a missing
 *               header/trailer)
 * - reordered   the record that belongs here turns up further on (or seq goes backwards)
 * - truncated   a file ends in a partial line, a trailer's count disagrees, a file ends early,
 *               or the trail ends before a checkpoint the logs recorded
 * - missing-file  segment numbers skip, the genesis segment is absent, or the last segment was
 *               closed by rotation but its successor is not given
 */

export type BreakKind = 'edited' | 'deleted' | 'reordered' | 'truncated' | 'inserted' | 'missing-file';

export interface ChainBreak {
  readonly kind: BreakKind;
  readonly file: string;
  /** 1-based line; 0 when the break is about a file as a whole. */
  readonly line: number;
  readonly message: string;
}

export interface VerifyOptions {
  /** Every key the trail may have been written with (the header names its key by id). */
  readonly keys: readonly Buffer[];
  /** {seq, hash} pairs from the writer's checkpoint log lines. */
  readonly checkpoints?: readonly { readonly seq: number; readonly hash: string }[];
  /** Accept a trail that starts after the genesis segment or stops before the last one. */
  readonly partial?: boolean;
  readonly progress?: Progress;
}

export interface VerifyReport {
  readonly valid: boolean;
  readonly break: ChainBreak | null;
  /** Why nothing could be verified (no key for the trail): a usage problem, not tampering. */
  readonly unusable: string | null;
  readonly files: readonly string[];
  readonly records: number;
  readonly events: number;
  readonly segments: number;
  readonly chain: string | null;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly lastHash: string | null;
  /** The last segment ends with a close trailer: nothing can be missing after it. */
  readonly closed: boolean;
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;
interface Entry extends TrailLine {
  readonly record: Json | null;
}

/** How far ahead to look for the record that belongs at a break (reordering vs deletion). */
const LOOKAHEAD = 1_000;
/** Hashes remembered for spotting a replayed copy of an earlier record. */
const RECENT = 10_000;

function parse(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const record = value as Json;
    return typeof record['hash'] === 'string' && typeof record['prev'] === 'string' ? record : null;
  } catch {
    return null;
  }
}

class Cursor {
  private readonly buffer: Entry[] = [];
  private exhausted = false;
  constructor(private readonly lines: AsyncIterator<TrailLine>) {}

  private async fill(n: number): Promise<void> {
    while (this.buffer.length < n && !this.exhausted) {
      const next = await this.lines.next();
      if (next.done) this.exhausted = true;
      else if (next.value.text.trim() !== '') this.buffer.push({ ...next.value, record: parse(next.value.text) });
    }
  }

  async next(): Promise<Entry | undefined> {
    await this.fill(1);
    return this.buffer.shift();
  }

  async peek(i: number): Promise<Entry | undefined> {
    await this.fill(i + 1);
    return this.buffer[i];
  }
}

async function firstRecord(file: string): Promise<Json | null> {
  for await (const line of readTrailLines([file])) {
    if (line.text.trim() !== '') return parse(line.text);
  }
  return null;
}

/** Files in chain order: by the segment number in their header, else in their name. */
async function orderFiles(files: readonly string[]): Promise<{ ordered: string[]; duplicate: ChainBreak | null }> {
  const keyed = await Promise.all(
    files.map(async (file) => {
      const first = await firstRecord(file);
      const fromHeader = first?.['kind'] === 'header' && typeof first['segment'] === 'number' ? first['segment'] : null;
      return { file, chain: first?.['chain'], segment: fromHeader ?? segmentOfName(basename(file)) ?? Number.MAX_SAFE_INTEGER };
    }),
  );
  keyed.sort((a, b) => a.segment - b.segment || a.file.localeCompare(b.file));
  for (let i = 1; i < keyed.length; i++) {
    const [a, b] = [keyed[i - 1]!, keyed[i]!];
    if (a.segment === b.segment && a.chain === b.chain && a.segment !== Number.MAX_SAFE_INTEGER) {
      return { ordered: keyed.map((k) => k.file), duplicate: { kind: 'inserted', file: b.file, line: 1, message: `holds segment ${b.segment} again (also in ${a.file})` } };
    }
  }
  return { ordered: keyed.map((k) => k.file), duplicate: null };
}

export async function verifyTrail(files: readonly string[], options: VerifyOptions): Promise<VerifyReport> {
  const keys = new Map(options.keys.map((k) => [keyIdOf(k), k]));
  const checkpoints = new Map((options.checkpoints ?? []).map((c) => [c.seq, c.hash]));
  const { ordered, duplicate } = await orderFiles(files);
  const warnings: string[] = [];
  const recent = new Map<string, { file: string; line: number }>();

  let brk: ChainBreak | null = duplicate;
  let unusable: string | null = null;
  let key: Buffer | undefined;
  let chain: string | null = null;
  let expectedPrev: string | null = null;
  let expectedSeq = 0;
  let segment = -1;
  let inSegment = false;
  let segEvents = 0;
  let records = 0;
  let events = 0;
  let segments = 0;
  let firstSeq: number | null = null;
  let lastTrailer: Json | null = null;
  let lastHash: string | null = null;

  const cursor = new Cursor(readTrailLines(ordered, options.progress)[Symbol.asyncIterator]());
  const at = (e: Entry, kind: BreakKind, message: string): ChainBreak => ({ kind, file: e.file, line: e.line, message });
  const where = (e: { file: string; line: number }) => `${e.file}:${e.line}`;

  for (let entry = await cursor.next(); entry && !brk && !unusable; entry = await cursor.next()) {
    const rec = entry.record;
    const next = await cursor.peek(0);
    if (rec === null) {
      const after = next?.record;
      if (after && after['kind'] === 'header' && after['unclean'] === true && after['prev'] === expectedPrev) {
        warnings.push(`${where(entry)}: the writer stopped in the middle of this line; that event is lost (the next segment records the unclean stop)`);
        continue;
      }
      brk = entry.complete ? at(entry, 'edited', 'not a valid chain record (unparseable, or prev/hash missing)') : at(entry, 'truncated', 'the file ends in a partial line');
      break;
    }

    if (rec['kind'] === 'header') {
      const id = String(rec['keyId']);
      if (!keys.has(id)) {
        unusable = `${where(entry)} was written with key id ${id}; the key given has id ${[...keys.keys()].join(', ') || '(none)'}`;
        break;
      }
      key = keys.get(id);
    }
    if (key === undefined) {
      brk = at(entry, 'deleted', 'records before this line are missing: the trail does not start with a segment header');
      break;
    }

    const hash = String(rec['hash']);
    if (recordHash(key, rec) !== hash) {
      const copied = recent.get(hash);
      if (copied) brk = at(entry, 'inserted', `a modified copy of the record at ${where(copied)}`);
      else if (next?.record && next.record['prev'] === hash) brk = at(entry, 'edited', 'the content does not match its hash (the next record still points at the original)');
      else if (next?.record && expectedPrev !== null && next.record['prev'] === expectedPrev) brk = at(entry, 'inserted', 'this record does not verify, and the chain continues without it');
      else brk = at(entry, 'edited', 'the content does not match its hash');
      break;
    }

    if (expectedPrev === null) {
      if (rec['kind'] !== 'header') {
        brk = at(entry, 'deleted', 'records before this line are missing: the trail does not start with a segment header');
        break;
      }
      chain = String(rec['chain']);
      if (rec['segment'] === 0) {
        if (rec['prev'] !== genesisHash(key, chain, String(rec['start']))) {
          brk = at(entry, 'edited', 'the genesis header does not derive from its key, chain and start');
          break;
        }
      } else if (options.partial) {
        warnings.push(`verification starts at segment ${String(rec['segment'])}; segments before it were not checked`);
      } else {
        brk = at(entry, 'missing-file', `the trail starts at segment ${String(rec['segment'])}: segments 0..${Number(rec['segment']) - 1} are not among the files (use --partial to verify from here)`);
        break;
      }
    } else if (rec['prev'] !== expectedPrev) {
      brk = await classifyBreak(entry, rec);
      break;
    }

    switch (rec['kind']) {
      case 'header': {
        if (rec['chain'] !== chain) {
          brk = at(entry, 'inserted', `this segment belongs to chain ${String(rec['chain'])}, not ${chain}`);
          break;
        }
        if (expectedPrev !== null && inSegment) warnings.push(`segment ${segment} ended without a trailer before ${where(entry)} (the writer stopped uncleanly)`);
        const nameSegment = segmentOfName(basename(entry.file));
        if (entry.line === 1 && nameSegment !== null && nameSegment !== rec['segment']) warnings.push(`${entry.file} holds segment ${String(rec['segment'])} but its name says ${nameSegment}`);
        segment = Number(rec['segment']);
        expectedSeq = Number(rec['firstSeq']);
        firstSeq ??= expectedSeq;
        inSegment = true;
        segEvents = 0;
        segments += 1;
        lastTrailer = null;
        break;
      }
      case 'trailer': {
        if (rec['events'] !== segEvents || rec['nextSeq'] !== expectedSeq) {
          brk = at(entry, 'truncated', `the trailer counts ${String(rec['events'])} events; segment ${segment} holds ${segEvents}`);
          break;
        }
        if (Number(rec['dropped']) > 0) warnings.push(`segment ${segment}: the writer dropped ${String(rec['dropped'])} events (backlog past its bound); they were never in the trail`);
        inSegment = false;
        lastTrailer = rec;
        break;
      }
      default: {
        if (!inSegment) {
          brk = at(entry, 'deleted', 'an event outside any segment: a segment header is missing before it');
          break;
        }
        if (rec['seq'] !== expectedSeq) {
          brk = at(entry, 'edited', `seq ${String(rec['seq'])} where ${expectedSeq} was due`);
          break;
        }
        const expected = checkpoints.get(expectedSeq);
        if (expected !== undefined && expected !== hash) {
          brk = at(entry, 'edited', `seq ${expectedSeq} has hash ${hash}; the checkpoint recorded ${expected}`);
          break;
        }
        expectedSeq += 1;
        segEvents += 1;
        events += 1;
      }
    }
    if (brk) break;
    records += 1;
    expectedPrev = hash;
    lastHash = hash;
    recent.set(hash, { file: entry.file, line: entry.line });
    if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  }

  async function classifyBreak(entry: Entry, rec: Json): Promise<ChainBreak> {
    const hash = String(rec['hash']);
    const seen = recent.get(hash);
    if (seen) return at(entry, 'inserted', `a copy of the record at ${where(seen)}`);
    if (rec['kind'] === 'header') {
      const seg = Number(rec['segment']);
      if (rec['chain'] !== chain) return at(entry, 'inserted', `this segment belongs to chain ${String(rec['chain'])}, not ${chain}`);
      if (seg > segment + 1) {
        const gap = seg - 1 === segment + 1 ? `segment ${segment + 1} is` : `segments ${segment + 1}..${seg - 1} are`;
        return at(entry, 'missing-file', `${gap} missing before this file (it continues a record that is not among the files)`);
      }
      if (seg <= segment) return at(entry, 'reordered', `segment ${seg} comes after segment ${segment}`);
      return at(entry, 'truncated', `segment ${segment} ends early: its last records${inSegment ? ' and trailer' : ''} are missing`);
    }
    for (let i = 0; i < LOOKAHEAD; i++) {
      const ahead = await cursor.peek(i);
      if (!ahead) break;
      if (ahead.record?.['prev'] === expectedPrev) {
        return at(entry, 'reordered', `the record that follows ${where(recent.get(expectedPrev!) ?? entry)} is at ${where(ahead)}, after this one`);
      }
    }
    const seq = Number(rec['kind'] === 'trailer' ? rec['nextSeq'] : rec['seq']);
    if (rec['kind'] !== 'trailer' && seq < expectedSeq) return at(entry, 'reordered', `seq ${seq} comes after seq ${expectedSeq - 1}`);
    if (seq > expectedSeq) {
      const n = seq - expectedSeq;
      return at(entry, 'deleted', `${n} event${n === 1 ? '' : 's'} (seq ${expectedSeq}${n > 1 ? `..${seq - 1}` : ''}) missing before this line`);
    }
    return at(entry, 'deleted', `the record before this line is missing (a segment ${inSegment ? 'trailer or header' : 'header'}, no events)`);
  }

  if (!brk && !unusable) {
    const lastFile = ordered.at(-1) ?? '';
    if (lastTrailer?.['reason'] === 'rotate') {
      if (options.partial) warnings.push(`segment ${segment} was rotated; later segments were not given`);
      else brk = { kind: 'missing-file', file: lastFile, line: 0, message: `segment ${segment} was closed by rotation, but segment ${segment + 1} is not among the files` };
    } else if (inSegment) {
      warnings.push(`segment ${segment} has no trailer: the writer is still running or stopped uncleanly; its tail is covered only by checkpoints`);
    }
    for (const seq of [...checkpoints.keys()].sort((a, b) => a - b)) {
      if (!brk && seq >= expectedSeq) {
        brk = { kind: 'truncated', file: lastFile, line: 0, message: `the trail ends at seq ${expectedSeq - 1}; a checkpoint recorded seq ${seq}` };
      }
    }
  }

  return {
    valid: !brk && !unusable,
    break: brk,
    unusable,
    files: ordered,
    records,
    events,
    segments,
    chain,
    firstSeq,
    lastSeq: firstSeq === null || expectedSeq === firstSeq ? null : expectedSeq - 1,
    lastHash,
    closed: lastTrailer?.['reason'] === 'close',
    warnings,
  };
}
