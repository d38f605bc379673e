/**
 * Percent-encoding (RFC 3986 §2.1) inside values such as URLs or pre-encoded fields. Only %XX is
 * decoded; '+' stays '+' (that is form encoding, which form fields already undo).
 */

const ESCAPE = /%[0-9A-Fa-f]{2}/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// C0/C1 controls other than tab and line ends. A literal '%' before digits ("%13800138000")
// decodes to one, eating the digits; such a value is better read as it is.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The decoded text when `s` holds at least one escape and decodes to UTF-8 text; else
 *  undefined (a value we could not write back byte for byte is better read as it is). */
export function percentText(s: string): string | undefined {
  // Asked of nearly every string in a body: most have no '%' at all.
  if (s.indexOf('%') === -1 || !ESCAPE.test(s)) return undefined;
  let text: string;
  try {
    text = utf8.decode(decodeWithMap(Buffer.from(s, 'utf8')).bytes);
  } catch {
    return undefined;
  }
  return CONTROL.test(text) ? undefined : text;
}

/**
 * `original` with its decoded text replaced by `next`. Only the stretch from the first to the
 * last changed byte is encoded anew; before and after it the original characters are kept as
 * they were, so a URL keeps its literal ':', '/', '?', '&' and its escape style.
 */
export function percentReencode(original: string, next: string): string {
  const raw = Buffer.from(original, 'utf8');
  const { bytes: old, map } = decodeWithMap(raw);
  const lower = /%(?:[0-9a-f][a-f]|[a-f][0-9])/.test(original) && !/%(?:[0-9A-F][A-F]|[A-F][0-9])/.test(original);
  // Masks replace character for character: then each changed character is encoded alone and
  // everything between two masked values (a query's '&name=', a log line's spaces) stays as
  // it was written.
  const oldChars = Array.from(old.toString('utf8'));
  const newChars = Array.from(next);
  if (oldChars.length === newChars.length) return reencodeByChar(raw, map, oldChars, newChars, (ch) => encodeBytes(Buffer.from(ch, 'utf8'), lower));
  // A value encoded twice: the inner layer's masks changed its length ("%31%33…" became "**").
  // Unchanged stretches are found again after each change, so the text between stays as written.
  const aligned = reencodeAligned(raw, map, oldChars, newChars, lower);
  if (aligned !== undefined) return aligned;
  const neu = Buffer.from(next, 'utf8');
  let p = 0;
  const most = Math.min(old.length, neu.length);
  while (p < most && old[p] === neu[p]) p++;
  // Cut only between characters: a raw multibyte character cannot be split across the seam.
  while (p > 0 && p < old.length && isContinuation(old[p]!)) p--;
  let s = 0;
  while (s < most - p && old[old.length - 1 - s] === neu[neu.length - 1 - s]) s++;
  while (s > 0 && isContinuation(old[old.length - s]!)) s--;
  const middle = encodeBytes(neu.subarray(p, neu.length - s), lower);
  return raw.toString('utf8', 0, map[p]) + middle + raw.toString('utf8', map[old.length - s]);
}

function reencodeByChar(raw: Buffer, map: Uint32Array, oldChars: readonly string[], newChars: readonly string[], encode: (ch: string) => string): string {
  let out = '';
  let at = 0;
  for (let k = 0; k < oldChars.length; k++) {
    const width = Buffer.byteLength(oldChars[k]!);
    out += oldChars[k] === newChars[k] ? raw.toString('utf8', map[at], map[at + width]) : encode(newChars[k]!);
    at += width;
  }
  return out;
}

/**
 * reencodeByChar for a caller with its own escaping (a form field, whose '+' is one raw byte for
 * one decoded byte as an escape is): `raw` rewritten where `newValue` replaces `oldValue`
 * character for character. Undefined when the lengths differ or `raw` does not hold as many
 * bytes as `oldValue`; the caller checks what it decodes to.
 */
export function reencodeKeepingRaw(raw: Buffer, oldValue: string, newValue: string, encode: (ch: string) => string): string | undefined {
  const oldChars = Array.from(oldValue);
  const newChars = Array.from(newValue);
  if (oldChars.length !== newChars.length) return undefined;
  const { map } = decodeWithMap(raw);
  if (map.length - 1 !== Buffer.byteLength(oldValue)) return undefined;
  return reencodeByChar(raw, map, oldChars, newChars, encode);
}

/** Chars that must agree after a change for the two texts to count as in step again. */
const RESYNC = 6;
/** How far a change may reach, in chars of the new text and of the old. */
const MAX_CHANGE_NEW = 64;
const MAX_CHANGE_OLD = 256;

/**
 * Like reencodeByChar, for texts whose lengths differ: after each change, the nearest point where
 * RESYNC chars agree again ends it; the old chars before it are dropped and the new ones encoded.
 * Undefined when the texts do not fall in step again within the bounds.
 */
function reencodeAligned(raw: Buffer, map: Uint32Array, oldChars: string[], newChars: string[], lower: boolean): string | undefined {
  const offsets = new Array<number>(oldChars.length + 1);
  offsets[0] = 0;
  for (let k = 0; k < oldChars.length; k++) offsets[k + 1] = offsets[k]! + Buffer.byteLength(oldChars[k]!);
  const rawOf = (from: number, to: number) => raw.toString('utf8', map[offsets[from]!], map[offsets[to]!]);
  const inStep = (i: number, j: number) => {
    for (let k = 0; k < RESYNC; k++) {
      if (i + k >= oldChars.length || j + k >= newChars.length) return i + k >= oldChars.length && j + k >= newChars.length;
      if (oldChars[i + k] !== newChars[j + k]) return false;
    }
    return true;
  };
  let out = '';
  let i = 0;
  let j = 0;
  while (i < oldChars.length && j < newChars.length) {
    if (oldChars[i] === newChars[j]) {
      out += rawOf(i, i + 1);
      i++;
      j++;
      continue;
    }
    let found = false;
    for (let dj = 0; dj <= MAX_CHANGE_NEW && !found; dj++) {
      for (let di = 0; di <= MAX_CHANGE_OLD; di++) {
        if ((di === 0 && dj === 0) || !inStep(i + di, j + dj)) continue;
        out += encodeBytes(Buffer.from(newChars.slice(j, j + dj).join(''), 'utf8'), lower);
        i += di;
        j += dj;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  if (i < oldChars.length && j < newChars.length) return undefined;
  return out + encodeBytes(Buffer.from(newChars.slice(j).join(''), 'utf8'), lower);
}

/** Decoded bytes, and for each decoded byte index the raw index it came from (plus the end). */
function decodeWithMap(raw: Buffer): { bytes: Buffer; map: Uint32Array } {
  const bytes = Buffer.allocUnsafe(raw.length);
  const map = new Uint32Array(raw.length + 1);
  let n = 0;
  for (let i = 0; i < raw.length; n++) {
    map[n] = i;
    const hi = raw[i] === 0x25 && i + 2 < raw.length ? hex(raw[i + 1]!) : -1;
    const lo = hi >= 0 ? hex(raw[i + 2]!) : -1;
    if (lo >= 0) {
      bytes[n] = (hi << 4) | lo;
      i += 3;
    } else {
      bytes[n] = raw[i]!;
      i++;
    }
  }
  map[n] = raw.length;
  return { bytes: bytes.subarray(0, n), map: map.subarray(0, n + 1) };
}

const HEX_UPPER = '0123456789ABCDEF';

/** encodeURIComponent's literal set (RFC 3986 unreserved plus !*'()), so a mask char '*'
 *  stays readable; every other byte as %XX. */
function encodeBytes(bytes: Buffer, lower: boolean): string {
  const digits = lower ? HEX_UPPER.toLowerCase() : HEX_UPPER;
  let out = '';
  for (const b of bytes) {
    if (isLiteral(b)) out += String.fromCharCode(b);
    else out += `%${digits[b >> 4]}${digits[b & 15]}`;
  }
  return out;
}

function isLiteral(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e || b === 0x21 || b === 0x2a ||
    b === 0x27 || b === 0x28 || b === 0x29
  );
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}
