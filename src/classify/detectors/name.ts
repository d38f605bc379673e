/**
 * Whether a value can be a personal name. Names have no format, so this only rules out what a
 * name field commonly holds instead (ids, flags, URLs, placeholders); the field name or label
 * is the real evidence.
 */
import { isCjkCode } from '../chars.js';

const PLACEHOLDERS = new Set([
  'null', 'none', 'nil', 'undefined', 'unknown', 'test', 'admin', 'true', 'false', 'yes', 'no',
  'na', 'anonymous', 'guest', 'default', 'string', 'name', 'user', 'root', 'system',
]);

function isNameDot(c: number): boolean {
  return c === 0xb7 || c === 0x2022 || c === 0x30fb || c === 0xff0e;
}

/** Han names: 2–4 ideographs, or minority/transliterated names joined by '·'. */
export function isCjkName(s: string): boolean {
  let han = 0;
  let dots = 0;
  let prevDot = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isCjkCode(c)) {
      han++;
      prevDot = false;
    } else if (isNameDot(c) && !prevDot) {
      dots++;
      prevDot = true;
    } else {
      return false;
    }
  }
  if (prevDot) return false;
  return dots === 0 ? han >= 2 && han <= 4 : s.length <= 20;
}

function isLatinLetter(c: number): boolean {
  const l = c | 32;
  return (l >= 97 && l <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** Number of words if `s` is 1–5 Latin words (letters, inner ' ’ - .), else 0. */
export function latinNameWords(s: string): number {
  const words = s.split(/ +/);
  if (words.length > 5) return 0;
  for (const w of words) {
    if (w.length === 0 || !isLatinLetter(w.charCodeAt(0))) return 0;
    for (let i = 1; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (!isLatinLetter(c) && c !== 39 && c !== 0x2019 && c !== 45 && c !== 46) return 0;
    }
  }
  if (words.length === 1 && (s.length < 2 || PLACEHOLDERS.has(s.toLowerCase()))) return 0;
  return words.length;
}

/** 1 for a clear name, 0.6 for a single Latin word (product names look the same), 0 for none. */
export function nameConfidenceFactor(value: string): number {
  const s = value.trim();
  if (s.length === 0 || s.length > 64) return 0;
  if (isCjkName(s)) return 1;
  const words = latinNameWords(s);
  if (words === 0) return 0;
  return words === 1 ? 0.6 : 1;
}
