/**
 * Redaction by byte span: each affected leaf's decoded value is rewritten, encoded again for its
 * source (JSON string, form/query value, CSV cell, text) and written over rawStart..rawEnd.
 * Every byte outside those spans is copied as it was, so key order, whitespace and untouched
 * values survive exactly (see ARCHITECTURE "Redact by span, not by re-serialisation").
 *
 * Nested leaves (JSON in a string, base64, percent-encoding, multipart parts, CSV in a part)
 * follow the same rule one level down: a child is rewritten inside its parent's decoded value,
 * the parent's new value is wrapped again (rewrap.ts) and written over the parent's own span,
 * bottom-up until the body is reached.
 *
 * Each edit carries a mode (default mask). Spans are UTF-16 offsets into the leaf's value; one
 * that cuts a surrogate pair is widened to the whole pair. "Code point" below means a Unicode
 * code point; separators inside a span (spaces, dashes, zero-width characters) are code points
 * like any other.
 *
 * - mask: every code point of the span becomes the mask character ('*' by default).
 *   Overlapping and touching mask spans merge.
 * - partial {head, tail}: the first `head` and last `tail` code points of the span are kept, the
 *   rest masked (13812345678, head 3, tail 4 → 138****5678, the usual display form). Fail safe:
 *   at least a third of the span's code points, rounded up, are always masked: with n code
 *   points at most n − ⌈n/3⌉ are kept, `tail` is reduced first (down to 0), then `head`. So a
 *   two-character name keeps one, and head 9, tail 9 on 11 digits keeps 7: 1381234****.
 * - hash {key, length}: the span becomes a keyed pseudonym,
 *   "h:" + hex(HMAC-SHA256(key, canonical)).slice(0, length), length 1..64, key non-empty.
 *   `canonical` is the span folded as the audit trail folds identifiers (normaliseIdentifier in
 *   audit/individual.ts, its ID-number rule): NFKC (full-width digits and letters → ASCII),
 *   zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and the soft hyphen removed,
 *   whitespace and - . · ( ) removed, upper-cased. "13812345678", "138 1234 5678",
 *   "138-1234-5678" and full-width "１３８１２３４５６７８" give one pseudonym.
 * - drop: the field holding the value goes, not only the span (whatever the span, even empty):
 *   a JSON object member ("key": value) or array item, a form pair or query parameter
 *   (name=value), each with exactly one adjacent separator (the following one, else the
 *   preceding one; ',' with the JSON whitespace up to the next member, or '&'), so the
 *   document stays valid; dropping every member leaves "{}" / "[]" (inner whitespace before the
 *   closing bracket kept). Adjacent dropped siblings are removed as one run, so any set of
 *   drops in one object works. Where the leaf has no removable member (Leaf.memberStart
 *   undefined: a CSV cell, a multipart part, a text body, a base64 or percent-encoded child, a
 *   JSON document's root) its value becomes the empty string instead (the column, the part
 *   stay). A drop inside nested content removes the member in the nested document, and the
 *   parent is re-wrapped as for any other edit.
 *   An object key reported as a leaf (Leaf.isKey) is never removed, which would leave its value
 *   without a key: a drop masks the whole key instead. A masked key inside a member that a
 *   drop of its value removes goes with the member.
 *
 * Several edits on one leaf: any drop wins for the whole leaf. Otherwise spans are applied
 * together; spans that overlap (share a code unit) are merged, and keep their mode only when
 * all of them have the same mode (same kind and parameters, same key bytes): a merged span of
 * mixed modes is masked. Non-overlapping spans each keep their own mode.
 *
 * A masked, partially masked or hashed JSON number is no longer a number: it is written as a
 * JSON string (rewrap.ts).
 */
import { createHmac } from 'node:crypto';
import { normaliseIdentifier } from '../audit/individual.js';
import type { Leaf } from '../body/leaf.js';
import { EgError } from '../errors.js';
import { encodeLeaf } from './rewrap.js';

export type RedactMode =
  | { readonly kind: 'mask' }
  | { readonly kind: 'partial'; readonly head: number; readonly tail: number }
  | { readonly kind: 'hash'; readonly key: Buffer; readonly length: number }
  | { readonly kind: 'drop' };

/** A span to redact: UTF-16 offsets into leaves[leafIndex].value, end exclusive (as findings).
 *  `mode` defaults to mask. */
export interface RedactEdit {
  readonly leafIndex: number;
  readonly start: number;
  readonly end: number;
  readonly mode?: RedactMode;
}

export interface MaskOptions {
  /** One character written for each masked character; default '*'. */
  readonly char?: string;
}

/** New text for rawStart..rawEnd of the buffer (or parent value) the leaf was read from. */
interface Rewrite {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A validated span of a leaf's value. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly mode: RedactMode;
}

interface LeafEdits {
  drop: boolean;
  readonly spans: Span[];
}

/** A member to drop: its span in the buffer it was read from, and the format's separator. */
interface Member {
  readonly start: number;
  readonly end: number;
  readonly json: boolean;
}

/** Char codes of what top-level offsets point into (the body bytes, or the query string). */
interface Outer {
  readonly length: number;
  readonly code: (i: number) => number;
}

const MASK: RedactMode = Object.freeze({ kind: 'mask' });
/** drops keyed by parent index; top-level ones under this key. */
const TOP = -1;
const MAX_HASH_LENGTH = 64;

export function redactBody(buf: Buffer, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): Buffer {
  const rewrites = plan(leaves, edits, mask, buf, bufferOuter(buf));
  if (rewrites.length === 0) return buf;
  checkSpans(rewrites, buf.length);
  const parts: Buffer[] = [];
  let at = 0;
  for (const { start, end, text } of rewrites) {
    parts.push(buf.subarray(at, start), Buffer.from(text, 'utf8'));
    at = end;
  }
  parts.push(buf.subarray(at));
  return Buffer.concat(parts);
}

/** The same for a query string (without '?'), whose top-level leaves hold string offsets. A
 *  dropped parameter is removed with one '&'; dropping every one leaves the empty string. */
export function redactQuery(query: string, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): string {
  const rewrites = plan(leaves, edits, mask, undefined, { length: query.length, code: (i) => query.charCodeAt(i) });
  checkSpans(rewrites, query.length);
  let out = '';
  let at = 0;
  for (const { start, end, text } of rewrites) {
    out += query.slice(at, start) + text;
    at = end;
  }
  return out + query.slice(at);
}

/**
 * A plain string (a header value) with mask, partial and hash edits applied, spans as in
 * RedactEdit (offsets into `value`). Null when any edit is a drop: the caller removes the
 * header.
 */
export function rewriteValue(
  value: string,
  edits: ReadonlyArray<{ readonly start: number; readonly end: number; readonly mode?: RedactMode }>,
  mask?: MaskOptions,
): string | null {
  const char = maskChar(mask);
  const spans: Span[] = [];
  let drop = false;
  edits.forEach((edit, n) => {
    checkRange(edit, value.length, n);
    const mode = checkMode(edit.mode, n);
    if (mode.kind === 'drop') drop = true;
    else if (edit.end > edit.start) spans.push({ start: edit.start, end: edit.end, mode });
  });
  if (drop) return null;
  return spans.length === 0 ? value : rewriteSpans(value, spans, char);
}

function bufferOuter(buf: Buffer): Outer {
  return { length: buf.length, code: (i) => buf[i]! };
}

function maskChar(mask: MaskOptions | undefined): string {
  const char = mask?.char ?? '*';
  // One code point, or masking would change the character count it promises.
  if ([...char].length !== 1) throw new EgError('EG_INTERNAL', 'mask character must be a single character');
  return char;
}

/** Top-level rewrites in buffer order. Children come after their parents (Leaf.parent), so one
 *  backward walk finishes every child of a leaf before the leaf itself. */
function plan(leaves: readonly Leaf[], edits: readonly RedactEdit[], mask: MaskOptions | undefined, body: Buffer | undefined, top: Outer): Rewrite[] {
  const char = maskChar(mask);
  const byLeaf = groupEdits(leaves, edits);
  if (byLeaf.size === 0) return [];

  const childRewrites = new Map<number, Rewrite[]>();
  // Members to drop, by the index of the leaf whose value holds them (TOP for the body): they
  // are turned into removals together, once all of them are known, so adjacent siblings can
  // share the separators between them.
  const drops = new Map<number, Member[]>();
  const topRewrites: Rewrite[] = [];
  const valueBytes = new Map<number, Buffer>();
  const bytesOf = (i: number) => {
    let b = valueBytes.get(i);
    if (b === undefined) valueBytes.set(i, (b = Buffer.from(leaves[i]!.value, 'utf8')));
    return b;
  };
  let last = 0;
  for (const i of byLeaf.keys()) last = Math.max(last, i);
  for (let i = last; i >= 0; i--) {
    const members = drops.get(i);
    if (members !== undefined) childRewrites.set(i, withRemovals(childRewrites.get(i) ?? [], removals(members, bufferOuter(bytesOf(i)))));
    const own = byLeaf.get(i);
    const inner = childRewrites.get(i);
    if (own === undefined && inner === undefined) continue;
    const leaf = leaves[i]!;
    if (own !== undefined && inner !== undefined) {
      throw new EgError('EG_INTERNAL', `redaction edits leaf #${i} and, separately, values nested in it`);
    }
    const parent = leaf.parent;
    if (parent !== undefined && (!Number.isInteger(parent) || parent < 0 || parent >= i)) {
      throw new EgError('EG_INTERNAL', `leaf #${i} names a parent that does not come before it`);
    }
    if (own?.drop === true) {
      const member = memberOf(leaf, i);
      if (member !== undefined) {
        const key = parent ?? TOP;
        let list = drops.get(key);
        if (list === undefined) drops.set(key, (list = []));
        list.push(member);
        continue;
      }
    }
    const value =
      own === undefined ? splice(bytesOf(i), inner!) : own.drop ? '' : rewriteSpans(leaf.value, own.spans, char);
    if (parent === undefined) {
      topRewrites.push({ start: leaf.rawStart, end: leaf.rawEnd, text: encodeLeaf(leaf, value, body, undefined) });
      continue;
    }
    const text = encodeLeaf(leaf, value, bytesOf(parent), leaves[parent]!.value);
    addAll(childRewrites, parent, [{ start: leaf.rawStart, end: leaf.rawEnd, text }]);
  }
  const members = drops.get(TOP);
  const all = members === undefined ? topRewrites : withRemovals(topRewrites, removals(members, top));
  return all.sort((a, b) => a.start - b.start);
}

/** The rewrites, less those inside a removed member (a masked key whose member goes with its
 *  dropped value), followed by the removals. Removals are disjoint and in order, so one sweep
 *  finds the one that could hold each rewrite. */
function withRemovals(rewrites: readonly Rewrite[], removed: readonly Rewrite[]): Rewrite[] {
  const out: Rewrite[] = [];
  let k = 0;
  for (const r of [...rewrites].sort((a, b) => a.start - b.start)) {
    while (k < removed.length && removed[k]!.end < r.end) k++;
    const cut = removed[k];
    if (cut === undefined || cut.start > r.start) out.push(r);
  }
  return out.concat(removed);
}

function addAll(map: Map<number, Rewrite[]>, key: number, rewrites: readonly Rewrite[]): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [...rewrites]);
  else list.push(...rewrites);
}

/** The member a dropped leaf is removed with, or undefined when its format has none. */
function memberOf(leaf: Leaf, i: number): Member | undefined {
  const { memberStart: start, memberEnd: end } = leaf;
  if (start === undefined || end === undefined) return undefined;
  const json = leaf.source === 'json';
  if (!json && leaf.source !== 'form' && leaf.source !== 'query') return undefined;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > leaf.rawStart || end < leaf.rawEnd) {
    throw new EgError('EG_INTERNAL', `leaf #${i} has a member span that does not hold its value`);
  }
  return { start, end, json };
}

const COMMA = 0x2c, AMP = 0x26;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Removals for the members dropped from one buffer. Runs of siblings with only a separator
 * (and JSON whitespace) between them are removed as one; each run takes exactly one separator:
 * the one after it, with the whitespace up to the next member, else the one before it, with
 * the whitespace back to the previous member, else (the run is the whole object, array or
 * form) none, with the whitespace back to the opening bracket.
 */
function removals(members: Member[], outer: Outer): Rewrite[] {
  members.sort((a, b) => a.start - b.start);
  const { length, code } = outer;
  const json = members[0]!.json;
  const sep = json ? COMMA : AMP;
  const forward = (i: number) => {
    if (json) while (i < length && isJsonSpace(code(i))) i++;
    return i;
  };
  const back = (i: number) => {
    if (json) while (i > 0 && isJsonSpace(code(i - 1))) i--;
    return i;
  };
  const out: Rewrite[] = [];
  for (let k = 0; k < members.length; k++) {
    const first = members[k]!.start;
    let end = members[k]!.end;
    for (;;) {
      const next = members[k + 1];
      if (next === undefined) break;
      const s = forward(end);
      if (s >= length || code(s) !== sep || forward(s + 1) !== next.start) break;
      end = next.end;
      k++;
    }
    const after = forward(end);
    if (after < length && code(after) === sep) {
      out.push({ start: first, end: forward(after + 1), text: '' });
      continue;
    }
    const before = back(first);
    out.push(before > 0 && code(before - 1) === sep ? { start: back(before - 1), end, text: '' } : { start: before, end, text: '' });
  }
  return out;
}

function groupEdits(leaves: readonly Leaf[], edits: readonly RedactEdit[]): Map<number, LeafEdits> {
  const byLeaf = new Map<number, LeafEdits>();
  edits.forEach((edit, n) => {
    const leaf = leaves[edit.leafIndex];
    if (leaf === undefined) throw new EgError('EG_INTERNAL', `redaction edit #${n} is out of range`);
    checkRange(edit, leaf.value.length, n);
    let mode = checkMode(edit.mode, n);
    let { start, end } = edit;
    if (mode.kind === 'drop' && leaf.isKey === true) {
      mode = MASK;
      start = 0;
      end = leaf.value.length;
    }
    const drop = mode.kind === 'drop';
    // An empty span changes nothing, unless it drops the field.
    if (start === end && !drop) return;
    let entry = byLeaf.get(edit.leafIndex);
    if (entry === undefined) byLeaf.set(edit.leafIndex, (entry = { drop: false, spans: [] }));
    if (drop) entry.drop = true;
    else entry.spans.push({ start, end, mode });
  });
  return byLeaf;
}

function checkRange(edit: { readonly start: number; readonly end: number }, size: number, n: number): void {
  const valid =
    Number.isInteger(edit.start) && Number.isInteger(edit.end) && edit.start >= 0 && edit.start <= edit.end && edit.end <= size;
  if (!valid) throw new EgError('EG_INTERNAL', `redaction edit #${n} is out of range`);
}

function checkMode(mode: RedactMode | undefined, n: number): RedactMode {
  if (mode === undefined) return MASK;
  const bad = (what: string): never => {
    throw new EgError('EG_INTERNAL', `redaction edit #${n}: ${what}`);
  };
  switch (mode.kind) {
    case 'mask':
    case 'drop':
      return mode;
    case 'partial':
      if (!isCount(mode.head) || !isCount(mode.tail)) bad('partial head and tail must be non-negative integers');
      return mode;
    case 'hash':
      if (!Buffer.isBuffer(mode.key) || mode.key.length === 0) bad('hash key must be a non-empty Buffer');
      if (!Number.isInteger(mode.length) || mode.length < 1 || mode.length > MAX_HASH_LENGTH) {
        bad(`hash length must be an integer from 1 to ${MAX_HASH_LENGTH}`);
      }
      return mode;
    default:
      return bad('unknown mode');
  }
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

/** A leaf's new value: its spans rewritten by their modes (see the module comment). */
function rewriteSpans(value: string, spans: readonly Span[], char: string): string {
  if (spans.every((s) => s.mode.kind === 'mask')) return maskValue(value, spans.map((s) => [s.start, s.end] as const), char);
  const sorted = spans.map((s) => widen(value, s)).sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let end = first.end;
    let mode = first.mode;
    while (++i < sorted.length && sorted[i]!.start < end) {
      end = Math.max(end, sorted[i]!.end);
      if (!sameMode(mode, sorted[i]!.mode)) mode = MASK;
    }
    out += value.slice(at, first.start) + render(value.slice(first.start, end), mode, char);
    at = end;
  }
  return out + value.slice(at);
}

/** The span grown to whole code points: a cut surrogate pair is taken in full. */
function widen(value: string, span: Span): Span {
  let { start, end } = span;
  if (start > 0 && isLow(value, start) && isHigh(value, start - 1)) start--;
  if (end < value.length && isLow(value, end) && isHigh(value, end - 1)) end++;
  return start === span.start && end === span.end ? span : { start, end, mode: span.mode };
}

function sameMode(a: RedactMode, b: RedactMode): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'partial':
      return b.kind === 'partial' && a.head === b.head && a.tail === b.tail;
    case 'hash':
      return b.kind === 'hash' && a.length === b.length && a.key.equals(b.key);
    default:
      return a.kind === b.kind;
  }
}

function render(text: string, mode: RedactMode, char: string): string {
  switch (mode.kind) {
    case 'partial':
      return partial(text, mode.head, mode.tail, char);
    case 'hash':
      return pseudonym(text, mode.key, mode.length);
    default: {
      let out = '';
      for (const _ of text) out += char;
      return out;
    }
  }
}

/** Keeps head and tail code points, masks the rest; at most n − ⌈n/3⌉ are kept, tail given up first. */
function partial(text: string, head: number, tail: number, char: string): string {
  const points = [...text];
  const n = points.length;
  const keep = n - Math.ceil(n / 3);
  const t = Math.min(tail, Math.max(0, keep - head));
  const h = Math.min(head, keep - t);
  return points.slice(0, h).join('') + char.repeat(n - h - t) + points.slice(n - t).join('');
}

/** "h:" + the first `length` hex digits of HMAC-SHA256(key, canonical form of `text`). */
function pseudonym(text: string, key: Buffer, length: number): string {
  return 'h:' + createHmac('sha256', key).update(canonicalIdentifier(text), 'utf8').digest('hex').slice(0, length);
}

/** The form a value is hashed in, shared with the audit trail's individual hashes so the same
 *  identifier written differently folds the same way (see the module comment). */
export function canonicalIdentifier(text: string): string {
  return normaliseIdentifier('pi.id_card', text);
}

/** A parent's new decoded value: its bytes with the children's rewrites spliced in. */
function splice(bytes: Buffer, rewrites: Rewrite[]): string {
  rewrites.sort((a, b) => a.start - b.start);
  checkSpans(rewrites, bytes.length);
  const parts: Buffer[] = [];
  let at = 0;
  for (const { start, end, text } of rewrites) {
    parts.push(bytes.subarray(at, start), Buffer.from(text, 'utf8'));
    at = end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString('utf8');
}

/** Overlapping spans would splice one rewrite into another; parsers never yield them. */
function checkSpans(sorted: readonly Rewrite[], size: number): void {
  let at = 0;
  for (const { start, end } of sorted) {
    if (start < at || end < start || end > size) throw new EgError('EG_INTERNAL', 'redaction leaves overlap or lie outside their value');
    at = end;
  }
}

/** Each code point inside the merged spans becomes one `char`; a span that cuts a surrogate
 *  pair is widened to the whole pair, so no lone half is left behind. */
export function maskValue(value: string, spans: ReadonlyArray<readonly [number, number]>, char = '*'): string {
  // Empty spans are dropped first: widening would turn one inside a surrogate pair into a mask.
  const sorted = spans.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let i = 0;
  while (i < sorted.length) {
    let [start, end] = sorted[i]!;
    // Merge overlapping and touching spans.
    while (++i < sorted.length && sorted[i]![0] <= end) end = Math.max(end, sorted[i]![1]);
    if (start > 0 && isLow(value, start) && isHigh(value, start - 1)) start--;
    if (end < value.length && isLow(value, end) && isHigh(value, end - 1)) end++;
    start = Math.max(start, at);
    if (start >= end) continue;
    out += value.slice(at, start);
    for (const _ of value.slice(start, end)) out += char;
    at = end;
  }
  return out + value.slice(at);
}

function isHigh(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
