/**
 * Character classes for the classifier's scans. They work on UTF-16 code units so the scans
 * never allocate; full-width forms are folded in here because they are a common evasion
 * (DOMAIN §5) and each is still one code unit, so offsets stay those of the original value.
 */

/** 0..9 for ASCII and full-width digits, -1 otherwise. */
export function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

export function isDigitCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
}

/** ASCII or full-width Latin letter. */
export function isLetterCode(c: number): boolean {
  const l = c | 32;
  if (l >= 97 && l <= 122) return true;
  return (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

/** ASCII letter only: word boundaries of Latin keywords. */
export function isAsciiLetterCode(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122;
}

export function isAsciiUpperCode(c: number): boolean {
  return c >= 65 && c <= 90;
}

export function isAsciiLowerCode(c: number): boolean {
  return c >= 97 && c <= 122;
}

export function isAlnumCode(c: number): boolean {
  return isDigitCode(c) || isLetterCode(c);
}

/** The ASCII code of an ASCII or full-width digit or letter, letters upper-cased; -1 otherwise. */
export function foldAlnum(c: number): number {
  if (c >= 48 && c <= 57) return c;
  if (c >= 65 && c <= 90) return c;
  if (c >= 97 && c <= 122) return c - 32;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10 + 48;
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 65;
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 65;
  return -1;
}

/** Upper-case letter, ASCII or full width. */
export function isUpperCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xff21 && c <= 0xff3a);
}

/** 'X' / 'x' in ASCII or full width: the ID-card check character 10. */
export function isXCode(c: number): boolean {
  return c === 88 || c === 120 || c === 0xff38 || c === 0xff58;
}

/** Han ideographs (unified, extension A, compatibility). */
export function isCjkCode(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** Invisible characters pasted into identifiers to split them for naive scanners: zero-width
 *  space/joiners and direction marks (U+200B–200F), word joiner and invisible operators
 *  (U+2060–2064), BOM (U+FEFF), soft hyphen (U+00AD), Mongolian vowel separator (U+180E), and
 *  the other blank format chars below. */
export function isInvisibleCode(c: number): boolean {
  if (c < 0xad) return false;
  return (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff || c === 0xad || c === 0x180e ||
    // Bidi embeddings and isolates, the combining grapheme joiner, Hangul fillers: also blank.
    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x034f || c === 0x061c || c === 0x3164 ||
    c === 0x115f || c === 0x1160 || c === 0xffa0;
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000;
}

/** The typographic spaces a pasted number may be grouped with: en, em, thin, hair, figure,
 *  punctuation and narrow no-break spaces (U+2002–200A, U+202F, U+205F). */
export function isTypeSpaceCode(c: number): boolean {
  return (c >= 0x2002 && c <= 0x200a) || c === 0x202f || c === 0x205f;
}

/** Dashes and minus signs other than ASCII '-': hyphens and dashes U+2010–2015, the minus
 *  U+2212, the full-width and small hyphen-minus. */
export function isWideDashCode(c: number): boolean {
  return (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xff0d || c === 0xfe63;
}

/** Space, tab, CR, LF and the wide spaces. */
export function isWhiteCode(c: number): boolean {
  return isSpaceCode(c) || c === 10 || c === 13;
}

/**
 * The text as it reads once the usual evasions are undone: invisible characters dropped and
 * full-width ASCII forms (U+FF01–FF5E: digits, letters, '．', '＠', '－') made ASCII. For the
 * checks that take a whole field value (document formats, names, coordinates); the finding
 * still covers the value as written. ASCII-only text is returned as it is.
 */
export function foldEvasions(s: string): string {
  // Most values hold no evasion: they are returned without a copy.
  let i = 0;
  while (i < s.length && !isEvasionCode(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isInvisibleCode(c)) continue;
    out += isFullwidthAscii(c) ? String.fromCharCode(c - 0xfee0) : s[i];
  }
  return out;
}

function isEvasionCode(c: number): boolean {
  return c >= 0x80 && (isInvisibleCode(c) || isFullwidthAscii(c));
}

/** Where the line holding s[end - 1] starts, if at most `max` chars before `end` and with no
 *  `stop` char between; else -1. Bounded, so a reader called at many places of one long line
 *  does not scan back over it each time. */
export function nearLineStart(s: string, end: number, max: number, stop = -1): number {
  for (let p = end - 1; p >= 0 && end - p <= max + 1; p--) {
    const c = s.charCodeAt(p);
    if (c === 10) return p + 1;
    if (c === stop) return -1;
  }
  return end <= max ? 0 : -1;
}

/** U+FF01–FF5E: the full-width forms of ASCII '!'…'~'. */
export function isFullwidthAscii(c: number): boolean {
  return c >= 0xff01 && c <= 0xff5e;
}
