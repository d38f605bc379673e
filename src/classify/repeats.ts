/**
 * A name found once is the same person wherever the request repeats it: "收件人：张伟。张伟，您好",
 * {"contact": "张伟", "note": "请张伟周末来取"}. Names are found by their context (a field, a label,
 * a trigger word), which a repetition rarely has again, so each other occurrence is reported
 * here, and redaction masks every one. Every pass is one walk over the text, whatever the
 * number of names: a bulk export holds thousands.
 */
import type { Leaf } from '../body/leaf.js';
import { isCjkCode, isDigitCode } from './chars.js';
import type { Finding } from './finding.js';
import { RULES } from './rules.js';
import { NAME } from './scan-host.js';

/** The distinct names the findings hold, by their first two chars, with the finding each was
 *  first seen in (its grade and confidence). */
export class FoundNames {
  private readonly byPair = new Map<number, string[]>();
  private readonly firsts = new Set<number>();
  readonly first = new Map<string, Finding>();
  /** The names' UTF-8 bytes by their first two bytes, for the walk over a raw body. */
  private readonly bytesByPair = new Map<number, Buffer[]>();

  get size(): number {
    return this.first.size;
  }

  add(name: string, finding: Finding): void {
    if (this.first.has(name)) return;
    this.first.set(name, finding);
    const key = pairKey(name, 0);
    const list = this.byPair.get(key);
    if (list === undefined) this.byPair.set(key, [name]);
    else list.push(name);
    this.firsts.add(name.charCodeAt(0));
    const bytes = Buffer.from(name, 'utf8');
    const pair = (bytes[0]! << 8) | bytes[1]!;
    const same = this.bytesByPair.get(pair);
    if (same === undefined) this.bytesByPair.set(pair, [bytes]);
    else same.push(bytes);
  }

  /** Whether a name occurs in the body's raw UTF-8 bytes outside `spans` (sorted, disjoint byte
   *  ranges [start, end) of the leaves read), Latin ones wherever they stand. */
  occursOutside(body: Buffer, spans: Int32Array): boolean {
    const pairs = PAIRS;
    for (const pair of this.bytesByPair.keys()) pairs[pair] = 1;
    try {
      return this.walkOutside(body, spans, pairs);
    } finally {
      for (const pair of this.bytesByPair.keys()) pairs[pair] = 0;
    }
  }

  private walkOutside(body: Buffer, spans: Int32Array, pairs: Uint8Array): boolean {
    let s = 0;
    const firsts = this.firsts;
    for (let i = 0; i + 1 < body.length; i++) {
      const b0 = body[i]!;
      const pair = (b0 << 8) | body[i + 1]!;
      if (pairs[pair] === 0) continue;
      // A three-byte char (the ideographs) must be a name's first char itself: its block's
      // two leading bytes are shared by 63 others.
      if (b0 >= 0xe0 && b0 < 0xf0 && i + 2 < body.length && !firsts.has(((b0 & 0x0f) << 12) | ((body[i + 1]! & 0x3f) << 6) | (body[i + 2]! & 0x3f))) continue;
      for (const bytes of this.bytesByPair.get(pair)!) {
        if (!bytesAt(body, i, bytes)) continue;
        while (s < spans.length && spans[s + 1]! <= i) s += 2;
        if (s >= spans.length || i < spans[s]! || i + bytes.length > spans[s + 1]!) return true;
        i += bytes.length - 1;
        break;
      }
    }
    return false;
  }

  /** Calls `found` for every occurrence of a name in `v`, left to right, not overlapping. */
  each(v: string, found: (name: string, start: number, end: number) => void): void {
    const firsts = this.firsts;
    for (let i = 0; i + 1 < v.length; i++) {
      if (!firsts.has(v.charCodeAt(i))) continue;
      const list = this.byPair.get(pairKey(v, i));
      if (list === undefined) continue;
      for (const name of list) {
        if (!v.startsWith(name, i)) continue;
        const end = i + name.length;
        // An airline's name element follows its number ("1.1SUN/CHEN MS").
        const left = isWordEdge(v, i - 1) || (isDigitCode(v.charCodeAt(i - 1)) && name.includes('/'));
        if (isCjkCode(name.charCodeAt(0)) || (left && isWordEdge(v, end))) {
          found(name, i, end);
          i = end - 1;
          break;
        }
      }
    }
  }
}

/** A byte per pair of leading bytes, 1 where a name's UTF-8 starts so during one walk and
 *  cleared after it: shared, since a fresh 64 KiB table per request with names cost a twentieth
 *  of `scan --ndjson`'s time, and a walk is synchronous. */
const PAIRS = new Uint8Array(0x10000);

function bytesAt(body: Buffer, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > body.length) return false;
  for (let k = 0; k < bytes.length; k++) if (body[at + k] !== bytes[k]) return false;
  return true;
}

function pairKey(s: string, i: number): number {
  return s.charCodeAt(i) * 0x10000 + s.charCodeAt(i + 1);
}

/** The names the findings hold, as written in their leaves: Han names of two or more
 *  ideographs, Latin names of two or more words (shorter ones repeat by chance); undefined when
 *  there are none, as in most requests. */
export function foundNames(leaves: readonly Leaf[], findings: readonly Finding[]): FoundNames | undefined {
  let names: FoundNames | undefined;
  for (const f of findings) {
    if (f.category !== NAME) continue;
    const text = leaves[f.leafIndex]!.value.slice(f.start, f.end).trim();
    if (isRepeatableName(text)) (names ??= new FoundNames()).add(text, f);
  }
  return names;
}

function isRepeatableName(text: string): boolean {
  if (text.length < 2 || text.length > 32) return false;
  if (isCjkCode(text.charCodeAt(0))) {
    for (let i = 0; i < text.length; i++) if (!isCjkCode(text.charCodeAt(i)) && text.charCodeAt(i) !== 0xb7) return false;
    return true;
  }
  // Two words, or an airline's SURNAME/GIVEN.
  return text.length >= 5 && (text.includes(' ') || text.includes('/'));
}

/** The other occurrences of the names in the leaves, as findings of the name whose grade they
 *  share; a Latin name only as a whole word. */
export function repeatedNames(leaves: readonly Leaf[], findings: readonly Finding[], names: FoundNames): Finding[] {
  const byLeaf = new Map<number, Finding[]>();
  for (const f of findings) {
    if (f.category !== NAME) continue;
    const list = byLeaf.get(f.leafIndex);
    if (list === undefined) byLeaf.set(f.leafIndex, [f]);
    else list.push(f);
  }
  const out: Finding[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf.container === true) continue;
    const own = byLeaf.get(i);
    names.each(leaf.value, (name, start, end) => {
      if (own !== undefined && own.some((f) => f.start <= start && f.end >= end)) return;
      const like = names.first.get(name)!;
      out.push({ category: NAME, grade: like.grade, rule: RULES.nameRepeat, location: leaf.location, leafIndex: i, start, end, confidence: like.confidence * 0.9 });
    });
  }
  return out;
}

function isWordEdge(v: string, i: number): boolean {
  if (i < 0 || i >= v.length) return true;
  const c = v.charCodeAt(i) | 32;
  return !(c >= 97 && c <= 122) && !(v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57);
}

/** Whether `body` holds a name outside the leaves read: a parse that left plain leaves out
 *  (plain.ts) dropped a repetition, and the body must be read whole. Nested leaves lie inside
 *  their top-level holder's bytes, so the top-level spans are the ones that count. */
export function bodyRepeatsMore(body: Buffer, leaves: readonly Leaf[], names: FoundNames): boolean {
  let n = 0;
  for (const leaf of leaves) if (leaf.parent === undefined) n++;
  const spans = new Int32Array(n * 2);
  let k = 0;
  let last = -1;
  let ordered = true;
  for (const leaf of leaves) {
    if (leaf.parent !== undefined) continue;
    if (leaf.rawStart < last) ordered = false;
    spans[k++] = leaf.rawStart;
    spans[k++] = last = leaf.rawEnd;
  }
  // Parsers emit top-level leaves in body order; anything else is read whole to be safe.
  return !ordered || names.occursOutside(body, spans);
}
