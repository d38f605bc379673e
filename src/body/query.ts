import type { Leaf } from './leaf.js';
import { parseUrlEncoded } from './urlencoded.js';

/** The query string without its '?'. Offsets are indices into `query` (bytes, for the ASCII
 *  request-target HTTP allows); a non-ASCII char is taken as text, as URLSearchParams does. */
export function parseQuery(query: string): Leaf[] {
  return parseUrlEncoded(query, 'query', false);
}
