/**
 * Whether a value can be a postal address. Like names, addresses are found by field name or
 * label; this rules out the other things "addr"-like fields hold (IPs, wallets, URLs, e-mails).
 */
import { isCjkCode, isDigitCode, isLetterCode } from '../chars.js';

const MIN_LENGTH = 4;
export const MAX_ADDRESS_LENGTH = 300;

// Administrative and street words whose presence makes a Chinese address likely.
const CJK_MARKERS = new Set([...'省市区县镇乡村路街道巷弄号楼栋室单元座幢小区'].map((c) => c.charCodeAt(0)));

/** A template's or a sample's blank ("张家港市XX小区", "××路××号"). */
const PLACEHOLDER_RUN = /(?:XX|××|ＸＸ)/;

/** 1 for a likely address, 0.7 for a plausible one without markers, 0 for none. */
export function addressConfidenceFactor(value: string): number {
  const s = value.trim();
  if (s.length < MIN_LENGTH || s.length > MAX_ADDRESS_LENGTH) return 0;
  if (s.includes('://')) return 0;
  // No one lives at a blank.
  if (PLACEHOLDER_RUN.test(s)) return 0;
  let han = 0;
  let markers = 0;
  let letters = 0;
  let digits = 0;
  let spaces = 0;
  let at = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isCjkCode(c)) {
      han++;
      if (CJK_MARKERS.has(c)) markers++;
    } else if (isLetterCode(c)) letters++;
    else if (isDigitCode(c)) digits++;
    else if (c === 32) spaces++;
    else if (c === 64) at = true;
  }
  if (at && spaces === 0) return 0;
  if (han >= 2) {
    if (markers > 0) return 1;
    return han >= 4 ? 0.7 : 0;
  }
  // Latin: at least two words with letters ("1 Main St"); rules out IPs, hex ids, wallets.
  if (letters < 2 || spaces === 0) return 0;
  return digits > 0 ? 1 : 0.7;
}

/** Words after which an address follows in running text ("家住北京市…", "送到上海市…"). */
export const ADDRESS_TRIGGERS_ZH = [
  '住在', '住址是', '地址是', '家住', '现住', '现居', '居住在', '送至', '送到', '寄到', '寄往', '寄至', '户籍地',
  '户籍所在地', '籍贯', '收货地址', '详细地址',
];
