import { escapePointerToken } from './pointer.js';
import type { Leaf } from './leaf.js';

/**
 * RFC 4180 CSV (and tab-separated values): one leaf per non-empty cell, keyed by its column
 * header so a column named 身份证号 or mobile gives the classifier field context. The raw span of
 * a quoted cell is its content inside the quotes. Offsets are bytes of `buf`.
 */
export function parseCsv(buf: Buffer, base: string, separator = 0x2c): Leaf[] {
  const rows: { start: number; end: number; quoted: boolean }[][] = [];
  let row: { start: number; end: number; quoted: boolean }[] = [];
  let i = 0;
  const n = buf.length;
  while (i <= n) {
    if (i === n) {
      if (row.length > 0) rows.push(row);
      break;
    }
    let start = i;
    let end: number;
    let quoted = false;
    if (buf[i] === 0x22) {
      quoted = true;
      start = i + 1;
      i = start;
      for (;;) {
        if (i >= n) break;
        if (buf[i] === 0x22) {
          if (buf[i + 1] === 0x22) i += 2;
          else break;
        } else i++;
      }
      end = i;
      i = Math.min(i + 1, n);
      while (i < n && buf[i] !== separator && buf[i] !== 0x0a && buf[i] !== 0x0d) i++;
    } else {
      while (i < n && buf[i] !== separator && buf[i] !== 0x0a && buf[i] !== 0x0d) i++;
      end = i;
    }
    row.push({ start, end, quoted });
    if (i < n && buf[i] === separator) {
      i++;
      if (i === n) row.push({ start: n, end: n, quoted: false });
      continue;
    }
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) i++;
    i++;
    rows.push(row);
    row = [];
    if (i >= n) break;
  }
  const text = (c: { start: number; end: number; quoted: boolean }) => {
    const raw = buf.toString('utf8', c.start, c.end);
    return c.quoted ? raw.replace(/""/g, '"') : raw;
  };
  const first = rows[0] ?? [];
  // A header row names columns; a first row of mostly numbers is data.
  const hasHeader = first.length > 0 && first.every((c) => !/^[\d\s.+-]*\d[\d\s.+-]*$/.test(text(c)));
  const headers = hasHeader ? first.map(text) : [];
  const leaves: Leaf[] = [];
  rows.forEach((cells, r) => {
    if (hasHeader && r === 0) return;
    cells.forEach((cell, c) => {
      const value = text(cell);
      if (value.length === 0) return;
      const header = headers[c];
      const column = header !== undefined && header !== '' ? escapePointerToken(header) : String(c);
      leaves.push({
        location: `${base}/${hasHeader ? r - 1 : r}/${column}`,
        key: header !== undefined && header !== '' ? header : undefined,
        value,
        rawStart: cell.start,
        rawEnd: cell.end,
        source: 'csv',
      });
    });
  });
  return leaves;
}
