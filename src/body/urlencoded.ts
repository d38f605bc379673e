/**
 * application/x-www-form-urlencoded, shared by form bodies and query strings: parsing to leaves
 * (as the WHATWG URL standard parses it) and the matching serialiser for redacted values.
 */
import { EgError } from '../errors.js';
import type { Leaf } from './leaf.js';
import { reencodeKeepingRaw } from './percent.js';
import { escapePointerToken } from './pointer.js';

// ignoreBOM keeps a leading U+FEFF in the value: silently dropping bytes would break the
// round trip that redaction relies on.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `s` is split on '&' and each pair at its first '='. Offsets are indices into `s`.
 * rawBytes: each char of `s` is one byte (a body read as latin1), so offsets are byte offsets;
 * otherwise non-ASCII chars are taken as text and UTF-8 encoded before percent-decoding.
 */
export function parseUrlEncoded(s: string, source: 'form' | 'query', rawBytes: boolean): Leaf[] {
  const leaves: Leaf[] = [];
  let field = 0;
  for (let i = 0; i <= s.length; field++) {
    let amp = s.indexOf('&', i);
    if (amp < 0) amp = s.length;
    if (amp > i) {
      let eq = i;
      while (eq < amp && s.charCodeAt(eq) !== 0x3d) eq++;
      const rawStart = eq < amp ? eq + 1 : amp;
      const key = decode(s, i, eq, rawBytes, source, field);
      const value = decode(s, rawStart, amp, rawBytes, source, field);
      const location = source === 'form' ? `/${escapePointerToken(key)}` : `?${key}`;
      leaves.push({ location, key, value, rawStart, rawEnd: amp, memberStart: i, memberEnd: amp, source });
    }
    i = amp + 1;
  }
  return leaves;
}

/** '+' for space; ASCII alphanumerics and *-._ as they are; every other UTF-8 byte as %XX. */
export function encodeUrlEncoded(value: string): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    if (b === 0x20) out += '+';
    else if (isUnreserved(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

const HEX = '0123456789ABCDEF';

/**
 * `newValue` encoded where `raw` held `oldValue`, keeping the raw encoding of every character
 * that did not change: a masked name inside a field leaves its neighbours' "%20", lower-case
 * escapes and literal bytes as the client wrote them (encodeUrlEncoded would write "+" and
 * upper case throughout). Masks replace character for character; a value of another length,
 * or a raw span that does not decode to `oldValue`, is encoded whole.
 */
export function reencodeUrlEncoded(raw: Buffer, oldValue: string, newValue: string): string {
  const out = reencodeKeepingRaw(raw, oldValue, newValue, encodeUrlEncoded);
  if (out === undefined) return encodeUrlEncoded(newValue);
  try {
    return decode(out, 0, out.length, false, 'form', 0) === newValue ? out : encodeUrlEncoded(newValue);
  } catch {
    return encodeUrlEncoded(newValue);
  }
}

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
    b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f
  );
}

function decode(s: string, start: number, end: number, rawBytes: boolean, source: string, field: number): string {
  let plain = true;
  for (let i = start; i < end && plain; i++) {
    const c = s.charCodeAt(i);
    plain = c !== 0x25 && c !== 0x2b && c < 0x80;
  }
  if (plain) return s.slice(start, end);

  const bytes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) {
      bytes.push(0x20);
    } else if (c === 0x25 && i + 2 < end && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80 || rawBytes) {
      // A '%' not followed by two hex digits stays a literal '%'.
      bytes.push(c);
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    // Guessing another charset would make the classifier read different text than the
    // receiver; and a redacted value could not be written back byte for byte.
    const what = source === 'form' ? 'form field' : 'query parameter';
    throw new EgError('EG_BODY_UNINSPECTABLE', `${what} #${field} is not valid UTF-8 after percent-decoding`);
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}
