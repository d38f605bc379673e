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
