/**
 * JSON and NDJSON to leaves, in one pass over the UTF-8 bytes. JSON.parse cannot be used: it
 * loses the byte span of each value, which redaction needs to rewrite the body in place.
 * Iterative (an explicit stack), so deep nesting costs a limit error, not a stack overflow.
 */
import { isUtf8 } from 'node:buffer';
import { EgError } from '../errors.js';
import { KEY_SUFFIX, looksLikeValueKey, type ColumnNamePredicate, type Leaf, type LeafFilter } from './leaf.js';
import { escapePointerToken } from './pointer.js';

export const MAX_JSON_DEPTH = 512;

/** Where a document sits when it is nested in another value: its location prefix, the key its
 *  top-level array items inherit (the name of the field that holds the document), and the
 *  parent and wrap every leaf gets (Leaf.parent, Leaf.wrap). */
export interface JsonRoot {
  readonly location: string;
  readonly key: string | undefined;
  readonly parent?: number;
  readonly wrap?: Leaf['wrap'];
}

/** One JSON document (RFC 8259, strict; a leading UTF-8 BOM is skipped). With a filter, the
 *  leaves it calls plain are left out (the whole document is still read and checked). */
export function parseJson(buf: Buffer, root?: JsonRoot, filter?: LeafFilter, columnName?: ColumnNamePredicate): Leaf[] {
  const leaves: Leaf[] = [];
  const scanner = new Scanner(buf, leaves, root?.parent, root?.wrap, filter, columnName);
  scanner.document(bomLength(buf), buf.length, root?.location ?? '', false, root?.key);
  return leaves;
}

/** One JSON document per line; locations start with "/<line index>" (0-based, counting blank
 *  lines, so the index names the physical line). Blank lines are skipped. */
export function parseNdjson(buf: Buffer, filter?: LeafFilter, columnName?: ColumnNamePredicate): Leaf[] {
  const leaves: Leaf[] = [];
  const scanner = new Scanner(buf, leaves, undefined, undefined, filter, columnName);
  let from = bomLength(buf);
  for (let line = 0; from <= buf.length; line++) {
    let nl = buf.indexOf(0x0a, from);
    if (nl < 0) nl = buf.length;
    scanner.document(from, nl, `/${line}`, true);
    from = nl + 1;
  }
  return leaves;
}

function bomLength(buf: Buffer): number {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** What an array opened inside `holder` is to a table: a row of one (its cells get columns), a
 *  first row that may be its header, a `columns` member or a table with known columns. */
function tableRole(holder: Frame, frame: Frame, key: string | undefined): void {
  if (holder.array) {
    if (holder.rows !== undefined) frame.cells = holder.rows;
    else if (frame.token === 0) frame.capture = [];
    return;
  }
  if (key === undefined || key.length > 16) return;
  if (isTableKey(TABLE_COLUMN_KEYS, key)) frame.capture = [];
  else if (holder.rows !== undefined && isTableKey(TABLE_ROW_KEYS, key)) frame.rows = holder.rows;
}

/** Asked of every array member's key: most are lower case and most are no table key, so the
 *  lower-cased copy is made only for a key the set does not hold as it is. */
function isTableKey(set: ReadonlySet<string>, key: string): boolean {
  if (set.has(key)) return true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) return set.has(key.toLowerCase());
  }
  return false;
}

function captureColumn(frame: Frame, capture: string[], name: string): void {
  if (capture.length >= MAX_COLUMNS || name.length > MAX_COLUMN_CHARS) frame.capture = null;
  else capture.push(name);
}

/** The key of item `index` of an array: its column's name in a table row, else the array's. */
function cellKey(frame: Frame, index: number): string | undefined {
  return frame.cells?.[index] ?? frame.key;
}

function pathOf(frame: Frame | string): string {
  if (typeof frame === 'string') return frame;
  return (frame.path ??= frame.token === null ? pathOf(frame.up) : `${pathOf(frame.up)}/${frame.token}`);
}

interface Frame {
  readonly array: boolean;
  /** The container holding this one (the document's path for the outermost) and this one's
   *  token there (null for the document itself): its path is built only when a leaf or a key
   *  under it is kept (pathOf), which ~97 % of containers never need. */
  readonly up: Frame | string;
  readonly token: string | number | null;
  path: string | undefined;
  /** For arrays: the key their items inherit. */
  readonly key: string | undefined;
  /** The container's own key, or one above it, is not plain (LeafFilter): keep every leaf. */
  readonly hot: boolean;
  /** The current item's index (arrays) or member's position (objects). */
  index: number;
  /** Tables (see TABLE_COLUMN_KEYS): for a row, the names its cells take as their keys. */
  cells: readonly string[] | undefined;
  /** For a table (an array of rows), the columns its rows take; for an object, the strings of
   *  its `columns` member, for the rows of its `data` member. */
  rows: readonly string[] | undefined;
  /** A header row or a `columns` array being read: its strings so far; null once it holds
   *  anything else or too much. */
  capture: string[] | null | undefined;
  /** Pair rows: the field name the first item gave (["姓名", "吴锦"]), the second's key. */
  label: string | undefined;
  /** Key/value records: where the last label member's string lies in the buffer ({"field":
   *  "姓名", "value": …}), -1 for none. It is decoded only when a value member follows, or when
   *  the object describes a column ({"key": "je", "title": "金额"}): "name" and "type" members
   *  are everywhere. */
  labelStart: number;
  labelEnd: number;
  /** What the member key holding this container is to a key/value record ("type" in FHIR's
   *  {"type": {"text": "PPN"}, "value": …}). */
  readonly role: KeyRole;
}

/**
 * Records that carry their field name beside the value rather than as its key, as form
 * builders, survey tools, CRMs and FHIR-like APIs send them: {"field": "姓名", "value": "吕红天"},
 * {"question": "您的姓名", "answer": …}, {"property": "firstname", "value": …}, {"type": "passport",
 * "value": …}, and pair lists [["姓名", "吴锦"], ["身份证号", …]]. A label counts only when its
 * text is a field name the classifier knows (ColumnNamePredicate), and only before its value.
 */
const LABEL_MEMBER_KEYS = new Set([
  'field', 'fieldname', 'field_name', 'name', 'label', 'key', 'k', 'attr', 'attrname', 'attr_name', 'attribute', 'property',
  'propertyname', 'question', 'title', 'item', 'itemname', 'paramname', 'param', 'type', 'code', '字段', '字段名', '名称', '项目', '属性', '问题',
  'fieldcode', 'field_code', 'fieldkey', 'field_key', 'attrcode', 'attr_code', 'attrkey', 'paramcode', 'paramkey', 'itemcode', 'itemkey',
  // A metrics API's sample: {"metric": "net.rx_bytes", "value": 15912345678} is a count of bytes.
  'metric', 'metricname', 'metric_name',
]);
const VALUE_MEMBER_KEYS = new Set([
  'value', 'val', 'v', 'answer', 'attrvalue', 'attr_value', 'fieldvalue', 'field_value', 'propertyvalue', 'paramvalue', 'content',
  'text', 'data', '值', '内容', '答案', 'fieldval', 'attrval', 'itemvalue', 'paramval',
]);

/** OpenTelemetry's attributes wrap each value in its type ({"key": "app.customer.name", "value":
 *  {"stringValue": "陶强"}}), and so do protobuf's JSON forms of Struct and Any. */
const TYPED_VALUE_KEYS = new Set([
  'stringValue', 'intValue', 'doubleValue', 'boolValue', 'bytesValue', 'string_value', 'int_value', 'double_value',
  'number_value', 'numberValue',
]);

/** A typed value's member takes the label its record gave the value ("app.customer.name"). */
function typedValueKey(holder: Frame, key: string): string {
  // Asked of every member: the holder's role, a number, decides first.
  if (holder.role !== ROLE_VALUE || !TYPED_VALUE_KEYS.has(key)) return key;
  const label = holder.key;
  return label !== undefined && keyRoleOf(label) !== ROLE_VALUE ? label : key;
}

/** A member key's part in a key/value record, judged once per distinct key (the key cache). */
type KeyRole = 0 | 1 | 2;
const ROLE_NONE = 0, ROLE_LABEL = 1, ROLE_VALUE = 2;

function keyRoleOf(key: string): KeyRole {
  if (key.length > 16) return ROLE_NONE;
  return isTableKey(LABEL_MEMBER_KEYS, key) ? ROLE_LABEL : isTableKey(VALUE_MEMBER_KEYS, key) ? ROLE_VALUE : ROLE_NONE;
}

/**
 * Tables sent as arrays of rows: [["姓名","手机"],["王建国","139…"]] (a header row first), or
 * {"columns":["name","phone"],"data":[["Zhang Wei","139…"]]} (pandas' orient=split, SQL and
 * spreadsheet APIs). A cell of a later row takes its column's name as its key, as a CSV cell
 * does (csv.ts), so the field rules read it: a name under "姓名" is one. The first row of an
 * array of arrays, or a `columns` member, counts as a header when it holds only strings and one
 * of them is a field name the classifier knows (ColumnNamePredicate): [["Zhang Wei","Li Na"],
 * ["Wang Fang"]] under "names" stays a list of names under "names". Without the predicate
 * (parseJson's callers other than the body stage) no table is read.
 */
const TABLE_COLUMN_KEYS = new Set(['columns', 'cols', 'fields', 'header', 'headers', 'columnnames', 'colnames', 'column_names', '表头', '列名', '字段']);
const TABLE_ROW_KEYS = new Set(['data', 'rows', 'values', 'records', '数据', '行']);
const MAX_COLUMNS = 256;
const MAX_COLUMN_CHARS = 64;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d, PLUS = 0x2b;
const LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, DOT = 0x2e;

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t',
};

class Scanner {
  private pos = 0;
  private end = 0;
  /** The last string read, kept in a field so strings cost no result object. */
  private str = '';
  /** The pointer token of the last key read (memberKey). */
  private keyToken = '';
  /** Whether the last key read looks like a value (looksLikeValueKey), and where its raw bytes
   *  lie between the quotes: such a key is also a leaf (pushKey). */
  private keyIsValue = false;
  /** The filter's verdict on the last key read (true without a filter: nothing is skipped). */
  private keyHot = true;
  /** What the last key read is to a key/value record. */
  private keyRole: KeyRole = ROLE_NONE;
  private keyStart = 0;
  private keyEnd = 0;
  private utf8Checked = false;

  constructor(
    private readonly buf: Buffer,
    private readonly leaves: Leaf[],
    private readonly parent?: number,
    private readonly wrap?: Leaf['wrap'],
    private readonly filter?: LeafFilter,
    private readonly columnName?: ColumnNamePredicate,
  ) {}

  /** Literal objects, not spreads: spreading is several times slower in V8 and this runs
   *  once per value. memberStart is undefined for a document's root (no member holds it). */
  private push(
    path: string, key: string | undefined, value: string, rawStart: number, rawEnd: number, isNumber: boolean,
    memberStart: number | undefined, memberEnd: number | undefined,
  ): void {
    const { parent, wrap } = this;
    let leaf: Leaf;
    if (parent === undefined) {
      leaf = isNumber
        ? { location: path, key, value, rawStart, rawEnd, memberStart, memberEnd, source: 'json', isNumber }
        : { location: path, key, value, rawStart, rawEnd, memberStart, memberEnd, source: 'json' };
    } else {
      leaf = isNumber
        ? { location: path, key, value, rawStart, rawEnd, memberStart, memberEnd, source: 'json', isNumber, parent, wrap }
        : { location: path, key, value, rawStart, rawEnd, memberStart, memberEnd, source: 'json', parent, wrap };
    }
    this.leaves.push(leaf);
  }

  /** The last key read, as a leaf of its own: it is data, not a field name, so it has no key,
   *  and no member span (redaction masks a key, it never removes one). */
  private pushKey(parentPath: string, key: string): void {
    const { parent, wrap } = this;
    const location = `${parentPath}/${this.keyToken}${KEY_SUFFIX}`;
    const rawStart = this.keyStart, rawEnd = this.keyEnd;
    this.leaves.push(parent === undefined
      ? { location, key: undefined, value: key, rawStart, rawEnd, memberStart: undefined, memberEnd: undefined, source: 'json', isKey: true }
      : { location, key: undefined, value: key, rawStart, rawEnd, memberStart: undefined, memberEnd: undefined, source: 'json', parent, wrap, isKey: true });
  }

  document(from: number, to: number, prefix: string, blankOk: boolean, rootKey?: string): void {
    this.end = to;
    this.pos = from;
    this.ws();
    if (this.pos >= to && blankOk) return;
    // Checked once for the whole buffer, and only when there is something to read. Strings are
    // then decoded with toString('utf8'), which would otherwise hide bad bytes as U+FFFD.
    if (!this.utf8Checked) {
      if (!isUtf8(this.buf)) throw new EgError('EG_BODY_UNINSPECTABLE', 'malformed JSON: not valid UTF-8');
      this.utf8Checked = true;
    }
    this.value(prefix, rootKey);
    this.ws();
    if (this.pos < to) this.fail(this.pos, 'unexpected data after the document');
  }

  private value(rootPath: string, rootKey: string | undefined): void {
    const buf = this.buf;
    const filter = this.filter;
    const stack: Frame[] = [];
    // The current value's location is built only when something needs it (a leaf kept, a
    // container opened): its container's path and its token there (null for the root).
    let base: Frame | string = rootPath;
    let token: string | number | null = null;
    let key = rootKey;
    // The current member's key's role in a key/value record (none for items and the root).
    let role: KeyRole = ROLE_NONE;
    // Whether the current value's leaves must be kept whatever they hold.
    let hot = filter === undefined || !filter.plainKey(rootKey);
    // Where the member or item holding the current value starts: its key's opening quote in an
    // object, the value itself in an array; -1 for the root, which no member holds.
    let memberStart = -1;
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === LBRACE || c === LBRACKET) {
        this.pos++;
        this.ws();
        if (this.peek() !== (c === LBRACE ? RBRACE : RBRACKET)) {
          if (stack.length >= MAX_JSON_DEPTH) this.fail(this.pos, `nesting deeper than ${MAX_JSON_DEPTH} levels`);
          const array = c === LBRACKET;
          const itemsHot = hot || (array && filter !== undefined && !filter.plainItems(key));
          const holder = stack[stack.length - 1];
          const frame: Frame = { array, up: base, token, path: undefined, key, hot: itemsHot, index: 0, cells: undefined, rows: undefined, capture: undefined, label: undefined, labelStart: -1, labelEnd: -1, role };
          if (holder !== undefined) {
            // A column may be an object ({"key": "xm", "title": "姓名"}): its label is its name.
            if (holder.capture && array) holder.capture = null;
            if (array && this.columnName !== undefined) tableRole(holder, frame, key);
          }
          stack.push(frame);
          memberStart = this.pos;
          base = frame;
          if (frame.array) {
            token = 0;
            role = ROLE_NONE;
            key = cellKey(frame, 0);
            hot = itemsHot || (key !== frame.key && filter !== undefined && !filter.plainKey(key));
          } else {
            key = typedValueKey(frame, this.memberKey(keySlot(stack.length, 0)));
            role = this.keyRole;
            if (this.keyIsValue) this.pushKey(pathOf(frame), key);
            token = this.keyToken;
            hot = frame.hot || this.keyHot;
          }
          continue;
        }
        this.pos++;
      } else if (c === QUOTE) {
        const rawStart = this.pos + 1;
        let keep = true;
        if (hot) this.string();
        else keep = !this.skipPlainString();
        const top = stack[stack.length - 1];
        const capture = top?.capture;
        if (capture) captureColumn(top!, capture, keep ? this.str : utf8(buf, rawStart, this.pos - 1));
        let leafKey = key;
        if (top !== undefined && this.columnName !== undefined && this.pos - rawStart <= MAX_COLUMN_CHARS) {
          if (!top.array) {
            if (role === ROLE_LABEL) {
              // A second label member ({"name": "姓名", "type": "input"}, Feishu's form widgets)
              // replaces the first only when the first names no field.
              if (top.labelStart < 0 || !this.columnName(utf8(buf, top.labelStart, top.labelEnd))) {
                top.labelStart = rawStart;
                top.labelEnd = this.pos - 1;
              }
            } else if (role === ROLE_VALUE && top.role === ROLE_LABEL && typeof top.up !== 'string' && !top.up.array) {
              // FHIR's {"type": {"text": "PPN"}, "value": "E123…"}: the label is the type's text.
              top.up.labelStart = rawStart;
              top.up.labelEnd = this.pos - 1;
            }
          } else if (top.index <= 1 && typeof top.up !== 'string' && top.up.array) {
            const text = keep ? this.str : utf8(buf, rawStart, this.pos - 1);
            if (top.index === 0) {
              if (this.columnName(text)) {
                top.label = text;
                // A field name in a row is a label, not a value of its column.
                leafKey = top.key;
              }
            } else if (top.label !== undefined && this.columnName(text)) {
              // ["姓名", "手机"]: two field names make a header row, not a pair.
              leafKey = cellKey(top, 1);
            }
          }
        }
        if (keep) {
          const path = token === null ? pathOf(base) : `${pathOf(base)}/${token}`;
          this.push(path, leafKey, this.str, rawStart, this.pos - 1, false, memberStart < 0 ? undefined : memberStart, memberStart < 0 ? undefined : this.pos);
        }
      } else if (c === MINUS || isDigit(c)) {
        const holder = stack[stack.length - 1];
        if (holder?.capture) holder.capture = null;
        const rawStart = this.pos;
        this.number();
        if (hot || !filter!.plainValue(buf, rawStart, this.pos)) {
          const path = token === null ? pathOf(base) : `${pathOf(base)}/${token}`;
          const value = latin1(buf, rawStart, this.pos);
          this.push(path, key, value, rawStart, this.pos, true, memberStart < 0 ? undefined : memberStart, memberStart < 0 ? undefined : this.pos);
        }
      } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
        const holder = stack[stack.length - 1];
        if (holder?.capture) holder.capture = null;
        this.literal(c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null');
      } else this.fail(this.pos, c < 0 ? 'unexpected end of input' : 'unexpected character');

      // A value is complete: close finished containers, or move to the next item or member.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return;
        this.ws();
        const b = this.peek();
        if (b === COMMA) {
          this.pos++;
          this.ws();
          memberStart = this.pos;
          base = top;
          if (top.array) {
            token = ++top.index;
            role = ROLE_NONE;
            key = top.label !== undefined && top.index === 1 ? top.label : cellKey(top, top.index);
            hot = top.hot || (key !== top.key && filter !== undefined && !filter.plainKey(key));
          } else {
            key = typedValueKey(top, this.memberKey(keySlot(stack.length, ++top.index)));
            role = this.keyRole;
            if (this.keyIsValue) this.pushKey(pathOf(top), key);
            token = this.keyToken;
            hot = top.hot || this.keyHot;
            if (role === ROLE_VALUE && top.labelStart >= 0) {
              const label = utf8(buf, top.labelStart, top.labelEnd);
              if (this.columnName!(label)) {
                key = label;
                hot = hot || filter === undefined || !filter.plainKey(key);
              }
            }
          }
          break;
        }
        if (b !== (top.array ? RBRACKET : RBRACE)) {
          this.fail(this.pos, top.array ? "expected ',' or ']'" : "expected ',' or '}'");
        }
        this.pos++;
        stack.pop();
        const capturing = stack[stack.length - 1];
        if (!top.array && capturing?.capture) {
          // Only a `columns` member describes columns by objects; a first row holding one is data.
          const name = typeof capturing.up !== 'string' && !capturing.up.array && top.labelStart >= 0 ? utf8(buf, top.labelStart, top.labelEnd) : undefined;
          if (name === undefined) capturing.capture = null;
          else captureColumn(capturing, capturing.capture, name);
        }
        if (top.capture && top.capture.some(this.columnName!)) {
          // A header row gives its table's rows their columns; a `columns` member, its object's.
          const holder = stack[stack.length - 1];
          if (holder !== undefined && (!holder.array || (top.token === 0 && holder.rows === undefined))) holder.rows = top.capture;
        }
      }
    }
  }

  /** Reads a member's key and sets keyToken to its pointer token, keyIsValue and the key's raw
   *  span (keyStart..keyEnd). Keys repeat (every record of an array has the same ones), so an
   *  escape-free key is looked up by its bytes in keyCache first: no string is decoded, no token
   *  escaped and no value test run again. A value-like key is never cached: it is data the
   *  cache would keep past the request, and keyed records rarely repeat it. */
  private memberKey(slot: number): string {
    if (this.peek() !== QUOTE) this.fail(this.pos, 'expected a string key');
    const buf = this.buf;
    const start = this.pos + 1;
    // Records repeat their keys in order: the key last seen at this depth and position is
    // tried first, which spares hashing the key and the map lookup.
    const guess = keySlots[slot];
    if (guess !== undefined) {
      const close = start + guess.bytes.length;
      if (close < this.end && buf[close] === QUOTE && sameBytes(guess.bytes, buf, start, close)) {
        const key = this.cached(guess);
        this.pos = close + 1;
        this.keyEnd = close;
        return this.afterKey(start, key);
      }
    }
    let i = start;
    let h = 0x811c9dc5;
    while (i < this.end) {
      const b = buf[i]!;
      if (b === QUOTE || b === BACKSLASH || b < 0x20) break;
      h = Math.imul(h ^ b, 0x01000193);
      i++;
    }
    let key: string;
    if (i < this.end && buf[i] === QUOTE && i - start <= KEY_CACHE_MAX_BYTES) {
      const hit = keyCache.get(h);
      if (hit !== undefined && sameBytes(hit.bytes, buf, start, i)) {
        key = this.cached(hit);
        keySlots[slot] = hit;
      } else {
        key = utf8(buf, start, i);
        this.keyToken = escapePointerToken(key);
        this.keyRole = keyRoleOf(key);
        this.keyIsValue = looksLikeValueKey(key);
        this.keyHot = this.filter === undefined || !this.filter.plainKey(key);
        if (!this.keyIsValue) {
          if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
          const entry: KeyEntry = { bytes: new Uint8Array(buf.subarray(start, i)), key, token: this.keyToken, judgedBy: this.filter, hot: this.keyHot, role: this.keyRole };
          keyCache.set(h, entry);
          keySlots[slot] = entry;
        }
      }
      this.pos = i + 1;
      this.keyEnd = i;
    } else {
      // Escapes, long keys, and the errors string() reports.
      this.string();
      key = this.str;
      this.keyToken = escapePointerToken(key);
      this.keyRole = keyRoleOf(key);
      this.keyIsValue = looksLikeValueKey(key);
      this.keyHot = this.filter === undefined || !this.filter.plainKey(key);
      this.keyEnd = this.pos - 1;
    }
    return this.afterKey(start, key);
  }

  /** A cached key's token and verdicts (the filter's, judged once per filter). */
  private cached(entry: KeyEntry): string {
    this.keyToken = entry.token;
    this.keyRole = entry.role;
    this.keyIsValue = false;
    if (this.filter !== undefined && entry.judgedBy !== this.filter) {
      entry.judgedBy = this.filter;
      entry.hot = !this.filter.plainKey(entry.key);
    }
    this.keyHot = this.filter === undefined || entry.hot;
    return entry.key;
  }

  /** The ':' after a key read from start. */
  private afterKey(start: number, key: string): string {
    this.keyStart = start;
    this.ws();
    if (this.peek() !== COLON) this.fail(this.pos, "expected ':'");
    this.pos++;
    return key;
  }

  /** For a string at this.pos under plain keys: when it has no escapes and the filter calls its
   *  bytes plain (it stops at control chars, which string() then reports), moves past it and
   *  returns true (no string is built). Otherwise reads it into this.str as string() does and
   *  returns false. */
  private skipPlainString(): boolean {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos + 1;
    // A loop, not buf.indexOf: values are short, and the native call costs more than the bytes
    // (~18 against ~8 ns per value here).
    let close = start;
    for (;;) {
      const b = close < end ? buf[close]! : -1;
      if (b === QUOTE) break;
      // Escapes, and the errors string() reports (the end before a quote, control chars).
      if (b === BACKSLASH || b < 0) {
        this.string();
        return false;
      }
      close++;
    }
    // The filter stops at control chars; string() then reports them.
    if (this.filter!.plainValue(buf, start, close)) {
      this.pos = close + 1;
      return true;
    }
    this.string();
    return false;
  }

  /** Reads the string at this.pos (a quote) into this.str; leaves pos after the closing quote. */
  private string(): void {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos + 1;
    let run = i;
    let out = '';
    for (;;) {
      if (i >= end) this.fail(this.pos, 'unterminated string');
      const b = buf[i]!;
      if (b === QUOTE) break;
      if (b < 0x20) this.fail(i, 'control character in string');
      if (b !== BACKSLASH) {
        i++;
        continue;
      }
      // Escapes and quotes are ASCII, so a run never splits a multibyte character.
      if (run < i) out += utf8(buf, run, i);
      const e = i + 1 < end ? buf[i + 1]! : -1;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 0x75) {
        let unit = 0;
        for (let k = i + 2; k < i + 6; k++) {
          const h = k < end ? hexValue(buf[k]!) : -1;
          if (h < 0) this.fail(i, 'invalid \\u escape');
          unit = (unit << 4) | h;
        }
        // Surrogate halves are appended as UTF-16 units, so an escaped pair joins by itself
        // and a lone half stays what JSON.parse would make of it.
        out += String.fromCharCode(unit);
        i += 6;
      } else {
        this.fail(i, 'invalid escape');
      }
      run = i;
    }
    this.str = run < i ? out + utf8(buf, run, i) : out;
    this.pos = i + 1;
  }

  private number(): void {
    let i = this.pos;
    if (this.at(i) === MINUS) i++;
    if (this.at(i) === 0x30) i++;
    else i = this.digits(i);
    if (this.at(i) === DOT) i = this.digits(i + 1);
    const e = this.at(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = this.at(i);
      if (sign === PLUS || sign === MINUS) i++;
      i = this.digits(i);
    }
    this.pos = i;
  }

  /** One or more digits from i; returns the index after them. */
  private digits(i: number): number {
    if (!isDigit(this.at(i))) this.fail(i, 'expected a digit');
    while (isDigit(this.at(i))) i++;
    return i;
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.at(this.pos + k) !== word.charCodeAt(k)) this.fail(this.pos, 'invalid literal');
    }
    this.pos += word.length;
  }

  private ws(): void {
    const buf = this.buf;
    const end = this.end;
    // A local position: the loop then keeps it in a register rather than in the object.
    let p = this.pos;
    while (p < end) {
      const b = buf[p];
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  private peek(): number {
    return this.at(this.pos);
  }

  private at(i: number): number {
    return i < this.end ? this.buf[i]! : -1;
  }

  /** Says where and what, never which bytes: the body may hold the data we protect. */
  private fail(at: number, what: string): never {
    throw new EgError('EG_BODY_UNINSPECTABLE', `malformed JSON at byte ${at}: ${what}`);
  }
}

/** Buffer's own decoders, without toString's argument and encoding handling, which cost more
 *  than decoding a short string does. Every Node Buffer has them, though its typings do not
 *  say so; toString stands in should one be missing. */
type Slice = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { utf8Slice?: Slice; latin1Slice?: Slice };
const utf8Slice = proto.utf8Slice;
const latin1Slice = proto.latin1Slice;

function utf8(buf: Buffer, start: number, end: number): string {
  return utf8Slice !== undefined ? utf8Slice.call(buf, start, end) : buf.toString('utf8', start, end);
}

function latin1(buf: Buffer, start: number, end: number): string {
  return latin1Slice !== undefined ? latin1Slice.call(buf, start, end) : buf.toString('latin1', start, end);
}

/** Keys seen lately, by an FNV-1a hash of their bytes (a colliding key replaces the entry).
 *  Bounded in count and key length, and cleared when full: field names, like the field
 *  dictionary's own cache (classify/fields.ts), are kept across requests. */
interface KeyEntry {
  readonly bytes: Uint8Array;
  readonly key: string;
  readonly token: string;
  /** The filter whose verdict `hot` holds (filters are per classifier; most runs have one). */
  judgedBy: LeafFilter | undefined;
  hot: boolean;
  /** What the key is to a key/value record (KeyRole). */
  readonly role: KeyRole;
}
const keyCache = new Map<number, KeyEntry>();
/** The key last read per (depth, member position), masked into a fixed table. */
const keySlots: Array<KeyEntry | undefined> = new Array<KeyEntry | undefined>(4096).fill(undefined);

/** A member's slot in keySlots: depth and position, positions past 31 sharing the last one. */
function keySlot(depth: number, position: number): number {
  return ((depth << 5) + (position < 31 ? position : 31)) & 4095;
}
const KEY_CACHE_LIMIT = 4096;
const KEY_CACHE_MAX_BYTES = 64;

function sameBytes(a: Uint8Array, buf: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== buf[start + k]) return false;
  return true;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
