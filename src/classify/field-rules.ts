/**
 * What a field name establishes about its whole value. A name, address, medical, religion or
 * biometric field holds that category whatever the text; an identifier field (phone, ID,
 * card, IMEI, USCC, VIN) lets its value be read as one identifier however it is split or
 * padded ("1391 - 2 - 345 - 67 - 8", "9135 0100 M000 100Y 43"), because the field says what it
 * is. Each returns the category it reported for the whole value, so parts add nothing.
 */
import { foldAlnum, foldEvasions, isCjkCode, isDigitCode, isInvisibleCode, isTypeSpaceCode, isWideDashCode, isXCode } from './chars.js';
import { addressConfidenceFactor } from './detectors/address.js';
import type { Span } from './detectors/email.js';
import { isAccountNumber, isPaymentCardNumber, isValidIban } from './detectors/bank-card.js';
import { looksLikeTemplate } from './detectors/biometric.js';
import { isGenotypeCall } from './detectors/genetic.js';
import { isMedicalValue } from './detectors/health.js';
import { isMinorOn, looksLikeIdCard, validateIdCard } from './detectors/id-card.js';
import { isDeviceIdValue, isImeiFieldValue } from './detectors/imei.js';
import { isDottedCjkName, isHanNamePart, isLatinPersonName, isPlainHanName, nameConfidenceFactor } from './detectors/name.js';
import { isChineseTravelDocument, passportConfidenceFactor } from './detectors/passport.js';
import { supportedMobileStart } from './detectors/phone.js';
import { usccConfidence } from './detectors/uscc.js';
import { vinConfidence } from './detectors/vin.js';
import { BARE_NAME_WEIGHT, namesPartOfName, ROLE_WEIGHT } from './fields.js';
import { RULES } from './rules.js';
import {
  ADDRESS, BANK_CARD, BIOMETRIC, DEVICE, GENETIC, HEALTH, ID_CARD, MINOR, NAME, PASSPORT, PHONE, RELIGION,
  USCC, VIN, type ScanHost,
} from './scan-host.js';
import type { CategoryId } from './taxonomy.js';

const MIN_DIGITS = 11;
const MAX_DIGITS = 25;

/** Findings the field name makes on its own; returns the category if it took the whole value. */
export function fieldFindings(host: ScanHost, v: string, category: CategoryId, weight: number): CategoryId | undefined {
  let f = 0;
  let rule: string = RULES.fieldName;
  const trimmed = v.trim();
  switch (category) {
    case NAME: {
      const name = withNameDots(joinCjkRuns(foldEvasions(trimmed)));
      f = weight * nameFactorFor(weight, name);
      // A role's value in Latin letters must read as a person's ("submitter": "Data Platform" is
      // a team); a name's part is one word ("firstName": "Yuhua").
      if (f > 0 && weight === ROLE_WEIGHT && !isCjkCode(name.charCodeAt(0)) && !isLatinPersonName(name) && !namesPartOfName(host.leaf.key)) f = 0;
      // A Han name's part may be one character, or two that are no full name ("军英").
      else if (f === 0 && isHanNamePart(name) && namesPartOfName(host.leaf.key)) f = weight;
      break;
    }
    case ADDRESS:
      f = weight * addressConfidenceFactor(v);
      break;
    case PASSPORT:
      f = 0.95 * passportConfidenceFactor(documentNumber(trimmed));
      rule = RULES.passportField;
      break;
    case ID_CARD:
      // "证件号码" / "docNo" holding a passport-format number: the document is a passport.
      if (isChineseTravelDocument(documentNumber(trimmed))) host.emit(PASSPORT, RULES.passportField, 0, v.length, 0.9);
      return undefined;
    case BANK_CARD:
      f = isValidIban(v) ? 0.9 : 0;
      rule = RULES.bankCardField;
      break;
    case HEALTH:
    case RELIGION:
      f = isMedicalValue(v) ? weight : 0;
      rule = category === HEALTH ? RULES.healthField : RULES.religionField;
      break;
    case BIOMETRIC:
      f = trimmed.length > 0 && (weight >= 0.8 || looksLikeTemplate(v, host.leaf.isNumber === true)) ? weight : 0;
      rule = RULES.biometricField;
      break;
    case GENETIC:
      f = isGenotypeCall(v) ? 0.85 : 0;
      rule = RULES.geneticField;
      break;
    case DEVICE:
      f = isDeviceIdValue(trimmed) ? weight : 0;
      rule = RULES.deviceIdField;
      break;
    default:
      return undefined;
  }
  if (f <= 0) return undefined;
  // Padding is layout ("| 陈春磊 |" in an aligned table), not the value: it stays.
  const end = v.trimEnd().length;
  host.emit(category, rule, end === 0 ? 0 : v.length - v.trimStart().length, end === 0 ? v.length : end, f);
  return category;
}

/** A Han name written with spaces between its characters ("张 伟", "欧阳 娜娜"), joined; other
 *  text is returned as it is. */
export function joinCjkRuns(value: string): string {
  if (value.indexOf(' ') < 0 && value.indexOf('\u3000') < 0) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c === 32 || c === 0x3000) && i > 0 && isCjkCode(value.charCodeAt(i - 1))) {
      // Two-character names are padded to the width of three ("姚  豪", "王\u3000\u3000芳").
      let j = i + 1;
      while (j < value.length && j - i < MAX_NAME_PADDING && (value.charCodeAt(j) === 32 || value.charCodeAt(j) === 0x3000)) j++;
      if (j < value.length && isCjkCode(value.charCodeAt(j))) {
        i = j - 1;
        continue;
      }
    }
    out += value[i];
  }
  return out;
}
const MAX_NAME_PADDING = 3;
const DOT_BETWEEN_HAN = /(?<=\p{Script=Han})\.(?=\p{Script=Han})/gu;
/** Characters Uyghur, Kazakh, Tibetan and foreign names are transliterated with. */
const TRANSLITERATION = new Set([...'阿艾买麦提吐尔克古丽江汗热木拉巴娜依孜曼努斯坦沙迪力尼亚夏合加卡哈扎西多吉措卓玛旦增次仁格桑达瓦姆索朗普布顿珠央金德罗米伊穆罕默赛洪'].map((c) => c.charCodeAt(0)));

/** A field's whole value may join a transliterated name's parts with a plain dot, as keyboards
 *  without '·' write it ("吐尔洪.司马义"); "文件.备份" is no name. */
function withNameDots(value: string): string {
  if (!value.includes('.')) return value;
  let transliterated = 0;
  for (let i = 0; i < value.length; i++) if (TRANSLITERATION.has(value.charCodeAt(i))) transliterated++;
  return transliterated >= 2 ? value.replace(DOT_BETWEEN_HAN, '·') : value;
}

/** How much a value reads as a name under a field or label of this weight: a role word's value
 *  as roleNameFactor says; a bare "name", which holds a span's, a service's or a product's as
 *  often as a person's, in Latin letters only as a person's (isLatinPersonName). */
export function nameFactorFor(weight: number, name: string): number {
  if (weight > ROLE_WEIGHT) return nameConfidenceFactor(name);
  if (weight === BARE_NAME_WEIGHT && !isCjkCode(name.charCodeAt(0)) && !isLatinPersonName(name)) return 0;
  return roleNameFactor(name);
}

/** A role field ("患者", "applicant") holds a name, or a speaker's words ("患者：我头疼"). A Han
 *  value is a name when it starts with a common surname, or when it is written as Uyghur,
 *  Tibetan and transliterated names are, runs joined by '·' ("买买提·艾力"): speech has no '·'. */
export function roleNameFactor(value: string): number {
  const f = nameConfidenceFactor(value);
  if (f === 0 || !isCjkCode(value.charCodeAt(0))) return f;
  return isPlainHanName(value) || isDottedCjkName(value.trim()) ? f : 0;
}

/** A passport or permit number as its field holds it: full-width forms, invisible characters
 *  and separators ("E1234 5678", "E-1234-5678") undone as for the other identifiers. */
function documentNumber(value: string): string {
  return foldIdentifier(value, true)?.text ?? '';
}

/** Whether a letter or digit follows at i, or a digit after separators: the number goes on
 *  ("E1234 5678 90123"), where words after it ("E123 4567 8 is valid") do not continue it. */
function continuesWithDigit(v: string, i: number, cap: number): boolean {
  if (i < cap && foldAlnum(v.charCodeAt(i)) >= 0) return true;
  let p = i;
  while (p < cap && isFiller(v.charCodeAt(p))) p++;
  const f = p < cap ? foldAlnum(v.charCodeAt(p)) : -1;
  return f >= 48 && f <= 57;
}

/** Separators and padding an identifier may hold after a label in text (spaces, dashes, dots,
 *  slashes, underscores, brackets, invisible chars): a comma or a line ends it there. */
function isFiller(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 95 || c === 9 || c === 0xa0 ||
    c === 0x3000 || c === 124 || isTypeSpaceCode(c) || isWideDashCode(c) || isInvisibleCode(c) || TEXT_FILLERS.has(c);
}
/** Middle dots, bullets, full-width bars and slashes: "1381·234·5678", "1381｜234｜5678". */
const TEXT_FILLERS = new Set([0xb7, 0x30fb, 0x2022, 0xff5c, 0xff0f]);

/** What a field holding one identifier may hold inside it besides: isFiller's, and bars,
 *  commas, stars, tildes, middle dots and line breaks ("135|0109|2623"). The folded whole must
 *  still be a valid identifier. */
function isFieldFiller(c: number): boolean {
  if (isFiller(c)) return true;
  return c < 128 ? FIELD_FILLER[c] === 1 : c === 0xff0c || c === 0x3001 || c === 0xb7 || c === 0x30fb || c === 0xff5c;
}
const FIELD_FILLER = new Uint8Array(128);
for (const ch of '|,*~\r\n') FIELD_FILLER[ch.charCodeAt(0)] = 1;

/** Unbroken ASCII digits: the numeric scan reads those as one group anyway. */
function isPlainDigits(v: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The folded identifier in `v` and where it starts and ends, or undefined when the value holds
 *  anything but the identifier's chars and fillers. Digits only unless `letters`. */
function foldIdentifier(v: string, letters: boolean, from = 0, to = v.length): { text: string; start: number; end: number; plus: boolean } | undefined {
  let text = '';
  let first = -1;
  let last = -1;
  let plus = false;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    const f = foldAlnum(c);
    if (f >= 0 && (letters || isDigitCode(c) || (isXCode(c) && text.length === 17))) {
      text += String.fromCharCode(f);
      if (first < 0) first = i;
      last = i;
    } else if (c === 43 && first < 0) {
      first = i;
      plus = true;
    } else if (!isFieldFiller(c) || (c === 42 && v.charCodeAt(i + 1) === 42)) {
      // Stars in a row mask digits ("193****5202_2996", a privacy number and its extension).
      return undefined;
    }
  }
  return first < 0 ? undefined : { text, start: first, end: last + 1, plus };
}

/** The categories fieldIdentifier reads. */
export function isSplittableIdentifier(category: CategoryId): boolean {
  return category === PHONE || category === ID_CARD || category === BANK_CARD || category === DEVICE || category === USCC || category === VIN;
}

/** Where the identifier a text label names ends when its value starts at `from`: at the first
 *  char that is neither one of its chars (digits, or letters for USCC and VIN; full-width and
 *  invisible forms too) nor a separator, so "身份证号：1101 0519 4912 3100 2X，请核对" gives the
 *  number and stops at the comma. */
export function identifierRunEnd(v: string, from: number, category: CategoryId): number {
  // A code of letters and digits has a fixed length: stop there, or words after it would join.
  const length = category === USCC ? 18 : category === VIN ? 17 : 0;
  // Fewest chars the identifier has: a line break before them is a wrap inside it.
  const fewest = length || (category === ID_CARD ? 15 : category === BANK_CARD ? 16 : 11);
  const limit = Math.min(v.length, from + MAX_LABELLED_IDENTIFIER);
  let chars = 0;
  let breaks = 0;
  let i = from;
  for (; i < limit; i++) {
    const c = v.charCodeAt(i);
    const f = foldAlnum(c);
    if (f < 0) {
      if (length > 0 && chars === length) break;
      if (c === 43 || isFiller(c)) continue;
      // "913100000\nMA1FL8XQ11", "138\r\n1234 5678": one line break inside, the rest after it.
      if (c === 13 && v.charCodeAt(i + 1) === 10) continue;
      if (c === 10 && chars > 0 && chars < fewest && breaks++ === 0) continue;
      break;
    }
    if (length === 0 && !isDigitCode(c) && !isXCode(c)) break;
    // Glued to more letters or digits: a longer token, not this code.
    if (length > 0 && chars === length) return from;
    chars++;
  }
  return i;
}
/** Longest labelled value read: a 19-digit card with a separator after every digit and some. */
const MAX_LABELLED_IDENTIFIER = 48;

/** "护照号：E123 4567 8": a Chinese passport or permit number that a text label names, split or
 *  written to evade, ending where its 9 or 11 chars end; undefined when there is none. Foreign
 *  numbers are only read unbroken (documentSpanAfter): they have no fixed shape to end on. */
export function labelledTravelDocument(v: string, from: number, limit: number): Span | undefined {
  const cap = Math.min(limit, from + MAX_LABELLED_IDENTIFIER);
  let found: Span | undefined;
  let chars = 0;
  for (let i = from; i < cap && chars < 11; ) {
    const c = v.charCodeAt(i);
    if (foldAlnum(c) < 0) {
      if (!isFiller(c)) break;
      i++;
      continue;
    }
    chars++;
    i++;
    if ((chars === 9 || chars === 11) && !continuesWithDigit(v, i, cap)) {
      const id = foldIdentifier(v, true, from, i);
      if (id !== undefined && isChineseTravelDocument(id.text)) found = { start: id.start, end: id.end };
    }
  }
  return found;
}

/**
 * A phone/ID/card/IMEI/USCC/VIN field whose value is that identifier split or padded in any
 * way, or the part of a value a text label names (`labelled`). Returns the category when found
 * (the whole value, or the labelled span, is then reported).
 */
export function fieldIdentifier(host: ScanHost, v: string, category: CategoryId, labelled?: Span): CategoryId | undefined {
  const alnum = category === USCC || category === VIN;
  if (!isSplittableIdentifier(category)) return undefined;
  const from = labelled?.start ?? 0;
  const to = labelled?.end ?? v.length;
  if (isPlainDigits(v, from, to)) return undefined;
  const id = foldIdentifier(v, alnum, from, to);
  if (id === undefined) return undefined;
  const d = id.text;
  const { start, end } = id;
  if (alnum) {
    const conf = category === USCC ? usccConfidence(d, true) : vinConfidence(d, 1, 1, true);
    if (conf <= 0) return undefined;
    host.emit(category, category === USCC ? RULES.usccField : RULES.vinField, start, end, conf);
    return category;
  }
  if (d.length < MIN_DIGITS || d.length > MAX_DIGITS) return undefined;
  if (category === PHONE) {
    if (supportedMobileStart(d, id.plus) < 0) return undefined;
    host.emit(PHONE, labelled ? RULES.phoneContext : RULES.phoneField, start, end, labelled ? 0.9 : 0.95);
  } else if (category === ID_CARD) {
    const info = validateIdCard(d, host.today);
    if (info === undefined) return undefined;
    const conf = d.length === 15 ? 0.8 : 0.99;
    host.emit(ID_CARD, d.length === 18 ? RULES.idCardChecksum : RULES.idCardLegacy15, start, end, conf);
    if (isMinorOn(info.birth, host.today)) host.emit(MINOR, RULES.minorBirthdate, start, end, conf);
  } else if (category === BANK_CARD) {
    if (isPaymentCardNumber(d)) host.emit(BANK_CARD, RULES.bankCardLuhn, start, end, 0.98);
    else if (isAccountNumber(d) && !looksLikeIdCard(d, host.today)) host.emit(BANK_CARD, labelled ? RULES.bankCardContext : RULES.bankCardField, start, end, 0.75);
    else return undefined;
  } else {
    if (!isImeiFieldValue(d)) return undefined;
    host.emit(DEVICE, RULES.imeiField, start, end, 0.95);
  }
  return category;
}
