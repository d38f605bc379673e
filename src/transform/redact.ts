/**
 * Masking by byte span: each affected leaf's decoded value is masked, encoded again for its
 * source (JSON string, form/query value, CSV cell, text) and written over rawStart..rawEnd.
 * Every byte outside those spans is copied as it was, so key order, whitespace and untouched
 * values survive exactly (see ARCHITECTURE "Redact by span, not by re-serialisation").
 *
 * Nested leaves (JSON in a string, base64, percent-encoding, multipart parts, CSV in a part)
 * follow the same rule one level down: a child is rewritten inside its parent's decoded value,
 * the parent's new value is wrapped again (rewrap.ts) and written over the parent's own span,
 * bottom-up until the body is reached.
 */
import type { Leaf } from '../body/leaf.js';
import { EgError } from '../errors.js';
import { encodeLeaf } from './rewrap.js';

/** A span to mask: UTF-16 offsets into leaves[leafIndex].value, end exclusive (as findings). */
export interface RedactEdit {
  readonly leafIndex: number;
  readonly start: number;
  readonly end: number;
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

export function redactBody(buf: Buffer, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): Buffer {
  const rewrites = plan(leaves, edits, mask, buf);
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

/** The same for a query string (without '?'), whose top-level leaves hold string offsets. */
export function redactQuery(query: string, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): string {
  const rewrites = plan(leaves, edits, mask, undefined);
  checkSpans(rewrites, query.length);
  let out = '';
  let at = 0;
  for (const { start, end, text } of rewrites) {
    out += query.slice(at, start) + text;
    at = end;
  }
  return out + query.slice(at);
}

/** Top-level rewrites in buffer order. Children come after their parents (Leaf.parent), so one
 *  backward walk finishes every child of a leaf before the leaf itself. */
function plan(leaves: readonly Leaf[], edits: readonly RedactEdit[], mask: MaskOptions | undefined, body: Buffer | undefined): Rewrite[] {
  const char = mask?.char ?? '*';
  // One code point, or masking would change the character count it promises.
  if ([...char].length !== 1) throw new EgError('EG_INTERNAL', 'mask character must be a single character');
  const spansByLeaf = groupEdits(leaves, edits);
  if (spansByLeaf.size === 0) return [];

  const childRewrites = new Map<number, Rewrite[]>();
  const top: Rewrite[] = [];
  const valueBytes = new Map<number, Buffer>();
  const bytesOf = (i: number) => {
    let b = valueBytes.get(i);
    if (b === undefined) valueBytes.set(i, (b = Buffer.from(leaves[i]!.value, 'utf8')));
    return b;
  };
  let last = 0;
  for (const i of spansByLeaf.keys()) last = Math.max(last, i);
  for (let i = last; i >= 0; i--) {
    const spans = spansByLeaf.get(i);
    const inner = childRewrites.get(i);
    if (spans === undefined && inner === undefined) continue;
    const leaf = leaves[i]!;
    if (spans !== undefined && inner !== undefined) {
      throw new EgError('EG_INTERNAL', `redaction edits leaf #${i} and, separately, values nested in it`);
    }
    const value = spans !== undefined ? maskValue(leaf.value, spans, char) : splice(bytesOf(i), inner!);
    const parent = leaf.parent;
    if (parent === undefined) {
      top.push({ start: leaf.rawStart, end: leaf.rawEnd, text: encodeLeaf(leaf, value, body, undefined) });
      continue;
    }
    if (!Number.isInteger(parent) || parent < 0 || parent >= i) {
      throw new EgError('EG_INTERNAL', `leaf #${i} names a parent that does not come before it`);
    }
    const text = encodeLeaf(leaf, value, bytesOf(parent), leaves[parent]!.value);
    let list = childRewrites.get(parent);
    if (list === undefined) childRewrites.set(parent, (list = []));
    list.push({ start: leaf.rawStart, end: leaf.rawEnd, text });
  }
  return top.sort((a, b) => a.start - b.start);
}

function groupEdits(leaves: readonly Leaf[], edits: readonly RedactEdit[]): Map<number, Array<[number, number]>> {
  const spansByLeaf = new Map<number, Array<[number, number]>>();
  edits.forEach((edit, n) => {
    const leaf = leaves[edit.leafIndex];
    const valid =
      leaf !== undefined && Number.isInteger(edit.start) && Number.isInteger(edit.end) &&
      edit.start >= 0 && edit.start <= edit.end && edit.end <= leaf.value.length;
    if (!valid) throw new EgError('EG_INTERNAL', `redaction edit #${n} is out of range`);
    if (edit.start === edit.end) return;
    let spans = spansByLeaf.get(edit.leafIndex);
    if (spans === undefined) spansByLeaf.set(edit.leafIndex, (spans = []));
    spans.push([edit.start, edit.end]);
  });
  return spansByLeaf;
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
