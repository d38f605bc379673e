/**
 * Check-digit algorithms of the identifiers in DOMAIN §5, by the names operator rules use
 * (`validator:` in a custom rule). Inputs are folded ASCII (digits, upper-case letters); any
 * other character makes the check fail rather than throw.
 */

/** Luhn (ISO/IEC 7812) over an all-digit string: payment cards, IMEI. */
export function luhn(d: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = d.charCodeAt(i) - 48;
    if (v < 0 || v > 9) return false;
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return d.length > 0 && sum % 10 === 0;
}

/** ISO 7064 MOD 11-2 check char of the digits in `body` (the resident ID uses 17 of them);
 *  undefined when `body` holds a non-digit. 'X' stands for 10. */
export function mod11_2CheckChar(body: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    // Weight 2^(n-i) mod 11 for the digit i positions before the check char.
    sum = (sum + c) * 2 % 11;
  }
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** ISO 7064 MOD 11-2: the last char is the check char of the others. */
export function mod11_2(s: string): boolean {
  if (s.length < 2) return false;
  const last = s[s.length - 1] === 'x' ? 'X' : s[s.length - 1];
  return mod11_2CheckChar(s.slice(0, -1)) === last;
}

/** GB 32100 alphabet: 31 symbols, no I O S V Z. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function usccValue(c: number): number {
  return c < 128 ? USCC_VALUE[c]! : -1;
}

/** GB 32100 mod 31 over an 18-char code. */
export function mod31(s: string): boolean {
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = usccValue(s.charCodeAt(i));
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return usccValue(s.charCodeAt(17)) === (31 - (sum % 31)) % 31;
}

// ISO 3779 transliteration; I, O, Q are not allowed and map to -1.
const VIN_VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d <= 9; d++) VIN_VALUE[48 + d] = d;
'ABCDEFGH'.split('').forEach((ch, i) => (VIN_VALUE[ch.charCodeAt(0)] = i + 1));
'JKLMN'.split('').forEach((ch, i) => (VIN_VALUE[ch.charCodeAt(0)] = i + 1));
VIN_VALUE['P'.charCodeAt(0)] = 7;
VIN_VALUE['R'.charCodeAt(0)] = 9;
'STUVWXYZ'.split('').forEach((ch, i) => (VIN_VALUE[ch.charCodeAt(0)] = i + 2));
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check char (position 9) a 17-char VIN should carry, or undefined for bad chars. */
export function vinCheckChar(s: string): string | undefined {
  if (s.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VIN_VALUE[c]! : -1;
    if (v < 0) return undefined;
    sum += v * VIN_WEIGHTS[i]!;
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/** vin() over the 17 ASCII bytes from buf[at]: the pre-check reads VIN-shaped SKUs, which most
 *  order records carry, without making strings of them. */
export function vinBytes(buf: Uint8Array, at: number): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = buf[at + i]!;
    const v = c < 128 ? VIN_VALUE[c]! : -1;
    if (v < 0) return false;
    sum += v * VIN_WEIGHTS[i]!;
  }
  const r = sum % 11;
  return buf[at + 8] === (r === 10 ? 88 : 48 + r);
}

/** ISO 3779 check digit at position 9. */
export function vin(s: string): boolean {
  const check = vinCheckChar(s);
  return check !== undefined && s[8] === check;
}

export type ValidatorName = 'luhn' | 'mod11-2' | 'mod31' | 'vin';

export const VALIDATORS: Readonly<Record<ValidatorName, (s: string) => boolean>> = Object.freeze({
  luhn,
  'mod11-2': mod11_2,
  mod31,
  vin,
});
