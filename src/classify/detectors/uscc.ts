/**
 * Unified Social Credit Codes (GB 32100): 18 chars over a 31-symbol alphabet with a mod-31
 * check char. Beyond the check, the code has structure a random 18-char string rarely has:
 * registration authority and organisation type (positions 1–2), a region code (3–8) and an
 * organisation code (9–17) that carries its own GB 11714 check char. Without field or label
 * support the structure must hold and either the organisation code's check or letters in it,
 * which keeps 18-digit order numbers (3% pass mod 31) out.
 */
import { mod31 } from '../validators.js';

// Organisation types each registration authority issues (GB 32100 table 1).
const AUTHORITY_TYPES: Readonly<Record<string, string>> = {
  '1': '1239', '2': '19', '3': '123459', '4': '19', '5': '1239', '6': '129', '7': '129',
  '8': '19', '9': '123', A: '19', N: '1239', Y: '1',
};
// The same by char code: the organisation types an authority issues, one bit per type char
// (bit c - 48; every type is a digit). Every 18-digit number a record carries asks this first.
const TYPE_BITS = new Uint16Array(128);
for (const [authority, types] of Object.entries(AUTHORITY_TYPES)) {
  for (const t of types) TYPE_BITS[authority.charCodeAt(0)]! |= 1 << (t.charCodeAt(0) - 48);
}

// Province-level region prefixes; 10 is used by national-level registrations.
const REGION = new Uint8Array(100);
for (const p of [
  10, 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
  52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]) REGION[p] = 1;

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714 organisation code (8 chars + check char) at positions 9–17 of a USCC. */
export function isOrgCode(code: string): boolean {
  if (code.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = code.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) return false;
    sum += v * ORG_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  const expected = check === 10 ? 'X' : check === 11 ? '0' : String(check);
  return code[8] === expected;
}

/** Authority, type and region are plausible (positions 1–8). */
export function hasUsccStructure(code: string): boolean {
  if (code.length < 8) return false;
  const authority = code.charCodeAt(0);
  const type = code.charCodeAt(1) - 48;
  if (authority >= 128 || type < 0 || type > 9 || (TYPE_BITS[authority]! & (1 << type)) === 0) return false;
  for (let i = 2; i < 8; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return REGION[(code.charCodeAt(2) - 48) * 10 + code.charCodeAt(3) - 48] === 1;
}

/**
 * Confidence that a folded 18-char string is a USCC: 0.97 when everything holds; when the
 * organisation code's own check fails (DOMAIN §5 asks only for the mod-31 check, so codes made
 * by it alone are real codes to a reader), 0.9 when `supported` (a field name or label says so)
 * and 0.85 when letters stand in the organisation code: 18-digit order numbers and ID-shaped
 * references, the numbers that pass mod 31 by chance, have none there.
 */
export function usccConfidence(code: string, supported: boolean): number {
  // The structure first: it turns most 18-digit numbers away before the mod-31 sum.
  if (code.length !== 18 || !hasUsccStructure(code) || !mod31(code)) return 0;
  if (isOrgCode(code.slice(8, 17))) return 0.97;
  if (supported) return 0.9;
  return orgCodeLetters(code) >= 2 ? 0.85 : 0;
}

/** Letters among the organisation code's first eight chars (positions 9–16). */
function orgCodeLetters(code: string): number {
  let letters = 0;
  for (let i = 8; i < 16; i++) if (code.charCodeAt(i) >= 65) letters++;
  return letters;
}
