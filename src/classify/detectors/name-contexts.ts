/**
 * Names placed by the shape of the text around them, with no label before them: a chat's
 * mention ("@滕芳 请处理"), the sender on a chat export's header line ("2024-09-01 14:59 邝洋",
 * "邝洋 2024-09-01 14:59:02"), and the subject of a dated clause in records and minutes
 * ("陶娟于9月7日跟进"). Each takes a Han name that stands alone and starts with no common word,
 * so "@所有人", "2024-05-01 16:00 黄金周" or "本公司于2024年" are no names.
 */
import { isAlnumCode, isCjkCode, isDigitCode, nearLineStart } from '../chars.js';
import { hanNameStandingAlone, isDottedCjkName, isLatinPersonName, isNameDot, isPlainHanName } from './name.js';

type Span = { start: number; end: number };

/** The name a '@' at `at` mentions; an e-mail's '@' has letters or digits right before it. */
export function mentionedNameAt(v: string, at: number): Span | undefined {
  if (!isCjkCode(v.charCodeAt(at + 1)) || (at > 0 && isAlnumCode(v.charCodeAt(at - 1)))) return undefined;
  return hanNameStandingAlone(v, at + 1);
}

/** The sender named beside a message's date and time, the time's colon at `k`, when they make
 *  a line of their own or the name ends in a colon ("2024-09-01 14:59 邝洋：收到"). A time alone
 *  is a schedule's ("10:00 周会"). */
export function speakerBesideTime(v: string, k: number): Span | undefined {
  if (!isTimeColon(v, k)) return undefined;
  const timeStart = k - (isDigitCode(v.charCodeAt(k - 2)) ? 2 : 1);
  let dateStart = timeStart;
  while (dateStart > 0 && timeStart - dateStart < 16 && isDateChar(v.charCodeAt(dateStart - 1))) dateStart--;
  if (!hasDate(v, dateStart, timeStart)) return undefined;
  let end = k + 3;
  if (v.charCodeAt(end) === 58 && isTwoDigits(v, end + 1)) end += 3;
  // "[2024-09-01 14:59] 邝洋": the stamp in brackets.
  if (CLOSERS.has(v.charCodeAt(end))) end++;
  let p = end;
  while (p < v.length && p - end < 3 && isBlank(v.charCodeAt(p))) p++;
  if (p > end && isCjkCode(v.charCodeAt(p))) return nameAlone(v, p, (span) => endsHeader(v, span.end));
  // "邝洋 2024-09-01 14:59": the name opens the line, before the date and the time.
  if (!endsHeader(v, end) || dateStart === 0 || !isBlank(v.charCodeAt(dateStart)) || !isCjkCode(v.charCodeAt(dateStart - 1))) return undefined;
  const lineStart = nearLineStart(v, dateStart, MAX_SPEAKER);
  return lineStart < 0 ? undefined : nameAlone(v, lineStart, (span) => span.end === dateStart);
}

/** Longest sender's name before a header's date: a name written with '·' (name.ts). */
const MAX_SPEAKER = 20;
const CLOSERS = new Set([...']】)）'].map((c) => c.charCodeAt(0)));

function nameAlone(v: string, from: number, fits: (span: Span) => boolean): Span | undefined {
  const span = hanNameStandingAlone(v, from);
  return span !== undefined && fits(span) ? span : undefined;
}

/** "14:59", "9:05": one or two digits, the colon at k, two digits, nothing glued after. */
function isTimeColon(v: string, k: number): boolean {
  if (v.charCodeAt(k) !== 58 || !isDigitCode(v.charCodeAt(k - 1)) || !isTwoDigits(v, k + 1)) return false;
  const before = isDigitCode(v.charCodeAt(k - 2)) ? k - 3 : k - 2;
  if (before >= 0 && (isDigitCode(v.charCodeAt(before)) || v.charCodeAt(before) === 58)) return false;
  return !isAlnumCode(v.charCodeAt(k + 3));
}

/** A date before the time: "2024-09-01", "09/01", "2024年9月1日", with a month and a day. */
function hasDate(v: string, from: number, to: number): boolean {
  let groups = 0;
  let inDigits = false;
  for (let i = from; i < to; i++) {
    const digit = isAsciiDigit(v.charCodeAt(i));
    if (digit && !inDigits) groups++;
    inDigits = digit;
  }
  return groups >= 2;
}

function isTwoDigits(v: string, i: number): boolean {
  return isAsciiDigit(v.charCodeAt(i)) && isAsciiDigit(v.charCodeAt(i + 1));
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0x3000;
}

function isDateChar(c: number): boolean {
  return isAsciiDigit(c) || c === 45 || c === 47 || c === 46 || c === 32 || c === 0x5e74 || c === 0x6708 || c === 0x65e5;
}

/** The end of a header line: a line break, the value's end, or the colon of a speaker tag. */
function endsHeader(v: string, p: number): boolean {
  while (p < v.length && isBlank(v.charCodeAt(p))) p++;
  if (p >= v.length) return true;
  const c = v.charCodeAt(p);
  return c === 10 || c === 13 || c === 58 || c === 0xff1a;
}

/** Where a clause may open: the text's or a line's start, or after punctuation or a space. */
const CLAUSE_OPENERS = new Set([...'\n\r\t ，。；：、！？,;:(（"“「【'].map((c) => c.charCodeAt(0)));
const YU = 0x4e8e;

/**
 * The subject of a clause dated with 于 ("陶娟于9月7日跟进", "艾尔肯·吐尔洪于2月2日入职"), as records
 * and minutes write who did what when: the whole opening of the clause before 于 must read as
 * a name, and a month or a year must follow the digits at `digitStart`.
 */
export function nameBeforeDate(s: string, digitStart: number): Span | undefined {
  const end = digitStart - 1;
  if (end < 2 || s.charCodeAt(end) !== YU) return undefined;
  let q = digitStart;
  while (q < s.length && q - digitStart <= 4 && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++;
  const unit = s.charCodeAt(q);
  if (q - digitStart > 4 || (unit !== 0x6708 && unit !== 0x5e74)) return undefined;
  let start = end;
  while (start > 0 && end - start <= 20 && (isCjkCode(s.charCodeAt(start - 1)) || isNameDot(s.charCodeAt(start - 1)))) start--;
  if (start > 0 && !CLAUSE_OPENERS.has(s.charCodeAt(start - 1))) return undefined;
  const text = s.slice(start, end);
  return isPlainHanName(text) || isDottedCjkName(text) ? { start, end } : undefined;
}

/** The sender a chat export writes in brackets at a line's start ("[尹燕伟] 收到，已核实"), the
 *  '[' at `open`: a name standing alone, then a space or a colon. "[通知]" and "[系统消息]" are no
 *  names. */
export function speakerInBrackets(v: string, open: number): Span | undefined {
  const close = v.indexOf(']', open + 1);
  if (close < open + 3 || close > open + 1 + MAX_SPEAKER) return undefined;
  const after = v.charCodeAt(close + 1);
  if (!(after === 32 || after === 58 || after === 0xff1a || after === 0x3000)) return undefined;
  const text = v.slice(open + 1, close);
  if (!(isPlainHanName(text) || isDottedCjkName(text))) return undefined;
  const span = hanNameStandingAlone(v, open + 1) ?? (isDottedCjkName(text) ? { start: open + 1, end: close } : undefined);
  return span !== undefined && span.end === close ? span : undefined;
}

/** A SWIFT MT103's ordering customer or beneficiary, the colon closing its tag at `k`
 *  (":50K:/6259…\nTANG JUNJIE\n…", ":59:/DE73…\nAMELIA CLARKE", ":50F:/…\n1/YANG XIN"): the line
 *  after the account line is the party's name, or the "1/" line of the structured option F. */
export function swiftPartyName(v: string, k: number): Span | undefined {
  // Asked at every colon: the tag's number ends two chars before it ("50K:", "59:" is "5" "9").
  if (k < 3 || !isDigitCode(v.charCodeAt(k - 2))) return undefined;
  const tag = SWIFT_PARTY_TAG.exec(v.slice(Math.max(0, k - 5), k + 1));
  if (tag === null) return undefined;
  const tagStart = k - tag[0].length + 1;
  if (tagStart > 0 && v.charCodeAt(tagStart - 1) !== 10) return undefined;
  let line = k + 1;
  // The account ("/6259…", "/DE73…") on the tag's own line, the name on the next.
  if (v.charCodeAt(line) === 47) {
    const lf = v.indexOf('\n', line);
    if (lf < 0) return undefined;
    line = lf + 1;
  }
  const structured = tag[1] === 'F' || tag[2] === 'F';
  if (structured) {
    if (!v.startsWith('1/', line)) return undefined;
    line += 2;
  }
  let end = v.indexOf('\n', line);
  if (end < 0) end = v.length;
  if (end > line && v.charCodeAt(end - 1) === 13) end--;
  const text = v.slice(line, end).trim();
  if (text.length < 2 || text.length > 35) return undefined;
  if (!(isLatinPersonName(text) || isPlainHanName(text) || isDottedCjkName(text))) return undefined;
  const start = v.indexOf(text, line);
  return { start, end: start + text.length };
}
/** ":50K:", ":50F:", ":59:", ":59F:" ending at the colon. */
const SWIFT_PARTY_TAG = /:(?:50([AFK])|59([F]?)):$/;
