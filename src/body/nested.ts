import { parseJson } from './json.js';
import type { Leaf } from './leaf.js';

/** How deep values inside values are opened, and how many leaves nesting may add in total. */
export const NESTING_LIMITS = Object.freeze({ maxDepth: 3, maxAddedLeaves: 10_000 });

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const PERCENT = /%[0-9A-Fa-f]{2}/;

/** Decoded text of a base64 value, or undefined when it is not base64 of readable text. Hex
 *  strings, digit runs and short tokens are left alone: they are ids, not encodings. */
function base64Text(value: string): string | undefined {
  if (value.length < 16 || value.length > 8 * 2 ** 20) return undefined;
  if (!BASE64.test(value) && !BASE64URL.test(value)) return undefined;
  if (/^[0-9a-fA-F]+$/.test(value)) return undefined;
  const unpadded = value.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // Readable text only: control characters other than tab and line breaks mean binary.
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text) ? undefined : text;
}

export function percentDecode(value: string): Buffer | undefined {
  const bytes: number[] = [];
  const raw = Buffer.from(value, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25 && i + 2 < raw.length && /^[0-9A-Fa-f]{2}$/.test(String.fromCharCode(raw[i + 1]!, raw[i + 2]!))) {
      bytes.push(parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else bytes.push(b);
  }
  return Buffer.from(bytes);
}

function percentText(value: string): string | undefined {
  if (!PERCENT.test(value)) return undefined;
  const bytes = percentDecode(value);
  if (!bytes) return undefined;
  try {
    const text = utf8.decode(bytes);
    // Control characters mean the '%' was literal text next to digits, not an encoding.
    return text === value || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

function looksLikeJsonDocument(value: string): boolean {
  const t = value.trim();
  return t.length >= 2 && ((t[0] === '{' && t.at(-1) === '}') || (t[0] === '[' && t.at(-1) === ']'));
}

/**
 * Opens values that hold other values — JSON inside a JSON string, base64 of text, percent-
 * encoded text — so evasions by encoding are read like plain fields. Children follow their
 * parent (which becomes a container) with offsets into the parent's decoded value.
 */
export function expandNested(leaves: readonly Leaf[], limits = NESTING_LIMITS): Leaf[] {
  const out: Leaf[] = [];
  let budget = limits.maxAddedLeaves;
  const visit = (leaf: Leaf, depth: number): void => {
    const index = out.length;
    out.push(leaf);
    if (leaf.container || leaf.isNumber || depth >= limits.maxDepth || budget <= 0 || leaf.value.length < 3) return;
    let children: Leaf[] = [];
    if (looksLikeJsonDocument(leaf.value)) {
      try {
        children = parseJson(Buffer.from(leaf.value, 'utf8')).map((c) => ({ ...c, location: `${leaf.location}|json${c.location}`, parent: index, wrap: 'json' as const }));
      } catch {
        children = [];
      }
    }
    if (children.length === 0) {
      const decoded = base64Text(leaf.value);
      const wrap = decoded !== undefined ? 'base64' : 'percent';
      const text = decoded ?? percentText(leaf.value);
      if (text !== undefined && text.length > 0) {
        children = [{ location: `${leaf.location}|${decoded !== undefined ? 'base64' : 'pct'}`, key: leaf.key, value: text, rawStart: 0, rawEnd: Buffer.byteLength(text), source: 'text', parent: index, wrap }];
      }
    }
    if (children.length === 0) return;
    budget -= children.length;
    out[index] = { ...leaf, container: true };
    for (const child of children) visit(child, depth + 1);
  };
  // Existing parent indices shift as children are inserted: map old → new.
  const moved = new Map<number, number>();
  leaves.forEach((leaf, oldIndex) => {
    moved.set(oldIndex, out.length);
    const parent = leaf.parent === undefined ? undefined : moved.get(leaf.parent);
    visit(parent === undefined ? leaf : { ...leaf, parent }, leaf.parent === undefined ? 0 : 1);
  });
  return out;
}
