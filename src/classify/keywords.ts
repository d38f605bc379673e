/**
 * One multi-pattern automaton (Aho–Corasick) for every keyword the classifier knows: the
 * built-in dictionaries (health, religion, biometric, genetic, name triggers) and the keywords
 * of operator rules. It is compiled once per classifier into typed arrays; a scan is one pass
 * over the value with amortised O(1) work per character, whatever the number of keywords.
 *
 * Matching folds ASCII case and full-width forms (one code unit each, so offsets stay those of
 * the original value); Latin keywords only match as whole words unless marked as stems.
 */
import { isAsciiLetterCode } from './chars.js';

export interface KeywordSpec<T> {
  readonly word: string;
  readonly payload: T;
  /** 'word': Latin letters on neither side; 'stem': none before, any after ("diabet" →
   *  "diabetes"); 'none': anywhere. Default: 'word' for keywords with Latin letters at an end. */
  readonly boundary?: 'word' | 'stem' | 'none';
  /** Match the exact case only (acronyms such as "HIV", "AIDS"). */
  readonly caseSensitive?: boolean;
}

export interface KeywordMatch<T> {
  readonly start: number;
  readonly end: number;
  readonly payload: T;
}

function foldCode(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 97;
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 97;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10 + 48;
  if (c === 0x3000) return 32;
  return c;
}

interface Entry<T> {
  readonly word: string;
  readonly payload: T;
  readonly checkStart: boolean;
  readonly checkEnd: boolean;
  readonly caseSensitive: boolean;
}

export class KeywordAutomaton<T> {
  /** Folded code unit → alphabet class (0 = in no keyword, which resets the scan to root). */
  private readonly cls = new Uint16Array(65536);
  private readonly rootNext: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCls: Uint16Array;
  private readonly childState: Int32Array;
  private readonly fail: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outEntry: Int32Array;
  private readonly entries: Entry<T>[] = [];
  /** Classes 1..asciiClasses come from ASCII; for them the full transition function is
   *  tabulated (states × asciiClasses), so Latin text never follows failure links. */
  private readonly asciiClasses: number;
  private readonly asciiDelta: Int32Array;

  constructor(specs: readonly KeywordSpec<T>[]) {
    // Build a trie with Maps, then flatten it.
    const next: Array<Map<number, number>> = [new Map()];
    const ends: number[][] = [[]];
    let classes = 0;
    // ASCII classes are numbered first, so the dense table below covers exactly them.
    for (const spec of specs) {
      for (let i = 0; i < spec.word.length; i++) {
        const f = foldCode(spec.word.charCodeAt(i));
        if (f < 128 && this.cls[f] === 0) this.cls[f] = ++classes;
      }
    }
    this.asciiClasses = classes;
    for (const spec of specs) {
      const word = spec.word;
      if (word.length === 0) continue;
      const entryIndex = this.entries.length;
      const latinStart = isAsciiLetterCode(foldCode(word.charCodeAt(0)));
      const latinEnd = isAsciiLetterCode(foldCode(word.charCodeAt(word.length - 1)));
      const boundary = spec.boundary ?? 'word';
      this.entries.push({
        word,
        payload: spec.payload,
        checkStart: boundary !== 'none' && latinStart,
        checkEnd: boundary === 'word' && latinEnd,
        caseSensitive: spec.caseSensitive === true,
      });
      let st = 0;
      for (let i = 0; i < word.length; i++) {
        const f = foldCode(word.charCodeAt(i));
        if (this.cls[f] === 0) this.cls[f] = ++classes;
        const k = this.cls[f]!;
        let to = next[st]!.get(k);
        if (to === undefined) {
          to = next.length;
          next.push(new Map());
          ends.push([]);
          next[st]!.set(k, to);
        }
        st = to;
      }
      ends[st]!.push(entryIndex);
    }
    // Every unfolded form shares its folded form's class.
    for (let c = 0; c < 65536; c++) {
      const f = foldCode(c);
      if (f !== c && this.cls[f] !== 0) this.cls[c] = this.cls[f]!;
    }

    const states = next.length;
    this.rootNext = new Int32Array(classes + 1);
    for (const [k, to] of next[0]!) this.rootNext[k] = to;
    this.childStart = new Int32Array(states + 1);
    let edges = 0;
    for (let s = 0; s < states; s++) {
      this.childStart[s] = edges;
      edges += next[s]!.size;
    }
    this.childStart[states] = edges;
    this.childCls = new Uint16Array(edges);
    this.childState = new Int32Array(edges);
    for (let s = 0; s < states; s++) {
      const sorted = [...next[s]!].sort((a, b) => a[0] - b[0]);
      let e = this.childStart[s]!;
      for (const [k, to] of sorted) {
        this.childCls[e] = k;
        this.childState[e++] = to;
      }
    }

    // Breadth-first failure links; outputs are merged along them so a scan reads one list.
    this.fail = new Int32Array(states);
    const order: number[] = [];
    for (const to of next[0]!.values()) order.push(to);
    for (let q = 0; q < order.length; q++) {
      const s = order[q]!;
      for (const [k, to] of next[s]!) {
        let f = this.fail[s]!;
        let target = 0;
        for (;;) {
          const t = f === 0 ? this.rootNext[k]! : this.child(f, k);
          if (t > 0 && t !== to) {
            target = t;
            break;
          }
          if (f === 0) break;
          f = this.fail[f]!;
        }
        this.fail[to] = target;
        order.push(to);
      }
    }
    const outs: number[][] = new Array<number[]>(states);
    outs[0] = ends[0]!;
    for (const s of order) outs[s] = [...ends[s]!, ...outs[this.fail[s]!]!];
    this.outStart = new Int32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      this.outStart[s] = total;
      total += outs[s]!.length;
    }
    this.outStart[states] = total;
    this.outEntry = new Int32Array(total);
    for (let s = 0, p = 0; s < states; s++) for (const e of outs[s]!) this.outEntry[p++] = e;

    const a = this.asciiClasses;
    this.asciiDelta = new Int32Array(states * a);
    for (let k = 1; k <= a; k++) this.asciiDelta[k - 1] = this.rootNext[k]!;
    // Breadth-first, so a state's failure target is filled in before the state itself.
    for (const s of order) {
      for (let k = 1; k <= a; k++) {
        const t = this.child(s, k);
        this.asciiDelta[s * a + k - 1] = t !== 0 ? t : this.asciiDelta[this.fail[s]! * a + k - 1]!;
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Child of state s on class k, or 0. */
  private child(s: number, k: number): number {
    let lo = this.childStart[s]!;
    let hi = this.childStart[s + 1]! - 1;
    const cc = this.childCls;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = cc[mid]!;
      if (v === k) return this.childState[mid]!;
      if (v < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Every keyword occurrence in `s` (overlaps included), in order of their end. */
  scan(s: string, out: KeywordMatch<T>[]): void {
    const cls = this.cls;
    const ascii = this.asciiClasses;
    const delta = this.asciiDelta;
    const outStart = this.outStart;
    let st = 0;
    for (let i = 0; i < s.length; i++) {
      const k = cls[s.charCodeAt(i)]!;
      if (k === 0) {
        st = 0;
        continue;
      }
      if (k <= ascii) {
        st = delta[st * ascii + k - 1]!;
      } else {
        for (;;) {
          if (st === 0) {
            st = this.rootNext[k]!;
            break;
          }
          const t = this.child(st, k);
          if (t !== 0) {
            st = t;
            break;
          }
          st = this.fail[st]!;
        }
      }
      const a = outStart[st]!;
      const b = outStart[st + 1]!;
      if (a !== b) this.report(s, i + 1, a, b, out);
    }
  }

  private report(s: string, end: number, a: number, b: number, out: KeywordMatch<T>[]): void {
    for (let p = a; p < b; p++) {
      const e = this.entries[this.outEntry[p]!]!;
      const start = end - e.word.length;
      if (e.checkStart && start > 0 && isAsciiLetterCode(foldCode(s.charCodeAt(start - 1)))) continue;
      if (e.checkEnd && end < s.length && isAsciiLetterCode(foldCode(s.charCodeAt(end)))) continue;
      if (e.caseSensitive && s.slice(start, end) !== e.word) continue;
      out.push({ start, end, payload: e.payload });
    }
  }
}
