import { EgError } from '../errors.js';
import { parseCsv } from './csv.js';
import { parseJson } from './json.js';
import type { Leaf } from './leaf.js';
import { escapePointerToken } from './pointer.js';

export interface MultipartResult {
  readonly leaves: Leaf[];
  readonly opaque: { readonly location: string; readonly reason: string }[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BINARY_TYPE = /^(application\/(octet-stream|zip|gzip|x-gzip|pdf|protobuf|x-protobuf)|image\/|audio\/|video\/|font\/)/;

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\*?=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(header);
  if (!m) return undefined;
  return (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim();
}

/**
 * multipart/form-data (RFC 7578): one leaf per readable part, its raw span the part content
 * in the body. JSON parts and CSV files get child leaves; binary parts are listed as opaque so
 * the policy's uninspectable rule decides about them. LF-only line ends are tolerated.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartResult {
  const boundary = param(contentType.slice(contentType.indexOf(';') + 1), 'boundary');
  if (!boundary) throw new EgError('EG_BODY_UNINSPECTABLE', 'multipart body without a boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`);
  const leaves: Leaf[] = [];
  const opaque: { location: string; reason: string }[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new EgError('EG_BODY_UNINSPECTABLE', 'multipart body without its boundary');
  let closed = false;
  for (let index = 0; ; index++) {
    let cursor = at + delimiter.length;
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) {
      closed = true;
      break;
    }
    const lineEnd = body.indexOf(0x0a, cursor);
    if (lineEnd < 0) break;
    cursor = lineEnd + 1;
    let headerEnd: number;
    let contentStart: number;
    // A part without headers starts with the blank line itself.
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) [headerEnd, contentStart] = [cursor, cursor + 2];
    else if (body[cursor] === 0x0a) [headerEnd, contentStart] = [cursor, cursor + 1];
    else {
      headerEnd = body.indexOf('\r\n\r\n', cursor);
      contentStart = headerEnd + 4;
      const lfEnd = body.indexOf('\n\n', cursor);
      if (lfEnd >= 0 && (headerEnd < 0 || lfEnd < headerEnd)) {
        headerEnd = lfEnd;
        contentStart = lfEnd + 2;
      }
    }
    if (headerEnd < 0) break;
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) break;
    let contentEnd = next;
    if (body[contentEnd - 1] === 0x0a) contentEnd--;
    if (body[contentEnd - 1] === 0x0d) contentEnd--;
    if (contentEnd < contentStart) contentEnd = contentStart;
    const headers = body.toString('latin1', cursor, headerEnd).split(/\r?\n/);
    const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const disposition = header('content-disposition') ?? '';
    const name = param(disposition, 'name') ?? String(index);
    const filename = param(disposition, 'filename');
    const type = (header('content-type') ?? '').toLowerCase();
    const location = `/${escapePointerToken(name)}${filename !== undefined ? `/${escapePointerToken(filename)}` : ''}`;
    const content = body.subarray(contentStart, contentEnd);
    const transfer = (header('content-transfer-encoding') ?? '').toLowerCase();
    let value: string | undefined;
    if (!BINARY_TYPE.test(type) && !content.includes(0)) {
      try {
        value = utf8.decode(content);
      } catch {
        value = undefined;
      }
    }
    if (value === undefined) {
      opaque.push({ location, reason: type ? `binary part ${type.split(';')[0]}` : 'binary part' });
    } else if (content.length > 0) {
      const partIndex = leaves.length;
      leaves.push({ location, key: name, value, rawStart: contentStart, rawEnd: contentEnd, source: 'multipart' });
      let children: Leaf[] = [];
      if (transfer !== 'base64') {
        try {
          if (type.startsWith('application/json') || type.includes('+json')) children = parseJson(content);
          else if (type.startsWith('text/csv') || (filename ?? '').toLowerCase().endsWith('.csv')) children = parseCsv(content, '');
          else if (type.startsWith('text/tab-separated-values') || (filename ?? '').toLowerCase().endsWith('.tsv')) children = parseCsv(content, '', 0x09);
        } catch {
          children = [];
        }
      }
      if (children.length > 0) {
        leaves[partIndex] = { ...leaves[partIndex]!, container: true };
        for (const child of children) {
          leaves.push({ ...child, location: `${location}${child.location}`, parent: partIndex, wrap: child.source === 'csv' ? 'csv' : 'part' });
        }
      }
    }
    at = next;
  }
  if (!closed) throw new EgError('EG_BODY_UNINSPECTABLE', 'multipart body is missing its closing boundary');
  return { leaves, opaque };
}
