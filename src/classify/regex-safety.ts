/**
 * Static checks on an operator's regular expression before it may run on the hot path. JS
 * regexes backtrack, so a pattern such as "(a+)+b" can take exponential time on a crafted
 * value; no request may be able to do that to the gateway. Refused, each with why and how to
 * rewrite: backreferences, lookbehind, nested quantifiers, repeated alternations whose branches
 * can start alike, and adjacent repetitions over overlapping characters (quadratic). safe-regex2
 * (star height, repetition count) is applied on top. The matcher also bounds the text an
 * operator regex sees (see custom.ts), so what slips through stays bounded.
 */
import safeRegex from 'safe-regex2';

/** A set of characters, approximately: exact for ASCII, one flag for everything else. */
class CharSet {
  readonly bits = new Uint32Array(4);
  other = false;

  static of(codes: Iterable<number>, other = false): CharSet {
    const s = new CharSet();
    for (const c of codes) s.add(c);
    s.other ||= other;
    return s;
  }

  static all(): CharSet {
    const s = new CharSet();
    s.bits.fill(0xffffffff);
    s.other = true;
    return s;
  }

  add(c: number): void {
    if (c < 128) this.bits[c >> 5]! |= 1 << (c & 31);
    else this.other = true;
  }

  addRange(a: number, b: number): void {
    for (let c = a; c <= Math.min(b, 127); c++) this.add(c);
    if (b >= 128) this.other = true;
  }

  union(o: CharSet): CharSet {
    const s = new CharSet();
    for (let i = 0; i < 4; i++) s.bits[i] = this.bits[i]! | o.bits[i]!;
    s.other = this.other || o.other;
    return s;
  }

  complement(): CharSet {
    const s = new CharSet();
    for (let i = 0; i < 4; i++) s.bits[i] = ~this.bits[i]! >>> 0;
    s.other = true;
    return s;
  }

  overlaps(o: CharSet): boolean {
    for (let i = 0; i < 4; i++) if ((this.bits[i]! & o.bits[i]!) !== 0) return true;
    return this.other && o.other;
  }

  caseFolded(): CharSet {
    const s = this.union(new CharSet());
    for (let c = 65; c <= 90; c++) if (this.has(c) || this.has(c + 32)) (s.add(c), s.add(c + 32));
    return s;
  }

  has(c: number): boolean {
    return c < 128 ? (this.bits[c >> 5]! & (1 << (c & 31))) !== 0 : this.other;
  }
}

const DIGITS = CharSet.of([], false);
DIGITS.addRange(48, 57);
const WORD = CharSet.of([95]);
WORD.addRange(48, 57);
WORD.addRange(65, 90);
WORD.addRange(97, 122);
const SPACE = CharSet.of([9, 10, 11, 12, 13, 32], true);
const DOT_ALL = CharSet.all();

/** What the analysis knows about a piece of pattern. */
interface Info {
  readonly first: CharSet;
  readonly chars: CharSet;
  readonly nullable: boolean;
  /** Contains a repetition without a small upper bound. */
  readonly unbounded: boolean;
  readonly text: string;
  /** An alternation whose branches can start with the same character (or match empty). */
  readonly overlapping?: boolean;
}

const EMPTY: Info = { first: new CharSet(), chars: new CharSet(), nullable: true, unbounded: false, text: '' };
/** A {n,m} above this counts as unbounded: "(a{1,1000}){1,1000}" backtracks as badly as "(a+)+". */
const LARGE_REPEAT = 32;

class Analyzer {
  private pos = 0;
  readonly problems: string[] = [];

  constructor(private readonly src: string, private readonly ignoreCase: boolean) {}

  run(): void {
    this.alternation();
    if (this.pos < this.src.length) this.problems.push(`unexpected ")" at position ${this.pos + 1}`);
  }

  private problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }

  private alternation(): Info {
    const start = this.pos;
    const branches: Info[] = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    let first = new CharSet();
    let chars = new CharSet();
    let nullable = false;
    let unbounded = false;
    for (const b of branches) {
      first = first.union(b.first);
      chars = chars.union(b.chars);
      nullable ||= b.nullable;
      unbounded ||= b.unbounded;
    }
    const overlapping = branches.some((a, i) => branches.some((b, j) => j > i && (a.first.overlaps(b.first) || a.nullable || b.nullable)));
    return { first, chars, nullable, unbounded, text: this.src.slice(start, this.pos), overlapping };
  }

  private sequence(): Info {
    const start = this.pos;
    let first = new CharSet();
    let chars = new CharSet();
    let nullable = true;
    let unbounded = false;
    // Unbounded repetitions since the last item that must consume something.
    let open: Info[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const item = this.quantified();
      for (const prev of open) {
        if (item.unbounded && prev.chars.overlaps(item.chars)) {
          this.problem(
            `adjacent repetitions "${prev.text}" and "${item.text}" can match the same characters, which makes matching quadratic on long input: merge them into one repetition or put a required character between them`,
          );
        }
      }
      if (!item.nullable) open = [];
      if (item.unbounded) open.push(item);
      if (nullable) first = first.union(item.first);
      chars = chars.union(item.chars);
      nullable &&= item.nullable;
      unbounded ||= item.unbounded;
    }
    return { first, chars, nullable, unbounded, text: this.src.slice(start, this.pos) };
  }

  private quantified(): Info {
    const start = this.pos;
    const atom = this.atom();
    const q = this.quantifier();
    if (q === undefined) return atom;
    const text = this.src.slice(start, this.pos);
    const large = q.max > LARGE_REPEAT;
    if (large && atom.unbounded) {
      this.problem(`nested quantifier in "${text}": a repeated group that itself repeats can backtrack catastrophically; repeat the inner part only once (e.g. "(a+)+" → "a+")`);
    }
    if (large && atom.overlapping === true) {
      this.problem(`repeated alternation "${text}": its branches can start with the same character, so matching can backtrack catastrophically; make each branch start differently or drop the repetition`);
    }
    return { first: atom.first, chars: atom.chars, nullable: atom.nullable || q.min === 0, unbounded: atom.unbounded || large, text };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.pos];
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null) return undefined;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length;
      if (this.src[this.pos] === '?') this.pos++;
      return { min, max };
    }
    if (q === undefined) return undefined;
    this.pos++;
    if (this.src[this.pos] === '?') this.pos++;
    return q;
  }

  private single(set: CharSet, start: number): Info {
    const s = this.ignoreCase ? set.caseFolded() : set;
    return { first: s, chars: s, nullable: false, unbounded: false, text: this.src.slice(start, this.pos) };
  }

  private atom(): Info {
    const start = this.pos;
    const c = this.src[this.pos]!;
    if (c === '(') return this.group();
    if (c === '[') return this.single(this.charClass(), start);
    if (c === '.') {
      this.pos++;
      return this.single(DOT_ALL, start);
    }
    if (c === '^' || c === '$') {
      this.pos++;
      return { ...EMPTY, text: c };
    }
    if (c === '\\') return this.escape(start);
    this.pos++;
    return this.single(CharSet.of([c.charCodeAt(0)]), start);
  }

  private group(): Info {
    const start = this.pos;
    this.pos++;
    let lookaround = false;
    if (this.src.startsWith('?<=', this.pos) || this.src.startsWith('?<!', this.pos)) {
      this.problem('lookbehind ("(?<=…)", "(?<!…)") is not allowed in operator patterns: match the preceding text as part of the pattern, or use a fields/keywords rule');
      this.pos += 3;
      lookaround = true;
    } else if (this.src.startsWith('?=', this.pos) || this.src.startsWith('?!', this.pos)) {
      this.pos += 2;
      lookaround = true;
    } else if (this.src.startsWith('?:', this.pos)) {
      this.pos += 2;
    } else if (this.src.startsWith('?<', this.pos)) {
      const close = this.src.indexOf('>', this.pos);
      this.pos = close < 0 ? this.src.length : close + 1;
    }
    const body = this.alternation();
    if (this.src[this.pos] === ')') this.pos++;
    const text = this.src.slice(start, this.pos);
    if (lookaround) return { ...EMPTY, unbounded: body.unbounded, text };
    return { ...body, text };
  }

  private escape(start: number): Info {
    this.pos++;
    const c = this.src[this.pos] ?? '';
    this.pos++;
    if (/[1-9]/.test(c) || (c === 'k' && this.src[this.pos] === '<')) {
      this.problem('backreferences ("\\1", "\\k<name>") are not allowed in operator patterns: they can force exponential backtracking; spell the repeated text out instead');
      while (/[0-9]/.test(this.src[this.pos] ?? '')) this.pos++;
      if (c === 'k') this.pos = Math.max(this.pos, this.src.indexOf('>', this.pos) + 1);
      return { ...EMPTY, text: this.src.slice(start, this.pos) };
    }
    if (c === 'b' || c === 'B') return { ...EMPTY, text: this.src.slice(start, this.pos) };
    return this.single(this.escapeSet(c), start);
  }

  /** The set of an escape whose letter `c` was just consumed. */
  private escapeSet(c: string): CharSet {
    switch (c) {
      case 'd': return DIGITS;
      case 'D': return DIGITS.complement();
      case 'w': return WORD;
      case 'W': return WORD.complement();
      case 's': return SPACE;
      case 'S': return SPACE.complement();
      case 'p':
      case 'P': {
        if (this.src[this.pos] === '{') this.pos = this.src.indexOf('}', this.pos) + 1 || this.src.length;
        return CharSet.all();
      }
      case 'u':
      case 'x': {
        const m = /^(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4}|[0-9a-fA-F]{2})/.exec(this.src.slice(this.pos));
        if (m === null) return CharSet.of([c.charCodeAt(0)]);
        this.pos += m[0].length;
        return CharSet.of([parseInt(m[0].replace(/[{}]/g, ''), 16)]);
      }
      case 'n': return CharSet.of([10]);
      case 'r': return CharSet.of([13]);
      case 't': return CharSet.of([9]);
      default: return CharSet.of([c.charCodeAt(0)]);
    }
  }

  private charClass(): CharSet {
    this.pos++;
    let negate = false;
    if (this.src[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    let set = new CharSet();
    let prev = -1;
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      let code: number;
      if (this.src[this.pos] === '\\') {
        this.pos++;
        const e = this.src[this.pos++] ?? '';
        const s = this.escapeSet(e);
        if ('dDwWsSpP'.includes(e)) {
          set = set.union(s);
          prev = -1;
          continue;
        }
        code = e === 'b' ? 8 : firstMember(s);
      } else {
        code = this.src.charCodeAt(this.pos++);
      }
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && prev === -1) {
        prev = code;
        this.pos++;
        continue;
      }
      if (prev >= 0) {
        set.addRange(prev, code);
        prev = -1;
      } else {
        set.add(code);
      }
    }
    this.pos++;
    return negate ? set.complement() : set;
  }
}

function firstMember(s: CharSet): number {
  for (let c = 0; c < 128; c++) if (s.has(c)) return c;
  return 0x80;
}

/** Why `source` may not run as an operator pattern; [] when it may. */
export function regexProblems(source: string, flags: string): string[] {
  const problems: string[] = [];
  if (/[^iu]/.test(flags)) problems.push(`flags "${flags}" are not allowed: only "i" and "u" (the matcher adds "g" itself)`);
  try {
    new RegExp(source, flags.replace(/[^iu]/g, ''));
  } catch (err) {
    problems.push(`pattern does not compile: ${(err as Error).message}`);
    return problems;
  }
  const analyzer = new Analyzer(source, flags.includes('i'));
  analyzer.run();
  problems.push(...analyzer.problems);
  if (problems.length === 0 && !safeRegex(source)) {
    problems.push(
      'pattern may backtrack catastrophically by safe-regex2\'s measure: it repeats a group that itself contains a quantifier (even a bounded one, as "(?:-?\\d{4}){3}") or has more than 25 repetitions; write the repetitions out (e.g. "\\d{4}-?\\d{4}-?\\d{4}") or use fields/keywords instead',
    );
  }
  return problems;
}
