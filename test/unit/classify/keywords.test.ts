import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/classify/finding.js';
import { FOLDED_RANGES, foldCode, KeywordAutomaton, type KeywordSpec } from '../../../src/classify/keywords.js';
import { builtinKeywords } from '../../../src/classify/keyword-table.js';
import { createClassifier } from '../../../src/classify/matcher.js';
import { classifier, leaf, NOW } from './helpers.js';

function run(specs: Array<KeywordSpec<string>>, s: string): string[] {
  const out: Array<{ start: number; end: number; payload: string }> = [];
  new KeywordAutomaton(specs).scan(s, out);
  return out.map((m) => `${m.payload}:${s.slice(m.start, m.end)}`);
}

describe('KeywordAutomaton', () => {
  const specs: Array<KeywordSpec<string>> = [
    { word: 'he', payload: 'a', boundary: 'none' }, { word: 'she', payload: 'b', boundary: 'none' },
    { word: 'his', payload: 'c', boundary: 'none' }, { word: 'hers', payload: 'd', boundary: 'none' },
  ];
  it('finds overlapping keywords (the classic ushers example)', () => {
    expect(run(specs, 'ushers')).toEqual(['b:she', 'a:he', 'd:hers']);
  });

  it('folds ASCII case and full width, keeping original offsets', () => {
    expect(run([{ word: 'hiv', payload: 'x' }], 'HIV ｈｉｖ Hiv')).toEqual(['x:HIV', 'x:ｈｉｖ', 'x:Hiv']);
  });

  it('Latin keywords match whole words; stems only at their start', () => {
    const s: Array<KeywordSpec<string>> = [{ word: 'hiv', payload: 'w' }, { word: 'diabet', payload: 's', boundary: 'stem' }];
    expect(run(s, 'archive hiv-positive diabetes prediabetes')).toEqual(['w:hiv', 's:diabet']);
  });

  it.each([
    ['SKU-ECG2231', []],
    ['item 2231ECG', []],
    ['lot HPV9x7', []],
    ['ｓｋｕ－ＥＣＧ２２３１', []],
    ['0aa7ecg21fe', []],
    ['ECG normal', ['e:ECG']],
    ['ECG-2 done', ['e:ECG']],
    ['(ECG)', ['e:ECG']],
    ['HPV 16 positive', ['h:HPV']],
  ])('a digit joins a Latin keyword to a code: %s', (text, want) => {
    const s: Array<KeywordSpec<string>> = [{ word: 'ECG', payload: 'e', caseSensitive: true }, { word: 'hpv', payload: 'h' }];
    expect(run(s, text)).toEqual(want);
  });

  it('case-sensitive entries', () => {
    expect(run([{ word: 'AIDS', payload: 'x', caseSensitive: true }], 'AIDS hearing aids Aids')).toEqual(['x:AIDS']);
  });

  it('Han keywords need no boundaries', () => {
    expect(run([{ word: '糖尿病', payload: 'h' }, { word: '病', payload: 'p' }], '妊娠期糖尿病')).toEqual(['h:糖尿病', 'p:病']);
  });

  it('matches across a long dictionary like a naive search does', () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}x${'ab'.slice(i % 2)}`);
    const text = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? words[(i * 13) % 300] : 'filler')).join(' ');
    const got = run(words.map((w) => ({ word: w, payload: w })), text).length;
    const want = text.split(' ').filter((t) => words.includes(t)).length;
    expect(got).toBe(want);
  });
});

describe('KeywordAutomaton word-start split', () => {
  it("holds for the built-in keywords: one starting with an ASCII char that is no letter (\"(男,\") would turn the pre-check off", () => {
    expect(new KeywordAutomaton(builtinKeywords()).byWordStart).toBe(true);
    expect(classifier.leafFilter?.(NOW)).toBeDefined();
  });

  /** The definition the automaton implements, checked position by position. */
  function naive(specs: Array<KeywordSpec<string>>, s: string): string[] {
    const fold = (c: number): number => {
      if (c >= 65 && c <= 90) return c + 32;
      if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 97;
      if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 97;
      if (c >= 0xff10 && c <= 0xff19) return c - 0xff10 + 48;
      if (c === 0x3000) return 32;
      return c;
    };
    const letter = (c: number): boolean => ((c | 32) - 97) >>> 0 <= 25;
    // A letter or a digit next to a Latin keyword makes it part of a longer word or code.
    const joins = (c: number): boolean => letter(c) || (c >= 48 && c <= 57);
    const found: Array<{ start: number; end: number; i: number }> = [];
    specs.forEach((spec, i) => {
      const w = spec.word;
      const latinStart = letter(fold(w.charCodeAt(0)));
      const latinEnd = letter(fold(w.charCodeAt(w.length - 1)));
      const boundary = spec.boundary ?? 'word';
      for (let start = 0; start + w.length <= s.length; start++) {
        let ok = true;
        for (let k = 0; k < w.length && ok; k++) ok = fold(s.charCodeAt(start + k)) === fold(w.charCodeAt(k));
        const end = start + w.length;
        if (!ok) continue;
        if (boundary !== 'none' && latinStart && start > 0 && joins(fold(s.charCodeAt(start - 1)))) continue;
        if (boundary === 'word' && latinEnd && end < s.length && joins(fold(s.charCodeAt(end)))) continue;
        if (spec.caseSensitive === true && s.slice(start, end) !== w) continue;
        found.push({ start, end, i });
      }
    });
    found.sort((x, y) => x.end - y.end || x.start - y.start || x.i - y.i);
    return found.map((m) => `${specs[m.i]!.payload}:${s.slice(m.start, m.end)}`);
  }

  // A small alphabet so that keywords occur often: Latin (both cases, full width), Han, digits,
  // punctuation and spaces.
  const ALPHABET = [...'abcdhivsABHI  -.2ｈｉＶ病糖尿医院'];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const text = (len: number): string => Array.from({ length: len }, () => ALPHABET[rand(ALPHABET.length)]).join('');

  const sets: Array<[string, Array<KeywordSpec<string>>]> = [
    ['word-start Latin with Han', [
      { word: 'hiv', payload: 'w' }, { word: 'hi', payload: 'h' }, { word: 'ab', payload: 'ab', boundary: 'stem' },
      { word: 'HIV', payload: 'cs', caseSensitive: true }, { word: 'a-2', payload: 'p' }, { word: 'b病', payload: 'bh' },
      { word: '糖尿病', payload: 'd' }, { word: '病', payload: 'b' }, { word: '医院', payload: 'y' }, { word: '病a', payload: 'ha' },
    ]],
    ['with a keyword that may start anywhere', [
      { word: 'hiv', payload: 'w' }, { word: 'iv', payload: 'n', boundary: 'none' }, { word: '糖尿病', payload: 'd' },
    ]],
  ];
  for (const [name, specs] of sets) {
    it(`finds what a position-by-position search finds (${name})`, () => {
      for (let t = 0; t < 400; t++) {
        const s = text(1 + rand(40));
        expect(run(specs, s)).toEqual(naive(specs, s));
      }
    });
  }

  it('finds what a position-by-position search finds (random dictionaries)', () => {
    // Many small dictionaries over the same alphabet: shared prefixes, words inside words and
    // failure chains through Han chars (past the automaton's dense ASCII table) all come up.
    const boundaries = [undefined, 'word', 'stem', 'none'] as const;
    for (let d = 0; d < 300; d++) {
      const specs = Array.from({ length: 1 + rand(12) }, (_, i): KeywordSpec<string> => ({
        word: text(1 + rand(4)).replace(/^ +| +$/g, '') || '病',
        payload: `k${i}`,
        boundary: boundaries[rand(4)],
        caseSensitive: rand(8) === 0,
      }));
      for (let t = 0; t < 10; t++) {
        const s = text(1 + rand(40));
        expect(run(specs, s), JSON.stringify({ words: specs.map((x) => x.word), s })).toEqual(naive(specs, s));
      }
    }
  });
});

describe('foldCode and FOLDED_RANGES', () => {
  it('name the same code units (the automaton gives each folded form its class from the ranges)', () => {
    const inRanges = (c: number): boolean => FOLDED_RANGES.some(([from, to]) => c >= from && c <= to);
    const mismatched: number[] = [];
    for (let c = 0; c < 65536; c++) if ((foldCode(c) !== c) !== inRanges(c)) mismatched.push(c);
    expect(mismatched).toEqual([]);
  });
});

describe('the walk finds the Latin keywords of ASCII values itself', () => {
  // A keyword that may start anywhere with an ASCII char turns the walk's shortcut off, so this
  // classifier runs the automaton over every value: both must report the same.
  const viaAutomaton = createClassifier(new Map(), [{ id: 'anywhere', category: 'x.anywhere', keywords: ['#zq9'] }]);
  const WORDS = [
    'diabetes', 'HIV', 'ECG', 'patient', 'Dear', 'Mr.', 'Ms', 'genotype', 'rs4988235', 'AG', 'E11.9', 'M10', 'ICD-10', 'q4h',
    'mg', '2 tabs', 'covid-19', 'church', 'fingerprint', 'name', 'is', 'John', 'Smith', 'a@hiv.example.com', 'x@y.cn',
    'GATTACAGATTACACCGGTTAAC', 'ACGTACGTAC', 'allergy', 'cancer', 'negative', 'no', 'history', 'of', '13800138000',
  ];
  const SEPS = [' ', ' ', ', ', ': ', '-', '\n', '.', '(', ')', '/', '1', 'x', '=', '\n>', ''];
  let seed = 99;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const key = (f: Finding): string => `${f.category}|${f.rule}|${f.start}|${f.end}|${f.confidence}`;

  it('same findings as the automaton over random ASCII text', () => {
    for (let t = 0; t < 600; t++) {
      let s = '';
      for (let k = 1 + rand(12); k > 0; k--) s += WORDS[rand(WORDS.length)]! + SEPS[rand(SEPS.length)]!;
      const leaves = [leaf(s, t % 3 === 0 ? undefined : 'note')];
      const want = viaAutomaton.classify(leaves, NOW).filter((f) => f.category !== 'x.anywhere').map(key);
      expect(classifier.classify(leaves, NOW).map(key), s).toEqual(want);
    }
  });
});
