/**
 * The pre-check that lets the JSON parser skip leaves no rule can find anything in (LeafFilter),
 * so most of a body is never turned into strings, objects and scans. It reads a value's raw
 * UTF-8 bytes once with a byte-class table and stops at the first thing the scanner could act
 * on: a keyword's start, '@', ':', '=', '>', '%', '|', a full-width or invisible char, a province
 * char before a capital, a nested document or base64 text, a decimal pair, a token of a shape
 * an identifier has. Digit runs long enough to be an identifier and 17/18-char codes standing
 * alone are checked by the scanner's own readers and validators (the NumericScanner with a
 * probe host, the VIN check char, usccConfidence), since every ordinary body carries order numbers,
 * timestamps and SKUs of those shapes. Whatever it cannot rule out cheaply is "not plain":
 * the full scan then decides, so the pre-check can cost time but never a finding. The property
 * tests in test/property/plain.test.ts hold it to that (findings equal with and without it).
 */
import type { Leaf, LeafFilter } from '../body/leaf.js';
import { looksLikeValueKey } from '../body/leaf.js';
import { base64Text, bytesMayDecodeToText, MIN_BASE64, MIN_SHORT_BASE64 } from '../body/base64.js';
import { isAlnumCode, isInvisibleCode, isTypeSpaceCode, isWideDashCode } from './chars.js';
import { labelAtColon, labelBefore } from './context.js';
import { isPassportTypeByteLength, isPassportTypeName, startsLikePassportType } from './cross-leaf.js';
import { isCardGrouping, isPaymentCardNumber } from './detectors/bank-card.js';
import { MIN_SEQUENCE_LINE, isGenotypeCall, isVcfCallKey } from './detectors/genetic.js';
import { isIdCardGrouping, looksLikeIdCard, validateIdCard, type CivilDate } from './detectors/id-card.js';
import { hasImeiReportingBody, isImei, isImeiGrouping } from './detectors/imei.js';
import { isPointArrayKey, keyAxis } from './detectors/location.js';
import { isNameishKey } from './detectors/name.js';
import { speakerBesideTime, swiftPartyName } from './detectors/name-contexts.js';
import { isChineseTravelDocument } from './detectors/passport.js';
import { IATA_CONTACT_CODES, mobileNationalStart } from './detectors/phone.js';
import { isProvinceCode } from './detectors/plate.js';
import { usccConfidence } from './detectors/uscc.js';
import { vinBytes } from './validators.js';
import { isNumberHolderKey, isPartKey, lookupField, normalizeFieldName, REFERENCE } from './fields.js';
import type { KeywordInfo } from './keyword-table.js';
import type { KeywordAutomaton } from './keywords.js';
import { NumericScanner } from './numeric.js';
import type { ScanHost, Support } from './scan-host.js';
import type { CategoryId } from './taxonomy.js';

/** Byte classes: 0 other, 1 letter, 2 digit, 3 stop (the scanner acts on it), 4 gap inside a
 *  digit run (space, '-', '.'), 5 non-ASCII lead byte, 6 ':' or '=' (a label may end). */
const OTHER = 0, LETTER = 1, DIGIT = 2, STOP = 3, GAP = 4, HIGH = 5, COLON = 6;
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const l = b | 32;
  if (b >= 0x80) CLASS[b] = HIGH;
  else if (l >= 97 && l <= 122) CLASS[b] = LETTER;
  else if (b >= 48 && b <= 57) CLASS[b] = DIGIT;
}
// '@' e-mail, ':' and '=' labels, '>' FASTA, '%' percent-encoding, '\' escapes (never raw in
// a value the parser passes, kept for safety), '{' '[' nested documents, '|' HL7 v2 segments
// (a patient's name and address by their field's position).
for (const c of '@>%\\{[|') CLASS[c.charCodeAt(0)] = STOP;
CLASS[0x3a] = COLON;
CLASS[0x3d] = COLON;
// Brackets join digit groups only beside a space in digit-runs.ts ("+86 (135) 8828-4945");
// joining more here only keeps more. '+' is a space in a query string written into a log line.
for (const c of ' -.()+') CLASS[c.charCodeAt(0)] = GAP;
// Control chars (tab included) cannot stand raw in a JSON string: the parser reports them once
// we stop.
for (let b = 0; b < 0x20; b++) CLASS[b] = STOP;
const PASSPORT_FIRST = new Uint8Array(128);
for (let c = 0; c < 128; c++) PASSPORT_FIRST[c] = startsLikePassportType(c) ? 1 : 0;

/** Per ASCII letter or digit: bit 0 letter, bit 1 lower case, bit 2 base (A C G T N), bit 3
 *  not a hex digit, bit 4 set for every letter and digit; 0 for everything else. A token's
 *  bytes are summed for bit 0, ORed for bits 1 and 3 and ANDed for bit 2. */
const ALNUM = new Uint8Array(256);
for (let c = 48; c <= 57; c++) ALNUM[c] = 16;
for (let c = 65; c <= 90; c++) {
  const base = c === 65 || c === 67 || c === 71 || c === 84 || c === 78 ? 4 : 0;
  const hex = c <= 70 ? 0 : 8;
  ALNUM[c] = 16 | 1 | base | hex;
  ALNUM[c + 32] = 16 | 1 | 2 | base | hex;
}
/** Punctuation of the base64 alphabets ('=' padding stops the walk anyway). */
const B64_PUNCT = new Uint8Array(128);
for (const c of '+/_-') B64_PUNCT[c.charCodeAt(0)] = 1;

/** Fewest digits any identifier has (numeric.ts MIN_CANDIDATE_DIGITS). */
const MIN_ID_DIGITS = 11;
/** Longest token the scanner checks as an identifier (scanner.ts MAX_ID_TOKEN). */
const MAX_ID_TOKEN = 24;
const KEY_MEMO_LIMIT = 4096;

/** The numeric scanner's host during a probe: no field, labels read from the value itself, and
 *  any report is remembered instead of kept. */
class ProbeHost implements ScanHost {
  leaf: Leaf = { location: '', key: undefined, value: '', rawStart: 0, rawEnd: 0, source: 'json' };
  readonly keyCategory: CategoryId | undefined = undefined;
  today: CivilDate = { year: 1970, month: 1, day: 1 };
  found = false;

  emit(): void {
    this.found = true;
  }

  support(category: CategoryId, v: string, start: number): Support {
    return labelBefore(v, start)?.category === category ? 'context' : undefined;
  }
}

export class PlainFilter implements LeafFilter {
  private readonly keyMemo = new Map<string, boolean>();
  private readonly host = new ProbeHost();
  private readonly numeric = new NumericScanner();
  private readonly freeAscii: boolean;

  constructor(private readonly keywords: KeywordAutomaton<KeywordInfo>) {
    this.freeAscii = keywords.freeKeywordsHoldAscii;
  }

  /** ID numbers are only valid up to today: set before each parse. */
  set today(today: CivilDate) {
    this.host.today = today;
  }

  plainKey(key: string | undefined): boolean {
    if (key === undefined) return true;
    let plain = this.keyMemo.get(key);
    if (plain === undefined) {
      plain = isPlainKey(key);
      if (this.keyMemo.size >= KEY_MEMO_LIMIT) this.keyMemo.clear();
      this.keyMemo.set(key, plain);
    }
    return plain;
  }

  plainItems(key: string | undefined): boolean {
    return key === undefined || !isPointArrayKey(key);
  }

  plainValue(buf: Uint8Array, start: number, end: number): boolean {
    if (end === start) return true;
    if (end - start < MIN_ID_DIGITS && shortNumber(buf, start, end)) return true;
    if (end - start === UUID_LENGTH && isUuid(buf, start)) return this.plainUuid(buf, start, end);
    return this.walkValue(buf, start, end);
  }

  /**
   * A canonical UUID (8-4-4-4-12 hex digits), what nearly every API body carries, judged as the
   * walk below would judge it without reading it token by token. Its groups are hex tokens glued
   * by single dashes, so no group but the first can open a numeric window (digitRun: glued, no
   * break gap) and none is an identifier-shaped token (plainToken: okBefore/okAfter); no char
   * of it is a stop, a label's end, a base64-only char or non-ASCII. What is left is what this
   * checks: a keyword starting a group, a digit run from the first char (which reads on past a
   * dash only when the first group is all digits, so only then can it reach 11), and a last
   * group of bases only (a sequence line); the last two, rare, go to the walk.
   * test/property/plain.test.ts holds it equal to walkValue.
   */
  private plainUuid(buf: Uint8Array, start: number, end: number): boolean {
    const keywords = this.keywords;
    const first = keywords.anchoredFirst;
    for (let g = 0; g < UUID_GROUP_START.length; g++) {
      const i = start + UUID_GROUP_START[g]!;
      const b = buf[i]!;
      if (CLASS[b] === LETTER && first[b] === 1 && keywords.mayStartWordAt(buf, i, end)) return false;
    }
    if (allDigits(buf, start, start + 8) || basesOnly(buf, start + UUID_GROUP_START[4]!, end)) return this.walkValue(buf, start, end);
    return this.plainWhole(buf, start, end, false);
  }

  /** plainValue without its shortcuts for whole-value shapes: the byte walk every value can
   *  take. Public so that the tests can hold the shortcuts to it. */
  walkValue(buf: Uint8Array, start: number, end: number): boolean {
    const keywords = this.keywords;
    const first = keywords.anchoredFirst;
    this.decimalsBefore = -1;
    this.valueText = undefined;
    let st = 0;
    let decimals = 0;
    let prevAlnum = false;
    // Bytes so far beyond their UTF-16 units: the scanner's offsets are (i - start) - extra.
    let extra = 0;
    // Only letters, digits and the base64 punctuation so far: the value may be base64 text,
    // unless it is all hex digits and dashes (a digest, a UUID), which base64.ts never opens.
    let base64 = true;
    let hex = true;
    let i = start;
    while (i < end) {
      const b = buf[i]!;
      const cls = CLASS[b]!;
      if (cls === LETTER || cls === DIGIT) {
        if (st !== 0) {
          if (this.freeAscii) return false;
          st = 0;
        }
        if (cls === LETTER && !prevAlnum && first[b] === 1 && keywords.mayStartWordAt(buf, i, end)) return false;
        // The token: a maximal run of ASCII letters and digits.
        let j = i;
        let letters = 0, any = 0, every = 0xff;
        for (; j < end; j++) {
          const t = ALNUM[buf[j]!]!;
          if (t === 0) break;
          letters += t & 1;
          any |= t;
          every &= t;
        }
        if ((any & 8) !== 0) hex = false;
        if (j < end && buf[j]! >= 0x80 && joinsToken(buf, j)) return false;
        const len = j - i;
        const digits = len - letters;
        if (letters === 0 || (letters === 1 && digits === 17 && (buf[j - 1]! | 32) === 120)) {
          const next = this.digitRun(buf, start, i, end, i - start - extra);
          if (next < 0) return false;
          decimals += this.lastDecimals;
          if (decimals >= 2) return false;
          i = next;
        } else {
          if (!this.plainToken(buf, start, i, j, letters, (any & 2) === 0, (every & 4) !== 0)) return false;
          i = j;
        }
        prevAlnum = true;
        continue;
      }
      if (cls === HIGH) {
        base64 = false;
        const cp = decodeAt(buf, i);
        const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (cp >= 0x10000) {
          // Surrogate halves: in no class the scanner acts on, but the automaton steps on them.
          const hi = 0xd800 + ((cp - 0x10000) >> 10);
          const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
          st = keywords.freeStep(st, hi);
          if (st !== 0 && keywords.freeOutputAt(st)) return false;
          st = keywords.freeStep(st, lo);
        } else {
          // A full-width '＠' may join an address written in full-width forms (scanner.email).
          if (isAlnumCode(cp) || isInvisibleCode(cp) || cp === 0xff20) return false;
          if (cp === 0xff1a && this.labelAt(buf, start, end, i - start - extra)) return false;
          // "陶娟于9月7日": a clause's date after its subject (name-contexts.ts nameBeforeDate).
          if (cp === 0x4e8e && i + size < end && CLASS[buf[i + size]!] === DIGIT) return false;
          // A plate: province, then a capital letter (a full-width one stopped above).
          if (isProvinceCode(cp) && i + size < end && buf[i + size]! >= 65 && buf[i + size]! <= 90) return false;
          st = keywords.freeStep(st, cp);
        }
        if (st !== 0 && keywords.freeOutputAt(st)) return false;
        prevAlnum = false;
        extra += size === 4 ? 2 : size - 1;
        i += size;
        continue;
      }
      if (cls === STOP) return false;
      if (cls === COLON) {
        // '=' after base64 chars may be its padding: base64.ts decides, on the whole value.
        if (b === 0x3d && base64 && end - start >= 16) return false;
        if (this.labelAt(buf, start, end, i - start - extra)) return false;
      }
      if (st !== 0) {
        if (this.freeAscii) return false;
        st = 0;
      }
      if (B64_PUNCT[b] === 0) base64 = false;
      else if (b !== 45) hex = false;
      prevAlnum = false;
      i++;
    }
    return this.plainWhole(buf, start, end, base64 && !hex);
  }

  /** What the nested-value reader and the request-level checks read from a value as a whole:
   *  a JSON document or base64 text inside it, a genotype call, a document type's name. */
  private plainWhole(buf: Uint8Array, start: number, end: number, base64Alphabet: boolean): boolean {
    const n = end - start;
    // A JWT ("eyJ…" is base64 of '{"') or a data URL: base64 inside the value (nested.ts).
    if (n >= 16 && ((buf[start] === 0x65 && buf[start + 1] === 0x79 && buf[start + 2] === 0x4a) || isDataUrlStart(buf, start))) return false;
    // A nested document needs a '{' or '[', which the walk stops at wherever it stands.
    let p = start;
    while (p < end && buf[p] === 32) p++;
    if (n >= MIN_SHORT_BASE64 && base64Alphabet && (n >= MIN_BASE64 || mixesCases(buf, start, end)) && base64Length(buf, start, end) && bytesMayDecodeToText(buf, start, end) && base64Text(text(buf, start, end)) !== undefined) return false;
    // Both tests below trim the value: where a wide space may end it, they are run as they are.
    const e = trimmedEnd(buf, p, end);
    if (e < 0) {
      if (n <= 16 && isGenotypeCall(text(buf, start, end))) return false;
    } else if (e - p <= 5 && e > p && genotypeChars(buf, p, e) && isGenotypeCall(text(buf, start, end))) return false;
    const c0 = buf[start]!;
    if (n >= 1 && (e < 0 ? n <= 80 : isPassportTypeByteLength(e - start)) && (c0 < 0x80 ? PASSPORT_FIRST[c0] === 1 : startsLikePassportType(decodeAt(buf, start))) && isPassportTypeName(text(buf, start, end))) return false;
    return true;
  }

  /** Whether a field label ends right before the colon or '=' at UTF-16 offset k of the value
   *  (context.ts labelAtColon), or the colon is a chat header's time beside a sender's name or
   *  closes a SWIFT party's tag (name-contexts.ts): the scanner then reads what follows. */
  private labelAt(buf: Uint8Array, start: number, end: number, k: number): boolean {
    const v = (this.valueText ??= text(buf, start, end));
    return labelAtColon(v, k) !== undefined || speakerBesideTime(v, k) !== undefined || swiftPartyName(v, k) !== undefined;
  }

  /** Decimal numbers the last digitRun met (a latitude/longitude pair needs two), and the
   *  offset of the last dot counted. */
  private lastDecimals = 0;
  private decimalsBefore = -1;
  /** The value as a string, decoded once per plainValue call when a probe needs it. */
  private valueText: string | undefined;

  /**
   * The digit run whose first group starts at buf[i]: its groups joined by gaps of at most
   * three spaces, dashes or dots, as digit-runs.ts joins them (more generously: a group glued
   * to letters still counts). Returns where the walk resumes, or -1 when the run may be an
   * identifier. Runs of 11 digits or more go through the NumericScanner (a whole value of
   * digits through lonelyRunFinds), over the value decoded once; `unit` is i as a UTF-16 offset.
   */
  private digitRun(buf: Uint8Array, start: number, i: number, end: number, unit: number): number {
    let total = 0;
    let p = i;
    let groupLen = 0;
    let decimals = 0;
    let resume = -1;
    let breakGap = false;
    for (;;) {
      // One group: digits, maybe an X check char right after 17 of them.
      const gs = p;
      while (p < end && CLASS[buf[p]!] === DIGIT) p++;
      groupLen = p - gs;
      if (p < end && (buf[p]! | 32) === 120) p++, groupLen++;
      total += groupLen;
      if (resume < 0) resume = p;
      // The gap to the next group.
      let q = p;
      let visible = 0;
      let dots = 0;
      let other = 0;
      while (q < end && visible <= 3) {
        const b = buf[q]!;
        const t = CLASS[b]!;
        if (t === GAP) {
          visible++;
          if (b === 46) dots++;
          else other++;
          q++;
        } else if (t === HIGH) {
          const cp = decodeAt(buf, q);
          // Wide spaces, dashes and invisible chars join groups too: leave those to the scan.
          if (cp === 0xa0 || cp === 0x3000 || isTypeSpaceCode(cp) || isWideDashCode(cp) || cp === 0xff0e || cp === 0xff08 || cp === 0xff09 || isInvisibleCode(cp)) return -1;
          break;
        } else break;
      }
      if (q >= end || visible === 0 || visible > 3 || CLASS[buf[q]!] !== DIGIT) break;
      // One dash or one dot binds groups (GAP_DASH, GAP_DOT); any other gap may be a break.
      if (visible !== 1 || (dots === 0 && buf[q - 1] !== 45)) breakGap = true;
      // A decimal: one dot, at most three integer digits before it, two decimals after.
      let r = q;
      while (r < end && CLASS[buf[r]!] === DIGIT) r++;
      // Each dot once: the walk resumes inside the run and reads its later groups again.
      if (dots === 1 && other === 0 && visible === 1 && groupLen <= 3 && r - q >= 2 && q > this.decimalsBefore) {
        decimals++;
        this.decimalsBefore = q;
      }
      p = q;
    }
    this.lastDecimals = decimals;
    // The scanner opens a window at a run's first group only when nothing glues the run to a
    // token on its left, and at a later group only after a break gap (numeric.ts scan): a
    // glued run bound by single dashes and dots, as in a UUID's "…-0204-4261-951f…" or
    // "ORD-20240115-00123", has none. okBefore is digit-runs.ts joinsLeft() here: the run starts
    // a token, so no letter or digit stands before it, and an '@' stopped the walk already; a
    // '+' or a non-ASCII char counts as not glued. (A probe from a later group would not do: the
    // scanner reads a '+' before a run's first digit and one inside a run differently.)
    if (total < MIN_ID_DIGITS) return resume;
    // An ID number a '_' or '-' joins to a word ("kyc-1101…"): numeric.ts joinedIdCard.
    const joinedId = total === 18 && i > start && (buf[i - 1] === 95 || buf[i - 1] === 45);
    if (!breakGap && !joinedId && !okBefore(buf, start, i)) return resume;
    if (i === start && resume === end) {
      // The whole value is one run of ASCII digits: its one window, judged directly. So is
      // 17 digits and an X check char, which digit-runs.ts reads as one group of 18.
      if (CLASS[buf[end - 1]!] === DIGIT) return lonelyDigitsFind(buf, start, end, this.host.today) ? -1 : end;
      if (end - start === 18) return lonelyRunFinds(`${asciiText(buf, start, end - 1)}X`, this.host.today) ? -1 : end;
    }
    const v = (this.valueText ??= text(buf, start, end));
    const host = this.host;
    host.found = false;
    this.numeric.startLeaf(host);
    const runEnd = this.numeric.scan(v, unit);
    if (host.found) return -1;
    // The scan judged every window of the run: resume after it, as the scanner's walk does.
    // A run that took in anything but ASCII is left to the scanner (offsets would part).
    const resumeAt = i + (runEnd - unit);
    for (let p = i; p < resumeAt; p++) if (buf[p]! >= 0x80) return -1;
    return resumeAt;
  }

  /** A token with letters at buf[i, j) (see scanner.ts token()). */
  private plainToken(buf: Uint8Array, start: number, i: number, j: number, letters: number, noLower: boolean, allBases: boolean): boolean {
    const len = j - i;
    const digits = len - letters;
    if (allBases && len >= MIN_SEQUENCE_LINE) return false;
    // A JWT after its scheme ("Bearer eyJ…"): nested.ts opens its payload.
    if (len >= 3 && isBase64JsonStart(buf, i)) return false;
    // "P/CHN/G94283433/…": an airline's DOCS element (passport.ts ssrDocsAt).
    if (len === 1 && buf[j] === 47 && (buf[i] === 80 || buf[i] === 73 || buf[i] === 67)) return false;
    // "P<CHNSONG<<HUI<<…": a passport's first machine-readable line (passport.ts mrzNameAt).
    if (len === 1 && buf[j] === 60 && buf[i] === 80) return false;
    if (digits === 0) {
      // Words: only a code of identifier length standing alone is read further.
      if (len !== 17 && len !== 18) return true;
    }
    const end = buf.length;
    const c0 = buf[i]!;
    // "E116.4074": a hemisphere letter before a coordinate (or an ICD-10 code).
    if (letters === 1 && digits <= 3 && (c0 === 78 || c0 === 69 || c0 === 83 || c0 === 87) && j + 1 < end && buf[j] === 46 && CLASS[buf[j + 1]!] === DIGIT) return false;
    if (len >= 15 && len <= 34 && isUpper(c0) && isUpper(buf[i + 1]!) && CLASS[buf[i + 2]!] === DIGIT && CLASS[buf[i + 3]!] === DIGIT) return false;
    // A passport's machine-readable line (scanner.ts isMrzDocumentLine): capitals and digits.
    if (len >= 28 && noLower && digits >= 16) return false;
    // "CTCT13108410239": an airline record's contact element glued to its number (phone.ts).
    if (letters === 4 && digits >= 11 && digits <= 15 && c0 === 67 && IATA_CONTACT_CODES.has(asciiText(buf, i, i + 4))) return false;
    if (len > MAX_ID_TOKEN) return true;
    // A value that is an ICD-10 code ("J18.9"): an ICD system beside it makes it a diagnosis.
    if (len === 3 && letters === 1 && i === start && isUpper(c0)) return false;
    if (!okBefore(buf, start, i) || !okAfter(buf, j, end)) return true;
    // A letter and an ID number (scanner.ts token(): a school roll number).
    if (len === 19 && isUpper(c0) && (letters === 1 || (letters === 2 && (buf[j - 1]! | 32) === 120))) return false;
    if (len === 17 || len === 18) {
      // A label before it could vouch for it: only a code the value starts with is judged here.
      if (i !== start) return false;
      // Unsupported by a key, only a code in capitals is one (vin.ts, uscc.ts): the rest is
      // plain without a look at its check char.
      if (!noLower) return true;
      if (len === 17) return !vinBytes(buf, i);
      return usccConfidence(asciiText(buf, i, j), false) <= 0;
    }
    if (letters === 2 && digits >= 1 && (c0 | 32) === 114) return false;
    if (len >= 6 && len <= 12 && digits >= 5 && i !== start) return false;
    // A Chinese passport's or permit's number may stand under FHIR's "value", beside a coded
    // passport type (cross-leaf.ts passportTypeParents).
    if ((len === 9 || len === 11) && letters <= 2 && isChineseTravelDocument(asciiText(buf, i, j))) return false;
    return true;
  }
}

const UUID_LENGTH = 36;
/** Where each group of a canonical UUID starts; a dash stands before each but the first. */
const UUID_GROUP_START: readonly number[] = [0, 9, 14, 19, 24];

/** Whether buf[start, start + 36) is 8-4-4-4-12 hex digits joined by dashes (ALNUM: a letter or
 *  digit, bit 4, that is not a non-hex letter, bit 3). */
function isUuid(buf: Uint8Array, start: number): boolean {
  if (buf[start + 8] !== 45 || buf[start + 13] !== 45 || buf[start + 18] !== 45 || buf[start + 23] !== 45) return false;
  return (nonHex(buf, start, start + 8) | nonHex(buf, start + 9, start + 13) | nonHex(buf, start + 14, start + 18) | nonHex(buf, start + 19, start + 23) | nonHex(buf, start + 24, start + UUID_LENGTH)) === 0;
}

/** 0 when buf[from, to) holds only hex digits. Without a branch per char: the value that gets
 *  this far is nearly always a UUID, read to its end anyway. */
function nonHex(buf: Uint8Array, from: number, to: number): number {
  let bad = 0;
  for (let k = from; k < to; k++) bad |= (ALNUM[buf[k]!]! & 24) ^ 16;
  return bad;
}

function allDigits(buf: Uint8Array, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (CLASS[buf[p]!] !== DIGIT) return false;
  return true;
}

/** Whether buf[from, to) holds only the letters a sequence line is made of (plainToken's
 *  allBases, ALNUM bit 2). */
function basesOnly(buf: Uint8Array, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if ((ALNUM[buf[p]!]! & 4) === 0) return false;
  return true;
}

/** base64.ts SHORT_MIX on the bytes, before a string is made: a digit and both cases. */
function mixesCases(buf: Uint8Array, start: number, end: number): boolean {
  let seen = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    seen |= b >= 48 && b <= 57 ? 1 : b >= 97 && b <= 122 ? 2 : b >= 65 && b <= 90 ? 4 : 0;
  }
  return seen === 7;
}

/**
 * A value shorter than any identifier made of digits, '-' and at most one '.' ("2", "140.28",
 * "-3", "2024-01-15"), what most numbers of a record are: the walk below would find it plain
 * (fewer digits than MIN_ID_DIGITS, one decimal where a coordinate pair needs two, and a digit
 * keeps it from being the genotype call "--"), so it is said at once.
 */
function shortNumber(buf: Uint8Array, start: number, end: number): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 48 && b <= 57) digits++;
    else if (b === 46) {
      if (++dots > 1) return false;
    } else if (b !== 45) return false;
  }
  return digits > 0;
}

/** One group per length, as window() sees a run of one group. */
const ONE_GROUP: ReadonlyArray<readonly number[]> = Array.from({ length: 26 }, (_, n) => Object.freeze([n]));

/**
 * numeric.ts window() for a run that is a whole value of 11–25 ASCII digits: one group, nothing
 * before it (so no label and no '+') and nothing after it. Kept in step with window() by the
 * tests in test/unit/classify/plain.test.ts, which compare it with the NumericScanner itself.
 */
export function lonelyRunFinds(d: string, today: CivilDate): boolean {
  const len = d.length;
  if (len < MIN_ID_DIGITS || len > 25) return false;
  const lens = ONE_GROUP[len]!;
  let idShaped = false;
  if ((len === 18 || len === 15) && isIdCardGrouping(lens)) {
    if (len === 18 && validateIdCard(d, today) !== undefined) return true;
    idShaped = len === 18 && looksLikeIdCard(d, today);
  }
  if (len === 18 && usccConfidence(d, false) > 0) return true;
  if (!idShaped && len >= 16 && len <= 19 && isCardGrouping(lens) && isPaymentCardNumber(d)) return true;
  if ((len === 11 || len === 13 || len === 15) && mobileNationalStart(d, lens, false) >= 0) return true;
  return len === 15 && isImeiGrouping(lens) && isImei(d) && hasImeiReportingBody(d);
}

/**
 * lonelyRunFinds over ASCII digits buf[start, end), without making a string for the lengths
 * only a mobile can have (11, or 13 after "86") or nothing can (12, 14, 20–25): the run of a ms
 * timestamp, what nearly every record carries.
 */
export function lonelyDigitsFind(buf: Uint8Array, start: number, end: number, today: CivilDate): boolean {
  const len = end - start;
  if (len === 11 || len === 13) {
    const p = len === 11 ? start : start + 2;
    if (len === 13 && (buf[start] !== 56 || buf[start + 1] !== 54)) return false;
    if (buf[p] !== 49 || buf[p + 1]! < 51 || buf[p + 1]! > 57) return false;
  } else if (len === 12 || len === 14 || len >= 20) {
    return false;
  }
  return lonelyRunFinds(asciiText(buf, start, end), today);
}

/** See scanner.ts isRsIdKey and the key lookups of scanner.ts and cross-leaf.ts: a key is plain
 *  when none of them reads anything into it. Reference keys ("orderNo") only ever lower a
 *  finding, so they are plain too. */
function isPlainKey(key: string): boolean {
  const field = lookupField(key);
  if (field !== undefined && field.category !== REFERENCE) return false;
  // A point-array key ("coordinates", "path") matters to array items only (plainItems).
  if (keyAxis(key) !== undefined) return false;
  // {"type": "PASSPORT", "number": "E12345678"}: the document type beside it says what the
  // number is (cross-leaf.ts).
  if (isNumberHolderKey(key)) return false;
  if (key.length >= 3 && key.length <= 12 && (key.charCodeAt(0) | 32) === 114 && (key.charCodeAt(1) | 32) === 115) return false;
  // VCF's GT ({"id": "rs…", "gt": "0/1"}): a call in allele indexes, beside its marker (cross-leaf.ts).
  if (isVcfCallKey(key)) return false;
  const norm = normalizeFieldName(key);
  if (isNameishKey(norm)) return false;
  // {"address": {"line1": …}}: the holder's key, which this verdict does not see, decides.
  if (isPartKey(norm)) return false;
  return !looksLikeValueKey(key);
}

/** "eyJ" or "W3s": base64 of '{"' or '[{'. */
function isBase64JsonStart(buf: Uint8Array, i: number): boolean {
  const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!;
  return (a === 101 && b === 121 && c === 74) || (a === 87 && b === 51 && c === 115);
}

function isUpper(b: number): boolean {
  return b >= 65 && b <= 90;
}

/** tokens.ts joins() on the left: '@', '.' after a digit, '-' or '_' after a letter or digit. */
function okBefore(buf: Uint8Array, start: number, i: number): boolean {
  if (i === start) return true;
  const c = buf[i - 1]!;
  const beyond = i - 2 >= start ? buf[i - 2]! : 0;
  if (c === 64) return !(CLASS[beyond] === LETTER || CLASS[beyond] === DIGIT || beyond === 46 || beyond === 45 || beyond === 95);
  if (c === 46) return CLASS[beyond] !== DIGIT;
  return !((c === 45 || c === 95) && (CLASS[beyond] === LETTER || CLASS[beyond] === DIGIT));
}

function okAfter(buf: Uint8Array, j: number, end: number): boolean {
  if (j >= end) return true;
  const c = buf[j]!;
  if (c === 64) return false;
  const beyond = j + 1 < end ? buf[j + 1]! : 0;
  if (c === 46) return CLASS[beyond] !== DIGIT;
  return !((c === 45 || c === 95) && (CLASS[beyond] === LETTER || CLASS[beyond] === DIGIT));
}

/** Whether the non-ASCII char at buf[j] continues an ASCII token (full-width letters and
 *  digits, invisible chars): the scanner's token would then differ from ours. */
function joinsToken(buf: Uint8Array, j: number): boolean {
  const cp = decodeAt(buf, j);
  return isAlnumCode(cp) || isInvisibleCode(cp);
}

/** The code point at buf[i] (valid UTF-8: the parser checked the whole body first). */
function decodeAt(buf: Uint8Array, i: number): number {
  const b = buf[i]!;
  if (b < 0x80) return b;
  if (b < 0xe0) return ((b & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
  return ((b & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f);
}

/** Buffer's own decoders without toString's argument handling (see body/json.ts). */
type Slice = (this: Uint8Array, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { utf8Slice?: Slice; latin1Slice?: Slice };
function text(buf: Uint8Array, start: number, end: number): string {
  return proto.utf8Slice !== undefined ? proto.utf8Slice.call(buf, start, end) : Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}
/** For bytes known to be ASCII: a plain copy, no UTF-8 decoding. */
function asciiText(buf: Uint8Array, start: number, end: number): string {
  return proto.latin1Slice !== undefined ? proto.latin1Slice.call(buf, start, end) : text(buf, start, end);
}

/**
 * Where buf[from, end) ends once trailing spaces are cut, as String.prototype.trim cuts them, or
 * -1 when a char trim() also removes beyond ASCII space (U+00A0, U+3000, …) may start or end it:
 * the caller then decodes the value and lets trim() decide. Control chars never reach the
 * filter here (plainValue stops at them).
 */
function trimmedEnd(buf: Uint8Array, from: number, end: number): number {
  let e = end;
  while (e > from && buf[e - 1] === 32) e--;
  if (from < e && buf[from]! >= 0x80 && isWideTrimSpace(decodeAt(buf, from))) return -1;
  if (e > from && buf[e - 1]! >= 0x80) {
    let lead = e - 1;
    while (lead > from && (buf[lead]! & 0xc0) === 0x80) lead--;
    if (isWideTrimSpace(decodeAt(buf, lead))) return -1;
  }
  return e;
}

/** The white space String.prototype.trim removes beyond ASCII (ECMA-262 WhiteSpace and
 *  LineTerminator). */
function isWideTrimSpace(cp: number): boolean {
  return cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xfeff;
}

/** Whether buf[from, to) holds only chars a genotype call is made of ("ACGTDI-/|;"). */
function genotypeChars(buf: Uint8Array, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (buf[p]! >= 0x80 || GENOTYPE_CHARS[buf[p]!] === 0) return false;
  return true;
}
const GENOTYPE_CHARS = new Uint8Array(128);
for (const c of 'ACGTDIacgtdi-/|;') GENOTYPE_CHARS[c.charCodeAt(0)] = 1;

/** readBase64's length rule for unpadded text (padding stops the walk before this): it never
 *  leaves one char over a multiple of four. */
function base64Length(buf: Uint8Array, start: number, end: number): boolean {
  return (end - start) % 4 !== 1;
}


/** "data:" in any case. */
function isDataUrlStart(buf: Uint8Array, start: number): boolean {
  return (buf[start]! | 32) === 0x64 && (buf[start + 1]! | 32) === 0x61 && (buf[start + 2]! | 32) === 0x74 && (buf[start + 3]! | 32) === 0x61 && buf[start + 4] === 0x3a;
}
