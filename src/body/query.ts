import type { Leaf } from './leaf.js';
import { expandNested } from './nested.js';
import { parseUrlEncoded } from './urlencoded.js';

/** The query string without its '?'. Offsets are indices into `query` (bytes, for the ASCII
 *  request-target HTTP allows); a non-ASCII char is taken as text, as URLSearchParams does.
 *  Values holding JSON or base64 are opened (nested.ts); what could not be opened stays a
 *  plain leaf, read as it is. */
export function parseQuery(query: string): Leaf[] {
  return expandNested(parseUrlEncoded(query, 'query', false)).leaves;
}
