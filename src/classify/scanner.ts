/**
 * The per-leaf hot path. Each value is walked once by char code; only candidates stop the
 * walk — a digit run (ids, phones, cards, IMEIs, coordinates), a letter/digit token (USCC, VIN,
 * passports, rsIDs, ICD-10 codes, DNA), an '@' (e-mail), a colon or '=' (a label), a province
 * character (plates) — and only those reach the validators. Then one pass of the keyword
 * automaton over the value handles every dictionary category. The field name is looked up once
 * per leaf and can support a candidate ("phone": any grouping of a mobile) or lower it
 * ("trackingNo": a Luhn-valid number is not a card).
 */
import type { Leaf } from '../body/leaf.js';
import { isAlnumCode, isCjkCode, isDigitCode, isSpaceCode, isXCode } from './chars.js';
import {
  addressSpanAfter, documentSpanAfter, labelAtColon, labelBefore, nameSpanAfter, valueStartAfter,
} from './context.js';
import type { CustomRules } from './custom.js';
import { addressConfidenceFactor } from './detectors/address.js';
import { isAccountNumber, isCardGrouping, isPaymentCardNumber, isValidIban } from './detectors/bank-card.js';
import { looksLikeTemplate } from './detectors/biometric.js';
import { matchEmailAt } from './detectors/email.js';
import { fastaEnd, isGenotypeCall, isRsId, MIN_SEQUENCE, MIN_SEQUENCE_LINE } from './detectors/genetic.js';
import { clauseSpan, doseBefore, isIcd10, isMedicalValue } from './detectors/health.js';
import {
  isIdCardGrouping, isMinorOn, looksLikeIdCard, validateIdCard, type CivilDate,
} from './detectors/id-card.js';
import { hasImeiReportingBody, isImei, isImeiFieldValue, isImeiGrouping } from './detectors/imei.js';
import { isChinaPair } from './detectors/location.js';
import {
  hanNameAt, hanNameBefore, isPlainHanName, latinNameAt, nameConfidenceFactor, WEAK_NAME_KEYS,
} from './detectors/name.js';
import { isChineseTravelDocument, passportConfidenceFactor } from './detectors/passport.js';
import { mobileNationalStart, supportedMobileStart } from './detectors/phone.js';
import { isProvinceCode, matchPlateAt } from './detectors/plate.js';
import { usccConfidence } from './detectors/uscc.js';
import { vinConfidence } from './detectors/vin.js';
import { DigitRun, GAP_DOT, isBreakGap, readDigitRun } from './digit-runs.js';
import { lookupField, normalizeFieldName } from './fields.js';
import type { Finding } from './finding.js';
import type { KeywordInfo } from './keyword-table.js';
import type { KeywordAutomaton, KeywordMatch } from './keywords.js';
import { LOWERABLE_RULES, RULES } from './rules.js';
import type { CategoryId, Grade } from './taxonomy.js';
import { AlnumToken, readAlnumToken } from './tokens.js';

const NAME = 'pi.name';
const ADDRESS = 'pi.address';
const PASSPORT = 'pi.passport';
const ID_CARD = 'pi.id_card';
const PHONE = 'pi.phone';
const BANK_CARD = 'pi.bank_card';
const EMAIL = 'pi.email';
const HEALTH = 'pi.health';
const RELIGION = 'pi.religion';
const BIOMETRIC = 'pi.biometric';
const GENETIC = 'important.genetic';
const DEVICE = 'pi.device_id';
const USCC = 'org.uscc';
const VIN = 'vehicle.vin';
const PLATE = 'pi.plate';
const LOCATION = 'pi.location';
/** Field-dictionary category of reference numbers (fields.ts): lowers pattern-only findings. */
const REF = 'ref';

/** Longest grouping we accept: "6217 0000 0000 0000 004" and "+86 138 1234 5678". */
const MAX_WINDOW_GROUPS = 5;
const MIN_CANDIDATE_DIGITS = 11;
const MAX_CANDIDATE_DIGITS = 25;
/** How far a medical word may stand from an ICD-10 code and still vouch for it. */
const ICD_CONTEXT = 60;
/** Gap between a latitude and a longitude written side by side ("31.23, 121.47", "纬度…经度"). */
const MAX_PAIR_GAP = 24;

type Support = 'field' | 'context' | undefined;

interface DecimalCandidate {
  readonly start: number;
  readonly end: number;
  readonly value: number;
  readonly decimals: number;
}

/** An rsID waiting for genetic context from elsewhere in the request. */
export interface PendingRsid {
  readonly leafIndex: number;
  readonly start: number;
  readonly end: number;
}

export class LeafScanner {
  private readonly run = new DigitRun();
  private readonly tok = new AlnumToken();
  private readonly matches: KeywordMatch<KeywordInfo>[] = [];
  private out: Finding[] = [];
  private leaf!: Leaf;
  private leafIndex = 0;
  private today!: CivilDate;
  private keyCategory: CategoryId | undefined;
  /** Category the field name already reported for the whole value; parts of it add nothing. */
  private fieldCategory: CategoryId | undefined;
  private decimals: DecimalCandidate[] = [];
  private icds: Array<{ start: number; end: number }> = [];
  private rsids: Array<{ start: number; end: number }> = [];
  /** Set when this leaf mentions genetics (a word, a genotype field, a sequence). */
  geneticContext = false;
  /** rsIDs the request-level pass confirms or drops. */
  readonly pendingRsids: PendingRsid[] = [];

  constructor(
    private readonly grades: ReadonlyMap<string, Grade>,
    private readonly keywords: KeywordAutomaton<KeywordInfo>,
    private readonly custom: CustomRules,
  ) {}

  scan(leaf: Leaf, leafIndex: number, today: CivilDate, out: Finding[], ancestorHealth: boolean): void {
    const v = leaf.value;
    if (v.length === 0) return;
    this.leaf = leaf;
    this.leafIndex = leafIndex;
    this.today = today;
    this.out = out;
    this.decimals = [];
    this.icds = [];
    this.rsids = [];
    this.geneticContext = false;
    const key = leaf.key === undefined ? undefined : lookupField(leaf.key);
    this.keyCategory = key?.category;
    this.fieldCategory = undefined;
    if (key !== undefined) {
      this.fieldOnly(v, key.category, key.weight);
      this.fieldDigits(v, key.category);
    } else if (leaf.key !== undefined && v.length <= 6 && WEAK_NAME_KEYS.has(normalizeFieldName(leaf.key)) && isPlainHanName(v)) {
      // "userName": "张伟" — a login field holding a plain Han name.
      this.emit(NAME, RULES.fieldName, 0, v.length, 0.6);
    }
    if (this.custom.hasLeafRules) {
      for (const r of this.custom.leafRules(leaf.key, leaf.location)) {
        if (v.trim().length > 0) this.emit(r.category, r.rule, 0, v.length, r.confidence);
      }
    }

    const n = v.length;
    let i = 0;
    while (i < n) {
      const c = v.charCodeAt(i);
      if (c < 128) {
        const l = c | 32;
        if ((c >= 48 && c <= 57) || (l >= 97 && l <= 122)) {
          i = this.token(v, i);
          continue;
        }
        if (c === 64) {
          i = this.email(v, i);
          continue;
        }
        if (c === 58 || c === 61) this.label(v, i);
        else if (c === 62 && (i === 0 || v.charCodeAt(i - 1) === 10)) {
          const end = this.fasta(v, i);
          if (end > i) {
            i = end;
            continue;
          }
        }
        i++;
      } else if (isAlnumCode(c)) {
        i = this.token(v, i);
      } else {
        if (c === 0xff1a) this.label(v, i);
        else if (isProvinceCode(c)) {
          const end = this.plate(v, i);
          if (end > i) {
            i = end;
            continue;
          }
        }
        i++;
      }
    }

    this.keywordPass(v, ancestorHealth);
    if (this.decimals.length >= 2) this.coordinatePairs(v);
    if (this.rsids.length > 0) {
      for (const r of this.rsids) {
        if (this.geneticContext || this.keyCategory === GENETIC) this.emit(GENETIC, RULES.geneticRsid, r.start, r.end, 0.9);
        else this.pendingRsids.push({ leafIndex, start: r.start, end: r.end });
      }
    }
    if (this.custom.hasPatterns) {
      this.custom.matchPatterns(v, (r, start, end) => this.emit(r.category, r.rule, start, end, r.confidence));
    }
  }

  emit(category: CategoryId, rule: string, start: number, end: number, confidence: number): void {
    // The whole value is already reported as this category; a part of it adds nothing.
    if (category === this.fieldCategory) return;
    if (this.keyCategory === REF && LOWERABLE_RULES.has(rule)) return;
    if (category === GENETIC) this.geneticContext = true;
    this.out.push({
      category,
      grade: this.grades.get(category) ?? 'sensitive_pi',
      rule,
      location: this.leaf.location,
      leafIndex: this.leafIndex,
      start,
      end,
      confidence,
    });
  }

  /** Emits for another leaf (request-level passes). */
  emitFor(leaf: Leaf, leafIndex: number, out: Finding[], category: CategoryId, rule: string, start: number, end: number, confidence: number): void {
    out.push({ category, grade: this.grades.get(category) ?? 'sensitive_pi', rule, location: leaf.location, leafIndex, start, end, confidence });
  }

  /** Findings the field name makes on its own: the value as a whole is what the name says. */
  private fieldOnly(v: string, category: CategoryId, weight: number): void {
    let f = 0;
    let rule: string = RULES.fieldName;
    const trimmed = v.trim();
    if (category === NAME) f = weight * nameConfidenceFactor(v);
    else if (category === ADDRESS) f = weight * addressConfidenceFactor(v);
    else if (category === PASSPORT) {
      f = 0.95 * passportConfidenceFactor(trimmed);
      rule = RULES.passportField;
    } else if (category === ID_CARD && isChineseTravelDocument(trimmed)) {
      // "证件号码" / "docNo" holding a passport-format number: the document is a passport.
      this.emit(PASSPORT, RULES.passportField, 0, v.length, 0.9);
      return;
    } else if (category === BANK_CARD && isValidIban(v)) {
      f = 0.9;
      rule = RULES.bankCardField;
    } else if (category === HEALTH) {
      f = isMedicalValue(v) ? weight : 0;
      rule = RULES.healthField;
    } else if (category === RELIGION) {
      f = isMedicalValue(v) ? weight : 0;
      rule = RULES.religionField;
    } else if (category === BIOMETRIC) {
      f = trimmed.length > 0 && (weight >= 0.8 || looksLikeTemplate(v, this.leaf.isNumber === true)) ? weight : 0;
      rule = RULES.biometricField;
    } else if (category === GENETIC && isGenotypeCall(v)) {
      f = 0.85;
      rule = RULES.geneticField;
    } else if (category === DEVICE) {
      f = isDeviceIdValue(trimmed) ? weight : 0;
      rule = RULES.deviceIdField;
    }
    if (category === GENETIC) this.geneticContext = true;
    if (f <= 0) return;
    this.emit(category, rule, 0, v.length, f);
    this.fieldCategory = category;
  }

  /**
   * A value under a phone/ID/card/IMEI field that is only digits and separators is read as one
   * number, however it is split ("1456 - 3 - 537 - 14 - 1", "159372  22  953"): the field says
   * what it is, so the grouping does not have to.
   */
  private fieldDigits(v: string, category: CategoryId): void {
    if (category !== PHONE && category !== ID_CARD && category !== BANK_CARD && category !== DEVICE) return;
    let d = '';
    let first = -1;
    let last = -1;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (isDigitCode(c)) {
        d += String.fromCharCode(c <= 57 ? c : c - 0xff10 + 48);
        if (first < 0) first = i;
        last = i;
      } else if (isXCode(c) && d.length === 17) {
        d += 'X';
        last = i;
      } else if (c === 43 && first < 0) {
        first = i;
      } else if (!isNumberFiller(c)) {
        return;
      }
    }
    if (d.length < MIN_CANDIDATE_DIGITS || d.length > MAX_CANDIDATE_DIGITS) return;
    const start = first;
    const end = last + 1;
    if (category === PHONE) {
      if (supportedMobileStart(d, v.charCodeAt(first) === 43) < 0) return;
      this.emit(PHONE, RULES.phoneField, start, end, 0.95);
    } else if (category === ID_CARD) {
      const info = validateIdCard(d, this.today);
      if (info === undefined) return;
      const conf = d.length === 15 ? 0.8 : 0.99;
      this.emit(ID_CARD, d.length === 18 ? RULES.idCardChecksum : RULES.idCardLegacy15, start, end, conf);
      if (isMinorOn(info.birth, this.today)) this.emit('pi.minor', RULES.minorBirthdate, start, end, conf);
    } else if (category === BANK_CARD) {
      if (isPaymentCardNumber(d)) this.emit(BANK_CARD, RULES.bankCardLuhn, start, end, 0.98);
      else if (isAccountNumber(d) && !looksLikeIdCard(d, this.today)) this.emit(BANK_CARD, RULES.bankCardField, start, end, 0.75);
      else return;
    } else {
      if (!isImeiFieldValue(d)) return;
      this.emit(DEVICE, RULES.imeiField, start, end, 0.95);
    }
    this.fieldCategory = category;
  }

  /** A letter/digit token at i; all-digit tokens go to the numeric scan. Returns its end. */
  private token(v: string, i: number): number {
    const tok = this.tok;
    readAlnumToken(v, i, tok);
    const len = tok.length;
    if (tok.letters === 0 || (tok.letters === 1 && tok.digits === 17 && isXCode(v.charCodeAt(tok.end - 1)))) {
      return this.numeric(v, i);
    }
    if (tok.bases === len && len >= MIN_SEQUENCE_LINE) return this.sequence(v, tok.start, tok.end, len);
    if (len > 24) return tok.end;
    const f = tok.folded();
    if (len === 3 && tok.leftOk && isIcd10(f)) return this.icd(v, tok.start, tok.end);
    if (!tok.leftOk || !tok.rightOk) return tok.end;
    if (len === 18) {
      const s = this.support(USCC, v, tok.start);
      const conf = tok.upper === tok.letters || s !== undefined ? usccConfidence(f, s !== undefined) : 0;
      if (conf > 0) this.emit(USCC, s !== undefined ? RULES.usccField : RULES.usccChecksum, tok.start, tok.end, conf);
    } else if (len === 17) {
      const s = this.support(VIN, v, tok.start);
      const conf = vinConfidence(f, tok.letters, tok.upper, s !== undefined);
      if (conf > 0) this.emit(VIN, s !== undefined ? RULES.vinField : RULES.vinChecksum, tok.start, tok.end, conf);
    } else if (len >= 3 && len <= 12 && isRsId(f)) {
      this.rsids.push({ start: tok.start, end: tok.end });
    } else if (len >= 9 && len <= 11 && isChineseTravelDocument(f)) {
      const label = labelBefore(v, tok.start)?.category;
      if (label === PASSPORT || label === ID_CARD) this.emit(PASSPORT, RULES.passportContext, tok.start, tok.end, 0.9);
    }
    return tok.end;
  }

  private support(category: CategoryId, v: string, start: number): Support {
    if (this.keyCategory === category) return 'field';
    return labelBefore(v, start)?.category === category ? 'context' : undefined;
  }

  /** A run of bases, joined with the lines that follow it when the sequence is wrapped. */
  private sequence(v: string, start: number, end: number, bases: number): number {
    let total = bases;
    let last = end;
    let p = end;
    const tok = this.tok;
    for (;;) {
      while (p < v.length && (isSpaceCode(v.charCodeAt(p)) || v.charCodeAt(p) === 10 || v.charCodeAt(p) === 13)) p++;
      if (p >= v.length || !isAlnumCode(v.charCodeAt(p))) break;
      readAlnumToken(v, p, tok);
      if (tok.bases !== tok.length || tok.letters !== tok.length) break;
      total += tok.length;
      last = tok.end;
      p = tok.end;
      if (tok.length < MIN_SEQUENCE_LINE) break;
    }
    if (total >= MIN_SEQUENCE) {
      this.emit(GENETIC, RULES.geneticSequence, start, last, 0.9);
      return last;
    }
    return end;
  }

  private fasta(v: string, i: number): number {
    const end = fastaEnd(v, i);
    if (end < 0) return -1;
    this.emit(GENETIC, RULES.geneticFasta, i, end, 0.95);
    return end;
  }

  /** An ICD-10 code "M10" or "M10.9", kept until the keyword pass says whether it is medical. */
  private icd(v: string, start: number, end: number): number {
    let e = end;
    if (v.charCodeAt(e) === 46 && e + 1 < v.length && isAlnumCode(v.charCodeAt(e + 1))) {
      let p = e + 1;
      while (p < v.length && p - e <= 5 && isAlnumCode(v.charCodeAt(p))) p++;
      if (p - e - 1 <= 4) e = p;
      else return p;
    }
    if (e < v.length && (isAlnumCode(v.charCodeAt(e)) || (v.charCodeAt(e) === 46 && isDigitCode(v.charCodeAt(e + 1))))) return e;
    this.icds.push({ start, end: e });
    return e;
  }

  private plate(v: string, i: number): number {
    const loose = this.keyCategory === PLATE;
    const span = matchPlateAt(v, i, loose);
    if (span === undefined) return -1;
    const s = this.support(PLATE, v, i);
    this.emit(PLATE, s !== undefined ? RULES.plateField : RULES.platePattern, span.start, span.end, s !== undefined ? 0.95 : 0.85);
    return span.end;
  }

  /** Validates windows of the digit run at i, longest first, left to right; returns its end. */
  private numeric(v: string, i: number): number {
    const run = this.run;
    readDigitRun(v, i, run);
    if (run.groups >= 2) this.collectDecimals(v);
    if (run.length < MIN_CANDIDATE_DIGITS) return run.end;
    const last = run.groups - 1;
    let a = 0;
    while (a <= last) {
      let matched = -1;
      // A window may start or end inside the run only at white space: dashes and dots bind
      // groups together (uuids, dates, versions), spaces separate numbers in prose.
      if (a === 0 ? run.leftOk : isBreakGap(run.gSep[a]!)) {
        for (let b = Math.min(last, a + MAX_WINDOW_GROUPS - 1); b >= a; b--) {
          if (!(b === last ? run.rightOk : isBreakGap(run.gSep[b + 1]!))) continue;
          const len = run.gOff[b + 1]! - run.gOff[a]!;
          if (len < MIN_CANDIDATE_DIGITS || len > MAX_CANDIDATE_DIGITS) continue;
          if (this.window(v, a, b, len)) {
            matched = b;
            break;
          }
        }
      }
      a = matched >= 0 ? matched + 1 : a + 1;
    }
    return run.end;
  }

  /** Decimal numbers inside the run ("31.2304", "31.2304 121.4737"), for coordinate pairs. */
  private collectDecimals(v: string): void {
    const run = this.run;
    const last = run.groups - 1;
    for (let g = 1; g <= last; g++) {
      if (run.gSep[g] !== GAP_DOT || run.gOff[g]! - run.gOff[g - 1]! > 3) continue;
      const leftOk = g === 1 ? run.leftOk || hemisphereBefore(v, run.start) : isBreakGap(run.gSep[g - 1]!);
      const rightOk = g === last ? run.rightOk || hemisphereAfter(v, run.end) : isBreakGap(run.gSep[g + 1]!);
      if (!leftOk || !rightOk) continue;
      const start = run.gStart[g - 1]!;
      const end = run.gEnd[g]!;
      const decimals = run.gOff[g + 1]! - run.gOff[g]!;
      const text = `${run.windowDigits(g - 1, g - 1)}.${run.windowDigits(g, g)}`;
      const negative = g === 1 && run.minus;
      this.decimals.push({ start, end, value: negative ? -Number(text) : Number(text), decimals });
    }
  }

  /** A latitude and a longitude side by side in text: one finding over both. */
  private coordinatePairs(v: string): void {
    const ds = this.decimals;
    for (let k = 0; k + 1 < ds.length; k++) {
      const a = ds[k]!;
      const b = ds[k + 1]!;
      if (b.start - a.end > MAX_PAIR_GAP || !isChinaPair(a, b) || !isPairGap(v, a.end, b.start)) continue;
      this.emit(LOCATION, RULES.locationPair, a.start, b.end, 0.9);
      k++;
    }
  }

  /** One candidate; the order encodes precedence (checked ID > Luhn card > weaker forms). */
  private window(v: string, a: number, b: number, len: number): boolean {
    const run = this.run;
    const d = run.windowDigits(a, b);
    const lens = run.windowLens(a, b);
    const start = run.gStart[a]!;
    const end = run.gEnd[b]!;
    const plus = a === 0 && run.plus;
    let label: CategoryId | null | undefined;
    const support = (category: CategoryId): Support => {
      if (this.keyCategory === category) return 'field';
      if (label === undefined) label = labelBefore(v, plus ? start - 1 : start)?.category ?? null;
      return label === category ? 'context' : undefined;
    };

    let idShaped = false;
    if ((len === 18 || len === 15) && isIdCardGrouping(lens)) {
      const s = support(ID_CARD);
      if (len === 18 || s !== undefined) {
        const info = validateIdCard(d, this.today);
        if (info !== undefined) {
          const conf = len === 15 ? 0.8 : s !== undefined ? 0.99 : 0.97;
          this.emit(ID_CARD, len === 18 ? RULES.idCardChecksum : RULES.idCardLegacy15, start, end, conf);
          if (isMinorOn(info.birth, this.today)) this.emit('pi.minor', RULES.minorBirthdate, start, end, conf);
          return true;
        }
      }
      idShaped = len === 18 && looksLikeIdCard(d, this.today);
    }
    if (len === 18 && lens.length === 1) {
      // An all-digit USCC ("913503265347029717"): the structure checks keep order numbers out.
      const s = support(USCC);
      const conf = usccConfidence(d, s !== undefined);
      if (conf > 0) {
        this.emit(USCC, s !== undefined ? RULES.usccField : RULES.usccChecksum, start, end, conf);
        return true;
      }
    }
    if (
      len >= 16 && len <= 19 && isCardGrouping(lens) && isPaymentCardNumber(d) &&
      (!idShaped || support(BANK_CARD) !== undefined)
    ) {
      this.emit(BANK_CARD, RULES.bankCardLuhn, start, end, support(BANK_CARD) !== undefined ? 0.98 : 0.85);
      return true;
    }
    if (len === 11 || len === 13 || len === 15) {
      const s = support(PHONE);
      // With a field or label saying "phone", any split of the digits will do.
      const p = s !== undefined ? supportedMobileStart(d, plus) : mobileNationalStart(d, lens, plus);
      if (p >= 0) {
        const from = plus ? start - 1 : start;
        if (s === 'field') this.emit(PHONE, RULES.phoneField, from, end, 0.95);
        else if (s === 'context') this.emit(PHONE, RULES.phoneContext, from, end, 0.9);
        else this.emit(PHONE, RULES.phonePattern, from, end, p > 0 ? 0.75 : 0.6);
        return true;
      }
    }
    if (len === 15 && isImeiGrouping(lens) && isImei(d)) {
      const s = support(DEVICE);
      if (s !== undefined || hasImeiReportingBody(d)) {
        this.emit(DEVICE, s !== undefined ? RULES.imeiField : RULES.imeiLuhn, start, end, s !== undefined ? 0.95 : 0.8);
        return true;
      }
    }
    if (isCardGrouping(lens) && isAccountNumber(d)) {
      const s = support(BANK_CARD);
      if (s !== undefined) {
        this.emit(BANK_CARD, s === 'field' ? RULES.bankCardField : RULES.bankCardContext, start, end, 0.75);
        return true;
      }
    }
    return false;
  }

  private email(v: string, at: number): number {
    const m = matchEmailAt(v, at);
    if (m === undefined) return at + 1;
    this.emit(EMAIL, RULES.emailPattern, m.start, m.end, this.keyCategory === EMAIL ? 0.98 : 0.9);
    return m.end;
  }

  /** A colon or '=' at k: if a name/address/passport/health/religion label precedes it, read
   *  the value after it. */
  private label(v: string, k: number): void {
    const category = labelAtColon(v, k)?.category;
    if (category === undefined || category === this.fieldCategory) return;
    const from = valueStartAfter(v, k);
    if (category === NAME) {
      const span = nameSpanAfter(v, from);
      const f = span === undefined ? 0 : nameConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(NAME, RULES.contextLabel, span.start, span.end, 0.85 * f);
    } else if (category === ADDRESS) {
      const span = addressSpanAfter(v, from);
      const f = span === undefined ? 0 : addressConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(ADDRESS, RULES.contextLabel, span.start, span.end, 0.8 * f);
    } else if (category === PASSPORT) {
      const span = documentSpanAfter(v, from);
      const f = span === undefined ? 0 : passportConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(PASSPORT, RULES.passportContext, span.start, span.end, 0.9 * f);
    } else if (category === HEALTH || category === RELIGION) {
      const span = clauseSpan(v, from, from, true, (a, b) => this.isMedicalLabel(v, a, b));
      if (span.end > span.start && isMedicalValue(v.slice(span.start, span.end))) {
        this.emit(category, category === HEALTH ? RULES.healthSection : RULES.religionKeyword, span.start, span.end, 0.85);
      }
    }
  }

  private isMedicalLabel(v: string, a: number, b: number): boolean {
    return lookupField(v.slice(a, b))?.category === HEALTH;
  }

  /** One automaton pass: dictionary categories, name/address triggers, operator keywords. */
  private keywordPass(v: string, ancestorHealth: boolean): void {
    const ms = this.matches;
    ms.length = 0;
    this.keywords.scan(v, ms);
    if (ms.length === 0) {
      if (this.icds.length > 0) this.confirmIcds(ancestorHealth || this.keyCategory === HEALTH, ms);
      return;
    }
    // Negative phrases cancel the matches they contain ("故障诊断" is not a diagnosis).
    let negatives: Array<KeywordMatch<KeywordInfo>> | undefined;
    for (const m of ms) if (m.payload.kind === 'negative') (negatives ??= []).push(m);
    const live = negatives === undefined ? ms : ms.filter((m) => m.payload.kind === 'negative' || !negatives!.some((x) => x !== m && x.start <= m.start && x.end >= m.end));
    live.sort((x, y) => x.start - y.start || y.end - x.end);

    const context = new Set<CategoryId>();
    if (this.keyCategory !== undefined) context.add(this.keyCategory);
    for (const m of live) {
      const k = m.payload.kind;
      if (k === 'context' || k === 'term' || k === 'section') context.add(m.payload.category);
    }
    if (context.has(GENETIC)) this.geneticContext = true;

    const medicalLabel = (a: number, b: number): boolean => this.isMedicalLabel(v, a, b);
    let healthEnd = -1;
    for (const m of live) {
      const info = m.payload;
      switch (info.kind) {
        case 'section':
        case 'term':
          if (info.category === HEALTH) {
            if (m.start < healthEnd) break;
            const span = clauseSpan(v, m.start, m.end, info.kind === 'section', medicalLabel);
            this.emit(HEALTH, info.rule, span.start, span.end, info.confidence);
            healthEnd = span.end;
          } else {
            this.emit(info.category, info.rule, m.start, m.end, info.confidence);
          }
          break;
        case 'weak':
          if (context.has(info.category)) {
            this.emit(info.category, info.rule, m.start, m.end, info.confidence);
          }
          break;
        case 'sig':
          if (m.start >= healthEnd && doseBefore(v, m.start)) {
            const span = clauseSpan(v, m.start, m.end, false, medicalLabel);
            this.emit(HEALTH, info.rule, span.start, span.end, info.confidence);
            healthEnd = span.end;
          }
          break;
        case 'nameTrigger':
          this.nameAfter(v, m.end, info);
          break;
        case 'nameSuffix': {
          const span = hanNameBefore(v, m.start);
          if (span !== undefined) this.emit(NAME, info.rule, span.start, span.end, info.confidence);
          break;
        }
        case 'addressTrigger': {
          const from = skipFillers(v, m.end);
          if (from < v.length && (v.charCodeAt(from) === 58 || v.charCodeAt(from) === 0xff1a)) break;
          const span = addressSpanAfter(v, from);
          const f = span === undefined ? 0 : addressConfidenceFactor(v.slice(span.start, span.end));
          if (span !== undefined && f >= 1) this.emit(ADDRESS, info.rule, span.start, span.end, info.confidence);
          break;
        }
        case 'custom':
          this.emit(info.category, info.rule, m.start, m.end, info.confidence);
          break;
        default:
          break;
      }
    }
    if (this.icds.length > 0) this.confirmIcds(ancestorHealth || this.keyCategory === HEALTH, live);
  }

  private nameAfter(v: string, end: number, info: KeywordInfo): void {
    const from = skipFillers(v, end);
    if (from >= v.length) return;
    const c = v.charCodeAt(from);
    // "姓名：张三" is the label scan's; a trigger reads names written without a colon.
    if (c === 58 || c === 0xff1a || c === 61) return;
    const span = isCjkCode(c) ? hanNameAt(v, from) : latinNameAt(v, from, info.single === true);
    if (span !== undefined) this.emit(NAME, info.rule, span.start, span.end, info.confidence);
  }

  /** ICD-10 codes count under a medical field (or object), after an ICD label, or near a
   *  medical word; a bare "A12" elsewhere is a seat, a grid cell or an error code. */
  private confirmIcds(fieldMedical: boolean, live: ReadonlyArray<KeywordMatch<KeywordInfo>>): void {
    for (const code of this.icds) {
      let ok = fieldMedical;
      for (let k = 0; !ok && k < live.length; k++) {
        const m = live[k]!;
        if (m.payload.category !== HEALTH || m.payload.kind === 'negative') continue;
        if (m.payload.kind === 'icdLabel') ok = code.start >= m.end && code.start - m.end <= 16;
        else ok = Math.abs(code.start - m.end) <= ICD_CONTEXT || Math.abs(m.start - code.end) <= ICD_CONTEXT;
      }
      if (ok) this.emit(HEALTH, RULES.healthIcd10, code.start, code.end, 0.85);
    }
  }
}

function isNumberFiller(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 9 || c === 0xa0 ||
    c === 0x3000 || c === 0x2013 || c === 0xff0d || (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064) ||
    c === 0xfeff || c === 0xad;
}

const FILLERS = new Set([...' \t\u3000"\'“”「」是为叫'].map((c) => c.charCodeAt(0)));

function skipFillers(v: string, p: number): number {
  let q = p;
  while (q < v.length && q - p < 3 && FILLERS.has(v.charCodeAt(q))) q++;
  return q;
}

/** "N31.2304", "E121.4737": a hemisphere letter may lead a coordinate. */
function hemisphereBefore(v: string, start: number): boolean {
  const c = v.charCodeAt(start - 1);
  if (!(c === 78 || c === 69)) return false;
  return start < 2 || !isAlnumCode(v.charCodeAt(start - 2));
}

/** "31.2304°", "31.2304N": a degree sign or hemisphere letter may follow one. */
function hemisphereAfter(v: string, end: number): boolean {
  const c = v.charCodeAt(end);
  if (c === 0xb0) return true;
  if (!(c === 78 || c === 69)) return false;
  return end + 1 >= v.length || !isAlnumCode(v.charCodeAt(end + 1));
}

/** Between a latitude and a longitude: separators and short labels, not another number or a
 *  new line ("31.23, 121.47", "lat 31.23 lng 121.47", "纬度31.23，经度121.47"). */
function isPairGap(v: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = v.charCodeAt(p);
    if (isDigitCode(c) || c === 10 || c === 13 || c === 0x3002 || c === 59) return false;
  }
  return true;
}

const DEVICE_ID_SHAPE = /^(?:\d{14,16}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32,64})$/;

/** IMEI/MEID/IMSI digits, Android ids, IDFA/OAID uuids: what device-id fields hold. */
function isDeviceIdValue(s: string): boolean {
  return s.length >= 14 && s.length <= 64 && DEVICE_ID_SHAPE.test(s) && !/^0+$/.test(s.replace(/-/g, ''));
}
