import type { Leaf } from '../../../src/body/leaf.js';
import { createClassifier, type Classifier } from '../../../src/classify/matcher.js';

export const NOW = new Date('2026-03-01T04:00:00Z');
export const classifier: Classifier = createClassifier(new Map());

export function leaf(value: string, key?: string, extra: Partial<Leaf> = {}): Leaf {
  return {
    location: key === undefined ? '' : `/${key}`,
    key,
    value,
    rawStart: 0,
    rawEnd: value.length,
    source: key === undefined ? 'text' : 'json',
    ...extra,
  };
}

/** [category, rule, matched text] of each finding for one leaf. */
export function found(value: string, key?: string, c: Classifier = classifier): Array<[string, string, string]> {
  return c.classify([leaf(value, key)], NOW).map((f) => [f.category, f.rule, value.slice(f.start, f.end)]);
}

/** Matched texts of one category. */
export function texts(value: string, category: string, key?: string, c: Classifier = classifier): string[] {
  return found(value, key, c).filter(([cat]) => cat === category).map(([, , t]) => t);
}

export function categories(value: string, key?: string): string[] {
  return [...new Set(found(value, key).map(([c]) => c))].sort();
}

// Generators of valid identifiers, for tables and property tests.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function makeIdCard(body17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * ID_WEIGHTS[i]!;
  return body17 + '10X98765432'[s % 11];
}

export function luhnDigit(body: string): string {
  let sum = 0;
  let dbl = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let v = Number(body[i]);
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return String((10 - (sum % 10)) % 10);
}

const UA = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const UW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function makeUscc(head2: string, region: string, org8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) {
    const c = org8.charCodeAt(i);
    s += (c <= 57 ? c - 48 : c - 55) * w[i]!;
  }
  const c9 = 11 - (s % 11);
  const body = head2 + region + org8 + (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9));
  let t = 0;
  for (let i = 0; i < 17; i++) t += UA.indexOf(body[i]!) * UW[i]!;
  return body + UA[(31 - (t % 31)) % 31];
}

const VV: Record<string, number> = {};
'0123456789'.split('').forEach((c, i) => (VV[c] = i));
'ABCDEFGH'.split('').forEach((c, i) => (VV[c] = i + 1));
'JKLMN'.split('').forEach((c, i) => (VV[c] = i + 1));
VV.P = 7;
VV.R = 9;
'STUVWXYZ'.split('').forEach((c, i) => (VV[c] = i + 2));
const VW = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
/** A VIN from 16 chars (position 9 left out), with its check digit put in. */
export function makeVin(chars16: string): string {
  const v = chars16.slice(0, 8) + '0' + chars16.slice(8);
  let s = 0;
  for (let i = 0; i < 17; i++) s += VV[v[i]!]! * VW[i]!;
  const c = s % 11;
  return v.slice(0, 8) + (c === 10 ? 'X' : String(c)) + v.slice(9);
}

export function fullWidth(s: string): string {
  return [...s].map((ch) => (ch >= '!' && ch <= '~' ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join('');
}
