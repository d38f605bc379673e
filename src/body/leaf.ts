/**
 * A leaf is one scalar value found in a request: a JSON string or number, a form field value,
 * a query parameter value, or a whole text body. Parsers yield leaves; the classifier reads
 * `value`; redaction rewrites `rawStart..rawEnd` of the source buffer.
 */
export type LeafSource = 'json' | 'form' | 'query' | 'text' | 'multipart' | 'csv' | 'header';

export interface Leaf {
  /** Where the value sits: JSON Pointer for JSON ("/user/phone"), "/name" for form fields,
   *  "?name" for query parameters, "" for a whole text body, "/<record>/<column>" for CSV cells,
   *  "/name" for multipart parts, "/name/#file.jpg" for a file part (its extension only: the file
   *  name is data), "#preamble" and "#epilogue" outside them. Nested values append
   *  "|json<pointer>", "|base64", "|pct", "|form/<field>" or "|csv/<record>/<column>" to their
   *  parent's location: "/payload|json/user/phone", "/blob|base64|json/id"; a part's file name
   *  is "<part>|filename". */
  readonly location: string;
  /** The nearest field name (JSON key, form or query name), undefined for array items at the top
   *  or text bodies. Array items inherit the key of the array that holds them. */
  readonly key: string | undefined;
  /** The decoded value (JSON escapes and percent-encoding resolved). */
  readonly value: string;
  /** Byte offsets, in the buffer the parser read, of the raw encoded value: for a JSON string
   *  the bytes between the quotes, for a JSON number its digits, for a form/query value the
   *  percent-encoded text after '='. rawEnd is exclusive. */
  readonly rawStart: number;
  readonly rawEnd: number;
  /** The whole member that holds the value, in the same buffer (or parent value) and unit as
   *  rawStart/rawEnd, end exclusive: for a JSON object member from the opening quote of its key
   *  to the end of the value (closing quote included), for a JSON array item the item itself,
   *  for a form or query pair from the first byte of the name to the end of the value. Separators
   *  (',' and the whitespace around it, '&') are outside it. Undefined where a value has no
   *  removable member: a JSON document's root, text bodies, CSV cells, multipart parts, base64
   *  and percent-encoded children. Redaction's drop mode removes this span and one separator. */
  readonly memberStart?: number | undefined;
  readonly memberEnd?: number | undefined;
  readonly source: LeafSource;
  /** For JSON numbers: true, so redaction knows to write a string (or keep digits) instead. */
  readonly isNumber?: boolean;
  /** Nested content (JSON inside a JSON string, base64 text, percent-encoded text, a multipart
   *  part parsed in its own format): the index of the leaf whose decoded value holds this one.
   *  Parents always come before their children in the array. For a child, rawStart/rawEnd are
   *  byte offsets into the parent's decoded value (UTF-8), not into the body. */
  readonly parent?: number;
  /** How the parent's decoded value wraps its children; redaction re-applies it. */
  readonly wrap?: 'json' | 'base64' | 'percent' | 'part' | 'csv';
  /** True when this leaf's value was decoded into children: the classifier reads the children
   *  instead of this leaf, so nothing is reported twice. */
  readonly container?: boolean;
  /** True for an object member's key that looks like a value (looksLikeValueKey): its location
   *  is the member's own with "#key" appended, `key` is undefined, rawStart..rawEnd lie between
   *  the key's quotes and there is no member span. Redaction rewrites it in place and never
   *  removes it (a drop masks it), so the document keeps its shape. */
  readonly isKey?: boolean;
}

/** The suffix a key leaf's location carries ("/byPhone/13912345678#key"). */
export const KEY_SUFFIX = '#key';

const RS_ID = /^rs\d+$/i;
const isDigitUnit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);

/**
 * True when an object key may itself be an identifier (an e-mail, a phone, ID or card number
 * used as a map key): it holds '@' (or full-width '＠'), a run of 7 or more digits (ASCII or
 * full-width), or 11 or more digits split by single spaces or dashes ("139 1234 5678"). Short
 * numbers ("2024", "100000") and dates ("2024-01-01") are ordinary keys. SNP ids ("rs4477212")
 * are both: a genotype map keyed by them ({"rs4477212": "AG"}) carries genetic data in its keys,
 * which must be masked, and the classifier still reads each as its value's field name.
 * json.ts runs it once per distinct ordinary key (its key cache), so keep it cheap.
 */
export function looksLikeValueKey(key: string): boolean {
  if (key.length >= 3 && (key.charCodeAt(0) | 32) === 0x72 && (key.charCodeAt(1) | 32) === 0x73 && RS_ID.test(key)) return true;
  let run = 0;
  let digits = 0;
  let afterDigit = false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x40 || c === 0xff20) return true;
    if (isDigitUnit(c)) {
      if (++run >= 7 || ++digits >= 11) return true;
      afterDigit = true;
    } else if ((c === 0x20 || c === 0x2d) && afterDigit) {
      run = 0;
      afterDigit = false;
    } else {
      run = 0;
      digits = 0;
      afterDigit = false;
    }
  }
  return false;
}

/**
 * Lets the stage that reads the leaves say which ones it has no use for, so a parser can skip
 * them before building their strings and objects: a value is left out when its key and every
 * key above it are plain and the value's raw bytes are plain. Both answers must err towards
 * "not plain": a leaf left out is never read by anyone. Values with escapes are always kept.
 */
export interface LeafFilter {
  /** True when nothing can be learnt from this field name, for its value or anything below it. */
  plainKey(key: string | undefined): boolean;
  /** True when the items of an array held under this key (which inherit it) are plain as far as
   *  the key goes: nothing pairs them by their position ([lng, lat] under "coordinates"). */
  plainItems(key: string | undefined): boolean;
  /** True when the value whose raw, escape-free UTF-8 bytes are buf[start, end) can hold
   *  nothing of interest under a plain key. */
  plainValue(buf: Uint8Array, start: number, end: number): boolean;
}

/** Whether a string is a field name the classifier reads (json.ts: a table's header row, whose
 *  names its later rows' cells take as their keys). Supplied by the classifier, as LeafFilter is. */
export type ColumnNamePredicate = (name: string) => boolean;
