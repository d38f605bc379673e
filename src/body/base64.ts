/**
 * Base64 inside values: read it so hidden text is inspected, and write it back in the shape it
 * came in (alphabet, padding, line length), so a receiver that parsed the original parses the
 * redacted value the same way.
 */
import { isUtf8 } from 'node:buffer';

export interface Base64Shape {
  /** '-' and '_' (RFC 4648 §5) instead of '+' and '/'. */
  readonly url: boolean;
  readonly pad: boolean;
  /** Characters per line for MIME-style wrapping; 0 for one line. */
  readonly line: number;
  readonly eol: '\r\n' | '\n';
  /** A line end after the last line, as MIME bodies usually have. */
  readonly finalEol: boolean;
}

const ALPHABET = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** The bytes and shape of `s`, or undefined when `s` is not base64 in a form this module writes
 *  back byte for byte (mixed alphabets, stray whitespace, ragged lines, non-zero spare bits). */
export function readBase64(s: string): { bytes: Buffer; shape: Base64Shape } | undefined {
  const eol = s.includes('\r\n') ? '\r\n' : '\n';
  const lines = s.includes('\n') ? s.split(eol) : [s];
  const finalEol = lines.length > 1 && lines[lines.length - 1] === '';
  if (finalEol) lines.pop();
  const line = lines.length > 1 ? lines[0]!.length : 0;
  if (line % 4 !== 0) return undefined;
  for (let i = 0; i < lines.length - 1; i++) if (lines[i]!.length !== line) return undefined;
  const body = lines.join('');
  if (body.length === 0 || !ALPHABET.test(body)) return undefined;
  const std = /[+/]/.test(body);
  const urlChars = /[-_]/.test(body);
  if (std && urlChars) return undefined;
  const padded = body.endsWith('=');
  if (padded ? body.length % 4 !== 0 : body.length % 4 === 1) return undefined;
  // Without a telling character the alphabet is a guess: missing padding is base64url's habit.
  const url = urlChars || (!std && !padded && body.length % 4 !== 0);
  const shape: Base64Shape = { url, pad: padded || (!url && body.length % 4 === 0), line, eol, finalEol };
  const bytes = Buffer.from(body, url ? 'base64url' : 'base64');
  // Node decodes leniently; only a canonical input is one we can promise to write back.
  return encodeBase64(bytes, shape) === s ? { bytes, shape } : undefined;
}

export function encodeBase64(bytes: Buffer, shape: Base64Shape): string {
  let text = bytes.toString(shape.url ? 'base64url' : 'base64').replace(/=+$/, '');
  if (shape.pad) text = text.padEnd(Math.ceil(text.length / 4) * 4, '=');
  if (shape.line > 0 && text.length > shape.line) {
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += shape.line) lines.push(text.slice(i, i + shape.line));
    text = lines.join(shape.eol);
  }
  return shape.finalEol ? text + shape.eol : text;
}

// Hex digests, UUIDs and other hex-with-dashes ids: never text in disguise, and common.
const HEX_ID = /^[0-9A-Fa-f-]+$/;

// A cheap first look; readBase64 checks the details.
const LOOKS_BASE64 = /^[A-Za-z0-9+/_-][A-Za-z0-9+/_\r\n-]*={0,2}\s*$/;

// C0 and C1 controls except tab and line ends: binary data decodes to these, text rarely has them.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * The text a string value hides as base64, or undefined. Short tokens, hex and digit strings are
 * ids rather than encodings, and random ids almost never decode to valid UTF-8 without control
 * characters, which keeps false openings rare.
 */
export function base64Text(s: string): string | undefined {
  if (s.length < MIN_SHORT_BASE64 || (s.length < MIN_BASE64 && !SHORT_MIX.test(s)) || !mayDecodeToText(s) || !LOOKS_BASE64.test(s) || HEX_ID.test(s)) return undefined;
  const read = readBase64(s);
  if (read === undefined || !isUtf8(read.bytes)) return undefined;
  const text = read.bytes.toString('utf8');
  if (CONTROL.test(text)) return undefined;
  // A short one is opened only for what is worth hiding so: a Han name, a number.
  return s.length >= MIN_BASE64 || SHORT_PAYLOAD.test(text) ? text : undefined;
}

/** Sextet values of both base64 alphabets ('+' and '-' are 62, '/' and '_' 63); -1 elsewhere. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
SEXTET[0x2d] = 62;
SEXTET[0x5f] = 63;

/**
 * False when `s`, read as base64, cannot decode to what base64Text accepts: its bytes, four
 * chars at a time, break UTF-8 (a stray continuation byte, a bad lead, a lead without its
 * continuation) or hold a control char CONTROL rejects. Most words, paths and ids longer than a
 * few chars ("application/json", "ORD-20240115-00123") fail within the first group or two,
 * where decoding them whole, re-encoding and validating cost a microsecond. Only ever a
 * necessary condition: whatever it cannot judge (another char, the tail after the last full
 * group, overlong forms it does not look for) it passes to the full reading.
 */
export function mayDecodeToText(s: string): boolean {
  let state = 0;
  let quad = 0;
  let held = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    const v = c < 128 ? SEXTET[c]! : -1;
    if (v < 0) return true;
    quad = (quad << 6) | v;
    if (++held < 4) continue;
    if ((state = quadStep(state, quad)) < 0) return false;
    quad = 0;
    held = 0;
  }
  return true;
}

/** mayDecodeToText over a value's UTF-8 bytes, for a caller that has not made it a string. */
export function bytesMayDecodeToText(buf: Uint8Array, start: number, end: number): boolean {
  let state = 0;
  for (let i = start; i + 4 <= end; i += 4) {
    const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!;
    if ((a | b | c | d) >= 128) return true;
    const sa = SEXTET[a]!, sb = SEXTET[b]!, sc = SEXTET[c]!, sd = SEXTET[d]!;
    // Line ends and the rest are left to the reading of the string.
    if ((sa | sb | sc | sd) < 0) return true;
    if ((state = quadStep(state, (sa << 18) | (sb << 12) | (sc << 6) | sd)) < 0) return false;
  }
  return true;
}

/** The three bytes four base64 chars stand for, through utf8Step. */
function quadStep(state: number, quad: number): number {
  state = utf8Step(state, quad >>> 16);
  if (state >= 0) state = utf8Step(state, (quad >>> 8) & 0xff);
  return state >= 0 ? utf8Step(state, quad & 0xff) : -1;
}

/** One byte through a UTF-8 reader whose state is the continuation bytes still due (bits 0–1),
 *  plus 4 after a C2 lead (whose 80–9F continuations are the C1 controls); -1 when the bytes
 *  so far cannot be valid text without controls. */
function utf8Step(state: number, b: number): number {
  if ((state & 3) !== 0) {
    if ((b & 0xc0) !== 0x80 || ((state & 4) !== 0 && b < 0xa0)) return -1;
    return (state & 3) - 1;
  }
  if (b < 0x80) return (b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f ? -1 : 0;
  if (b < 0xc2) return -1;
  if (b === 0xc2) return 1 | 4;
  return b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf5 ? 3 : -1;
}

export const MIN_BASE64 = 16;
/** "5rGf5bmz5YWw" is a three-character name, "MTc2MDEyMTYyMDk" a mobile number, "RTQ5NTMzNjY2"
 *  a passport's. */
export const MIN_SHORT_BASE64 = 8;
/** Short tokens are words and ids unless they mix a digit with both cases, as base64 of text does. */
const SHORT_MIX = /^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])/;
const SHORT_PAYLOAD = /^(?:[\u3400-\u9fff·]{2,}|[0-9 +-]{8,}|[A-Z][0-9]{7,10})$/;
