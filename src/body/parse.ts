/**
 * Picks the parser for a decoded body by its media type, then opens values nested inside the
 * leaves (see nested.ts). Anything we cannot read as text or a known format is refused as
 * uninspectable (what happens then is the destination's policy); a type we do not know is read
 * as text when it is text, so an odd label hides nothing.
 */
import { EgError } from '../errors.js';
import { declaredCsvDelimiter, parseCsv, sniffTableDelimiter } from './csv.js';
import { parseForm } from './form.js';
import { parseJson, parseNdjson } from './json.js';
import type { ColumnNamePredicate, Leaf, LeafFilter } from './leaf.js';
import { isBinaryType, mediaTypeParam, parseMediaType, TEXT_CHARSETS } from './media-type.js';
import { parseMultipart } from './multipart.js';
import { expandNested, type NestedLimits, type OpaquePart } from './nested.js';
import { parseText } from './text.js';

export { parseMediaType } from './media-type.js';
export type { OpaquePart } from './nested.js';

export type BodyFormat = 'json' | 'ndjson' | 'form' | 'multipart' | 'csv' | 'tsv' | 'text' | 'empty';

export interface ParsedBody {
  readonly format: BodyFormat;
  /** Every leaf, or with ParseOptions.filter every leaf the filter did not call plain. */
  readonly leaves: Leaf[];
  /** What could not be read (binary multipart parts, encodings nested too deep or beyond the
   *  budget): the policy's uninspectable rule applies to them. */
  readonly opaque?: readonly OpaquePart[];
}

export interface ParseOptions {
  readonly nested?: Partial<NestedLimits>;
  /** Leaves the reader has no use for (JSON and NDJSON bodies; see LeafFilter). */
  readonly filter?: LeafFilter | undefined;
  /** Field names the reader knows: JSON tables whose header names one give their cells keys. */
  readonly columnName?: ColumnNamePredicate | undefined;
}

const NDJSON_TYPES = new Set([
  'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonl',
  'application/jsonlines', 'application/x-jsonlines',
]);

export function parseBody(decoded: Buffer, contentType: string | undefined, options: ParseOptions = {}): ParsedBody {
  if (decoded.length === 0) return { format: 'empty', leaves: [], opaque: [] };
  const { type, charset } = parseMediaType(contentType);
  if (isBinaryType(type)) throw new EgError('EG_BODY_UNINSPECTABLE', `binary content type ${clip(type)}`);
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) {
    throw new EgError('EG_BODY_UNINSPECTABLE', `charset ${clip(charset)} is not supported (send utf-8)`);
  }
  const [format, leaves, opaque] = parseFlat(decoded, type, contentType ?? '', options.filter, options.columnName);
  const nested = expandNested(leaves, options.nested, options.columnName);
  return { format, leaves: nested.leaves, opaque: [...opaque, ...nested.opaque] };
}

function parseFlat(decoded: Buffer, type: string, contentType: string, filter: LeafFilter | undefined, columnName: ColumnNamePredicate | undefined): [BodyFormat, Leaf[], OpaquePart[]] {
  // "+ndjson" suffixes name NDJSON of a vocabulary: FHIR's bulk export is application/fhir+ndjson.
  if (NDJSON_TYPES.has(type) || type.endsWith('+ndjson')) return ['ndjson', parseNdjson(decoded, filter, columnName), []];
  if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) return ['json', parseJson(decoded, undefined, filter, columnName), []];
  if (type === 'application/x-www-form-urlencoded') return ['form', parseForm(decoded), []];
  if (type === 'multipart/form-data') {
    const { leaves, opaque } = parseMultipart(decoded, mediaTypeParam(contentType, 'boundary'));
    return ['multipart', leaves, opaque];
  }
  if (type === 'text/csv' || type === 'application/csv' || type === 'text/tab-separated-values') {
    const tsv = type === 'text/tab-separated-values';
    const delimiter = tsv ? '\t' : declaredCsvDelimiter(decoded);
    try {
      return [delimiter === '\t' ? 'tsv' : 'csv', parseCsv(decoded, { delimiter }), []];
    } catch (err) {
      // Real-world CSV is often loose (a stray quote); as text every byte is still read.
      if (!(err instanceof EgError)) throw err;
    }
  }
  // A plain-text export that is a table (a header row, then rows of as many cells) is read as
  // one, so a column named 姓名 or 身份证号 gives its cells field context.
  if (type === 'text/plain') {
    const table = tableInText(decoded, columnName);
    if (table !== undefined) return table;
  }
  // text/*, XML, JavaScript, other multipart types, unknown and missing types.
  return ['text', parseText(decoded), []];
}

function tableInText(decoded: Buffer, columnName: ColumnNamePredicate | undefined): [BodyFormat, Leaf[], OpaquePart[]] | undefined {
  const delimiter = sniffTableDelimiter(decoded, columnName);
  if (delimiter === undefined) return undefined;
  try {
    return [delimiter === '\t' ? 'tsv' : 'csv', parseCsv(decoded, { delimiter }), []];
  } catch (err) {
    if (err instanceof EgError) return undefined;
    throw err;
  }
}

/** Header values go into error details; keep them short. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
