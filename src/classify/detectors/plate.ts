/**
 * Mainland licence plates (GA 36): a province character, an issuing-authority letter (not I or
 * O), then five characters, or six on new-energy plates (D/F marker first for small cars, last
 * for large ones). Trailer, coach, police, HK/Macau plates end in a character instead (挂 学 警
 * 港 澳 领 使). Found by the province character, so the scan costs one table lookup per
 * ideograph.
 */
import { foldAlnum, isAlnumCode } from '../chars.js';
import type { Span } from './email.js';

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';
const PROVINCE = new Uint8Array(0x5200);
for (const ch of PROVINCES) PROVINCE[ch.charCodeAt(0) - 0x4e00] = 1;
const SUFFIXES = new Set([...'挂学警港澳领使试超'].map((c) => c.charCodeAt(0)));
// What may stand between the authority letter and the serial: "京A·12345", "京A 12345".
const SEPARATORS = new Set([0xb7, 0x2022, 0x30fb, 0xff65, 32, 45]);

export function isProvinceCode(c: number): boolean {
  return c >= 0x4e00 && c < 0x4e00 + PROVINCE.length && PROVINCE[c - 0x4e00] === 1;
}

function plateChar(c: number): number {
  const f = foldAlnum(c);
  return f === 73 || f === 79 ? -1 : f;
}

/**
 * The plate starting at the province character s[i], or undefined. `loose` (a plate field)
 * also accepts lower-case letters and a serial with fewer digits.
 */
export function matchPlateAt(s: string, i: number, loose = false): Span | undefined {
  const n = s.length;
  let p = i + 1;
  if (p >= n) return undefined;
  const authority = s.charCodeAt(p);
  const a = plateChar(authority);
  if (a < 65 || (!loose && !(authority >= 65 && authority <= 90) && !(authority >= 0xff21 && authority <= 0xff3a))) return undefined;
  p++;
  if (p < n && SEPARATORS.has(s.charCodeAt(p))) p++;
  const serial: number[] = [];
  while (p < n && serial.length < 7) {
    const c = s.charCodeAt(p);
    const f = plateChar(c);
    if (f < 0 || (!loose && c >= 97 && c <= 122)) break;
    serial.push(f);
    p++;
  }
  const len = serial.length;
  let end = p;
  if (len === 4 && p < n && SUFFIXES.has(s.charCodeAt(p))) {
    end = p + 1;
  } else if (len !== 5 && len !== 6) {
    return undefined;
  }
  if (end < n && isAlnumCode(s.charCodeAt(end))) return undefined;
  let digits = 0;
  for (const f of serial) if (f <= 57) digits++;
  if (len === 6) {
    // New-energy: D/F (or other letter classes since 2021) first with 5 more, or 5 digits + D/F.
    const first = serial[0]!;
    const last = serial[5]!;
    const small = (first === 68 || first === 70) && digits >= 4;
    const large = digits === 5 && (last === 68 || last === 70);
    if (!small && !large) return undefined;
  } else if (len === 5) {
    if (digits < (loose ? 2 : 3)) return undefined;
  } else if (digits < 3) {
    return undefined;
  }
  return { start: i, end };
}
