/**
 * A leaf's new value, encoded the way its raw span held it: escaped for its source, or, for a
 * child of a base64 or percent-encoded value, wrapped again in that encoding.
 */
import { encodeBase64, readBase64 } from '../body/base64.js';
import { encodeCsvCell } from '../body/csv.js';
import type { Leaf } from '../body/leaf.js';
import { percentReencode } from '../body/percent.js';
import { encodeUrlEncoded, reencodeUrlEncoded } from '../body/urlencoded.js';
import { EgError } from '../errors.js';

/**
 * `outer` is what the leaf's span points into (the body, or the parent's value as UTF-8; absent
 * for query strings); `parentValue` is the parent's original decoded value, for children.
 */
export function encodeLeaf(leaf: Leaf, value: string, outer: Buffer | undefined, parentValue: string | undefined): string {
  if (leaf.wrap === 'base64' && parentValue !== undefined) {
    // The base64 may be part of the parent's value (a JWT's payload, a data URL's content).
    const raw = Buffer.from(parentValue, 'utf8');
    const shape = readBase64(leaf.rawStart === 0 && leaf.rawEnd === raw.length ? parentValue : raw.toString('utf8', leaf.rawStart, leaf.rawEnd))?.shape;
    if (shape === undefined) throw new EgError('EG_INTERNAL', `${leaf.location} is not inside a base64 value`);
    return encodeBase64(Buffer.from(value, 'utf8'), shape);
  }
  if (leaf.wrap === 'percent' && parentValue !== undefined) return percentReencode(parentValue, value);
  switch (leaf.source) {
    case 'json': {
      // JSON.stringify escapes quotes, backslashes, controls and lone surrogates.
      const escaped = JSON.stringify(value).slice(1, -1);
      // A masked number is no longer a number: it becomes a string.
      return leaf.isNumber ? `"${escaped}"` : escaped;
    }
    case 'form':
      return outer === undefined ? encodeUrlEncoded(value) : reencodeUrlEncoded(outer.subarray(leaf.rawStart, leaf.rawEnd), leaf.value, value);
    case 'query':
      return encodeUrlEncoded(value);
    case 'csv':
      return encodeCsvCell(value, outer, leaf.rawStart, leaf.rawEnd);
    case 'text':
    case 'multipart':
    case 'header':
      return value;
  }
}
