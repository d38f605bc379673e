import type { Leaf } from './leaf.js';
import { parseUrlEncoded } from './urlencoded.js';

/** application/x-www-form-urlencoded body. Read as latin1 so that string indices are byte
 *  offsets; percent-decoded bytes must then form UTF-8. */
export function parseForm(buf: Buffer): Leaf[] {
  return parseUrlEncoded(buf.toString('latin1'), 'form', true);
}
