/**
 * Payment cards and bank accounts. A card is 16–19 digits with a UnionPay/Visa/Mastercard/JCB
 * prefix and a valid Luhn digit; anything else is an account number only when a field name or
 * label says so (the caller decides that).
 */

/** Luhn over an all-ASCII-digit string; false on any other char. */
export function luhnValid(d: string): boolean {
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

/** 62 UnionPay, 4 Visa, 51–55 Mastercard, 35 JCB. */
export function hasCardPrefix(d: string): boolean {
  const a = d.charCodeAt(0);
  const b = d.charCodeAt(1);
  if (a === 52) return true;
  if (a === 54) return b === 50;
  if (a === 53) return b >= 49 && b <= 53;
  return a === 51 && b === 53;
}

/** Unbroken, or groups of 4 with a shorter tail ("6217 0000 0000 0000 004"). */
export function isCardGrouping(lens: readonly number[]): boolean {
  const n = lens.length;
  if (n === 1) return true;
  for (let i = 0; i < n - 1; i++) if (lens[i] !== 4) return false;
  const last = lens[n - 1] ?? 0;
  return last >= 1 && last <= 4;
}

export function isPaymentCardNumber(d: string): boolean {
  return d.length >= 16 && d.length <= 19 && hasCardPrefix(d) && luhnValid(d);
}

/** Shape of a domestic account number once a field name vouches for it (no checksum exists). */
export function isAccountNumber(d: string): boolean {
  if (d.length < 12 || d.length > 25) return false;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
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
