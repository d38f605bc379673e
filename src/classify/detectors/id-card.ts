/**
 * Resident identity card numbers (GB 11643): 18 chars with a check char, or the legacy 15-digit
 * form (no check char, so callers must have field-name or label support before trusting it).
 * Input is the digit string the scanner folded (ASCII digits, optional trailing 'X'/'x').
 */

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export type IdCardKind = 'id18' | 'id15';

export interface IdCardInfo {
  readonly kind: IdCardKind;
  readonly birth: CivilDate;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Birth dates are civil dates in China, so "today" must be too (UTC+8 all year, no DST). */
export function chinaDate(now: Date): CivilDate {
  const d = new Date(now.getTime() + CHINA_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return day <= (leap ? 29 : 28);
  }
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

function compareDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

// Province-level prefixes of DOMAIN §5; 71/81/82/83 are the Taiwan/HK/Macau residence permits.
const REGION = new Uint8Array(100);
for (const [lo, hi] of [
  [11, 15], [21, 23], [31, 37], [41, 46], [50, 54], [61, 65], [71, 71], [81, 83],
] as const) {
  for (let p = lo; p <= hi; p++) REGION[p] = 1;
}

/** -1 unless s[from, from+len) are all ASCII digits. */
function readInt(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function hasRegionPrefix(id: string): boolean {
  const p = readInt(id, 0, 2);
  return p >= 0 && REGION[p] === 1;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check char for the first 17 digits of `id`, or undefined if they are not all digits. */
export function idCardCheckChar(id: string): string | undefined {
  if (id.length < 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = id.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    sum += c * WEIGHTS[i]!;
  }
  return CHECK_CHARS[sum % 11];
}

/** Birth date encoded in an 18- or 15-char ID, if it is a real date (no other check). */
export function idCardBirthDate(id: string): CivilDate | undefined {
  let year: number;
  let at: number;
  if (id.length === 18) {
    year = readInt(id, 6, 4);
    at = 10;
  } else if (id.length === 15) {
    const yy = readInt(id, 6, 2);
    year = yy < 0 ? -1 : 1900 + yy;
    at = 8;
  } else {
    return undefined;
  }
  const month = readInt(id, at, 2);
  const day = readInt(id, at + 2, 2);
  if (year < 0 || !isRealDate(year, month, day)) return undefined;
  return { year, month, day };
}

/** Full validation: region prefix, real birth date in [1900, today], and the check char. */
export function validateIdCard(id: string, today: CivilDate): IdCardInfo | undefined {
  const len = id.length;
  if (len !== 18 && len !== 15) return undefined;
  if (len === 15 && readInt(id, 0, 15) < 0) return undefined;
  if (!hasRegionPrefix(id)) return undefined;
  const birth = idCardBirthDate(id);
  if (birth === undefined || birth.year < 1900 || compareDates(birth, today) > 0) return undefined;
  if (len === 15) return { kind: 'id15', birth };
  const expected = idCardCheckChar(id);
  const last = id.charCodeAt(17);
  const actual = last === 120 ? 'X' : id[17];
  return expected !== undefined && actual === expected ? { kind: 'id18', birth } : undefined;
}

/** Region and the shape of a birth date (a year from 1900 to this one, month 01–12, day 01–31)
 *  of an 18-char ID hold, whatever the check char says and whether or not the day exists
 *  ("…19710231…"): a number like this is far likelier a mistyped or made-up ID than a bank
 *  card that happens to share the shape (a random 62… card number has it about once in 2,000). */
export function looksLikeIdCard(id: string, today: CivilDate): boolean {
  if (id.length !== 18 || !hasRegionPrefix(id)) return false;
  const year = readInt(id, 6, 4);
  const month = readInt(id, 10, 2);
  const day = readInt(id, 12, 2);
  return year >= 1900 && year <= today.year && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** How IDs are written: unbroken, or region / birth date / sequence+check as separate groups. */
export function isIdCardGrouping(lens: readonly number[]): boolean {
  if (lens.length === 1) return lens[0] === 18 || lens[0] === 15;
  // Read out or typed four at a time ("4403 0419 9104 1506 58"), or the date kept whole
  // ("110101 1990 0307 1233").
  if (lens.length === 5) return lens[0] === 4 && lens[1] === 4 && lens[2] === 4 && lens[3] === 4 && lens[4] === 2;
  if (lens.length === 4) return lens[0] === 6 && lens[1] === 4 && lens[2] === 4 && lens[3] === 4;
  if (lens.length !== 3 || lens[0] !== 6) return false;
  return (lens[1] === 8 && lens[2] === 4) || (lens[1] === 6 && lens[2] === 3);
}

/** Completed years of age on `today` (a 29 Feb birthday falls on 1 Mar in other years). */
export function ageOn(birth: CivilDate, today: CivilDate): number {
  let age = today.year - birth.year;
  if (today.month < birth.month || (today.month === birth.month && today.day < birth.day)) age--;
  return age;
}

/** PIPL Art. 28: any PI of a child under 14 is sensitive. */
export function isMinorOn(birth: CivilDate, today: CivilDate, underYears = 14): boolean {
  return ageOn(birth, today) < underYears;
}
