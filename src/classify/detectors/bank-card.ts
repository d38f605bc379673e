/**
 * Payment cards and bank accounts. A card is 16–19 digits with a UnionPay/Visa/Mastercard/JCB
 * prefix and a valid Luhn digit; anything else is an account number only when a field name or
 * label says so (the caller decides that).
 */
import { luhn } from '../validators.js';
import { isRealDate } from './id-card.js';


/** 62 UnionPay, 4 Visa, 51–55 Mastercard, 35 JCB. */
export function hasCardPrefix(d: string): boolean {
  const a = d.charCodeAt(0);
  const b = d.charCodeAt(1);
  if (a === 52) return true;
  if (a === 54) return b === 50;
  if (a === 53) return b >= 49 && b <= 53;
  return a === 51 && b === 53;
}

/** Unbroken, groups of 4 with a shorter tail ("6217 0000 0000 0000 004"), or the issuer's six
 *  digits apart from the rest, as refund notices print them ("622202-8191733587199"). */
export function isCardGrouping(lens: readonly number[]): boolean {
  const n = lens.length;
  if (n === 1) return true;
  if (n === 2 && lens[0] === 6) return lens[1]! >= 10 && lens[1]! <= 13;
  for (let i = 0; i < n - 1; i++) if (lens[i] !== 4) return false;
  const last = lens[n - 1] ?? 0;
  return last >= 1 && last <= 4;
}

export function isPaymentCardNumber(d: string): boolean {
  return d.length >= 16 && d.length <= 19 && hasCardPrefix(d) && luhn(d);
}

/** Shape of a domestic account number once a field name vouches for it (no checksum exists). */
export function isAccountNumber(d: string): boolean {
  if (d.length < 12 || d.length > 25) return false;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return !isTimestampDigits(d);
}

/** "202509171605", "20250917160530": a date and time written as digits (a real date from 1990 to
 *  2099, an hour and a minute), which a card label sometimes heads in an export. */
function isTimestampDigits(d: string): boolean {
  if (d.length !== 12 && d.length !== 14) return false;
  const n = (a: number, b: number) => Number(d.slice(a, b));
  const year = n(0, 4);
  return year >= 1990 && year <= 2099 && isRealDate(year, n(4, 6), n(6, 8)) && n(8, 10) <= 23 && n(10, 12) <= 59 &&
    (d.length === 12 || n(12, 14) <= 59);
}

/** ISO 13616 IBAN (spaces allowed): country letters, check digits, mod-97 remainder 1. */
export function isValidIban(s: string): boolean {
  const t = s.replace(/ /g, '').toUpperCase();
  if (t.length < 15 || t.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(t)) return false;
  const r = t.slice(4) + t.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

// IBAN length per country (ISO 13616 registry): in running text, where no field name vouches
// for it, the country and its exact length must hold too (one string in 97 passes mod 97).
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22,
  GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31,
  MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24,
  SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** An unbroken IBAN of a registered country, with its length and mod-97 check. */
export function isRegisteredIban(s: string): boolean {
  return IBAN_LENGTHS[s.slice(0, 2).toUpperCase()] === s.length && isValidIban(s);
}
