/**
 * Values that hold other values — a JSON document in a string, base64 of text, percent-encoded
 * text — are opened into child leaves, so data hidden by encoding is read like a plain field.
 * The opened leaf becomes a container; children are appended after every existing leaf, which
 * keeps each index stable and every parent before its children.
 */
import { base64Text } from './base64.js';
import { csvChildren, sniffTableDelimiter } from './csv.js';
import { parseJson } from './json.js';
import type { ColumnNamePredicate, Leaf } from './leaf.js';
import { percentText } from './percent.js';

export interface NestedLimits {
  /** Encodings opened inside one another (JSON in a string is one, base64 is one, ...). */
  readonly maxDepth: number;
  /** Child leaves that opening may add to one body. */
  readonly maxLeaves: number;
  /** Bytes of opened values, summed over all levels. */
  readonly maxBytes: number;
}

/** Every supported encoding shrinks when opened, so the bytes opened stay below depth × body
 *  size; the budget is a backstop against pathological bodies (millions of tiny nested
 *  documents), set high enough for a batch upload at the default 32 MiB decoded limit where
 *  every record carries a JSON string. */
export const NESTED_LIMITS: NestedLimits = Object.freeze({ maxDepth: 3, maxLeaves: 500_000, maxBytes: 64 * 1024 * 1024 });

/** Content the gateway could not read; the policy treats it as uninspectable. */
export interface OpaquePart {
  readonly location: string;
  readonly reason: string;
}

const MAX_REPORTED = 16;

/** `columnName` reads key/value records and tables inside JSON strings as parseJson does in a
 *  body (a Feishu approval's form: '[{"name":"姓名","value":"范刚轩"}]'). */
export function expandNested(leaves: readonly Leaf[], limits: Partial<NestedLimits> = {}, columnName?: ColumnNamePredicate): { leaves: Leaf[]; opaque: OpaquePart[] } {
  const { maxDepth, maxLeaves, maxBytes } = { ...NESTED_LIMITS, ...limits };
  const out = leaves.slice();
  const opaque: OpaquePart[] = [];
  // Children a parser made (multipart parts in their own format) are structure, not evasion:
  // they sit at their parent's level.
  const level = out.map(() => 0);
  out.forEach((leaf, i) => (level[i] = leaf.parent === undefined ? 0 : level[leaf.parent]!));
  let added = 0;
  let bytes = 0;
  for (let i = 0; i < out.length; i++) {
    const leaf = out[i]!;
    const found = open(leaf, i, columnName);
    if (found === undefined) continue;
    if (level[i]! >= maxDepth) {
      // An encoding we stop opening could hide anything: say so rather than read it as text.
      // One entry already decides; a few name the places, thousands would only bloat the audit.
      if (opaque.length < MAX_REPORTED) opaque.push({ location: leaf.location, reason: `encoded value nested deeper than ${maxDepth} levels` });
      continue;
    }
    const size = Buffer.byteLength(leaf.value);
    if (added + found.length > maxLeaves || bytes + size > maxBytes) {
      opaque.push({ location: leaf.location, reason: 'nested values beyond the inspection budget (this and later ones)' });
      break;
    }
    added += found.length;
    bytes += size;
    out[i] = asContainer(leaf);
    for (const child of found) {
      out.push(child);
      level.push(level[i]! + 1);
    }
  }
  return { leaves: out, opaque };
}

/** A literal rather than a spread, which V8 makes several times slower. Only strings are
 *  opened, so there is no isNumber to carry; the member span is (a container can be dropped). */
export function asContainer(l: Leaf): Leaf {
  const { location, key, value, rawStart, rawEnd, memberStart, memberEnd, source, parent, wrap } = l;
  return parent === undefined
    ? { location, key, value, rawStart, rawEnd, memberStart, memberEnd, source, container: true }
    : { location, key, value, rawStart, rawEnd, memberStart, memberEnd, source, parent, wrap, container: true };
}

const JWT = /^(?:(?:Bearer|JWT|Token) +)?[A-Za-z0-9_-]{4,}\.([A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]*$/i;
const DATA_URL = /^data:[\w.+/-]*(?:;[\w-]+=[^;,]*)*;base64,/i;
/** Base64 of a JSON object or array ('{"' is "eyJ", '[{' is "W3s") standing as a word in text:
 *  a log line's or a note's encoded payload ("encInfo: eyJzZnpoIjoi…", "payload=eyJ…"). */
const EMBEDDED_JSON = /(?:^|[^A-Za-z0-9+/_-])((?:eyJ|W3s)[A-Za-z0-9+/_-]{13,}={0,2})(?![A-Za-z0-9+/=_-])/;

/**
 * Base64 that is part of a value: a JWT's payload ("eyJ….eyJ….sig", base64url JSON between two
 * dots), as an Authorization header's credentials hold it too ("Bearer eyJ…"), a data URL's
 * content ("data:application/json;base64,eyJ…"), and encoded JSON as a word of a text. Offsets
 * are the part's, in the value's UTF-8 bytes.
 */
function embeddedBase64(value: string): { start: number; end: number; text: string; inText?: boolean } | undefined {
  const jwt = value.length <= 16384 ? JWT.exec(value) : null;
  if (jwt !== null) {
    const start = value.indexOf('.') + 1;
    const end = start + jwt[1]!.length;
    const text = base64Text(value.slice(start, end));
    return text === undefined ? undefined : { start, end, text };
  }
  const data = DATA_URL.exec(value);
  if (data !== null) {
    const start = data[0].length;
    const text = base64Text(value.slice(start));
    return text === undefined ? undefined : { start, end: value.length, text };
  }
  // Most values hold neither start: two memchr-like scans spare the regex.
  const word = value.includes('eyJ') || value.includes('W3s') ? EMBEDDED_JSON.exec(value) : null;
  if (word === null) return undefined;
  const text = base64Text(word[1]!);
  if (text === undefined) return undefined;
  const at = word.index + word[0].length - word[1]!.length;
  const start = Buffer.byteLength(value.slice(0, at));
  return { start, end: start + word[1]!.length, text, inText: true };
}

/** Cheap signs of a table before it is sniffed: a second line, and a first line short enough for
 *  a header that holds a delimiter. A text body was sniffed as a whole already (parse.ts). */
function mayHoldTable(leaf: Leaf): boolean {
  if (leaf.source === 'text' && leaf.parent === undefined) return false;
  const value = leaf.value;
  const lf = value.indexOf('\n');
  if (lf < 3 || lf > MAX_HEADER_LINE) return false;
  for (let i = 0; i < lf; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 9 || c === 59 || c === 124) return true;
  }
  return false;
}
const MAX_HEADER_LINE = 1024;

function tableChildren(leaf: Leaf, index: number, columnName: ColumnNamePredicate | undefined): Leaf[] | undefined {
  const bytes = Buffer.from(leaf.value, 'utf8');
  const delimiter = sniffTableDelimiter(bytes, columnName);
  if (delimiter === undefined) return undefined;
  try {
    const cells = csvChildren(bytes, leaf, index, delimiter);
    return cells.length === 0 ? undefined : cells;
  } catch {
    return undefined;
  }
}

/** Text with a base64 word in it: the text before and after the word stay leaves of their own,
 *  at the text's location, since the opened value is no longer read itself. */
function* textAround(leaf: Leaf, index: number, start: number, end: number, encoded: Leaf): Generator<Leaf> {
  const bytes = Buffer.from(leaf.value, 'utf8');
  const piece = (from: number, to: number): Leaf => ({ location: leaf.location, key: leaf.key, value: bytes.toString('utf8', from, to), rawStart: from, rawEnd: to, source: 'text', parent: index });
  if (start > 0) yield piece(0, start);
  yield encoded;
  if (end < bytes.length) yield piece(end, bytes.length);
}

/** The children `leaf` would have if opened, or undefined when it holds no encoding. */
function open(leaf: Leaf, index: number, columnName: ColumnNamePredicate | undefined): Leaf[] | undefined {
  if (leaf.container || leaf.isNumber || leaf.source === 'header') return undefined;
  const value = leaf.value;
  if (value.length < 2) return undefined;
  let children: Leaf[] | undefined;
  const c = value.charCodeAt(0);
  // '{', '[' or whitespace before them.
  if ((c === 0x7b || c === 0x5b || c <= 0x20 || c === 0xfeff) && /^\s*[[{]/.test(value)) {
    try {
      const found = parseJson(Buffer.from(value, 'utf8'), { location: `${leaf.location}|json`, key: leaf.key, parent: index, wrap: 'json' }, undefined, columnName);
      if (found.length > 0) children = found;
    } catch {
      // Not JSON after all: the other readings still apply.
    }
  }
  // A table sent as a string ({"format": "csv", "data": "claim_no,name,…\n…"}, a reinsurer's
  // bordereau): its cells are read under their column names, as a CSV body's are.
  if (children === undefined && mayHoldTable(leaf)) children = tableChildren(leaf, index, columnName);
  if (children === undefined) {
    const whole = (suffix: string, text: string, wrap: 'base64' | 'percent'): Leaf[] => [
      { location: `${leaf.location}|${suffix}`, key: leaf.key, value: text, rawStart: 0, rawEnd: Buffer.byteLength(value), source: 'text', parent: index, wrap },
    ];
    const decoded = base64Text(value);
    // Form and query values were percent-decoded once already by their own format; escapes
    // left after that were encoded twice on purpose ("%25E9%2599%2586" in a form body).
    const text = decoded === undefined ? percentText(value) : undefined;
    const embedded = decoded === undefined && text === undefined ? embeddedBase64(value) : undefined;
    if (decoded !== undefined) children = whole('base64', decoded, 'base64');
    else if (text !== undefined) children = whole('pct', text, 'percent');
    else if (embedded !== undefined) {
      // The base64 part only: its span is where the re-encoded text goes back.
      const encoded: Leaf = { location: `${leaf.location}|base64`, key: leaf.key, value: embedded.text, rawStart: embedded.start, rawEnd: embedded.end, source: 'text', parent: index, wrap: 'base64' };
      children = embedded.inText === true ? [...textAround(leaf, index, embedded.start, embedded.end, encoded)] : [encoded];
    }
  }
  // Offsets are into the value's UTF-8 bytes, which a lone surrogate has none of.
  return children !== undefined && !/\p{Cs}/u.test(value) ? children : undefined;
}
