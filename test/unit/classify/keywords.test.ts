import { describe, expect, it } from 'vitest';
import { KeywordAutomaton, type KeywordSpec } from '../../../src/classify/keywords.js';

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
