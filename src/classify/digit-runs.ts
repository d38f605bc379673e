/**
 * The numeric candidate scan. A run is a maximal stretch of digit groups joined by short gaps
 * (up to three spaces, dashes, dots or invisible characters, or one '+' standing for a space:
 * "138 1234 5678", "6222-0202-…", "138.1234.5678", "1456 - 3 - 537", "132+4640+9918"); the
 * matcher then validates windows of consecutive groups. Because runs are maximal, an 11-digit
 * phone can never be found inside a 13-digit timestamp or a longer order id. One DigitRun is
 * reused for every scan.
 */
import { isAlnumCode, isDigitCode, isInvisibleCode, isTypeSpaceCode, isWideDashCode, isXCode, digitValue } from './chars.js';

const SPACE = 32;
const DASH = 45;
const UNDERSCORE = 95;
const DOT = 46;
const AT = 64;
const PLUS = 43;
const MAX_GROUPS = 32;
const MAX_GAP = 3;
/** Invisible chars in a row that still join two digits of one group. */
const MAX_INVISIBLE_RUN = 4;

/** What joins a group to the one before it. */
export const GAP_NONE = 0;
/** Only white space (and invisible chars): numbers in prose are separated like this. */
export const GAP_SPACE = 1;
/** One dash: binds groups (uuids, dates, order ids). */
export const GAP_DASH = 2;
/** One dot: decimals, versions, IPs, or a dotted phone. */
export const GAP_DOT = 3;
/** Anything else ("1456 - 3", ". "): white space plus punctuation. */
export const GAP_MIXED = 4;

/** Windows may start or end inside a run only at a gap with white space in it. */
export function isBreakGap(kind: number): boolean {
  return kind === GAP_SPACE || kind === GAP_MIXED;
}

export class DigitRun {
  source = '';
  /** Source offset of the first digit, and the end (exclusive) of the run. */
  start = 0;
  end = 0;
  /** A '+' stands right before the first digit. */
  plus = false;
  /** A '-' stands right before the first digit (negative decimal). */
  minus = false;
  /** Nothing identifier-like touches the run on that side (letters, '@', decimal point…). */
  leftOk = true;
  rightOk = true;
  groups = 0;
  /** Per group: source start and end, gap kind before it (GAP_NONE for the first), offset into
   *  digits(); gOff has groups + 1 entries. */
  readonly gStart: number[] = [];
  readonly gEnd: number[] = [];
  readonly gSep: number[] = [];
  readonly gOff: number[] = [];
  /** Only ASCII digits and separators: digits can be sliced straight from the source. */
  clean = true;
  private folded: string | undefined;

  /** Number of digits (and check chars) in the run. */
  get length(): number {
    return this.gOff[this.groups]!;
  }

  /** The run's digits as ASCII, separators and invisible chars removed, 'X' kept. */
  digits(): string {
    if (this.folded !== undefined) return this.folded;
    const s = this.source;
    if (this.clean && this.groups === 1) return (this.folded = s.slice(this.start, this.end));
    let out = '';
    for (let g = 0; g < this.groups; g++) {
      if (this.clean) {
        out += s.slice(this.gStart[g], this.gEnd[g]);
        continue;
      }
      for (let i = this.gStart[g]!; i < this.gEnd[g]!; i++) {
        const c = s.charCodeAt(i);
        const v = digitValue(c);
        if (v >= 0) out += String.fromCharCode(48 + v);
        else if (isXCode(c)) out += 'X';
      }
    }
    return (this.folded = out);
  }

  /** Digits of groups a..b inclusive. */
  windowDigits(a: number, b: number): string {
    return this.digits().slice(this.gOff[a], this.gOff[b + 1]);
  }

  /** Digit counts of groups a..b inclusive. */
  windowLens(a: number, b: number): number[] {
    const lens: number[] = [];
    for (let g = a; g <= b; g++) lens.push(this.gOff[g + 1]! - this.gOff[g]!);
    return lens;
  }

  reset(source: string, start: number): void {
    this.source = source;
    this.start = start;
    this.groups = 0;
    this.plus = false;
    this.minus = false;
    this.clean = true;
    this.folded = undefined;
  }
}

/** `off` is the digit offset where the current (not yet recorded) group starts. */
function endsIdGroup(run: DigitRun, count: number, off: number): boolean {
  // An X check char closes 17 digits, unbroken or as the last group of the groupings
  // isIdCardGrouping knows: 6-8-3(+X), 6-4-4-3(+X), 4-4-4-4-1(+X).
  if (count === 17) return true;
  const g = run.groups;
  // The length of the j-th recorded group back from the current one (j = 1: the last).
  const back = (j: number) => (j === 1 ? off : run.gOff[g - j + 1]!) - run.gOff[g - j]!;
  if (count === 3 && g >= 2 && back(1) === 8 && back(2) === 6) return true;
  if (count === 3 && g >= 3 && back(1) === 4 && back(2) === 4 && back(3) === 6) return true;
  return count === 1 && g >= 4 && back(1) === 4 && back(2) === 4 && back(3) === 4 && back(4) === 4;
}

const FULLWIDTH_DOT = 0xff0e;

function isGapWhite(c: number): boolean {
  return c === SPACE || c === 9 || c === 0xa0 || c === 0x3000 || isTypeSpaceCode(c);
}

function isGapPunct(c: number): boolean {
  return c === DASH || c === DOT || c === FULLWIDTH_DOT || isWideDashCode(c) || isBracket(c);
}

/** N, E, S or W standing alone after a number. */
export function isHemisphereEnd(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  return (c === 78 || c === 69 || c === 83 || c === 87) && (p + 1 >= s.length || !isAlnumCode(s.charCodeAt(p + 1)));
}

/** Brackets around an area or network code ("+86 (135) 8828-4945") join groups when a space
 *  stands beside them; "(1)139…", a list number glued to a phone, stays apart. */
function isBracket(c: number): boolean {
  return c === 40 || c === 41 || c === 0xff08 || c === 0xff09;
}

/**
 * Reads the gap at s[p] up to a digit: returns the digit's index and sets `gapKind`, or -1
 * when no gap of at most MAX_GAP visible chars leads to a digit.
 */
let gapKind = GAP_NONE;
function readGap(s: string, p: number): number {
  let visible = 0;
  let white = 0;
  let punct = 0;
  let dots = 0;
  let brackets = 0;
  const n = s.length;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (isDigitCode(c)) break;
    if (isInvisibleCode(c)) {
      p++;
      continue;
    }
    // A lone '+' between digits is a space form-encoded into a query string that stayed raw
    // (a URL in a log line: "mobile=132+4640+9918").
    if (isGapWhite(c) || (c === PLUS && visible === 0 && p + 1 < n && isDigitCode(s.charCodeAt(p + 1)))) white++;
    else if (isGapPunct(c)) {
      punct++;
      // '．' is the decimal point of numbers written in full-width forms ("３０．５６７３４").
      if (c === DOT || c === FULLWIDTH_DOT) dots++;
      else if (isBracket(c)) brackets++;
    } else return -1;
    if (++visible > MAX_GAP) return -1;
    p++;
  }
  if (p >= n || visible === 0 || (brackets > 0 && white === 0)) return -1;
  if (punct === 0) gapKind = GAP_SPACE;
  else if (white === 0 && punct === 1) gapKind = dots === 1 ? GAP_DOT : GAP_DASH;
  else gapKind = GAP_MIXED;
  return p;
}

/** Fills `run` with the run starting at the digit s[i]; the caller continues at run.end. */
export function readDigitRun(s: string, i: number, run: DigitRun): void {
  run.reset(s, i);
  const n = s.length;
  let pos = i;
  let sep = GAP_NONE;
  let off = 0;
  for (;;) {
    const gs = pos;
    let count = 0;
    while (pos < n) {
      const c = s.charCodeAt(pos);
      if (c >= 48 && c <= 57) {
        count++;
        pos++;
      } else if (isDigitCode(c)) {
        count++;
        pos++;
        run.clean = false;
      } else if (isInvisibleCode(c)) {
        // Pasted evasions come in runs too ("15\u2060\u200d617…"): a run that a digit ends
        // stays inside the group.
        let q = pos + 1;
        while (q < n && q - pos < MAX_INVISIBLE_RUN && isInvisibleCode(s.charCodeAt(q))) q++;
        if (q >= n || !isDigitCode(s.charCodeAt(q))) break;
        pos = q;
        run.clean = false;
      } else {
        break;
      }
    }
    let closed = false;
    // The check char may sit behind invisible chars too ("…8\u200bX").
    let x = pos;
    while (x < n && isInvisibleCode(s.charCodeAt(x))) x++;
    if (x < n && isXCode(s.charCodeAt(x)) && endsIdGroup(run, count, off) && !(x + 1 < n && isAlnumCode(s.charCodeAt(x + 1)))) {
      if (x > pos || s.charCodeAt(x) > 127) run.clean = false;
      count++;
      pos = x + 1;
      closed = true;
    }
    // A later group glued to letters ("… 91350100M000…") starts a token of its own: the run
    // ends before it, so the token scan reads it whole. A hemisphere letter that ends a
    // coordinate ("31.2304N, 121.4737E") is no such token.
    if (run.groups > 0 && !closed && pos < n && isAlnumCode(s.charCodeAt(pos)) && !isHemisphereEnd(s, pos)) {
      pos = run.gEnd[run.groups - 1]!;
      break;
    }
    const g = run.groups++;
    run.gStart[g] = gs;
    run.gEnd[g] = pos;
    run.gSep[g] = sep;
    run.gOff[g] = off;
    off += count;
    if (closed || run.groups >= MAX_GROUPS || pos + 1 >= n) break;
    const next = readGap(s, pos);
    if (next < 0) break;
    sep = gapKind;
    pos = next;
  }
  run.gOff[run.groups] = off;
  run.end = pos;

  let p = i - 1;
  if (p >= 0 && (s.charCodeAt(p) === PLUS || s.charCodeAt(p) === 0xff0b)) {
    run.plus = true;
    p--;
  } else if (p >= 0 && s.charCodeAt(p) === DASH) {
    run.minus = true;
  }
  run.leftOk = p < 0 || !joinsLeft(s, p);
  run.rightOk = pos >= n || !joinsRight(s, pos);
}

/** Whether s[p] (just before a run) makes the run part of a longer token. */
function joinsLeft(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  if (isAlnumCode(c)) return true;
  const before = p > 0 ? s.charCodeAt(p - 1) : 0;
  // An '@' with no address before it is a mention ("请@18037880745 处理").
  if (c === AT) return isAlnumCode(before) || before === DOT || before === DASH || before === UNDERSCORE;
  if (c === DOT) return isDigitCode(before);
  return (c === DASH || c === UNDERSCORE) && isAlnumCode(before);
}

function joinsRight(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  if (isAlnumCode(c) || c === AT) return true;
  const after = p + 1 < s.length ? s.charCodeAt(p + 1) : 0;
  if (c === DOT) return isDigitCode(after);
  return (c === DASH || c === UNDERSCORE) && isAlnumCode(after);
}
