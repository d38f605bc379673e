/**
 * The numeric candidate scan. A run is a maximal stretch of digit groups joined by single
 * spaces or dashes ("138 1234 5678", "6222-0202-…"); the matcher then validates windows of
 * consecutive groups. Because runs are maximal, an 11-digit phone can never be found inside a
 * 13-digit timestamp or a longer order id. One DigitRun is reused for every scan.
 */
import { isAlnumCode, isDigitCode, isXCode, isZeroWidthCode, digitValue } from './chars.js';

const SPACE = 32;
const DASH = 45;
const UNDERSCORE = 95;
const DOT = 46;
const AT = 64;
const PLUS = 43;
const MAX_GROUPS = 32;

export class DigitRun {
  source = '';
  /** Source offset of the first digit, and the end (exclusive) of the run. */
  start = 0;
  end = 0;
  /** A '+' stands right before the first digit. */
  plus = false;
  /** Nothing identifier-like touches the run on that side (letters, '@', decimal point…). */
  leftOk = true;
  rightOk = true;
  groups = 0;
  /** Per group: source start and end, separator code before it (0 for the first), offset into
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
    this.clean = true;
    this.folded = undefined;
  }
}

/** `off` is the digit offset where the current (not yet recorded) group starts. */
function endsIdGroup(run: DigitRun, count: number, off: number): boolean {
  // An X check char closes 17 digits, unbroken or as the last group of 6-8-3(+X).
  if (count === 17) return true;
  const g = run.groups;
  return count === 3 && g >= 2 && off - run.gOff[g - 1]! === 8 && run.gOff[g - 1]! - run.gOff[g - 2]! === 6;
}

/** Fills `run` with the run starting at the digit s[i]; the caller continues at run.end. */
export function readDigitRun(s: string, i: number, run: DigitRun): void {
  run.reset(s, i);
  const n = s.length;
  let pos = i;
  let sep = 0;
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
      } else if (isZeroWidthCode(c) && pos + 1 < n && isDigitCode(s.charCodeAt(pos + 1))) {
        pos++;
        run.clean = false;
      } else {
        break;
      }
    }
    let closed = false;
    if (pos < n && isXCode(s.charCodeAt(pos)) && endsIdGroup(run, count, off) && !(pos + 1 < n && isAlnumCode(s.charCodeAt(pos + 1)))) {
      if (s.charCodeAt(pos) > 127) run.clean = false;
      count++;
      pos++;
      closed = true;
    }
    const g = run.groups++;
    run.gStart[g] = gs;
    run.gEnd[g] = pos;
    run.gSep[g] = sep;
    run.gOff[g] = off;
    off += count;
    if (closed || run.groups >= MAX_GROUPS || pos + 1 >= n) break;
    const c = s.charCodeAt(pos);
    if ((c !== SPACE && c !== DASH) || !isDigitCode(s.charCodeAt(pos + 1))) break;
    sep = c;
    pos++;
  }
  run.gOff[run.groups] = off;
  run.end = pos;

  let p = i - 1;
  if (p >= 0 && s.charCodeAt(p) === PLUS) {
    run.plus = true;
    p--;
  }
  run.leftOk = p < 0 || !joinsLeft(s, p);
  run.rightOk = pos >= n || !joinsRight(s, pos);
}

/** Whether s[p] (just before a run) makes the run part of a longer token. */
function joinsLeft(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  if (isAlnumCode(c) || c === AT) return true;
  const before = p > 0 ? s.charCodeAt(p - 1) : 0;
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
