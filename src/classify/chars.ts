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

export function isAlnumCode(c: number): boolean {
  return isDigitCode(c) || isLetterCode(c);
}

/** 'X' / 'x' in ASCII or full width: the ID-card check character 10. */
export function isXCode(c: number): boolean {
  return c === 88 || c === 120 || c === 0xff38 || c === 0xff58;
}

/** Han ideographs (unified, extension A, compatibility). */
export function isCjkCode(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** Invisible characters pasted into numbers to split them for naive scanners. */
export function isZeroWidthCode(c: number): boolean {
  return c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xfeff;
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000;
}

/** Space, tab, CR, LF and the wide spaces. */
export function isWhiteCode(c: number): boolean {
  return isSpaceCode(c) || c === 10 || c === 13;
}
