/**
 * CSV (RFC 4180) and its tab-separated variant, read in one pass over the bytes so each cell
 * keeps its byte span. Every non-empty cell is a leaf keyed by its column header, so a column
 * named 身份证号 or mobile gives the classifier field context.
 */
import { isUtf8 } from 'node:buffer';
import { EgError } from '../errors.js';
import type { Leaf } from './leaf.js';
import { escapePointerToken } from './pointer.js';

export type CsvDelimiter = ',' | '\t' | ';' | '|';

export interface CsvOptions {
  /** ',' (text/csv), '\t' (text/tab-separated-values), or what a text table was sniffed to use. */
  readonly delimiter?: CsvDelimiter;
  /** Prefix of every location (the holder's location when the CSV is nested). */
  readonly location?: string;
}

interface Cell {
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

const QUOTE = 0x22, LF = 0x0a, CR = 0x0d;

/**
 * Locations are `<location>/<record>/<column>`: the record index counts from 0 in the file (the
 * header is record 0, so the index names a record as it is stored), the column is the header
 * name when there is one, else the 0-based column index. The raw span of a quoted cell is its
 * content inside the quotes.
 */
export function parseCsv(buf: Buffer, options: CsvOptions = {}): Leaf[] {
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  const base = options.location ?? '';
  if (!isUtf8(buf)) throw malformed('not valid UTF-8');
  const records = readRecords(buf, delimiter);
  const text = (c: Cell) => cellText(buf, c);
  const headerAt = headerRecord(records, text);
  const header = headerAt < 0 ? undefined : records[headerAt]!.map(text);
  const leaves: Leaf[] = [];
  records.forEach((cells, r) => {
    cells.forEach((cell, c) => {
      const value = text(cell);
      if (value === '') return;
      // Cells are padded in aligned exports and Markdown tables ("| 姓名 |"): the name is the
      // text inside.
      const name = r > headerAt && header !== undefined && header[c]?.trim() ? header[c]!.trim() : undefined;
      const column = name === undefined ? String(c) : escapePointerToken(name);
      leaves.push({ location: `${base}/${r}/${column}`, key: name, value, rawStart: cell.start, rawEnd: cell.end, source: 'csv' });
    });
  });
  return leaves;
}

/** A table held by another leaf (a multipart file, a JSON string) as its children: locations
 *  under the holder's with "|csv", spans into the holder's bytes. */
export function csvChildren(content: Buffer, holder: Leaf, holderIndex: number, delimiter: CsvDelimiter): Leaf[] {
  return parseCsv(content, { location: `${holder.location}|csv`, delimiter }).map((c) => ({ ...c, parent: holderIndex, wrap: 'csv' as const }));
}

const MAX_SNIFFED = 1 << 20;
const MAX_HEADER_CELL = 40;

/**
 * The delimiter of a text that is one table: a header row of 2+ short cells, then 1+ rows with
 * as many cells as the header (one row in five may have more); with fewer than three rows, a
 * header cell that `columnName` knows. Quotes must be RFC 4180 quoting (a quoted cell may hold
 * the delimiter or a line break). Anything else (prose with commas or quotes, log lines, a title
 * over a table) stays text.
 */
export function sniffTableDelimiter(buf: Buffer, columnName?: (name: string) => boolean): CsvDelimiter | undefined {
  if (buf.length > MAX_SNIFFED || buf.includes(0)) return undefined;
  const firstEnd = buf.indexOf(LF);
  if (firstEnd < 0) return undefined;
  const first = buf.toString('utf8', 0, firstEnd);
  // Tabs, commas, semicolons (European spreadsheets), or the pipes of database exports
  // ("order_no|consignee|…").
  const delimiter = DELIMITERS.find((d) => first.includes(d));
  if (delimiter === undefined) return undefined;
  const table = buf.includes(QUOTE) ? quotedShape(buf, delimiter) : plainShape(buf, delimiter);
  if (table === undefined) return undefined;
  const { cells, counts } = table;
  // A Markdown table ("| 姓名 | 手机 |") has a pipe before its first and after its last cell.
  const markdown = delimiter === '|' && cells.length >= 4 && cells[0]!.trim() === '' && cells[cells.length - 1]!.trim() === '';
  const header = markdown ? cells.slice(1, -1) : cells;
  if (!looksLikeHeader(header) || header.some((c) => c.trim() === '' || c.length > MAX_HEADER_CELL)) return undefined;
  // Two lines of prose with a comma each would pass the count: a header that names a field the
  // classifier knows, or more rows, tells a table.
  if (counts.length < 2 || (counts.length < 4 && !header.some((c) => columnName?.(c.trim()) === true))) return undefined;
  // A row with more cells is an unquoted delimiter inside a cell ("Han, Xuanbai"), which loose
  // exports have now and then; a row with fewer is not one of the table's.
  // A statement's last line may be a footer with fewer cells ("客服热线\t95588", "合计\t3笔",
  // "serialNo: 020-68084179").
  // A payroll batch's total may carry an amount with a thousands comma ("合计,,,,¥28,562.42,")
  // before such a footer; the footer itself is not one of the rows the share is taken over.
  let exact = 0;
  let footer = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count < cells.length) {
      if (!(i === counts.length - 1 && i >= 3)) return undefined;
      footer = 1;
    }
    if (count === cells.length) exact++;
  }
  return exact * 5 >= (counts.length - footer) * 4 ? delimiter : undefined;
}

const DELIMITERS = ['\t', ',', ';', '|'] as const;

/**
 * The delimiter of a body declared CSV (or TSV, `declared` '\t'): the declared one when its first
 * record holds it outside quotes, else ';' (spreadsheets in locales whose decimal mark is the
 * comma), a tab, ',' or '|', whichever it holds, in that order.
 */
export function declaredCsvDelimiter(buf: Buffer, declared: ',' | '\t' = ','): CsvDelimiter {
  let semicolon = false, tab = false, comma = false, pipe = false;
  let quoted = false;
  const n = Math.min(buf.length, MAX_SNIFFED);
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (b === LF) break;
    else if (b === 0x2c) comma = true;
    else if (b === 0x3b) semicolon = true;
    else if (b === 0x09) tab = true;
    else if (b === 0x7c) pipe = true;
  }
  if (declared === ',' ? comma : tab) return declared;
  return semicolon ? ';' : tab ? '\t' : comma ? ',' : pipe ? '|' : declared;
}

/** The first record's cell texts and every record's cell count, trailing blank lines left out. */
interface TableShape {
  readonly cells: readonly string[];
  readonly counts: readonly number[];
}

/** Without quotes a record is a line. */
function plainShape(buf: Buffer, delimiter: CsvDelimiter): TableShape {
  const lines = buf.toString('utf8').split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return { cells: (lines[0] ?? '').replace(/^\uFEFF/, '').split(delimiter), counts: lines.map((l) => l.split(delimiter).length) };
}

/** Undefined when the quotes are not CSV quoting. */
function quotedShape(buf: Buffer, delimiter: CsvDelimiter): TableShape | undefined {
  let records: Cell[][];
  try {
    records = readRecords(buf, delimiter.charCodeAt(0));
  } catch (err) {
    if (err instanceof EgError) return undefined;
    throw err;
  }
  // A quote inside an unquoted cell is prose (他说"好的", 然后…), not a quoted cell.
  if (records.some((r) => r.some((c) => !c.quoted && buf.subarray(c.start, c.end).includes(QUOTE)))) return undefined;
  const blank = (r: Cell[]) => r.length === 1 && !r[0]!.quoted && r[0]!.start === r[0]!.end;
  while (records.length > 0 && blank(records[records.length - 1]!)) records.pop();
  return { cells: (records[0] ?? []).map((c) => cellText(buf, c)), counts: records.map((r) => r.length) };
}

function cellText(buf: Buffer, c: Cell): string {
  const raw = buf.toString('utf8', c.start, c.end);
  return c.quoted ? raw.replaceAll('""', '"') : raw;
}

/** Lines a bank or payroll export writes above its header, at most ("户名：吕军,账号：…"). */
const MAX_PREAMBLE = 8;

/**
 * The index of the header record, or -1 for none. It is the first record, unless that one is a
 * preamble: statements open with the account's own "户名：吕军,账号：…,币种：人民币" line(s),
 * each cell a label and its value, and exports with "# 导出时间：…" comments, before the
 * table's header. Then the header is the first record after the preamble that looks like one
 * and has as many cells as the record below it.
 */
function headerRecord(records: readonly Cell[][], text: (c: Cell) => string): number {
  const first = records[0]?.map(text) ?? [];
  if (!isPreamble(records, 0, first)) return looksLikeHeader(first) ? 0 : -1;
  for (let r = 1; r <= MAX_PREAMBLE && r + 1 < records.length; r++) {
    const cells = records[r]!.map(text);
    if (isPreamble(records, r, cells) || cells.every((c) => c.trim() === '')) continue;
    return cells.length >= 2 && cells.length === records[r + 1]!.length && looksLikeHeader(cells) ? r : -1;
  }
  return -1;
}

/**
 * Record r is a comment, or every non-empty cell of it a label, a colon and a value ("户名：吕军",
 * "Account: 6216…"). A '#' line shaped like the row below it is a header that opens with '#'
 * (VCF's "#CHROM\tPOS…", a genotype export's "# rsid\tchromosome…").
 */
function isPreamble(records: readonly Cell[][], r: number, cells: readonly string[]): boolean {
  if (cells[0]?.trimStart().startsWith('#') === true) return cells.length < 2 || records[r + 1]?.length !== cells.length;
  let labelled = 0;
  for (const cell of cells) {
    const c = cell.trim();
    if (c === '') continue;
    const colon = c.search(/[:：]/);
    if (colon <= 0 || colon === c.length - 1 || colon > 12) return false;
    labelled++;
  }
  return labelled > 0;
}

/** No cell mostly digits: "mobile,身份证号" is a header, "张三,13800138000" is data. */
function looksLikeHeader(cells: readonly string[]): boolean {
  if (!cells.some((c) => c.trim() !== '')) return false;
  return cells.every((cell) => {
    const chars = cell.replace(/\s/g, '');
    const digits = chars.replace(/[^0-9０-９]/g, '').length;
    return digits * 2 <= chars.length;
  });
}

function readRecords(buf: Buffer, delimiter: number): Cell[][] {
  const n = buf.length;
  const records: Cell[][] = [];
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < n) {
    const row: Cell[] = [];
    for (;;) {
      let cell: Cell;
      if (buf[i] === QUOTE) {
        let q = i + 1;
        for (;;) {
          q = buf.indexOf(QUOTE, q);
          if (q < 0) throw malformed(`unterminated quoted field at byte ${i}`);
          if (buf[q + 1] !== QUOTE) break;
          q += 2;
        }
        cell = { start: i + 1, end: q, quoted: true };
        i = q + 1;
        const after = i < n ? buf[i]! : -1;
        const lineEnd = after === LF || (after === CR && buf[i + 1] === LF);
        if (after !== -1 && after !== delimiter && !lineEnd) throw malformed(`text after a closing quote at byte ${i}`);
      } else {
        let j = i;
        while (j < n && buf[j] !== delimiter && buf[j] !== LF) j++;
        // CR belongs to the line end only when LF follows; a lone CR is data.
        const end = j < n && buf[j] === LF && j > i && buf[j - 1] === CR ? j - 1 : j;
        cell = { start: i, end, quoted: false };
        i = end;
      }
      row.push(cell);
      if (i < n && buf[i] === delimiter) {
        i++;
        if (i === n) row.push({ start: n, end: n, quoted: false });
        if (i < n) continue;
      }
      break;
    }
    if (buf[i] === CR) i++;
    if (buf[i] === LF) i++;
    records.push(row);
  }
  return records;
}

/** A cell's new content for its raw span: doubled quotes inside quotes; quotes added around an
 *  unquoted cell that now holds a quote, a line end or a delimiter. */
export function encodeCsvCell(value: string, outer: Buffer | undefined, start: number, end: number): string {
  const quoted = outer !== undefined && start > 0 && outer[start - 1] === QUOTE;
  const doubled = value.replaceAll('"', '""');
  if (quoted) return doubled;
  // The neighbours tell the delimiter; a lone cell on its line could be in either format.
  const around = outer === undefined ? [] : [outer[start - 1], outer[end]];
  const delimiters = around.includes(0x09) ? '\t' : around.includes(0x2c) ? ',' : around.includes(0x3b) ? ';' : around.includes(0x7c) ? '|' : ',\t';
  const needs = /["\r\n]/.test(value) || [...delimiters].some((d) => value.includes(d));
  return needs ? `"${doubled}"` : value;
}

function malformed(what: string): EgError {
  return new EgError('EG_BODY_UNINSPECTABLE', `malformed CSV: ${what}`);
}
