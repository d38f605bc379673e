/**
 * The alphanumeric candidate scan: a token is a maximal run of ASCII or full-width letters and
 * digits, with invisible characters inside it skipped (they are an evasion, not a boundary).
 * Tokens hold the identifiers that mix letters and digits (USCC, VIN, passports, rsIDs, ICD-10
 * codes) and DNA runs. Counts are gathered while reading; the folded text is built only for
 * tokens short enough to be an identifier. One AlnumToken is reused for every scan.
 */
import { foldAlnum, isAlnumCode, isDigitCode, isInvisibleCode } from './chars.js';

const AT = 64;
const DASH = 45;
const UNDERSCORE = 95;
const DOT = 46;
/** Longest token whose folded text is ever needed (USCC is 18, the longest identifier). */
const MAX_FOLDED = 24;

export class AlnumToken {
  source = '';
  start = 0;
  end = 0;
  /** Letters and digits in the token (invisible chars not counted). */
  length = 0;
  letters = 0;
  digits = 0;
  upper = 0;
  /** Letters from A C G T N (either case). */
  bases = 0;
  /** Nothing identifier-like touches the token on that side. */
  leftOk = true;
  rightOk = true;
  /** Only ASCII letters and digits, nothing skipped: folded() is the upper-cased slice. */
  ascii = true;
  /** Cache of folded(); cleared by readAlnumToken. */
  foldedText: string | undefined;

  /** Letters upper-cased, full width folded, invisible chars removed; '' when too long. */
  folded(): string {
    if (this.foldedText !== undefined) return this.foldedText;
    if (this.length > MAX_FOLDED) return (this.foldedText = '');
    if (this.ascii) {
      // Plain ASCII: one slice (upper-cased when needed) instead of a string per char.
      const text = this.source.slice(this.start, this.end);
      return (this.foldedText = this.upper === this.letters ? text : text.toUpperCase());
    }
    let out = '';
    for (let i = this.start; i < this.end; i++) {
      const f = foldAlnum(this.source.charCodeAt(i));
      if (f >= 0) out += String.fromCharCode(f);
    }
    return (this.foldedText = out);
  }
}

function isBase(f: number): boolean {
  return f === 65 || f === 67 || f === 71 || f === 84 || f === 78;
}

/** ASCII letters and digits: bit 0 letter, bit 1 upper case, bit 2 base (A C G T N), bit 3
 *  digit; 0 for everything else. */
const ASCII_ALNUM = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_ALNUM[c] = 8;
for (let c = 65; c <= 90; c++) {
  const base = isBase(c) ? 4 : 0;
  ASCII_ALNUM[c] = 1 | 2 | base;
  ASCII_ALNUM[c + 32] = 1 | base;
}

/** Fills `tok` with the token starting at the alphanumeric s[i]. */
export function readAlnumToken(s: string, i: number, tok: AlnumToken): void {
  tok.source = s;
  tok.start = i;
  tok.foldedText = undefined;
  let length = 0;
  let letters = 0;
  let upper = 0;
  let bases = 0;
  let ascii = true;
  const n = s.length;
  let p = i;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c < 128) {
      // Most tokens are plain ASCII: one table read per char.
      const t = ASCII_ALNUM[c]!;
      if (t === 0) break;
      length++;
      letters += t & 1;
      upper += (t >> 1) & 1;
      bases += (t >> 2) & 1;
      p++;
      continue;
    }
    const f = foldAlnum(c);
    if (f >= 0) {
      ascii = false;
      length++;
      if (f >= 65) {
        letters++;
        if (c >= 0xff21 && c <= 0xff3a) upper++;
        if (isBase(f)) bases++;
      }
      p++;
    } else if (isInvisibleCode(c)) {
      // A paste of several evasions leaves runs of them ("LSVA\u200b\u200dU218…").
      let q = p + 1;
      while (q < n && q - p < MAX_INVISIBLE_RUN && isInvisibleCode(s.charCodeAt(q))) q++;
      if (q >= n || !isAlnumCode(s.charCodeAt(q))) break;
      ascii = false;
      p = q;
    } else {
      break;
    }
  }
  tok.end = p;
  tok.ascii = ascii;
  tok.length = length;
  tok.letters = letters;
  tok.digits = length - letters;
  tok.upper = upper;
  tok.bases = bases;
  tok.leftOk = i === 0 || !joins(s, i - 1, -1);
  tok.rightOk = p >= n || !joins(s, p, 1);
}

const MAX_INVISIBLE_RUN = 4;

/** Whether s[p], next to a token on side `dir`, makes it part of a longer identifier
 *  ("ORD-LSV…", "x_91350100…", "a@b", "1.2"). */
function joins(s: string, p: number, dir: 1 | -1): boolean {
  const c = s.charCodeAt(p);
  const beyond = p + dir >= 0 && p + dir < s.length ? s.charCodeAt(p + dir) : 0;
  // An '@' before a number with no address before it is a mention ("请@18037880745 处理").
  if (c === AT) return dir === 1 || isAlnumCode(beyond) || beyond === DOT || beyond === DASH || beyond === UNDERSCORE;
  if (c === DOT) return isDigitCode(beyond);
  return (c === DASH || c === UNDERSCORE) && isAlnumCode(beyond);
}
