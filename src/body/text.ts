import { EgError } from '../errors.js';
import type { Leaf } from './leaf.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A whole text body as one leaf. A leading BOM is left outside the leaf (rawStart 3), so the
 * classifier does not see it and redaction keeps it.
 */
export function parseText(buf: Buffer): Leaf[] {
  // NUL never occurs in text and marks binary formats that happen to decode as UTF-8.
  if (buf.includes(0)) throw new EgError('EG_BODY_UNINSPECTABLE', 'body contains NUL bytes (binary data)');
  const rawStart = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (rawStart === buf.length) return [];
  let value: string;
  try {
    value = utf8.decode(buf.subarray(rawStart));
  } catch {
    throw new EgError('EG_BODY_UNINSPECTABLE', 'body is not valid UTF-8 text');
  }
  return [{ location: '', key: undefined, value, rawStart, rawEnd: buf.length, source: 'text' }];
}
