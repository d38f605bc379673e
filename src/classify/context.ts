/**
 * Labels in free text ("姓名：张三", "Name: John Smith", "手机号是138…"). A label is read
 * backwards from a colon or from a numeric candidate and looked up in the same field
 * dictionary as JSON keys, so the two never disagree about what a word means.
 */
import { isCjkCode, isSpaceCode, nearLineStart } from './chars.js';
import type { Span } from './detectors/email.js';
import { commaGivenNameAt, hanNameAt, isNameishKey, isSenderKey } from './detectors/name.js';
import { lookupExact, lookupField, mayBeField, normalizeFieldName, REFERENCE, ROLE_WEIGHT, type FieldMatch } from './fields.js';

const MAX_CJK_LABEL = 10;
const MAX_LATIN_LABEL = 40;
const MAX_LABEL_WORDS = 3;
const MAX_FILLERS = 4;
const MAX_NAME_SCAN = 20;
const MAX_ADDRESS_SCAN = 120;
const MAX_DOCUMENT_SCAN = 20;

function isWordChar(c: number): boolean {
  const l = c | 32;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

function isColon(c: number): boolean {
  return c === 58 || c === 0xff1a;
}

function isQuote(c: number): boolean {
  // A backslash too: JSON escaped in a log line writes its quotes as \" ({\"tel\":\"138…\"}).
  return c === 34 || c === 39 || c === 0x201c || c === 0x201d || c === 92;
}

const MAX_GLOSS = 10;

// What may stand between a label and its value: "手机号是 138…", "phone = 138…", `"tel":"138…`.
const FILLERS = new Set([...' \t\u00a0\u3000"\':：=是为(（[【#.\\'].map((c) => c.charCodeAt(0)));

/** Start of the label (CJK run, or up to three ASCII words) ending at `end`; `end` if none. */
function labelStart(s: string, end: number): number {
  if (end <= 0) return end;
  let p = end;
  // "乙方（劳动者）：", "被告（被申请人）：": a role and its gloss in brackets, which
  // normalizeFieldName drops.
  const last = s.charCodeAt(end - 1);
  if ((last === 0xff09 || last === 41) && end >= 4) {
    let open = end - 2;
    while (open > 0 && end - open <= MAX_GLOSS && s.charCodeAt(open) !== 0xff08 && s.charCodeAt(open) !== 40) open--;
    if (open > 0 && end - open <= MAX_GLOSS && isCjkCode(s.charCodeAt(open - 1))) {
      let q = open;
      while (q > 0 && open - q < MAX_CJK_LABEL && isCjkCode(s.charCodeAt(q - 1))) q--;
      return q;
    }
  }
  if (isCjkCode(s.charCodeAt(end - 1))) {
    while (p > 0 && end - p < MAX_CJK_LABEL && isCjkCode(s.charCodeAt(p - 1))) p--;
    // "姓  名：", "住  址：": a form spaces its two-char labels out to the width of the longer ones.
    if (end - p === 1) {
      let q = p;
      while (q > 0 && p - q < 4 && (s.charCodeAt(q - 1) === 32 || s.charCodeAt(q - 1) === 0x3000)) q--;
      if (q < p && q > 0 && isCjkCode(s.charCodeAt(q - 1)) && (q === 1 || !isCjkCode(s.charCodeAt(q - 2)))) return q - 1;
    }
    // "IMEI号", "VIN码", "Email地址": a short Han suffix on a Latin word.
    if (end - p <= 2 && p > 0 && isWordChar(s.charCodeAt(p - 1))) {
      const q = p;
      while (p > 0 && q - p < MAX_LATIN_LABEL && isWordChar(s.charCodeAt(p - 1))) p--;
      if (p > 0 && isWordChar(s.charCodeAt(p - 1))) return q;
    }
    return p;
  }
  let boundary = end;
  for (let words = 1; ; words++) {
    while (p > 0 && end - p < MAX_LATIN_LABEL && isWordChar(s.charCodeAt(p - 1))) p--;
    // Cut mid-word by the length bound (base64, hashes): keep whole words only.
    if (p > 0 && isWordChar(s.charCodeAt(p - 1))) return boundary;
    boundary = p;
    if (words >= MAX_LABEL_WORDS || p < 2 || s.charCodeAt(p - 1) !== 32 || !isWordChar(s.charCodeAt(p - 2))) break;
    p--;
  }
  return p;
}

function labelEndingAt(s: string, end: number): FieldMatch | undefined {
  const start = labelStart(s, end);
  if (start === end) return undefined;
  const known = mayBeField(s, start, end) ? lookupField(s.slice(start, end)) : undefined;
  return known ?? (end - start <= MAX_NAMEISH_LABEL && mayBeNameishLabel(s, start, end) ? nameishLabel(s.slice(start, end)) : undefined);
}

/** Whether s[start, end) may be a nameish label, from its first and last chars: a word, not a
 *  number or a time ("2024-01-15T10:"), ending as logins, roles and "…name"/"…nm"/"…xm" keys do. */
function mayBeNameishLabel(s: string, start: number, end: number): boolean {
  const first = s.charCodeAt(start);
  if (first >= 48 && first <= 57) return false;
  return NAMEISH_ENDINGS.has(s.charCodeAt(end - 1) | (s.charCodeAt(end - 1) < 128 ? 32 : 0));
}
const NAMEISH_ENDINGS = new Set([...'emrtnyop人者名称'].map((c) => c.charCodeAt(0)));

/**
 * A label that is in no dictionary but that a person's name is under as a key: a login or a
 * "…name" field ("holder=吕涵", "cntct_nm: LIN Zixuan", "usr_nm：孟磊"). Its value counts only
 * when it reads as a name, as under a role's label (ROLE_WEIGHT). A chat's sender key is left
 * out: "from: 兰州" is as often a route.
 */
export function nameishLabel(label: string): FieldMatch | undefined {
  if (label.length > MAX_NAMEISH_LABEL || !mayBeNameishLabel(label, 0, label.length)) return undefined;
  const norm = normalizeFieldName(label);
  return isNameishKey(norm) && !isSenderKey(norm) ? NAMEISH_LABEL : undefined;
}
const MAX_NAMEISH_LABEL = 24;
const NAMEISH_LABEL: FieldMatch = Object.freeze({ category: 'pi.name', weight: ROLE_WEIGHT });

/** The label right before a candidate starting at `pos`, skipping fillers; a company's name
 *  before a bracketed code labels it as the company's USCC. */
export function labelBefore(s: string, pos: number): FieldMatch | undefined {
  let p = skipFillersBack(s, pos);
  // "My passport number is EU7288803": English puts a verb where Chinese puts 是 (a filler).
  const verb = copulaBefore(s, p);
  if (verb >= 0) p = skipFillersBack(s, verb);
  return labelEndingAt(s, p) ?? bankLabelBeforeBranch(s, p) ?? (companyBefore(s, pos) ? COMPANY_CODE : metricSampleBefore(s, pos) ? METRIC_SAMPLE : undefined);
}

/** An invoice's or a settlement form's account: the label, then the bank, then the number
 *  ("开户行及账号：中国工商银行北京分行 0200004509089131550", "结算账户：浙江泰隆商业银行 3301…").
 *  The label's category, when a bank's or branch's name ends at p and a bank label ends
 *  before it. */
function bankLabelBeforeBranch(s: string, p: number): FieldMatch | undefined {
  if (p < 2 || !isCjkCode(s.charCodeAt(p - 1)) || !BANK_ENDINGS.some((e) => s.startsWith(e, p - e.length))) return undefined;
  let q = p;
  while (q > 0 && p - q < MAX_BANK_NAME && isCjkCode(s.charCodeAt(q - 1))) q--;
  const label = labelEndingAt(s, skipFillersBack(s, q));
  return label?.category === 'pi.bank_card' ? label : undefined;
}
const BANK_ENDINGS = ['银行', '支行', '分行', '营业部', '分理处', '信用社', '储蓄所'];
const MAX_BANK_NAME = 24;
function skipFillersBack(s: string, pos: number): number {
  let p = pos;
  for (let k = 0; k < MAX_FILLERS && p > 0 && FILLERS.has(s.charCodeAt(p - 1)); k++) p--;
  return p;
}

/** Where " is", " was" or " are" starts if it ends at p; -1 if none does. */
function copulaBefore(s: string, p: number): number {
  for (const verb of LABEL_VERBS) {
    if (p >= verb.length && s.startsWith(verb, p - verb.length)) return p - verb.length;
  }
  return -1;
}
const LABEL_VERBS = [' is', ' was', ' are'];

const COMPANY_CODE: FieldMatch = Object.freeze({ category: 'org.uscc', weight: 0.9 });
const METRIC_SAMPLE: FieldMatch = Object.freeze({ category: REFERENCE, weight: 0 });

/** A metric's sample in Prometheus's text format (`http_requests_total{code="200"} 17194647526`):
 *  the line opens with the metric's name and its labels, and the number after them is a count. */
function metricSampleBefore(s: string, pos: number): boolean {
  let p = pos;
  while (p > 0 && pos - p < 3 && s.charCodeAt(p - 1) === 32) p--;
  if (p === pos || s.charCodeAt(p - 1) !== 125) return false;
  const lineStart = nearLineStart(s, p, MAX_METRIC_LINE);
  if (lineStart < 0) return false;
  let open = p - 2;
  while (open > lineStart && s.charCodeAt(open) !== 123) open--;
  return open > lineStart && METRIC_NAME.test(s.slice(lineStart, open));
}
const MAX_METRIC_LINE = 400;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Where an organisation's name ends: a code in brackets right after it is its USCC
 *  ("四川同创实业有限公司 (Y1500817FYAB3FAK6J)"). */
const COMPANY_ENDINGS = ['公司', '集团', '企业', '工厂', '合作社', '事务所', '商行', '中心', '研究院', '医院', '学校', 'Co., Ltd.', 'Co.,Ltd.', 'Ltd.', 'Ltd', 'Inc.', 'LLC'];

/** Whether a company's name ends right before `pos`, past spaces and one opening bracket. */
function companyBefore(s: string, pos: number): boolean {
  let p = pos;
  while (p > 0 && pos - p < 3 && isSpaceCode(s.charCodeAt(p - 1))) p--;
  const c = s.charCodeAt(p - 1);
  if (c !== 40 && c !== 0xff08 && c !== 91 && c !== 0x3010) return false;
  p--;
  while (p > 0 && pos - p < 6 && isSpaceCode(s.charCodeAt(p - 1))) p--;
  for (const w of COMPANY_ENDINGS) if (p >= w.length && s.startsWith(w, p - w.length)) return true;
  return false;
}

/** The label right before the colon (or '=') at index `k`. */
export function labelAtColon(s: string, k: number): FieldMatch | undefined {
  // "name=郭鑫" in a log line: a key before '=' is one token, never the words before it.
  if (s.charCodeAt(k) === 61 && k > 0 && isWordChar(s.charCodeAt(k - 1))) {
    let start = k;
    while (start > 0 && k - start < MAX_LATIN_LABEL && isWordChar(s.charCodeAt(start - 1))) start--;
    if (start === 0 || !isWordChar(s.charCodeAt(start - 1))) {
      if (mayBeField(s, start, k)) {
        const label = s.slice(start, k);
        const match = lookupField(label) ?? nameishLabel(label);
        if (match !== undefined) return match;
      }
    }
  }
  let p = k;
  // "Passport No.:" — an abbreviation dot may stand before the colon.
  while (p > 0 && k - p < 3 && (isSpaceCode(s.charCodeAt(p - 1)) || isQuote(s.charCodeAt(p - 1)) || s.charCodeAt(p - 1) === 46)) p--;
  return labelEndingAt(s, p) ?? labelBeforeOnFile(s, p);
}

/** "Passport on file:", "Mobile on record:": the label is before those words. Asked only when
 *  no label ends at the colon: the pre-check asks at every colon of every value. */
function labelBeforeOnFile(s: string, p: number): FieldMatch | undefined {
  // Most colons end nothing like "file" or "record" (times, URLs): no slice, no regex for them.
  const last = s.charCodeAt(p - 1) | 32;
  if (last !== 101 && last !== 100) return undefined;
  const tail = ON_FILE.exec(s.slice(Math.max(0, p - 12), p));
  return tail === null ? undefined : labelEndingAt(s, p - tail[0].length);
}
const ON_FILE = / on (?:file|record)$/i;

/** First char of the value after a colon at `k`: past spaces and quotes, and past up to two
 *  markup tags ("<b>姓名：</b>王建国", "手机：<span>138…"). */
export function valueStartAfter(s: string, k: number): number {
  let p = k + 1;
  // Quotes, and Markdown's emphasis closing a bold label ("**客户姓名：**廖军").
  while (p < s.length && p - k <= 4 && (isSpaceCode(s.charCodeAt(p)) || isQuote(s.charCodeAt(p)) || s.charCodeAt(p) === 42)) p++;
  // A card's bold label heads the line its value is on ("**收货人：**\n马晓桂", Feishu's lark_md).
  if (s.charCodeAt(p - 1) === 42 && s.charCodeAt(p) === 10) {
    p++;
    while (p < s.length && isSpaceCode(s.charCodeAt(p))) p++;
  }
  for (let tags = 0; tags < 2 && s.charCodeAt(p) === 60; tags++) {
    let close = p + 1;
    const limit = Math.min(s.length, p + MAX_SKIPPED_TAG);
    while (close < limit && s.charCodeAt(close) !== 62 && s.charCodeAt(close) !== 60) close++;
    if (close >= limit || s.charCodeAt(close) !== 62) break;
    p = close + 1;
    while (p < s.length && isSpaceCode(s.charCodeAt(p))) p++;
  }
  return p;
}
const MAX_SKIPPED_TAG = 40;

/** When a value runs into the next label ("张三性别：男"), cut that label off: the longest
 *  dictionary word among its last 4..2 ideographs, else the usual 2-char label. */
function cutNextLabel(s: string, start: number, end: number): number {
  if (!isCjkCode(s.charCodeAt(end - 1))) {
    let p = end;
    while (p > start && s.charCodeAt(p - 1) !== 32) p--;
    return p;
  }
  for (let len = 4; len >= 2; len--) {
    if (end - len > start && lookupExact(s.slice(end - len, end)) !== undefined) return end - len;
  }
  return end - 2;
}

function trimEnd(s: string, start: number, end: number): number {
  while (end > start && isSpaceCode(s.charCodeAt(end - 1))) end--;
  return end;
}

function isUpperLatin(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}

function isLatinNameChar(c: number): boolean {
  const l = c | 32;
  if ((l >= 97 && l <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) return true;
  return c === 39 || c === 0x2019 || c === 46 || c === 45;
}

function isNameDot(c: number): boolean {
  return c === 0xb7 || c === 0x2022 || c === 0x30fb || c === 0xff0e;
}

/** The name after a label: a run of ideographs, or capitalised Latin words. */
export function nameSpanAfter(s: string, from: number): Span | undefined {
  const n = Math.min(s.length, from + MAX_NAME_SCAN);
  let end = from;
  if (from < s.length && isCjkCode(s.charCodeAt(from))) {
    while (end < n && (isCjkCode(s.charCodeAt(end)) || isNameDot(s.charCodeAt(end)))) end++;
    // "林 峰", "王\u3000\u3000芳": a name spaced out to the width of three characters.
    if (end - from <= 2) {
      let gap = end;
      while (gap < n && gap - end < 3 && (s.charCodeAt(gap) === 32 || s.charCodeAt(gap) === 0x3000)) gap++;
      let more = gap;
      while (more < n && more - gap < 2 && isCjkCode(s.charCodeAt(more))) more++;
      // "仇萱 女 4岁": the sex written after the name is no part of it.
      const sex = more - gap === 1 && (s.charCodeAt(gap) === 0x7537 || s.charCodeAt(gap) === 0x5973);
      if (gap > end && more > gap && !sex && (more >= s.length || !isCjkCode(s.charCodeAt(more)))) end = more;
    } else if (end - from > 4) {
      // "收货人：卢芳娟对吗？": the name runs on into the sentence; a surname reading cuts it.
      const name = hanNameAt(s, from);
      if (name !== undefined) end = name.end;
    }
  } else {
    let words = 0;
    let p = from;
    while (p < s.length && words < 5 && isUpperLatin(s.charCodeAt(p))) {
      const wordStart = p;
      while (p < s.length && p - from < 64 && isLatinNameChar(s.charCodeAt(p))) p++;
      end = p;
      words++;
      const given = words === 1 ? commaGivenNameAt(s, wordStart, p) : -1;
      if (given >= 0) {
        p = given;
        continue;
      }
      if (s.charCodeAt(p) !== 32) break;
      p++;
    }
  }
  if (end < s.length && isColon(s.charCodeAt(end)) && end > from) end = trimEnd(s, from, cutNextLabel(s, from, end));
  return end - from >= 2 ? { start: from, end } : undefined;
}

const ADDRESS_STOPS = new Set([...'\n\r\t,，。；;|"、<'].map((c) => c.charCodeAt(0)));

/** The address after a label: up to the next punctuation or line end, bounded. */
export function addressSpanAfter(s: string, from: number): Span | undefined {
  const n = Math.min(s.length, from + MAX_ADDRESS_SCAN);
  let end = from;
  while (end < n && !ADDRESS_STOPS.has(s.charCodeAt(end)) && !isColon(s.charCodeAt(end))) end++;
  if (end < s.length && isColon(s.charCodeAt(end)) && end > from) end = cutNextLabel(s, from, end);
  end = trimEnd(s, from, end);
  return end > from ? { start: from, end } : undefined;
}

/** A document number after a label: one ASCII letter/digit run. */
export function documentSpanAfter(s: string, from: number): Span | undefined {
  const n = Math.min(s.length, from + MAX_DOCUMENT_SCAN + 1);
  let end = from;
  while (end < n && isWordChar(s.charCodeAt(end)) && s.charCodeAt(end) !== 95 && s.charCodeAt(end) !== 45) end++;
  return end > from && end - from <= MAX_DOCUMENT_SCAN ? { start: from, end } : undefined;
}
