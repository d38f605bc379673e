/**
 * Picks the parser for a decoded body by its media type. Anything we cannot read as text, JSON
 * or form is refused as uninspectable (what happens then is the destination's policy); a type
 * we do not know is read as text when it is text, so an odd label hides nothing.
 */
import { EgError } from '../errors.js';
import { parseForm } from './form.js';
import { parseJson, parseNdjson } from './json.js';
import type { Leaf } from './leaf.js';
import { parseCsv } from './csv.js';
import { parseMultipart } from './multipart.js';
import { expandNested } from './nested.js';
import { parseText } from './text.js';

export type BodyFormat = 'json' | 'ndjson' | 'form' | 'multipart' | 'csv' | 'text' | 'empty';

export interface ParsedBody {
  readonly format: BodyFormat;
  readonly leaves: Leaf[];
  /** Parts that could not be read (binary multipart parts): the policy's uninspectable rule
   *  applies to them. */
  readonly opaque?: readonly { readonly location: string; readonly reason: string }[];
}

const NDJSON_TYPES = new Set([
  'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonl',
  'application/jsonlines', 'application/x-jsonlines',
]);

const BINARY_TYPES = new Set([
  'application/octet-stream', 'application/zip', 'application/gzip', 'application/x-gzip',
  'application/pdf', 'application/protobuf', 'application/x-protobuf', 'application/vnd.google.protobuf',
]);
const BINARY_PREFIXES = ['image/', 'audio/', 'video/', 'font/', 'application/grpc'];

// us-ascii is a subset of UTF-8; anything else would need transcoding, and a redacted value
// could not be written back in the sender's charset.
const TEXT_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

export function parseBody(decoded: Buffer, contentType: string | undefined): ParsedBody {
  if (decoded.length === 0) return { format: 'empty', leaves: [] };
  const { type, charset } = parseMediaType(contentType);
  // Before the binary check: image/svg+xml is XML text and worth reading.
  const xml = type.endsWith('+xml');
  if (!xml && (BINARY_TYPES.has(type) || BINARY_PREFIXES.some((p) => type.startsWith(p)))) {
    throw new EgError('EG_BODY_UNINSPECTABLE', `binary content type ${clip(type)}`);
  }
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) {
    throw new EgError('EG_BODY_UNINSPECTABLE', `charset ${clip(charset)} is not supported (send utf-8)`);
  }
  if (NDJSON_TYPES.has(type)) return { format: 'ndjson', leaves: expandNested(parseNdjson(decoded)) };
  if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) {
    return { format: 'json', leaves: expandNested(parseJson(decoded)) };
  }
  if (type === 'application/x-www-form-urlencoded') return { format: 'form', leaves: expandNested(parseForm(decoded)) };
  if (type === 'multipart/form-data') {
    const { leaves, opaque } = parseMultipart(decoded, contentType ?? '');
    return { format: 'multipart', leaves: expandNested(leaves), opaque };
  }
  if (type === 'text/csv' || type === 'text/tab-separated-values') {
    return { format: 'csv', leaves: expandNested(parseCsv(decoded, '', type === 'text/csv' ? 0x2c : 0x09)) };
  }
  // text/*, XML, JavaScript, unknown and missing types.
  return { format: 'text', leaves: expandNested(parseText(decoded)) };
}

/** Lower-cased `type/subtype` ('' when absent) and the charset parameter, unquoted. */
export function parseMediaType(contentType: string | undefined): { type: string; charset: string | undefined } {
  if (contentType === undefined) return { type: '', charset: undefined };
  const [head = '', ...params] = contentType.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { type: head.trim().toLowerCase(), charset };
}

/** Header values go into error details; keep them short. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
