/**
 * The classifier: the hot path of every inspected request. Each leaf value is walked once by
 * char code; only three things stop the walk — a digit (numeric run), an '@' (e-mail) and a
 * colon or '=' (a possible label) — and only those candidates reach the validators. The field
 * name is looked up once per leaf. No regex runs over the value.
 */
import type { Leaf } from '../body/leaf.js';
import { isDigitCode } from './chars.js';
import {
  addressSpanAfter, documentSpanAfter, labelAtColon, labelBefore, nameSpanAfter, valueStartAfter,
} from './context.js';
import { addressConfidenceFactor } from './detectors/address.js';
import { isAccountNumber, isCardGrouping, isPaymentCardNumber, isValidIban } from './detectors/bank-card.js';
import { matchEmailAt } from './detectors/email.js';
import {
  chinaDate, isIdCardGrouping, isMinorOn, looksLikeIdCard, validateIdCard, type CivilDate,
} from './detectors/id-card.js';
import { nameConfidenceFactor } from './detectors/name.js';
import { passportConfidenceFactor } from './detectors/passport.js';
import { mobileNationalStart } from './detectors/phone.js';
import { DigitRun, readDigitRun } from './digit-runs.js';
import { lookupField } from './fields.js';
import type { Finding } from './finding.js';
import { BUILTIN_CATEGORIES, type CategoryId, type Grade } from './taxonomy.js';

export interface Classifier {
  classify(leaves: readonly Leaf[], now: Date): Finding[];
}

/** Every rule id this classifier emits. Stable: policies, audit events and tests name them. */
export const RULES = Object.freeze({
  idCardChecksum: 'id_card.checksum',
  idCardLegacy15: 'id_card.legacy15',
  minorBirthdate: 'minor.birthdate',
  phonePattern: 'phone.pattern',
  phoneField: 'phone.field',
  phoneContext: 'phone.context',
  emailPattern: 'email.pattern',
  bankCardLuhn: 'bank_card.luhn',
  bankCardField: 'bank_card.field',
  bankCardContext: 'bank_card.context',
  passportField: 'passport.field',
  passportContext: 'passport.context',
  fieldName: 'field.name',
  contextLabel: 'context.label',
});

const NAME = 'pi.name';
const ADDRESS = 'pi.address';
const PASSPORT = 'pi.passport';
const ID_CARD = 'pi.id_card';
const PHONE = 'pi.phone';
const BANK_CARD = 'pi.bank_card';
const EMAIL = 'pi.email';

const SPACE = 32;
/** Longest grouping we accept: "6217 0000 0000 0000 004" and "+86 138 1234 5678". */
const MAX_WINDOW_GROUPS = 5;
const MIN_CANDIDATE_DIGITS = 11;
const MAX_CANDIDATE_DIGITS = 25;

type Support = 'field' | 'context' | undefined;

class LeafScanner {
  private readonly run = new DigitRun();
  private out: Finding[] = [];
  private leaf!: Leaf;
  private leafIndex = 0;
  private today!: CivilDate;
  private keyCategory: CategoryId | undefined;
  /** Category the field name already reported for the whole value; parts of it add nothing. */
  private fieldCategory: CategoryId | undefined;

  constructor(private readonly grades: ReadonlyMap<string, Grade>) {}

  scan(leaf: Leaf, leafIndex: number, today: CivilDate, out: Finding[]): void {
    const v = leaf.value;
    if (v.length === 0) return;
    this.leaf = leaf;
    this.leafIndex = leafIndex;
    this.today = today;
    this.out = out;
    const key = leaf.key === undefined ? undefined : lookupField(leaf.key);
    this.keyCategory = key?.category;
    this.fieldCategory = undefined;
    if (key !== undefined) this.fieldOnly(v, key.category, key.weight);

    const n = v.length;
    let i = 0;
    while (i < n) {
      const c = v.charCodeAt(i);
      if ((c >= 48 && c <= 57) || isDigitCode(c)) {
        i = this.numeric(v, i);
      } else if (c === 64) {
        i = this.email(v, i);
      } else {
        if (c === 58 || c === 0xff1a || c === 61) this.label(v, i);
        i++;
      }
    }
  }

  private emit(category: CategoryId, rule: string, start: number, end: number, confidence: number): void {
    // The whole value is already reported as this category; a part of it adds nothing.
    if (category === this.fieldCategory) return;
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

  /** Findings the field name makes on its own (names, addresses, passports, IBANs). */
  private fieldOnly(v: string, category: CategoryId, weight: number): void {
    let f = 0;
    let rule: string = RULES.fieldName;
    if (category === NAME) f = weight * nameConfidenceFactor(v);
    else if (category === ADDRESS) f = weight * addressConfidenceFactor(v);
    else if (category === PASSPORT) {
      f = 0.95 * passportConfidenceFactor(v.trim());
      rule = RULES.passportField;
    } else if (category === BANK_CARD && isValidIban(v)) {
      f = 0.9;
      rule = RULES.bankCardField;
    }
    if (f <= 0) return;
    this.emit(category, rule, 0, v.length, f);
    this.fieldCategory = category;
  }

  /** Validates windows of the digit run at i, longest first, left to right; returns its end. */
  private numeric(v: string, i: number): number {
    const run = this.run;
    readDigitRun(v, i, run);
    if (run.length < MIN_CANDIDATE_DIGITS) return run.end;
    const last = run.groups - 1;
    let a = 0;
    while (a <= last) {
      let matched = -1;
      // A window may start or end inside the run only at a space: dashes bind groups together
      // (uuids, dates, order ids), spaces separate numbers in prose.
      if (a === 0 ? run.leftOk : run.gSep[a] === SPACE) {
        for (let b = Math.min(last, a + MAX_WINDOW_GROUPS - 1); b >= a; b--) {
          if (!(b === last ? run.rightOk : run.gSep[b + 1] === SPACE)) continue;
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
    if (
      len >= 16 && len <= 19 && isCardGrouping(lens) && isPaymentCardNumber(d) &&
      (!idShaped || support(BANK_CARD) !== undefined)
    ) {
      this.emit(BANK_CARD, RULES.bankCardLuhn, start, end, support(BANK_CARD) !== undefined ? 0.98 : 0.85);
      return true;
    }
    if (len === 11 || len === 13 || len === 15) {
      const p = mobileNationalStart(d, lens, plus);
      if (p >= 0) {
        const s = support(PHONE);
        const from = plus ? start - 1 : start;
        if (s === 'field') this.emit(PHONE, RULES.phoneField, from, end, 0.95);
        else if (s === 'context') this.emit(PHONE, RULES.phoneContext, from, end, 0.9);
        else this.emit(PHONE, RULES.phonePattern, from, end, p > 0 ? 0.75 : 0.6);
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

  /** A colon or '=' at k: if a name/address/passport label precedes it, read the value. */
  private label(v: string, k: number): void {
    const category = labelAtColon(v, k)?.category;
    if (category === undefined || category === this.fieldCategory) return;
    if (category !== NAME && category !== ADDRESS && category !== PASSPORT) return;
    const from = valueStartAfter(v, k);
    if (category === NAME) {
      const span = nameSpanAfter(v, from);
      const f = span === undefined ? 0 : nameConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(NAME, RULES.contextLabel, span.start, span.end, 0.85 * f);
    } else if (category === ADDRESS) {
      const span = addressSpanAfter(v, from);
      const f = span === undefined ? 0 : addressConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(ADDRESS, RULES.contextLabel, span.start, span.end, 0.8 * f);
    } else {
      const span = documentSpanAfter(v, from);
      const f = span === undefined ? 0 : passportConfidenceFactor(v.slice(span.start, span.end));
      if (span !== undefined && f > 0) this.emit(PASSPORT, RULES.passportContext, span.start, span.end, 0.9 * f);
    }
  }
}

/**
 * Builds the classifier once per compiled policy. `categoryGrades` overrides the built-in
 * grades (DOMAIN §4); the returned object is reusable but not re-entrant (classify is sync).
 */
export function createClassifier(categoryGrades: ReadonlyMap<string, Grade>): Classifier {
  const grades = new Map<string, Grade>(Object.entries(BUILTIN_CATEGORIES));
  for (const [category, grade] of categoryGrades) grades.set(category, grade);
  const scanner = new LeafScanner(grades);
  return {
    classify(leaves: readonly Leaf[], now: Date): Finding[] {
      const today = chinaDate(now);
      const out: Finding[] = [];
      for (let i = 0; i < leaves.length; i++) scanner.scan(leaves[i]!, i, today, out);
      return out;
    },
  };
}
