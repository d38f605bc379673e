/**
 * What the keyword automaton's matches in one value mean (keyword-table.ts). Negative phrases
 * cancel what they contain; context words switch on the weak words of their category; health
 * words become a finding over their clause; triggers read the name or address that follows;
 * ICD-10 codes the token scan set aside are confirmed by a medical word nearby.
 */
import { foldAlnum, isAsciiLetterCode, isAsciiLowerCode, isAsciiUpperCode, isCjkCode } from './chars.js';
import { addressSpanAfter, labelAtColon, valueStartAfter } from './context.js';
import { addressConfidenceFactor } from './detectors/address.js';
import { clauseSpan, doseBefore, isPlaceholderValue } from './detectors/health.js';
import { dottedNameOpening, hanNameAt, hanNameBefore, isHanSurnameAt, isPinyinName, latinNameAt, NAME_SUFFIXES_ZH, NAME_TRIGGER_VERBS, startsWithCommonWord } from './detectors/name.js';
import { fieldIdentifier, identifierRunEnd } from './field-rules.js';
import { lookupField } from './fields.js';
import type { KeywordInfo } from './keyword-table.js';
import type { KeywordMatch } from './keywords.js';
import { RULES } from './rules.js';
import { ADDRESS, HEALTH, NAME, type ScanHost } from './scan-host.js';
import type { CategoryId } from './taxonomy.js';

/** How far a medical word may stand from an ICD-10 code and still vouch for it. */
const ICD_CONTEXT = 60;
/** How far after an "ICD-10" label its code may start. */
const ICD_LABEL_GAP = 16;

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Whether v[a, b) is a medical label ("诊断", "ICD-10"), which does not end a medical span. */
export function isMedicalLabel(v: string, a: number, b: number): boolean {
  return lookupField(v.slice(a, b))?.category === HEALTH;
}

/**
 * Reports what `matches` (one value's automaton matches, any order) mean; returns the
 * categories with context in the value (one set reused by every call: read it before the next).
 * `medicalField` is asked only when an ICD-10 code from
 * `icds` needs support beyond the value itself.
 */
export function applyKeywords(
  host: ScanHost, v: string, matches: Array<KeywordMatch<KeywordInfo>>, icds: readonly Span[], medicalField: () => boolean,
): ReadonlySet<CategoryId> {
  // Negative phrases cancel the matches they contain ("故障诊断" is not a diagnosis).
  let negatives: Array<KeywordMatch<KeywordInfo>> | undefined;
  for (const m of matches) if (m.payload.kind === 'negative') (negatives ??= []).push(m);
  const live = negatives === undefined ? matches : withoutCancelled(matches, negatives);
  live.sort((x, y) => x.start - y.start || y.end - x.end);

  // One set for every call: the caller reads it before the next leaf.
  const context = contextSet;
  context.clear();
  if (host.keyCategory !== undefined) context.add(host.keyCategory);
  for (const m of live) {
    const k = m.payload.kind;
    if (k === 'context' || k === 'term' || k === 'section') context.add(m.payload.category);
  }

  let medicalLabel: ((a: number, b: number) => boolean) | undefined;
  // One clause is one finding, however many medical words it holds.
  let healthEnd = -1;
  for (const m of live) {
    const info = m.payload;
    switch (info.kind) {
      case 'section':
      case 'term':
        // "Rx: 60247 KB", "Rx errors 0": a network counter, not a prescription.
        if (info.kind === 'section' && m.end - m.start === 2 && !sectionTextFollows(v, m.end)) break;
        // "既往病史：无", "过敏史：暂无": a form's line that holds nothing.
        if (sectionHoldsNothing(v, m.end)) break;
        if (info.category !== HEALTH) {
          host.emit(info.category, info.rule, m.start, m.end, info.confidence);
        } else if (m.start >= healthEnd) {
          const span = clauseSpan(v, m.start, m.end, info.kind === 'section', (medicalLabel ??= labelTest(v)));
          host.emit(HEALTH, info.rule, span.start, span.end, info.confidence);
          healthEnd = span.end;
        }
        break;
      case 'weak':
        if (context.has(info.category) && !(info.category === HEALTH && m.start < healthEnd)) {
          host.emit(info.category, info.rule, m.start, m.end, info.confidence);
        }
        break;
      case 'sig':
        if (m.start >= healthEnd && doseBefore(v, m.start)) {
          const span = clauseSpan(v, m.start, m.end, false, (medicalLabel ??= labelTest(v)));
          host.emit(HEALTH, info.rule, span.start, span.end, info.confidence);
          healthEnd = span.end;
        }
        break;
      case 'nameTrigger':
        nameAfter(host, v, m.start, m.end, info);
        break;
      case 'idLabel':
        identifierAfter(host, v, m.end, info.category);
        break;
      case 'nameList':
        namesListedAfter(host, v, m.end, info);
        break;
      case 'nameSuffix': {
        // "致 张伟 先生": a space may stand before the suffix.
        let before = m.start;
        while (before > 0 && m.start - before < 2 && (v.charCodeAt(before - 1) === 32 || v.charCodeAt(before - 1) === 0x3000)) before--;
        const c = v.charCodeAt(before - 1);
        const comma = c === 0xff0c || c === 44;
        // The greeting's name ends at a comma; so may a salutation's ("王浩然，您好：").
        const opening = info.greeting === true || (comma && isHelloAt(v, m.start));
        if (info.greeting && !comma) break;
        // "金杜律师事务所": a firm, whose name is no person's.
        if (v.startsWith('事务所', m.end)) break;
        if (opening) before--;
        // A dotted name opening a salutation ("迪丽热巴·迪力木拉提，您好"). Inside a sentence the
        // words before one are unknown; a trigger reads it forwards ("尊敬的…", nameAfter).
        // Without the comma too ("迪力夏提·玉素甫您好："): a dotted name is no mere word. After a
        // title ("…热依木女士您好") the title's own match reads the name.
        const dotted = opening || (isHelloAt(v, m.start) && !NAME_SUFFIXES_ZH.some((t) => before >= t.length && v.startsWith(t, before - t.length)));
        const span = (dotted ? dottedNameOpening(v, before) : undefined) ?? hanNameBefore(v, before);
        // "郑桐磊，您的外卖已送达": a greeting's name opens the message (or its line, or follows
        // its 【signature】); inside a sentence "，您" follows anything.
        if (span !== undefined && (!(opening || info.opening === true) || opensMessage(v, span.start, info.greeting === true))) host.emit(NAME, info.rule, span.start, span.end, info.confidence);
        break;
      }
      case 'addressTrigger':
        addressAfter(host, v, m.end, info);
        break;
      case 'custom':
        host.emit(info.category, info.rule, m.start, m.end, info.confidence);
        break;
      default:
        break;
    }
  }
  if (icds.length > 0) confirmIcds(host, icds, live, medicalField);
  return context;
}

const contextSet = new Set<CategoryId>();

/** Whether the label a medical word at [.., p) ends or stands in ("既往病史：", "过敏史：") holds a
 *  placeholder ("无", "暂无"). */
function sectionHoldsNothing(v: string, p: number): boolean {
  let colon = p;
  while (colon < v.length && colon - p < MAX_LABEL_REST && isCjkCode(v.charCodeAt(colon))) colon++;
  const c = v.charCodeAt(colon);
  if (c !== 58 && c !== 0xff1a) return false;
  let end = colon + 1;
  while (end < v.length && end - colon <= MAX_PLACEHOLDER && !CLAUSE_ENDS.has(v.charCodeAt(end))) end++;
  return end - colon <= MAX_PLACEHOLDER && isPlaceholderValue(v.slice(colon + 1, end));
}
const MAX_LABEL_REST = 6;
const MAX_PLACEHOLDER = 8;
const CLAUSE_ENDS = new Set([...'\n\r，,；;。'].map((ch) => ch.charCodeAt(0)));

/** After a two-letter section acronym ("Rx", "Dx"): a colon or dot, then a word (a drug, a
 *  diagnosis), not a number. */
function sectionTextFollows(v: string, p: number): boolean {
  let q = p;
  const c = v.charCodeAt(q);
  if (c !== 58 && c !== 0xff1a && c !== 46) return false;
  q++;
  while (q < v.length && (v.charCodeAt(q) === 32 || v.charCodeAt(q) === 0x3000)) q++;
  const d = v.charCodeAt(q);
  return q < v.length && !(d >= 48 && d <= 57);
}

/** The matches no negative covers. A negative says a phrase is no one's health record, and
 *  what a record's number is ("就诊卡号" holds no bank card); it says nothing of names, so a
 *  role inside one still introduces its holder ("住院医师白宇娜"). */
function withoutCancelled(
  matches: Array<KeywordMatch<KeywordInfo>>, negatives: ReadonlyArray<KeywordMatch<KeywordInfo>>,
): Array<KeywordMatch<KeywordInfo>> {
  return matches.filter((m) => m.payload.kind === 'negative' || m.payload.category === NAME || !negatives.some((x) => x.start <= m.start && x.end >= m.end));
}

/** isMedicalLabel over one value, made only when a value has keyword matches (a closure in
 *  applyKeywords itself would cost each call a context allocation). */
function labelTest(v: string): (a: number, b: number) => boolean {
  return (a, b) => isMedicalLabel(v, a, b);
}

// '*' closes a Markdown bold label ("**参会**：熊桂鹏, 冯勇").
const FILLERS = new Set([...' \t\u3000"\'“”「」是为叫*'].map((c) => c.charCodeAt(0)));
/** After a sign-off or greeting: its comma and the line break before the name. */
const SIGN_OFF_FILLERS = new Set([...' \t\u3000,，\r\n'].map((c) => c.charCodeAt(0)));

function skipFillers(v: string, p: number): number {
  let q = p;
  while (q < v.length && q - p < 3 && FILLERS.has(v.charCodeAt(q))) q++;
  return q;
}

function isColonAt(v: string, p: number): boolean {
  const c = v.charCodeAt(p);
  return c === 58 || c === 0xff1a || c === 61;
}

/** What may stand between a label and its identifier when no colon does: spaces, 是, 为. */
const ID_FILLERS = new Set([...' \t\u3000是为'].map((c) => c.charCodeAt(0)));

/** The identifier right after a label written without a colon, however it is split. */
function identifierAfter(host: ScanHost, v: string, end: number, category: CategoryId): void {
  let from = end;
  while (from < v.length && from - end < 3 && ID_FILLERS.has(v.charCodeAt(from))) from++;
  if (from >= v.length || foldAlnum(v.charCodeAt(from)) < 0) return;
  const to = identifierRunEnd(v, from, category);
  if (to > from) fieldIdentifier(host, v, category, { start: from, end: to });
}

function nameAfter(host: ScanHost, v: string, start: number, end: number, info: KeywordInfo): void {
  let from = skipFillers(v, end);
  // "姓名：张三" is the label scan's; a trigger reads names written without a colon. English
  // ones are no field labels ("Customer: Pan Jing", "Caller: Xiao Ting"): they read past it.
  if (from >= v.length) return;
  if (info.signOff === true) {
    while (from < v.length && from - end < 5 && SIGN_OFF_FILLERS.has(v.charCodeAt(from))) from++;
    if (from >= v.length) return;
  }
  const hanTrigger = v.charCodeAt(end - 1) >= 128;
  // "lists the legal representative as 雷霞": a Han name only, so the verb may stand between.
  if (!hanTrigger && info.hanOnly === true) from = skipCopula(v, from);
  const pastColon = isColonAt(v, from);
  if (pastColon) {
    // A role word that is no field label reads on past its colon ("原告：丁嘉睿", "委托诉讼代理人：姜志飞");
    // a verb's colon opens a message ("通知：车辆…").
    if (hanTrigger && (labelAtColon(v, from) !== undefined || NAME_TRIGGER_VERBS.has(v.slice(start, end)))) return;
    from = skipFillers(v, from + 1);
    if (from >= v.length) return;
  }
  // "姓名[艾力·吐尔洪]", "姓名【张三】", "紧急联系人（龙明辉）电话…": a bracketed value, closed
  // right after the name; so is a trigger that opens its own bracket ("客户(谢东):", not
  // "用户(夏天的风)", a nickname).
  const opened = TRIGGER_CLOSERS.get(v.charCodeAt(end - 1));
  const closer = opened ?? CLOSERS.get(v.charCodeAt(from));
  if (closer !== undefined && opened === undefined) from++;
  const han = isCjkCode(v.charCodeAt(from));
  // After "Caller:" Han text is as often a team or a region ("华东大区") as a name.
  if ((!han && info.hanOnly === true) || (han && pastColon && !hanTrigger)) return;
  // Past a colon the name is the field's whole content ("原告：丁嘉睿，"), not the start of a
  // sentence ("主管：高度重视").
  if (han && pastColon && startsWithCommonWord(v, from)) return;
  const span = han ? hanNameAt(v, from, info.strict === true || pastColon, info.introduces === true) : latinNameAt(v, from, info.single === true);
  if (span === undefined || (closer !== undefined && v.charCodeAt(span.end) !== closer)) return;
  if (!han && info.pinyinOnly === true && !isPinyinName(v.slice(span.start, span.end))) return;
  host.emit(NAME, info.rule, span.start, span.end, info.confidence);
  if (han) namesListedFrom(host, v, span.end, info);
}
const CLOSERS = new Map([[0x5b, 0x5d], [0x3010, 0x3011], [0xff08, 0xff09], [0x28, 0x29]]);

/** Past "as ", "is " or "was " at `from`, and the spaces after it. */
function skipCopula(v: string, from: number): number {
  for (const word of COPULAS) {
    if (v.startsWith(word, from)) return skipFillers(v, from + word.length);
  }
  return from;
}
const COPULAS = ['as ', 'is ', 'was '];
/** The brackets a trigger may end with ("客户(", "客户（"), and what closes each. */
const TRIGGER_CLOSERS = new Map([[0x28, 0x29], [0xff08, 0xff09]]);

/** Separators between the names of a list: "、", commas, semicolons, spaces. */
const LIST_SEPARATORS = new Set([...'、，,；; \u3000'].map((c) => c.charCodeAt(0)));
const MAX_LISTED_NAMES = 20;
/** What joins the next name of a list to a name a trigger introduced: "转给满知英、央金拉姆和佘佳刚",
 *  "联系人张伟与李娜". A comma is left out: "联系人张伟，电话…" goes on to other things. */
const LIST_JOINS = new Set([...'、和与及'].map((c) => c.charCodeAt(0)));

/** The names that follow a name found at ..p, joined to it as a list. */
function namesListedFrom(host: ScanHost, v: string, p: number, info: KeywordInfo): void {
  for (let k = 0; k < MAX_LISTED_NAMES && p + 1 < v.length && LIST_JOINS.has(v.charCodeAt(p)); k++) {
    const span = hanNameAt(v, p + 1);
    if (span === undefined) return;
    host.emit(NAME, info.rule, span.start, span.end, info.confidence);
    p = span.end;
  }
}

/** The Han names listed after a heading, each standing alone between separators. */
function namesListedAfter(host: ScanHost, v: string, end: number, info: KeywordInfo): void {
  let p = skipFillers(v, end);
  if (p < v.length && isColonAt(v, p)) p = skipFillers(v, p + 1);
  for (let k = 0; k < MAX_LISTED_NAMES && p < v.length && isCjkCode(v.charCodeAt(p)); k++) {
    const span = hanNameAt(v, p, true) ?? titledNameAt(v, p) ?? compoundListedAt(v, p);
    if (span === undefined) return;
    host.emit(NAME, info.rule, span.start, span.end, info.confidence);
    p = span.end;
    // "莫雨婷总、曹睿（财务）、…": a title or a role in brackets after a listed name.
    p = skipListedTitle(v, p);
    const sep = p;
    while (p < v.length && p - sep < 2 && LIST_SEPARATORS.has(v.charCodeAt(p))) p++;
    if (p === sep) return namesListedFrom(host, v, p, info);
  }
}

/** A name with a title after it, the two standing alone in a list ("莫雨婷总、", "杜霞梦经理、"). */
function titledNameAt(v: string, p: number): { start: number; end: number } | undefined {
  let run = p;
  while (run < v.length && run - p < 7 && isCjkCode(v.charCodeAt(run))) run++;
  for (const title of LIST_TITLES) {
    if (run - p <= title.length || !v.startsWith(title, run - title.length)) continue;
    const span = hanNameAt(v.slice(p, run - title.length), 0, true);
    if (span !== undefined && span.end === run - title.length - p) return { start: p, end: p + span.end };
  }
  return undefined;
}
const LIST_TITLES = ['总', '经理', '老师', '主任', '总监', '先生', '女士'];

/** A compound surname and one or two chars standing alone in a list ("东方雨、"), which a
 *  trigger's reading turns away as a word ("东方红"). */
function compoundListedAt(v: string, p: number): { start: number; end: number } | undefined {
  if (isHanSurnameAt(v, p) !== 2) return undefined;
  let run = p + 2;
  while (run < v.length && run - p < 5 && isCjkCode(v.charCodeAt(run))) run++;
  const standsAlone = run === v.length || LIST_SEPARATORS.has(v.charCodeAt(run)) || v.charCodeAt(run) === 10;
  return standsAlone && run - p >= 3 && run - p <= 4 ? { start: p, end: run } : undefined;
}

function skipListedTitle(v: string, p: number): number {
  for (const title of LIST_TITLES) if (v.startsWith(title, p)) return skipListedTitle(v, p + title.length);
  // An English name a colleague goes by ("苏振 Jack, 贾铭永").
  if (v.charCodeAt(p) === 32 && isAsciiUpperCode(v.charCodeAt(p + 1))) {
    let q = p + 2;
    while (q < v.length && q - p < MAX_NICKNAME && isAsciiLowerCode(v.charCodeAt(q))) q++;
    if (q > p + 2 && (q === v.length || !isAsciiLetterCode(v.charCodeAt(q)))) return q;
  }
  const close = CLOSERS.get(v.charCodeAt(p));
  if (close === undefined || close === 0x5d || close === 0x3011) return p;
  const end = v.indexOf(String.fromCharCode(close), p + 1);
  return end > p && end - p <= MAX_LISTED_ROLE ? end + 1 : p;
}
const MAX_LISTED_ROLE = 10;
const MAX_NICKNAME = 12;

function addressAfter(host: ScanHost, v: string, end: number, info: KeywordInfo): void {
  let from = skipFillers(v, end);
  if (from < v.length && isColonAt(v, from)) {
    // "收货地址：…" is a label, which the scanner reads as one; "请寄到：…" is a verb and its
    // address, written after a colon as often as not.
    if (labelAtColon(v, from) !== undefined) return;
    from = valueStartAfter(v, from);
  }
  if (from >= v.length) return;
  const span = addressSpanAfter(v, from);
  // No label vouches for it, so the text has to carry address markers (省 市 路 号…).
  if (span !== undefined && addressConfidenceFactor(v.slice(span.start, span.end)) >= 1) {
    host.emit(ADDRESS, info.rule, span.start, span.end, info.confidence);
  }
}

/** ICD-10 codes count under a medical field (or object), after an ICD label, or near a
 *  medical word; a bare "A12" elsewhere is a seat, a grid cell or an error code. */
export function confirmIcds(
  host: ScanHost, icds: readonly Span[], live: ReadonlyArray<KeywordMatch<KeywordInfo>>, medicalField: () => boolean,
): void {
  let field: boolean | undefined;
  for (const code of icds) {
    let ok = false;
    for (let k = 0; !ok && k < live.length; k++) {
      const m = live[k]!;
      if (m.payload.category !== HEALTH || m.payload.kind === 'negative') continue;
      if (m.payload.kind === 'icdLabel') ok = code.start >= m.end && code.start - m.end <= (m.payload.reach ?? ICD_LABEL_GAP);
      else ok = Math.abs(code.start - m.end) <= ICD_CONTEXT || Math.abs(m.start - code.end) <= ICD_CONTEXT;
    }
    if (!ok) ok = field ??= medicalField();
    if (ok) host.emit(HEALTH, RULES.healthIcd10, code.start, code.end, 0.85);
  }
}

/** "您好" or "你好" at i. */
function isHelloAt(v: string, i: number): boolean {
  return (v.charCodeAt(i) === 0x60a8 || v.charCodeAt(i) === 0x4f60) && v.charCodeAt(i + 1) === 0x597d;
}

/** Whether a greeting's name at `start` opens the value, a line, or follows a 【signature】 or a
 *  log's "content=". A message addressed by name and comma ("庞浩然，您预订的…") opens after a
 *  label's colon too ("短信内容：…"), where one addressed by role may not ("诊断：高血压患者"). */
function opensMessage(v: string, start: number, afterLabel: boolean): boolean {
  let p = start;
  while (p > 0 && (v.charCodeAt(p - 1) === 32 || v.charCodeAt(p - 1) === 0x3000)) p--;
  if (p === 0) return true;
  const c = v.charCodeAt(p - 1);
  return c === 10 || c === 0x3011 || c === 93 || c === 61 || (afterLabel && (c === 58 || c === 0xff1a));
}
