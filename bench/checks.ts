/**
 * Check-digit algorithms of DOMAIN §5, written here on their own (the bench does not borrow the
 * product's validators): the corpus generator uses them to make valid identifiers and
 * near-misses, the regex baselines to validate their candidates. Plain and simple on purpose.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check char of a resident ID (GB 11643) over its first 17 digits. */
export function idCardCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** 18-char resident ID: digits, real birth date not in the future, check char. */
export function idCardValid(s: string, today = new Date()): boolean {
  if (!/^[0-9]{17}[0-9Xx]$/.test(s)) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (!realDate(y, m, d)) return false;
  if (Date.UTC(y, m - 1, d) > today.getTime()) return false;
  return idCardCheck(s) === s[17]!.toUpperCase();
}

/** 15-digit legacy ID: YYMMDD (century 19), no check. */
export function idCard15Valid(s: string): boolean {
  if (!/^[0-9]{15}$/.test(s)) return false;
  return realDate(1900 + Number(s.slice(6, 8)), Number(s.slice(8, 10)), Number(s.slice(10, 12)));
}

export function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Luhn over all digits (the last one is the check digit). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    let v = c;
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return s.length > 0 && sum % 10 === 0;
}

/** The Luhn digit to append to `body`. */
export function luhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable');
}

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check char of a Unified Social Credit Code (GB 32100) over its first 17 chars. */
export function usccCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!);
    if (v < 0) return '?';
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function usccValid(s: string): boolean {
  return s.length === 18 && usccCheck(s) === s[17];
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation-code check char over 8 chars (positions 9-16 of a USCC). */
export function orgCodeCheck(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    sum += (c >= 48 && c <= 57 ? c - 48 : c - 55) * ORG_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

const VIN_LETTERS: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** The check char (position 9) of a 17-char VIN (ISO 3779); the 9th char itself is ignored. */
export function vinCheck(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i]!;
    const v = ch >= '0' && ch <= '9' ? Number(ch) : VIN_LETTERS[ch];
    if (v === undefined) return '?';
    sum += v * VIN_WEIGHTS[i]!;
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

export function vinValid(s: string): boolean {
  return s.length === 17 && !/[IOQ]/.test(s) && vinCheck(s) === s[8];
}

/** China's coarse bounding box (DOMAIN §5). */
export function inChina(lat: number, lng: number): boolean {
  return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}
