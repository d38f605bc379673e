/**
 * Passports and travel permits. They carry no public checksum, so callers only use these with
 * a field name or label that says "passport" (DOMAIN §5).
 */

// E + 8 digits, E + letter (no I/O) + 7 digits, G + 8 digits, exit permits C + 8 digits,
// HK/Macau residents' permits H/M + 8 or 10 digits.
const CN_DOCUMENT = /^(?:[EGC]\d{8}|E[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)$/;

export function isChineseTravelDocument(s: string): boolean {
  return s.length >= 9 && s.length <= 11 && CN_DOCUMENT.test(s.toUpperCase());
}

/** Foreign passports vary by country: 6–12 letters/digits, mostly digits, is the common shape. */
export function isPlausiblePassport(s: string): boolean {
  if (s.length < 6 || s.length > 12) return false;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c | 32) < 97 || (c | 32) > 122) return false;
  }
  return digits >= 5;
}

/** 1 for a Chinese document format, 0.7 for the generic shape, 0 otherwise. */
export function passportConfidenceFactor(s: string): number {
  if (isChineseTravelDocument(s)) return 1;
  return isPlausiblePassport(s) ? 0.7 : 0;
}

/**
 * An airline's DOCS element, the API data a passenger's booking carries abroad ("SSR DOCS …
 * P/CHN/G94283433/CHN/21AUG98/M/22SEP29/HOU/YANGPING"): document type, issuer, number,
 * nationality, birth date, sex, expiry, surname and given names. `at` is the type letter's index.
 */
const SSR_DOCS = /[PIC]\/[A-Z]{3}\/([A-Z0-9]{5,15})\/[A-Z]{3}\/\d{2}[A-Z]{3}\d{2}\/(?:MI|FI|[MFU])\/\d{2}[A-Z]{3}\d{2}\/([A-Z]+(?: [A-Z]+)*\/[A-Z]+(?: [A-Z]+)*)/y;

export function ssrDocsAt(v: string, at: number): { type: string; number: { start: number; end: number }; name: { start: number; end: number } } | undefined {
  SSR_DOCS.lastIndex = at;
  const m = SSR_DOCS.exec(v);
  if (m === null) return undefined;
  const numberStart = at + 6;
  const nameEnd = at + m[0].length;
  return { type: v[at]!, number: { start: numberStart, end: numberStart + m[1]!.length }, name: { start: nameEnd - m[2]!.length, end: nameEnd } };
}

/**
 * The first line of a passport's machine-readable zone (ICAO 9303 TD3): "P", the type or '<',
 * the issuing state, then the holder's names, surname first, "<<" before the given names and
 * '<' filling the line ("P<CHNSONG<<HUI<<<<…"). `at` is the "P"; the span is the names'.
 */
const MRZ_NAME_LINE = /P[A-Z<][A-Z]{3}([A-Z]+(?:<[A-Z]+)*<<[A-Z]+(?:<[A-Z]+)*)<*(?![A-Za-z0-9])/y;

export function mrzNameAt(v: string, at: number): { start: number; end: number } | undefined {
  MRZ_NAME_LINE.lastIndex = at;
  const m = MRZ_NAME_LINE.exec(v);
  if (m === null) return undefined;
  const start = at + 5;
  return { start, end: start + m[1]!.length };
}
