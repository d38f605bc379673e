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

/** A folded code that joins a Latin keyword to its neighbour: a letter or a digit, so "ECG" is
 *  no word in "SKU-ECG2231" nor "HPV" in "0aa7HPV" (and hex and codes cost no trie walks). */
function joinsWord(folded: number): boolean {
  return isAsciiLetterCode(folded) || (folded >= 48 && folded <= 57);
}

export interface KeywordSpec<T> {
  readonly word: string;
  readonly payload: T;
  /** 'word': Latin letters or digits on neither side; 'stem': none before, any after ("diabet" →
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

export function foldCode(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 97;
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 97;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10 + 48;
  if (c === 0x3000) return 32;
  return c;
}

/** The code ranges foldCode changes (keywords.test.ts holds the two in step). */
export const FOLDED_RANGES: ReadonlyArray<readonly [number, number]> = [
  [65, 90],
  [0xff21, 0xff3a],
  [0xff41, 0xff5a],
  [0xff10, 0xff19],
  [0x3000, 0x3000],
];

interface Entry<T> {
  readonly word: string;
  readonly payload: T;
  readonly checkStart: boolean;
  readonly checkEnd: boolean;
  readonly caseSensitive: boolean;
}

/** One trie over some of the entries, flattened into typed arrays. With failure links it is an
 *  Aho–Corasick automaton whose outputs are merged along them; without, a plain trie whose
 *  outputs are each node's own words. */
class Trie {
  readonly rootNext: Int32Array;
  readonly childStart: Int32Array;
  readonly childCls: Uint16Array;
  readonly childState: Int32Array;
  readonly fail: Int32Array;
  readonly outStart: Int32Array;
  readonly outEntry: Int32Array;
  /** Transitions on the ASCII classes 1..ascii, tabulated (states × ascii): with failure links
   *  followed for an automaton, 0 for a missing child in a plain trie. */
  readonly delta: Int32Array;

  /**
   * Built on typed arrays and one edge map rather than a Map and arrays per state: a scan
   * command builds it once per process, and with the built-in dictionaries (~1,200 words,
   * ~6,000 states) per-state collections made its construction cost a sixth of `scan`'s start,
   * most of it their allocation and collection.
   */
  constructor(words: ReadonlyArray<{ readonly entry: number; readonly classes: readonly number[] }>, classes: number, readonly ascii: number, links: boolean) {
    // Edges by (state, class) key while inserting; states are numbered as they are made.
    const span = classes + 1;
    const edgeTo = new Map<number, number>();
    const edgeKeys: number[] = [];
    // The words ending at each state, in insertion order (entry index, then the next word's slot).
    const endHead: number[] = [-1];
    const endTail: number[] = [-1];
    const endEntry: number[] = [];
    const endNext: number[] = [];
    let states = 1;
    for (const w of words) {
      let st = 0;
      for (const k of w.classes) {
        const key = st * span + k;
        let to = edgeTo.get(key);
        if (to === undefined) {
          to = states++;
          endHead.push(-1);
          endTail.push(-1);
          edgeTo.set(key, to);
          edgeKeys.push(key);
        }
        st = to;
      }
      const slot = endEntry.length;
      endEntry.push(w.entry);
      endNext.push(-1);
      if (endHead[st] === -1) endHead[st] = slot;
      else endNext[endTail[st]!] = slot;
      endTail[st] = slot;
    }

    // Children in CSR form, sorted by state then class: sorting the keys sorts both.
    const keys = Float64Array.from(edgeKeys).sort();
    const edges = keys.length;
    this.rootNext = new Int32Array(classes + 1);
    this.childStart = new Int32Array(states + 1);
    this.childCls = new Uint16Array(edges);
    this.childState = new Int32Array(edges);
    for (let e = 0, s = 0; e < edges; e++) {
      const key = keys[e]!;
      const from = Math.floor(key / span);
      const k = key - from * span;
      const to = edgeTo.get(key)!;
      while (s <= from) this.childStart[s++] = e;
      this.childCls[e] = k;
      this.childState[e] = to;
      if (from === 0) this.rootNext[k] = to;
      if (e === edges - 1) while (s <= states) this.childStart[s++] = edges;
    }

    // Breadth first from the root, so a state's failure target (shallower) is complete before
    // the state: its transitions are the target's, overridden by its own children.
    this.fail = new Int32Array(states);
    this.delta = new Int32Array(states * ascii);
    const order = new Int32Array(states);
    let queued = 0;
    for (let s = 0, head = 0; ; s = order[head++]!) {
      const row = s * ascii;
      if (s === 0) this.delta.set(this.rootNext.subarray(1, ascii + 1), 0);
      else if (links) this.delta.copyWithin(row, this.fail[s]! * ascii, this.fail[s]! * ascii + ascii);
      for (let e = this.childStart[s]!; e < this.childStart[s + 1]!; e++) {
        const k = this.childCls[e]!;
        const to = this.childState[e]!;
        if (s !== 0 && k <= ascii) this.delta[row + k - 1] = to;
        order[queued++] = to;
        if (!links || s === 0) continue;
        const f = this.fail[s]!;
        if (k <= ascii) {
          this.fail[to] = this.delta[f * ascii + k - 1]!;
          continue;
        }
        // A class past the table: the failure chain, walked as step() walks it.
        let target = 0;
        for (let g = f; ; g = this.fail[g]!) {
          const t = g === 0 ? this.rootNext[k]! : this.child(g, k);
          if (t > 0) {
            target = t;
            break;
          }
          if (g === 0) break;
        }
        this.fail[to] = target;
      }
      if (head >= queued) break;
    }

    // Outputs: a state's own words, then (with links) its failure target's whole list.
    const outCount = new Int32Array(states);
    for (let q = -1; q < queued; q++) {
      const s = q < 0 ? 0 : order[q]!;
      let n = 0;
      for (let slot = endHead[s]!; slot !== -1; slot = endNext[slot]!) n++;
      outCount[s] = n + (links && s !== 0 ? outCount[this.fail[s]!]! : 0);
    }
    this.outStart = new Int32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      this.outStart[s] = total;
      total += outCount[s]!;
    }
    this.outStart[states] = total;
    this.outEntry = new Int32Array(total);
    for (let q = -1; q < queued; q++) {
      const s = q < 0 ? 0 : order[q]!;
      let p = this.outStart[s]!;
      for (let slot = endHead[s]!; slot !== -1; slot = endNext[slot]!) this.outEntry[p++] = endEntry[slot]!;
      if (links && s !== 0) {
        const f = this.fail[s]!;
        this.outEntry.copyWithin(p, this.outStart[f]!, this.outStart[f + 1]!);
      }
    }
  }

  /** Child of state s on class k, or 0. */
  child(s: number, k: number): number {
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

  /** The automaton's next state from st on class k (k > 0). */
  step(st: number, k: number): number {
    if (k <= this.ascii) return this.delta[st * this.ascii + k - 1]!;
    for (;;) {
      if (st === 0) return this.rootNext[k]!;
      const t = this.child(st, k);
      if (t !== 0) return t;
      st = this.fail[st]!;
    }
  }
}

/**
 * Keywords that must start a Latin word (the usual case) are not fed to the automaton: a scan
 * walks their trie from each word start only, so Latin text costs a letter test per char
 * instead of an automaton step. The other keywords (Han, or marked to match anywhere) stay in
 * an Aho–Corasick automaton; when none of them starts with an ASCII char, ASCII text can never
 * leave its root and is skipped without stepping. Otherwise everything is one automaton.
 */
export class KeywordAutomaton<T> {
  /** Folded code unit → alphabet class (0 = in no keyword, which resets the scan to root). */
  private readonly cls = new Uint16Array(65536);
  private readonly entries: Entry<T>[] = [];
  private readonly free: Trie;
  private readonly anchored: Trie | undefined;
  /** Per ASCII char: a word-start keyword begins with its class. */
  readonly anchoredFirst = new Uint8Array(128);
  private readonly freeAscii: boolean;

  constructor(specs: readonly KeywordSpec<T>[]) {
    let classes = 0;
    // ASCII classes are numbered first, so the dense tables cover exactly them.
    for (const spec of specs) {
      for (let i = 0; i < spec.word.length; i++) {
        const f = foldCode(spec.word.charCodeAt(i));
        if (f < 128 && this.cls[f] === 0) this.cls[f] = ++classes;
      }
    }
    const ascii = classes;
    const words: Array<{ entry: number; classes: number[]; anchored: boolean; asciiFirst: boolean }> = [];
    for (const spec of specs) {
      const word = spec.word;
      if (word.length === 0) continue;
      const entryIndex = this.entries.length;
      const latinStart = isAsciiLetterCode(foldCode(word.charCodeAt(0)));
      const latinEnd = isAsciiLetterCode(foldCode(word.charCodeAt(word.length - 1)));
      const boundary = spec.boundary ?? 'word';
      const checkStart = boundary !== 'none' && latinStart;
      this.entries.push({
        word,
        payload: spec.payload,
        checkStart,
        checkEnd: boundary === 'word' && latinEnd,
        caseSensitive: spec.caseSensitive === true,
      });
      const ks: number[] = [];
      for (let i = 0; i < word.length; i++) {
        const f = foldCode(word.charCodeAt(i));
        if (this.cls[f] === 0) this.cls[f] = ++classes;
        ks.push(this.cls[f]!);
      }
      words.push({ entry: entryIndex, classes: ks, anchored: checkStart, asciiFirst: foldCode(word.charCodeAt(0)) < 128 });
    }
    // Every unfolded form shares its folded form's class.
    for (const [from, to] of FOLDED_RANGES) {
      for (let c = from; c <= to; c++) {
        const f = foldCode(c);
        if (this.cls[f] !== 0) this.cls[c] = this.cls[f]!;
      }
    }
    const split = !words.some((w) => !w.anchored && w.asciiFirst);
    this.freeAscii = this.entries.some((e) => (!split || !e.checkStart) && [...e.word].some((ch) => foldCode(ch.charCodeAt(0)) < 128));
    if (split) {
      const anchored = words.filter((w) => w.anchored);
      this.free = new Trie(words.filter((w) => !w.anchored), classes, ascii, true);
      this.anchored = anchored.length > 0 ? new Trie(anchored, classes, ascii, false) : undefined;
      for (let c = 65; c <= 122; c++) {
        if (isAsciiLetterCode(c) && this.anchored !== undefined && this.anchored.rootNext[this.cls[c]!]! !== 0) this.anchoredFirst[c] = 1;
      }
    } else {
      this.free = new Trie(words, classes, ascii, true);
      this.anchored = undefined;
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether, in a value of ASCII only, every keyword starts a Latin word: then calling wordAt
   *  at each word start (a letter after neither a letter nor a digit) whose char is marked in
   *  anchoredFirst, and ordering the result with orderByEnd, finds exactly what scan() finds.
   *  The classifier's walk does that, so ASCII text is read once, not twice. */
  get byWordStart(): boolean {
    return this.anchored !== undefined;
  }

  /** Every keyword occurrence in `s` (overlaps included), in order of their end (longest
   *  first among those ending together). */
  scan(s: string, out: KeywordMatch<T>[]): void {
    if (this.anchored === undefined) {
      this.scanAll(s, out);
      return;
    }
    const base = out.length;
    const cls = this.cls;
    const free = this.free;
    const first = this.anchoredFirst;
    const outStart = free.outStart;
    const n = s.length;
    let st = 0;
    // A Latin word starts after anything but a letter or a digit (see joinsWord).
    let prevAlnum = false;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (((c | 32) - 97) >>> 0 <= 25) {
          if (!prevAlnum) {
            if (first[c] === 1) this.wordAt(s, i, out);
            prevAlnum = true;
          }
          // In the automaton's root (no Han keyword under way) the rest of the word is skipped.
          if (st === 0) {
            while (i + 1 < n && ((s.charCodeAt(i + 1) | 32) - 97) >>> 0 <= 25) i++;
            continue;
          }
        } else {
          prevAlnum = c >= 48 && c <= 57;
          if (st === 0) continue;
        }
        const k = cls[c]!;
        st = k === 0 ? 0 : free.step(st, k);
      } else {
        const letter = (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
        if (letter && !prevAlnum) this.wordAt(s, i, out);
        prevAlnum = letter || (c >= 0xff10 && c <= 0xff19);
        const k = cls[c]!;
        st = k === 0 ? 0 : free.step(st, k);
      }
      if (st !== 0) {
        const a = outStart[st]!;
        const b = outStart[st + 1]!;
        if (a !== b) this.report(s, i + 1, free.outEntry, a, b, out);
      }
    }
    // Word-start matches were found at their start: put everything in order of the end.
    if (out.length - base > 1) sortByEnd(out, base);
  }

  /** Keywords that start the Latin word at i. */
  wordAt(s: string, i: number, out: KeywordMatch<T>[]): void {
    const trie = this.anchored!;
    const cls = this.cls;
    let st = 0;
    for (let p = i; p < s.length; p++) {
      const k = cls[s.charCodeAt(p)]!;
      if (k === 0) return;
      st = st === 0 ? trie.rootNext[k]! : k <= trie.ascii ? trie.delta[st * trie.ascii + k - 1]! : trie.child(st, k);
      if (st === 0) return;
      const a = trie.outStart[st]!;
      const b = trie.outStart[st + 1]!;
      if (a !== b) this.report(s, p + 1, trie.outEntry, a, b, out);
    }
  }

  /** For byte-level pre-checks (plain.ts): whether some word-start keyword may begin at the
   *  ASCII letter buf[i]. Walks the word-start trie over the bytes and says yes as soon as a
   *  keyword is complete with its end boundary kept (case unchecked) or a non-ASCII byte meets
   *  a live state: it may answer yes where wordAt finds nothing, never the other way round. */
  mayStartWordAt(buf: Uint8Array, i: number, end: number): boolean {
    const trie = this.anchored;
    if (trie === undefined) return false;
    const cls = this.cls;
    let st = 0;
    for (let p = i; p < end; p++) {
      const b = buf[p]!;
      if (b >= 128) return true;
      const k = cls[b]!;
      if (k === 0) return false;
      st = st === 0 ? trie.rootNext[k]! : k <= trie.ascii ? trie.delta[st * trie.ascii + k - 1]! : trie.child(st, k);
      if (st === 0) return false;
      for (let o = trie.outStart[st]!; o < trie.outStart[st + 1]!; o++) {
        // report()'s end rule: a whole-word keyword must not run on into a letter or digit.
        if (!this.entries[trie.outEntry[o]!]!.checkEnd || p + 1 >= end) return true;
        const next = buf[p + 1]!;
        if (next >= 128 || !joinsWord(foldCode(next))) return true;
      }
    }
    return false;
  }

  /** Whether some keyword that is not word-anchored (Han, or marked to match anywhere) holds an
   *  ASCII char: when none does, ASCII text returns the automaton to its root. */
  get freeKeywordsHoldAscii(): boolean {
    return this.freeAscii;
  }

  /** One step of the automaton of the other keywords on code unit c (scan's own transition),
   *  for pre-checks that decode bytes themselves; 0 is the root. */
  freeStep(st: number, c: number): number {
    const k = this.cls[c]!;
    return k === 0 ? 0 : this.free.step(st, k);
  }

  /** Whether a keyword ends in state st of that automaton. */
  freeOutputAt(st: number): boolean {
    return this.free.outStart[st]! !== this.free.outStart[st + 1]!;
  }

  /** One automaton over every keyword (when some keyword may start anywhere with ASCII). */
  private scanAll(s: string, out: KeywordMatch<T>[]): void {
    const cls = this.cls;
    const free = this.free;
    const outStart = free.outStart;
    let st = 0;
    for (let i = 0; i < s.length; i++) {
      const k = cls[s.charCodeAt(i)]!;
      if (k === 0) {
        st = 0;
        continue;
      }
      st = free.step(st, k);
      const a = outStart[st]!;
      const b = outStart[st + 1]!;
      if (a !== b) this.report(s, i + 1, free.outEntry, a, b, out);
    }
  }

  private report(s: string, end: number, list: Int32Array, a: number, b: number, out: KeywordMatch<T>[]): void {
    for (let p = a; p < b; p++) {
      const e = this.entries[list[p]!]!;
      const start = end - e.word.length;
      if (e.checkStart && start > 0 && joinsWord(foldCode(s.charCodeAt(start - 1)))) continue;
      if (e.checkEnd && end < s.length && joinsWord(foldCode(s.charCodeAt(end)))) continue;
      if (e.caseSensitive && s.slice(start, end) !== e.word) continue;
      out.push({ start, end, payload: e.payload });
    }
  }
}

/** Puts matches found by wordAt alone (in order of their start) in scan()'s order. */
export function orderByEnd<T>(out: KeywordMatch<T>[]): void {
  if (out.length > 1) sortByEnd(out, 0);
}

/** Sorts out[base..] by end, then start (stable: equal spans keep their entry order). */
function sortByEnd<T>(out: KeywordMatch<T>[], base: number): void {
  const tail = out.splice(base);
  tail.sort((x, y) => x.end - y.end || x.start - y.start);
  for (const m of tail) out.push(m);
}
