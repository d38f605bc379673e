/**
 * multipart/form-data (RFC 7578, framing of RFC 2046 §5.1.1). One leaf per readable part, its
 * raw span the part content; JSON and CSV parts get children in their own format; binary parts
 * are listed as opaque. A framing we cannot read unambiguously is refused: a receiver might
 * split it differently than we did and see data we never inspected.
 */
import { isUtf8 } from 'node:buffer';
import { EgError } from '../errors.js';
import { readBase64 } from './base64.js';
import { csvChildren, declaredCsvDelimiter, sniffTableDelimiter } from './csv.js';
import { parseJson } from './json.js';
import type { Leaf } from './leaf.js';
import { asContainer, type OpaquePart } from './nested.js';
import { isBinaryType, parseMediaType, TEXT_CHARSETS } from './media-type.js';
import { parsePartHeaders, type PartHeaders } from './part-headers.js';
import { escapePointerToken } from './pointer.js';
import { parseUrlEncoded } from './urlencoded.js';

export interface MultipartBody {
  readonly leaves: Leaf[];
  readonly opaque: OpaquePart[];
}

const LF = 0x0a, CR = 0x0d, DASH = 0x2d;

export function parseMultipart(buf: Buffer, boundary: string | undefined): MultipartBody {
  if (boundary === undefined || boundary === '' || boundary.length > 200) {
    throw malformed('no boundary parameter in the content type');
  }
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const out: MultipartBody = { leaves: [], opaque: [] };
  let at = nextDelimiter(buf, dash, 0);
  if (at < 0) throw malformed('no boundary delimiter');
  // Receivers ignore the preamble and epilogue, but their bytes still leave: read them too.
  outside(buf, 0, Math.max(0, lineStart(buf, at)), '#preamble', out);
  for (let index = 0; ; index++) {
    let i = at + dash.length;
    if (buf[i] === DASH && buf[i + 1] === DASH) {
      i = endOfLine(buf, i + 2, true);
      outside(buf, i, buf.length, '#epilogue', out);
      return out;
    }
    const headersStart = endOfLine(buf, i, false);
    const contentStart = blankLine(buf, headersStart);
    const next = nextDelimiter(buf, dash, contentStart - 1);
    if (next < 0) throw malformed('missing the closing delimiter');
    const contentEnd = Math.max(contentStart, lineStart(buf, next));
    const headers = parsePartHeaders(buf.subarray(headersStart, contentStart));
    // Before the content, as it stands in the body: top-level leaves come in body order.
    filenameLeaf(buf, headersStart, headers, index, out);
    part(buf, contentStart, contentEnd, headers, index, out);
    at = next;
  }
}

/** The next "--boundary" at the start of a line, from `from` on. */
function nextDelimiter(buf: Buffer, dash: Buffer, from: number): number {
  for (let i = buf.indexOf(dash, Math.max(0, from)); i >= 0; i = buf.indexOf(dash, i + 1)) {
    if (i === 0 || buf[i - 1] === LF) {
      const after = buf[i + dash.length];
      // "--boundaryX" on its own line is no delimiter to RFC 2046, but is to lax parsers.
      if (after !== undefined && after !== CR && after !== LF && after !== DASH && after !== 0x20 && after !== 0x09) {
        throw malformed(`a line starts with the boundary at byte ${i} but is not a delimiter`);
      }
      return i;
    }
  }
  return -1;
}

/** Where the line end before a delimiter starts (it belongs to the delimiter, not the part). */
function lineStart(buf: Buffer, delimiter: number): number {
  if (delimiter === 0) return 0;
  return buf[delimiter - 2] === CR ? delimiter - 2 : delimiter - 1;
}

/** After optional transport padding and the line end; the closing delimiter may end the body. */
function endOfLine(buf: Buffer, i: number, mayEnd: boolean): number {
  while (buf[i] === 0x20 || buf[i] === 0x09) i++;
  if (buf[i] === CR && buf[i + 1] === LF) return i + 2;
  if (buf[i] === LF) return i + 1;
  if (mayEnd && i >= buf.length) return i;
  throw malformed(`bad delimiter line at byte ${i}`);
}

/** The first byte after the empty line that ends a part's headers. */
function blankLine(buf: Buffer, i: number): number {
  for (;;) {
    if (buf[i] === LF) return i + 1;
    if (buf[i] === CR && buf[i + 1] === LF) return i + 2;
    const lf = buf.indexOf(LF, i);
    if (lf < 0) throw malformed(`part headers without an end at byte ${i}`);
    i = lf + 1;
  }
}

function outside(buf: Buffer, start: number, end: number, location: string, out: MultipartBody): void {
  if (buf.subarray(start, end).every((b) => b === 0x20 || b === 0x09 || b === CR || b === LF)) return;
  const content = buf.subarray(start, end);
  if (!isText(content)) return void out.opaque.push({ location, reason: 'not valid UTF-8 text' });
  out.leaves.push({ location, key: undefined, value: content.toString('utf8'), rawStart: start, rawEnd: end, source: 'multipart' });
}

function partLocation(h: PartHeaders, index: number): string {
  const name = h.name;
  const location = `/${name === undefined ? `#${index}` : escapePointerToken(name)}`;
  if (h.filename === undefined) return location;
  // Locations go into audit records, and a file's name is data the user chose: it may name a
  // person in any script ("王芳_身份证.jpg", "Zhang_Wei_passport.pdf"). Only its extension is
  // written.
  return `${location}/#file${/\.[A-Za-z0-9]{1,8}$/.exec(h.filename)?.[0] ?? ''}`;
}

/** A file's name is sent too, and names what it holds ("王芳_11010519491231002X_身份证.jpg"),
 *  whatever the content: read as text where the header block has it, so it can be masked in
 *  place (a filename* value is percent-encoded, which the nested reader opens). */
function filenameLeaf(buf: Buffer, headersStart: number, h: PartHeaders, index: number, out: MultipartBody): void {
  const span = h.filenameSpan;
  if (span === undefined) return;
  const start = headersStart + span.start;
  const end = headersStart + span.end;
  const raw = buf.subarray(start, end);
  if (!isText(raw)) return;
  out.leaves.push({ location: `${partLocation(h, index)}|filename`, key: 'filename', value: raw.toString('utf8'), rawStart: start, rawEnd: end, source: 'text' });
}

function part(buf: Buffer, start: number, end: number, h: PartHeaders, index: number, out: MultipartBody): void {
  const name = h.name;
  const location = partLocation(h, index);
  // An empty file input is sent as an empty octet-stream part: nothing there to refuse.
  if (start === end) return;
  const { type, charset } = parseMediaType(h.contentType);
  const format = formatOf(type, h.filename);
  const refuse = (reason: string) => void out.opaque.push({ location, reason });
  const cte = h.transferEncoding;
  if (cte !== undefined && !['7bit', '8bit', 'binary', 'base64'].includes(cte)) return refuse(`content-transfer-encoding ${clip(cte)}`);
  const content = buf.subarray(start, end);
  // Browsers send files they have no type for (.vcf, .fa, .log) as octet-stream: what is
  // printable UTF-8 is read as text rather than set aside.
  if (format === undefined && isBinaryType(type) && !(type === 'application/octet-stream' && isPrintableText(content))) {
    return refuse(`binary content type ${clip(type)}`);
  }
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) return refuse(`charset ${clip(charset)}`);
  if (!isText(content)) return refuse('not valid UTF-8 text');
  const leaves = out.leaves;
  const holder = leaves.length;
  leaves.push({ location, key: name, value: content.toString('utf8'), rawStart: start, rawEnd: end, source: 'multipart' });
  if (cte !== 'base64') return void formatChildren(leaves, holder, content, format);
  const read = readBase64(content.toString('latin1'));
  if (read === undefined || !isText(read.bytes)) {
    leaves.pop();
    return refuse(read === undefined ? 'invalid base64 content' : 'base64 content is not UTF-8 text');
  }
  leaves[holder] = asContainer(leaves[holder]!);
  leaves.push({
    location: `${location}|base64`, key: name, value: read.bytes.toString('utf8'),
    rawStart: 0, rawEnd: content.length, source: 'text', parent: holder, wrap: 'base64',
  });
  formatChildren(leaves, holder + 1, read.bytes, format);
}

type Format = 'json' | 'csv' | 'tsv' | 'table' | 'form' | undefined;

function formatOf(type: string, filename: string | undefined): Format {
  const file = filename?.toLowerCase() ?? '';
  if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) return 'json';
  // Spreadsheet exports are often labelled application/vnd.ms-excel or octet-stream.
  if (type === 'text/csv' || type === 'application/csv' || file.endsWith('.csv')) return 'csv';
  if (type === 'text/tab-separated-values' || file.endsWith('.tsv')) return 'tsv';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** JSON, CSV or form content as children of leaves[holder]; content that does not parse stays
 *  text. */
function formatChildren(leaves: Leaf[], holder: number, content: Buffer, declared: Format): void {
  // A text file of no known format may be a table all the same: a roster saved as .txt, an
  // "Excel" export that is tab-separated text (csv.ts sniffTableDelimiter).
  const sniffed = declared === undefined ? sniffTableDelimiter(content) : undefined;
  const format = declared ?? (sniffed !== undefined ? 'table' : undefined);
  if (format === undefined) return;
  const parent = leaves[holder]!;
  let children: Leaf[];
  try {
    if (format === 'json') children = parseJson(content, { location: `${parent.location}|json`, key: parent.key, parent: holder, wrap: 'part' });
    else if (format === 'form') {
      // Read as latin1, as a form body is (form.ts): offsets are then bytes of the part.
      children = parseUrlEncoded(content.toString('latin1'), 'form', true).map((c) => ({ ...c, location: `${parent.location}|form${c.location}`, parent: holder, wrap: 'part' as const }));
    } else {
      const delimiter = format === 'table' ? sniffed! : declaredCsvDelimiter(content, format === 'csv' ? ',' : '\t');
      children = csvChildren(content, parent, holder, delimiter);
    }
  } catch {
    return;
  }
  if (children.length === 0) return;
  leaves[holder] = asContainer(parent);
  leaves.push(...children);
}

function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}

/** UTF-8 with no control bytes but tab and line ends: a binary file is almost never that. */
function isPrintableText(bytes: Buffer): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  return isUtf8(bytes);
}

function malformed(what: string): EgError {
  return new EgError('EG_BODY_UNINSPECTABLE', `malformed multipart body: ${what}`);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
