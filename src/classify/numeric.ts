/**
 * Validation of digit runs (digit-runs.ts): every window of consecutive groups that could be
 * one identifier is tried, longest first, with the precedence ID card > USCC > payment card >
 * mobile > IMEI > account number. Decimals met on the way are kept for coordinate pairs
 * ("31.2304, 121.4737"), which need both numbers and so are judged after the leaf is read.
 */
import { isAlnumCode, isDigitCode } from './chars.js';
import { labelBefore } from './context.js';
import { isAccountNumber, isCardGrouping, isPaymentCardNumber } from './detectors/bank-card.js';
import { isIdCardGrouping, isMinorOn, looksLikeIdCard, validateIdCard } from './detectors/id-card.js';
import { hasImeiReportingBody, isImei, isImeiGrouping } from './detectors/imei.js';
import { isChinaPair, type Decimal } from './detectors/location.js';
import { mobileNationalStart, supportedMobileStart } from './detectors/phone.js';
import { usccConfidence } from './detectors/uscc.js';
import { DigitRun, GAP_DOT, isBreakGap, isHemisphereEnd, readDigitRun } from './digit-runs.js';
import { REFERENCE } from './fields.js';
import { RULES } from './rules.js';
import {
  BANK_CARD, DEVICE, ID_CARD, LOCATION, MINOR, PHONE, USCC, type ScanHost, type Support,
} from './scan-host.js';
import type { CategoryId } from './taxonomy.js';

/** Longest grouping we accept: "6217 0000 0000 0000 004" and "+86 138 1234 5678". */
const MAX_WINDOW_GROUPS = 5;
/** With a field or label naming the identifier: a 19-digit card split every other digit. */
const MAX_SUPPORTED_WINDOW_GROUPS = 12;
const MIN_CANDIDATE_DIGITS = 11;
const MOBILE_DIGITS = 11;
const MAX_CANDIDATE_DIGITS = 25;
/** Gap between a latitude and a longitude written side by side ("31.23, 121.47", "纬度…经度"). */
const MAX_PAIR_GAP = 32;


export class NumericScanner {
  private readonly run = new DigitRun();
  /** Decimals met in the leaf, as parallel typed arrays (no object per number), grown when full. */
  private decStart = new Int32Array(64);
  private decEnd = new Int32Array(64);
  private decValue = new Float64Array(64);
  private decDigits = new Int32Array(64);
  private decCount = 0;
  private host!: ScanHost;
  /** The run is a mobile number's 11 digits, one a group, each gap one space (isEvenlySpaced). */
  private spelled = false;

  startLeaf(host: ScanHost): void {
    this.host = host;
    this.decCount = 0;
  }

  private addDecimal(start: number, end: number, value: number, decimals: number): void {
    const k = this.decCount++;
    if (k === this.decStart.length) {
      const grow = <A extends Int32Array | Float64Array>(a: A, b: A): A => (b.set(a), b);
      this.decStart = grow(this.decStart, new Int32Array(k * 2));
      this.decEnd = grow(this.decEnd, new Int32Array(k * 2));
      this.decValue = grow(this.decValue, new Float64Array(k * 2));
      this.decDigits = grow(this.decDigits, new Int32Array(k * 2));
    }
    this.decStart[k] = start;
    this.decEnd[k] = end;
    this.decValue[k] = value;
    this.decDigits[k] = decimals;
  }

  /** Validates windows of the digit run at i, longest first, left to right; returns its end. */
  scan(v: string, i: number): number {
    const run = this.run;
    readDigitRun(v, i, run);
    if (run.groups >= 2) this.collectDecimals(v);
    if (run.length < MIN_CANDIDATE_DIGITS) return run.end;
    if (run.groups === 1 && !(run.leftOk && run.rightOk)) {
      if (run.length === 18) this.joinedIdCard(v);
      return run.end;
    }
    const last = run.groups - 1;
    this.spelled = run.groups === MOBILE_DIGITS && run.length === MOBILE_DIGITS && isEvenlySpaced(run);
    const maxGroups = last >= MAX_WINDOW_GROUPS && (this.spelled || this.splitBySupport(v)) ? MAX_SUPPORTED_WINDOW_GROUPS : MAX_WINDOW_GROUPS;
    let a = 0;
    while (a <= last) {
      let matched = -1;
      // A window may start or end inside the run only at white space: dashes and dots bind
      // groups together (uuids, dates, versions), spaces separate numbers in prose.
      if (a === 0 ? run.leftOk : isBreakGap(run.gSep[a]!)) {
        for (let b = Math.min(last, a + maxGroups - 1); b >= a; b--) {
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

  /** A run of more groups than any grouping has is read whole when its field or the label
   *  before it names an identifier ("手机 1348 - 3 - 1 - 87 - 1 - 65"): split to evade. */
  private splitBySupport(v: string): boolean {
    const run = this.run;
    const category = this.host.keyCategory ?? labelBefore(v, run.plus ? run.start - 1 : run.start)?.category;
    return category === PHONE || category === ID_CARD || category === BANK_CARD || category === DEVICE;
  }

  /** Decimal numbers inside the run ("31.2304", "31.2304 121.4737"), for coordinate pairs. */
  private collectDecimals(v: string): void {
    const run = this.run;
    const last = run.groups - 1;
    for (let g = 1; g <= last; g++) {
      // Coordinates have at most three integer digits and two decimals at least.
      const intLen = run.gOff[g]! - run.gOff[g - 1]!;
      const decimals = run.gOff[g + 1]! - run.gOff[g]!;
      if (run.gSep[g] !== GAP_DOT || intLen > 3 || decimals < 2 || decimals > 15) continue;
      const leftOk = g === 1 ? run.leftOk || hemisphereBefore(v, run.start) : isBreakGap(run.gSep[g - 1]!);
      const rightOk = g === last ? run.rightOk || hemisphereAfter(v, run.end) : isBreakGap(run.gSep[g + 1]!);
      if (!leftOk || !rightOk) continue;
      let value = 0;
      if (run.clean) {
        // ASCII digits with nothing between them: read them where they stand.
        for (let k = run.gStart[g - 1]!; k < run.gEnd[g - 1]!; k++) value = value * 10 + (v.charCodeAt(k) - 48);
        let scale = 1;
        for (let k = run.gStart[g]!; k < run.gEnd[g]!; k++) value += (v.charCodeAt(k) - 48) / (scale *= 10);
      } else {
        const d = run.digits();
        const from = run.gOff[g - 1]!;
        for (let k = from; k < from + intLen; k++) value = value * 10 + (d.charCodeAt(k) - 48);
        let scale = 1;
        for (let k = from + intLen; k < from + intLen + decimals; k++) value += (d.charCodeAt(k) - 48) / (scale *= 10);
      }
      if (g === 1 && run.minus) value = -value;
      this.addDecimal(run.gStart[g - 1]!, run.gEnd[g]!, value, decimals);
    }
  }

  /** After the leaf: a latitude and a longitude side by side are one finding over both. */
  finishLeaf(v: string): void {
    const count = this.decCount;
    for (let k = 0; k + 1 < count; k++) {
      const aEnd = this.decEnd[k]!;
      const bStart = this.decStart[k + 1]!;
      if (bStart - aEnd > MAX_PAIR_GAP) continue;
      const a: Decimal = { value: this.decValue[k]!, decimals: this.decDigits[k]! };
      const b: Decimal = { value: this.decValue[k + 1]!, decimals: this.decDigits[k + 1]! };
      if (!isChinaPair(a, b) || !isPairGap(v, aEnd, bStart)) continue;
      const end = this.decEnd[k + 1]!;
      // Between XML elements each number is masked alone: the tags must survive redaction.
      const tag = v.indexOf('<', aEnd);
      if (tag >= 0 && tag < bStart) {
        this.host.emit(LOCATION, RULES.locationPair, this.decStart[k]!, aEnd, 0.9);
        this.host.emit(LOCATION, RULES.locationPair, bStart, end, 0.9);
      } else this.host.emit(LOCATION, RULES.locationPair, this.decStart[k]!, end + hemisphereTail(v, end), 0.9);
      k++;
    }
  }

  /** One candidate; the order encodes precedence (checked ID > Luhn card > weaker forms). */
  /** The label before the current window, read once per window and only when asked. */
  private label: CategoryId | null | undefined;
  private labelAt = 0;
  private readonly lens: number[] = [];

  private support(v: string, category: CategoryId): Support {
    if (this.host.keyCategory === category) return 'field';
    return this.labelled(v) === category ? 'context' : undefined;
  }

  /** The category of the label right before the current window, if any. */
  private labelled(v: string): CategoryId | null {
    if (this.label === undefined) this.label = labelBefore(v, this.labelAt)?.category ?? null;
    return this.label;
  }

  /** An ID number a '_' or '-' joins to words, as storage keys and file names hold them
   *  ("idcard/110101199003071233_front.jpg", "kyc-110101199003071233"). Only the checked
   *  18-char number counts there: its date, region and check char vouch for it, which a
   *  mobile's or a card's shape does not in an order id ("SO-13812345678"). */
  private joinedIdCard(v: string): void {
    const run = this.run;
    if (!run.leftOk && !isWordJoint(v.charCodeAt(run.start - 1))) return;
    if (!run.rightOk && !isWordJoint(v.charCodeAt(run.end))) return;
    this.idCardAt(run.windowDigits(0, 0), run.gStart[0]!, run.gEnd[0]!, 0.9);
  }

  /** Emits the ID number `d` standing at [start, end) when it checks out, and a minor's when
   *  its birth date says so. */
  idCardAt(d: string, start: number, end: number, conf: number, rule: string = RULES.idCardChecksum): boolean {
    const host = this.host;
    const info = validateIdCard(d, host.today);
    if (info === undefined) return false;
    host.emit(ID_CARD, rule, start, end, conf);
    if (isMinorOn(info.birth, host.today)) host.emit(MINOR, RULES.minorBirthdate, start, end, conf);
    return true;
  }

  private window(v: string, a: number, b: number, len: number): boolean {
    const host = this.host;
    const run = this.run;
    const d = run.windowDigits(a, b);
    const lens = this.lens;
    lens.length = 0;
    for (let g = a; g <= b; g++) lens.push(run.gOff[g + 1]! - run.gOff[g]!);
    const start = run.gStart[a]!;
    const end = run.gEnd[b]!;
    const plus = a === 0 && run.plus;
    this.label = undefined;
    this.labelAt = plus ? start - 1 : start;

    let idShaped = false;
    // With a field or label saying what the number is, any grouping of it will do.
    if ((len === 18 || len === 15) && (isIdCardGrouping(lens) || this.support(v, ID_CARD) !== undefined)) {
      const s = this.support(v, ID_CARD);
      if (len === 18 || s !== undefined) {
        const conf = len === 15 ? 0.8 : s !== undefined ? 0.99 : 0.97;
        if (this.idCardAt(d, start, end, conf, len === 18 ? RULES.idCardChecksum : RULES.idCardLegacy15)) return true;
      }
      idShaped = len === 18 && looksLikeIdCard(d, host.today);
    }
    if (len === 18 && lens.length === 1) {
      // An all-digit USCC ("914403001000791900"): the structure checks keep order numbers out.
      const s = this.support(v, USCC);
      const conf = usccConfidence(d, s !== undefined);
      if (conf > 0) {
        host.emit(USCC, s !== undefined ? RULES.usccField : RULES.usccChecksum, start, end, conf);
        return true;
      }
    }
    if (len >= 16 && len <= 19 && isPaymentCardNumber(d)) {
      const s = this.support(v, BANK_CARD);
      // "订单号 6222…": a reference label says what a Luhn-valid number is, as its field would.
      if ((isCardGrouping(lens) || s !== undefined) && (s !== undefined || (!idShaped && this.labelled(v) !== REFERENCE))) {
        host.emit(BANK_CARD, RULES.bankCardLuhn, start, end, s !== undefined ? 0.98 : 0.85);
        return true;
      }
    }
    // "+49 176 12345678": a mobile of another country, its code standing in the first group.
    const foreign = a === 1 && run.plus && run.gOff[1]! <= 3 && run.windowDigits(0, 0) !== '86';
    if ((len === 11 || len === 13 || len === 15) && !foreign) {
      const s = this.support(v, PHONE);
      // With a field or label saying "phone", any split of the digits will do; so will one digit
      // at a time, which is how a number is written to slip past ("（1 5 0 0 7 2 8 0 6 4 8）").
      const p = s !== undefined || (this.spelled && len === MOBILE_DIGITS) ? supportedMobileStart(d, plus) : mobileNationalStart(d, lens, plus);
      if (p >= 0) {
        const from = plus ? start - 1 : start;
        if (s === 'field') host.emit(PHONE, RULES.phoneField, from, end, 0.95);
        else if (s === 'context') host.emit(PHONE, RULES.phoneContext, from, end, 0.9);
        // "rx_bytes=15203234209", "订单号 13912345678": a label that names something else.
        else if (this.labelled(v) !== REFERENCE) host.emit(PHONE, RULES.phonePattern, from, end, p > 0 ? 0.75 : 0.6);
        return true;
      }
    }
    if (len === 15 && isImeiGrouping(lens) && isImei(d)) {
      const s = this.support(v, DEVICE);
      if (s !== undefined || (hasImeiReportingBody(d) && this.labelled(v) !== REFERENCE)) {
        host.emit(DEVICE, s !== undefined ? RULES.imeiField : RULES.imeiLuhn, start, end, s !== undefined ? 0.95 : 0.8);
        return true;
      }
    }
    if (isCardGrouping(lens) && isAccountNumber(d)) {
      const s = this.support(v, BANK_CARD);
      if (s !== undefined) {
        host.emit(BANK_CARD, s === 'field' ? RULES.bankCardField : RULES.bankCardContext, start, end, 0.75);
        return true;
      }
    }
    return false;
  }
}

/** Every gap of the run is a single space: "1 5 0 0 7 2 8 0 6 4 8", not a table's "1  5 - 0". */
function isEvenlySpaced(run: DigitRun): boolean {
  for (let g = 1; g < run.groups; g++) {
    if (run.gStart[g]! - run.gEnd[g - 1]! !== 1 || run.source.charCodeAt(run.gEnd[g - 1]!) !== 32) return false;
  }
  return true;
}

/** "N31.2304", "E121.4737": a hemisphere letter may lead a coordinate. */
function hemisphereBefore(v: string, start: number): boolean {
  const c = v.charCodeAt(start - 1);
  if (!(c === 78 || c === 69 || c === 83 || c === 87)) return false;
  return start < 2 || !isAlnumCode(v.charCodeAt(start - 2));
}

/** How many chars of "°", "N", "°N" follow a coordinate at `end`: the finding covers them. */
function hemisphereTail(v: string, end: number): number {
  if (!hemisphereAfter(v, end)) return 0;
  return v.charCodeAt(end) === 0xb0 && hemisphereAfter(v, end + 1) && v.charCodeAt(end + 1) !== 0xb0 ? 2 : 1;
}

/** "31.2304°", "31.2304N": a degree sign or hemisphere letter may follow one. */
function hemisphereAfter(v: string, end: number): boolean {
  return v.charCodeAt(end) === 0xb0 || (end < v.length && isHemisphereEnd(v, end));
}

function isCurrencyCode(c: number): boolean {
  return c === 0xa5 || c === 0xffe5 || c === 36 || c === 0x20ac || c === 0xa3;
}

/** Between a latitude and a longitude: separators and short labels, not another number or a
 *  new line ("31.23, 121.47", "lat 31.23 lng 121.47", "纬度31.23，经度121.47"). */
function isPairGap(v: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = v.charCodeAt(p);
    if (isDigitCode(c) || c === 10 || c === 13 || c === 0x3002 || c === 59 || isCurrencyCode(c)) return false;
  }
  // Between a latitude and its longitude stand punctuation, hemispheres and axis words only:
  // "单价 31.2345 元，总价 121.4567" is two prices.
  return PAIR_GAP.test(v.slice(from, to));
}
// XML elements named for their axis count as labels: "<lat>31.23</lat><lng>121.47</lng>", and
// WeChat's location message "<Location_X>29.58</Location_X><Location_Y>106.56</Location_Y>".
const PAIR_GAP = /^(?:[\s,，、/|()（）[\]{}:：=&°'"′″]|[NSEWnsew](?![a-z])|(?:[a-z]{1,12}_)?(?:lat(?:itude)?|lng|lon(?:g(?:itude)?)?)|经度|纬度|[经纬]|东经|北纬|南纬|西经|<\/?(?:[a-z]+:)?(?:lat(?:itude)?|lng|lon(?:g(?:itude)?)?|location_[xy])>)*$/i;

function isWordJoint(c: number): boolean {
  return c === 95 || c === 45;
}
