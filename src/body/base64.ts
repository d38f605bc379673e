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
  if (s.length < MIN_SHORT_BASE64 || (s.length < MIN_BASE64 && !SHORT_MIX.test(s)) || !LOOKS_BASE64.test(s) || HEX_ID.test(s)) return undefined;
  const read = readBase64(s);
  if (read === undefined || !isUtf8(read.bytes)) return undefined;
  const text = read.bytes.toString('utf8');
  if (CONTROL.test(text)) return undefined;
  // A short one is opened only for what is worth hiding so: a Han name, a number.
  return s.length >= MIN_BASE64 || SHORT_PAYLOAD.test(text) ? text : undefined;
}

export const MIN_BASE64 = 16;
/** "5rGf5bmz5YWw" is a three-character name, "MTc2MDEyMTYyMDk" a mobile number, "RTQ5NTMzNjY2"
 *  a passport's. */
export const MIN_SHORT_BASE64 = 8;
/** Short tokens are words and ids unless they mix a digit with both cases, as base64 of text does. */
const SHORT_MIX = /^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])/;
const SHORT_PAYLOAD = /^(?:[\u3400-\u9fff·]{2,}|[0-9 +-]{8,}|[A-Z][0-9]{7,10})$/;
