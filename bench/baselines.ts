/**
 * The regex baselines the product's matcher is measured against, on the same bodies in the same
 * run. They read the raw body text (no parsing, no field context, no evasion folding) and are
 * written the way a reasonable engineer would write a quick regex scanner, not made slow:
 *
 * - naive: one regex per detector (DETECTORS) over each body, then that detector's validator on
 *   each match;
 * - combined: one regex, an alternation of candidate SHAPES (one capture group each: a digit
 *   run, a 17-18 char code, an e-mail, ...), then the validators for the shape that matched
 *   (a digit run is tried as phone, IMEI, legacy ID, bank card or ID by its length);
 * - rg: the same SHAPES, one per line, as an `rg --count-matches -f` pattern file (no
 *   validation: ripgrep only finds candidates).
 *
 * Why shapes for the combined regex and rg: the union of the per-detector patterns (ID, USCC,
 * bank card, IMEI, legacy ID: overlapping counted digit repetitions) blows up ripgrep's lazy
 * DFA; it then falls back to its NFA and ran at ~4.5 MB/s on this corpus, and V8 ran that
 * alternation ~30 % slower than the shapes too. The shapes find a superset of the same
 * candidates and are the fastest formulation we found for both: the baselines are not weakened.
 *
 * The patterns use explicit ASCII classes ([0-9], never \d or \b) so that JavaScript and
 * ripgrep's Rust regex engine read them identically. Digit boundaries are checked in the
 * validators, which look at the characters around the match.
 */
import { idCard15Valid, idCardValid, inChina, luhnValid, usccValid, vinValid } from './checks.js';
import { BENCH_NOW } from './corpus.js';

interface Detector {
  readonly id: string;
  readonly pattern: string;
  /** Validates a match (text, start, end in `s`). */
  readonly valid: (m: string, s: string, start: number) => boolean;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** No digit right before or after the match. */
const digitBounded = (s: string, start: number, len: number) => !isDigit(s.charCodeAt(start - 1)) && !isDigit(s.charCodeAt(start + len));
const alnumBounded = (s: string, start: number, len: number) => !isAlnum(s.charCodeAt(start - 1)) && !isAlnum(s.charCodeAt(start + len));
const ALWAYS = () => true;

const KEYWORDS = '病历|病史|诊断|处方|医嘱|检验报告|住院|手术|过敏|传染病|体检|指纹|人脸|面部特征|声纹|虹膜|掌纹|基因|DNA|宗教信仰|佛教|道教|伊斯兰教|天主教|基督教|银行卡号|开户行|余额|交易流水|征信';
const NAME_KEYS = 'name|fullName|realName|customerName|contactName|receiverName|recipientName|patientName|xingming|姓名|客户姓名|收货人|收件人|联系人|address|shippingAddress|homeAddress|deliveryAddress|dizhi|地址|收货地址|详细地址|家庭住址';

/** In the order the combined alternation tries them (longer, more specific first). */
export const DETECTORS: readonly Detector[] = [
  { id: 'genetic', pattern: '[ACGT]{50,}', valid: ALWAYS },
  { id: 'email', pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+', valid: ALWAYS },
  { id: 'location', pattern: '-?[0-9]{1,3}\\.[0-9]{4,}[ ]*,[ ]*-?[0-9]{1,3}\\.[0-9]{4,}', valid: (m) => {
    const [a, b] = m.split(',').map((x) => Number(x.trim()));
    return inChina(a!, b!) || inChina(b!, a!);
  } },
  { id: 'location_json', pattern: '"(?:lat|latitude)"[ ]*:[ ]*-?[0-9]{1,2}\\.[0-9]{4,}', valid: (m) => {
    const lat = Number(m.slice(m.lastIndexOf(':') + 1));
    return lat >= 0.8293 && lat <= 55.8271;
  } },
  { id: 'id_card', pattern: '[1-8][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]', valid: (m, s, i) => digitBounded(s, i, m.length) && idCardValid(m, BENCH_NOW) },
  { id: 'uscc', pattern: '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}', valid: (m, s, i) => alnumBounded(s, i, m.length) && usccValid(m) },
  { id: 'bank_card', pattern: '(?:62|4[0-9]|5[1-5]|35)[0-9]{14,17}', valid: (m, s, i) => digitBounded(s, i, m.length) && luhnValid(m) },
  { id: 'vin', pattern: '[A-HJ-NPR-Z0-9]{17}', valid: (m, s, i) => alnumBounded(s, i, m.length) && /[A-Z]/.test(m) && vinValid(m) },
  { id: 'imei', pattern: '[0-9]{15}', valid: (m, s, i) => digitBounded(s, i, m.length) && luhnValid(m) },
  { id: 'id_card15', pattern: '[1-8][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}', valid: (m, s, i) => digitBounded(s, i, m.length) && idCard15Valid(m) },
  { id: 'phone', pattern: '(?:\\+86|0086)?[ -]?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}', valid: (m, s, i) => digitBounded(s, i, m.length) },
  { id: 'passport', pattern: '(?:[EGC][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)', valid: (m, s, i) => alnumBounded(s, i, m.length) },
  { id: 'plate', pattern: `[${'京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}`, valid: ALWAYS },
  { id: 'rsid', pattern: 'rs[0-9]{3,}', valid: ALWAYS },
  { id: 'icd10', pattern: '[A-TV-Z][0-9]{2}\\.[0-9]{1,2}', valid: (m, s, i) => alnumBounded(s, i, m.length) },
  { id: 'keyword', pattern: `(?:${KEYWORDS})`, valid: ALWAYS },
  { id: 'field', pattern: `"(?:${NAME_KEYS})"[ ]*:[ ]*"[^"]{1,64}"`, valid: ALWAYS },
];

type Validator = (m: string, s: string, start: number) => boolean;

const BANK_PREFIX = /^(?:62|4[0-9]|5[1-5]|35)/;
/** A bare digit run, by length: mobile, IMEI or legacy ID, bank card, resident ID. */
const digitRun: Validator = (m, s, i) => {
  if (!digitBounded(s, i, m.length)) return false;
  const n = m.length;
  if (n === 11) return /^1[3-9]/.test(m);
  if (n === 15 && (luhnValid(m) || idCard15Valid(m))) return true;
  if (n === 18 && idCardValid(m, BENCH_NOW)) return true;
  return n >= 16 && n <= 19 && BANK_PREFIX.test(m) && luhnValid(m);
};
/** A 17-18 char code: VIN (17, with letters) or USCC (18). */
const code: Validator = (m, s, i) => alnumBounded(s, i, m.length) && (m.length === 17 ? /[A-Z]/.test(m) && vinValid(m) : usccValid(m));
const byId = (id: string): Validator => DETECTORS.find((d) => d.id === id)!.valid;

/** Candidate shapes for the combined regex and rg, in the order the alternation tries them. */
export const SHAPES: ReadonlyArray<{ readonly pattern: string; readonly valid: Validator }> = [
  { pattern: '[ACGT]{50,}', valid: ALWAYS },
  { pattern: '(?:\\+86|0086)[ -]?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}', valid: byId('phone') },
  { pattern: '1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}', valid: byId('phone') },
  { pattern: '[0-9]{11,19}[0-9Xx]?', valid: digitRun },
  { pattern: '[0-9A-HJ-NP-Z]{17,18}', valid: code },
  { pattern: '-?[0-9]{1,3}\\.[0-9]{4,}[ ]*,[ ]*-?[0-9]{1,3}\\.[0-9]{4,}', valid: byId('location') },
  { pattern: '"(?:lat|latitude)"[ ]*:[ ]*-?[0-9]{1,2}\\.[0-9]{4,}', valid: byId('location_json') },
  { pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+', valid: ALWAYS },
  { pattern: '(?:[EGC][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)', valid: byId('passport') },
  { pattern: byPattern('plate'), valid: ALWAYS },
  { pattern: 'rs[0-9]{3,}', valid: ALWAYS },
  { pattern: '[A-TV-Z][0-9]{2}\\.[0-9]{1,2}', valid: byId('icd10') },
  { pattern: byPattern('keyword'), valid: ALWAYS },
  { pattern: `"(?:${NAME_KEYS})"[ ]*:[ ]*"[^"]*"`, valid: ALWAYS },
];
function byPattern(id: string): string {
  return DETECTORS.find((d) => d.id === id)!.pattern;
}

/** The pattern file for `rg -f`: one pattern a line. */
export const RG_PATTERNS = `${SHAPES.map((d) => d.pattern).join('\n')}\n`;

const NAIVE = DETECTORS.map((d) => ({ re: new RegExp(d.pattern, 'g'), valid: d.valid }));
const COMBINED = new RegExp(SHAPES.map((d) => `(${d.pattern})`).join('|'), 'g');

/** Naive: one regex per detector over the text; returns the number of validated findings. */
export function naiveScan(s: string): number {
  let found = 0;
  for (const { re, valid } of NAIVE) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) if (valid(m[0], s, m.index)) found++;
  }
  return found;
}

/** Combined: one alternation over the text, then the validator of the group that matched. */
export function combinedScan(s: string): number {
  let found = 0;
  COMBINED.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = COMBINED.exec(s)) !== null) {
    let g = 1;
    while (m[g] === undefined) g++;
    if (SHAPES[g - 1]!.valid(m[0], s, m.index)) found++;
  }
  return found;
}

/** Naive scan + redact: each detector's regex replaces its validated matches with '*'. */
export function naiveRedact(s: string): string {
  let out = s;
  for (const { re, valid } of NAIVE) {
    re.lastIndex = 0;
    out = out.replace(re, (m: string, ...rest: unknown[]) => {
      const offset = rest[rest.length - 2] as number;
      const whole = rest[rest.length - 1] as string;
      return valid(m, whole, offset) ? '*'.repeat(m.length) : m;
    });
  }
  return out;
}
