/**
 * Masking by byte span: each affected leaf's decoded value is masked, encoded again for its
 * source (JSON string, form/query value, text) and written over rawStart..rawEnd. Every byte
 * outside those spans is copied as it was, so key order, whitespace and untouched values
 * survive exactly (see ARCHITECTURE "Redact by span, not by re-serialisation").
 */
import type { Leaf } from '../body/leaf.js';
import { percentDecode } from '../body/nested.js';
import { encodeUrlEncoded } from '../body/urlencoded.js';
import { EgError } from '../errors.js';

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

interface Rewrite {
  readonly leaf: Leaf;
  readonly text: string;
}

export function redactBody(buf: Buffer, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): Buffer {
  const rewrites = plan(leaves, edits, mask, buf.length);
  if (rewrites.length === 0) return buf;
  const parts: Buffer[] = [];
  let at = 0;
  for (const { leaf, text } of rewrites) {
    parts.push(buf.subarray(at, leaf.rawStart), Buffer.from(text, 'utf8'));
    at = leaf.rawEnd;
  }
  parts.push(buf.subarray(at));
  return Buffer.concat(parts);
}

/** The same for a query string (without '?'), whose leaves hold string offsets. */
export function redactQuery(query: string, leaves: readonly Leaf[], edits: readonly RedactEdit[], mask?: MaskOptions): string {
  let out = '';
  let at = 0;
  for (const { leaf, text } of plan(leaves, edits, mask, query.length)) {
    out += query.slice(at, leaf.rawStart) + text;
    at = leaf.rawEnd;
  }
  return out + query.slice(at);
}

/** Encoded replacement text per affected leaf, in buffer order. */
function plan(leaves: readonly Leaf[], edits: readonly RedactEdit[], mask: MaskOptions | undefined, size: number): Rewrite[] {
  const char = mask?.char ?? '*';
  // One code point, or masking would change the character count it promises.
  if ([...char].length !== 1) throw new EgError('EG_INTERNAL', 'mask character must be a single character');

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

  const newValues = new Map<number, string>();
  for (const [index, spans] of spansByLeaf) newValues.set(index, maskValue(leaves[index]!.value, spans, char));
  carryNestedEdits(leaves, newValues);
  const rewrites: Rewrite[] = [];
  for (const [index, value] of newValues) {
    const leaf = leaves[index]!;
    if (leaf.parent === undefined) rewrites.push({ leaf, text: encodeFor(leaf, value) });
  }
  rewrites.sort((a, b) => a.leaf.rawStart - b.leaf.rawStart);
  let at = 0;
  for (const { leaf } of rewrites) {
    // Overlapping leaves would splice one rewrite into another; parsers never yield them.
    if (leaf.rawStart < at || leaf.rawEnd < leaf.rawStart || leaf.rawEnd > size) {
      throw new EgError('EG_INTERNAL', 'redaction leaves overlap or lie outside the body');
    }
    at = leaf.rawEnd;
  }
  return rewrites;
}

/**
 * Edits inside nested values (JSON in a string, base64, percent-encoding, multipart parts, CSV
 * cells) are spliced into their parent's decoded value and wrapped again, bottom-up, until they
 * reach a leaf of the body itself. Children come after their parents, so walking backwards sees
 * every child of a parent before the parent.
 */
function carryNestedEdits(leaves: readonly Leaf[], newValues: Map<number, string>): void {
  const pending = new Map<number, number[]>();
  for (let i = leaves.length - 1; i >= 0; i--) {
    const children = pending.get(i);
    if (children) {
      const parent = leaves[i]!;
      const wrap = leaves[children[0]!]!.wrap;
      const inner = innerBytes(parent.value, wrap);
      const parts: Buffer[] = [];
      let at = 0;
      for (const c of children.sort((a, b) => leaves[a]!.rawStart - leaves[b]!.rawStart)) {
        const child = leaves[c]!;
        parts.push(inner.subarray(at, child.rawStart), Buffer.from(encodeFor(child, newValues.get(c)!), 'utf8'));
        at = child.rawEnd;
      }
      parts.push(inner.subarray(at));
      newValues.set(i, wrapAgain(parent.value, wrap, Buffer.concat(parts)));
    }
    const parentIndex = leaves[i]!.parent;
    if (parentIndex !== undefined && newValues.has(i)) {
      const list = pending.get(parentIndex) ?? [];
      list.push(i);
      pending.set(parentIndex, list);
    }
  }
}

function innerBytes(value: string, wrap: Leaf['wrap']): Buffer {
  if (wrap === 'base64') return Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64');
  if (wrap === 'percent') return percentDecode(value) ?? Buffer.from(value, 'utf8');
  return Buffer.from(value, 'utf8');
}

/** The parent's new value: the same wrapping as before (base64 alphabet and padding kept). */
function wrapAgain(original: string, wrap: Leaf['wrap'], inner: Buffer): string {
  if (wrap === 'base64') {
    const url = /[-_]/.test(original);
    let text = inner.toString(url ? 'base64url' : 'base64');
    if (original.endsWith('=') && !text.endsWith('=')) text = text.padEnd(Math.ceil(text.length / 4) * 4, '=');
    if (!original.endsWith('=')) text = text.replace(/=+$/, '');
    return text;
  }
  if (wrap === 'percent') return encodeURIComponent(inner.toString('utf8')).replace(/%2A/g, '*');
  return inner.toString('utf8');
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

function encodeFor(leaf: Leaf, masked: string): string {
  switch (leaf.source) {
    case 'json': {
      // JSON.stringify escapes quotes, backslashes, controls and lone surrogates.
      const escaped = JSON.stringify(masked).slice(1, -1);
      // A masked number is no longer a number: it becomes a string.
      return leaf.isNumber ? `"${escaped}"` : escaped;
    }
    case 'form':
    case 'query':
      return encodeUrlEncoded(masked);
    case 'csv':
      // A CSV leaf's raw span is the cell inside its quotes: only quotes need doubling there,
      // and an unquoted cell had none to begin with (masking adds no separators).
      return masked.replace(/"/g, '""');
    case 'text':
    case 'multipart':
    case 'header':
      return masked;
  }
}

function isHigh(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
