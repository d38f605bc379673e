/**
 * Mainland mobile numbers: 1[3-9] + 9 digits, optionally behind 86 / 0086 (+86), written
 * unbroken or as 3-4-4 groups. No checksum exists, so the digit-boundary rule (enforced by the
 * scanner) and field/label context are what keep precision.
 */

export function isMainlandMobile(d: string): boolean {
  if (d.length !== 11 || d.charCodeAt(0) !== 49) return false;
  const second = d.charCodeAt(1);
  if (second < 51 || second > 57) return false;
  for (let i = 2; i < 11; i++) {
    const c = d.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function countryPrefixLength(digits: string): number {
  if (digits.length === 11) return 0;
  if (digits.length === 13 && digits.startsWith('86')) return 2;
  if (digits.length === 15 && digits.startsWith('0086')) return 4;
  return -1;
}

/**
 * Offset of the 11-digit national number inside `digits` (0, 2 or 4), or -1 when the digits
 * and their grouping (`lens`, digit counts of the separator-delimited groups) are not a
 * mainland mobile. `plus` says a '+' came first: only "+86" is then acceptable, since
 * "+138…" would be another country's number.
 */
export function mobileNationalStart(digits: string, lens: readonly number[], plus: boolean): number {
  const p = countryPrefixLength(digits);
  if (p < 0 || (plus && p !== 2)) return -1;
  if (!isMainlandMobile(p === 0 ? digits : digits.slice(p))) return -1;
  const first = lens[0] ?? 0;
  // The prefix may be its own group ("86 138…") or glued to the first one ("+86138…").
  let g = 0;
  let head = first - p;
  if (p > 0 && first === p) {
    g = 1;
    head = lens[1] ?? 0;
  } else if (head <= 0) {
    return -1;
  }
  const rest = lens.length - g;
  if (rest === 1) return head === 11 ? p : -1;
  // "138 12345678" and "1381234 5678" are how people split a number they type in two.
  if (rest === 2) return (head === 3 && lens[g + 1] === 8) || (head === 7 && lens[g + 1] === 4) ? p : -1;
  return rest === 3 && head === 3 && lens[g + 1] === 4 && lens[g + 2] === 4 ? p : -1;
}

/** Offset of the national number when field or label support vouches for the digits, whatever
 *  their grouping ("1391 - 2 - 345 - 67 - 8", "139123  45  678"): -1 if they are not a mobile. */
/** Airline records' contact elements, glued to the number they hold ("OSI CA CTCT13108410239",
 *  "SSR CTCM MU HK1/8613800138000"): a mobile, a telephone, home, business. */
export const IATA_CONTACT_CODES: ReadonlySet<string> = new Set(['CTCM', 'CTCT', 'CTCH', 'CTCB']);

/** Where the mobile number of a contact element token v[start, end) starts, or -1. */
export function iataContactMobileStart(v: string, start: number, end: number): number {
  if (end - start < 15 || end - start > 19 || !IATA_CONTACT_CODES.has(v.slice(start, start + 4))) return -1;
  const digits = v.slice(start + 4, end);
  return /^\d+$/.test(digits) && supportedMobileStart(digits, false) >= 0 ? start + 4 : -1;
}

export function supportedMobileStart(digits: string, plus: boolean): number {
  const p = countryPrefixLength(digits);
  if (p < 0 || (plus && p !== 2)) return -1;
  return isMainlandMobile(p === 0 ? digits : digits.slice(p)) ? p : -1;
}
