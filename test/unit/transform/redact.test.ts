import { describe, expect, it } from 'vitest';
import { parseForm } from '../../../src/body/form.js';
import { parseJson } from '../../../src/body/json.js';
import { parseQuery } from '../../../src/body/query.js';
import { parseText } from '../../../src/body/text.js';
import { EgError } from '../../../src/errors.js';
import { maskValue, redactBody, redactQuery, type RedactEdit } from '../../../src/transform/redact.js';

/** Edits by location instead of index, to keep the tables readable. */
function redactJson(json: string, edits: Array<[string, number, number]>, char?: string): string {
  const buf = Buffer.from(json, 'utf8');
  const leaves = parseJson(buf);
  const resolved = edits.map(([location, start, end]) => ({ leafIndex: leaves.findIndex((l) => l.location === location), start, end }));
  return redactBody(buf, leaves, resolved, char === undefined ? undefined : { char }).toString('utf8');
}

describe('redactBody: JSON', () => {
  const cases: Array<[string, string, Array<[string, number, number]>, string, string?]> = [
    [
      'value inside a nested object, spaces kept',
      '{ "user" : { "name" : "张三" , "phone" : "13800138000" } ,\n  "n": 1 }',
      [['/user/phone', 3, 7]],
      '{ "user" : { "name" : "张三" , "phone" : "138****8000" } ,\n  "n": 1 }',
    ],
    ['multibyte value, whole', '{"name":"张三","x":"y"}', [['/name', 0, 2]], '{"name":"**","x":"y"}'],
    ['number leaf becomes a string', '{"card": 6222020200112233445, "x":1}', [['/card', 0, 19]], '{"card": "*******************", "x":1}'],
    ['number leaf, part of it', '[13800138000]', [['/0', 3, 7]], '["138****8000"]'],
    ['escapes in the value (\\u0031)', String.raw`{"id":"\u0031234\"5"}`, [['/id', 0, 4]], String.raw`{"id":"****\"5"}`],
    ['unmasked escapes are written canonically', String.raw`{"id":"a\u0031\n9"}`, [['/id', 3, 4]], String.raw`{"id":"a1\n*"}`],
    ['overlapping and adjacent spans merge', '{"v":"abcdefgh"}', [['/v', 1, 3], ['/v', 2, 5], ['/v', 5, 6]], '{"v":"a*****gh"}'],
    ['two leaves, edits out of order', '{"a":"1234","b":"5678"}', [['/b', 0, 2], ['/a', 2, 4]], '{"a":"12**","b":"**78"}'],
    ['split surrogate pair is widened', '{"e":"a😀b"}', [['/e', 1, 2]], '{"e":"a*b"}'],
    ['custom mask char', '{"p":"secret"}', [['/p', 0, 6]], '{"p":"××××××"}', '×'],
    ['mask char that needs escaping', '{"p":"ab"}', [['/p', 0, 1]], '{"p":"\\"b"}', '"'],
    ['empty span changes nothing', '{"n": 1.50}', [['/n', 1, 1]], '{"n": 1.50}'],
    ['lone surrogate stays escaped', String.raw`{"s":"\ud800xy"}`, [['/s', 1, 2]], String.raw`{"s":"\ud800*y"}`],
  ];
  it.each(cases)('%s', (_name, input, edits, expected, char) => {
    expect(redactJson(input, edits, char)).toBe(expected);
  });

  it('returns the same buffer when there is nothing to do', () => {
    const buf = Buffer.from('{"a":"b"}');
    expect(redactBody(buf, parseJson(buf), [])).toBe(buf);
  });

  it('keeps a BOM and the bytes around the leaf', () => {
    const buf = Buffer.from('\uFEFF{"a":"bc"}\n');
    const out = redactBody(buf, parseJson(buf), [{ leafIndex: 0, start: 0, end: 1 }]);
    expect(out.toString('utf8')).toBe('\uFEFF{"a":"*c"}\n');
  });
});

describe('redactBody: form and text', () => {
  it('form: re-encodes the leaf as x-www-form-urlencoded, * literal', () => {
    const buf = Buffer.from('name=%E5%BC%A0%E4%B8%89&phone=138+0013+8000&x=1');
    const leaves = parseForm(buf);
    const edits: RedactEdit[] = [{ leafIndex: 0, start: 0, end: 2 }, { leafIndex: 1, start: 4, end: 8 }];
    expect(redactBody(buf, leaves, edits).toString()).toBe('name=**&phone=138+****+8000&x=1');
  });

  it('form: unmasked parts are percent-encoded again, non-ASCII mask char too', () => {
    const buf = Buffer.from('a=%E4%B8%AD1234&b=%zz');
    const out = redactBody(buf, parseForm(buf), [{ leafIndex: 0, start: 1, end: 3 }], { char: '×' }).toString();
    expect(out).toBe('a=%E4%B8%AD%C3%97%C3%9734&b=%zz');
    expect(new URLSearchParams(out).get('a')).toBe('中××34');
  });

  it('form: the characters not masked keep their encoding as written (%20, lower-case escapes)', () => {
    const buf = Buffer.from('memo=RMB%2099816.25%20%e5%bc%a0%e4%b8%89%20ok+done&x=1');
    const out = redactBody(buf, parseForm(buf), [{ leafIndex: 0, start: 13, end: 15 }]).toString();
    expect(out).toBe('memo=RMB%2099816.25%20**%20ok+done&x=1');
    expect(new URLSearchParams(out).get('memo')).toBe('RMB 99816.25 ** ok done');
  });

  it('text: the whole body is the leaf', () => {
    const buf = Buffer.from('致电 13800138000 谢谢');
    const out = redactBody(buf, parseText(buf), [{ leafIndex: 0, start: 3, end: 14 }]);
    expect(out.toString()).toBe('致电 *********** 谢谢');
  });
});

describe('redactQuery', () => {
  it('rewrites only the edited values', () => {
    const q = 'a=1&phone=13800138000&b=%E4%B8%AD';
    expect(redactQuery(q, parseQuery(q), [{ leafIndex: 1, start: 3, end: 7 }])).toBe('a=1&phone=138****8000&b=%E4%B8%AD');
    expect(redactQuery(q, parseQuery(q), [])).toBe(q);
  });
});

describe('edit validation', () => {
  const buf = Buffer.from('{"a":"bc"}');
  const leaves = parseJson(buf);
  it.each([
    [{ leafIndex: 1, start: 0, end: 1 }],
    [{ leafIndex: 0, start: 0, end: 3 }],
    [{ leafIndex: 0, start: 2, end: 1 }],
    [{ leafIndex: 0, start: -1, end: 1 }],
    [{ leafIndex: 0, start: 0.5, end: 1 }],
  ])('refuses %o', (edit) => {
    expect(() => redactBody(buf, leaves, [edit])).toThrow(EgError);
  });
  it('refuses a mask of more than one character', () => {
    expect(() => redactBody(buf, leaves, [{ leafIndex: 0, start: 0, end: 1 }], { char: '**' })).toThrow(/single character/);
  });
});

describe('maskValue', () => {
  it('writes one mask char per code point', () => {
    expect(maskValue('a😀😀b', [[1, 5]])).toBe('a**b');
    expect(maskValue('abc', [[0, 3]], '#')).toBe('###');
    expect(maskValue('abc', [])).toBe('abc');
  });
});

describe('property: redacted JSON stays valid and only edited values change', () => {
  // A small seeded PRNG so a failure can be replayed.
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const ALPHABET = ['a', 'Z', '0', '9', ' ', '"', '\\', '/', '~', '\n', '\t', '\u0001', '中', '张', 'é', '😀', '\u2028'];

  function generate(r: () => number) {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const ws = () => pick(['', '', ' ', '\n  ', '\t']);
    const str = () => Array.from({ length: Math.floor(r() * 8) }, () => pick(ALPHABET)).join('');
    // Serialised by hand so escapes vary: some characters come out as \uXXXX.
    const quote = (s: string) =>
      '"' + [...s].map((ch) => (r() < 0.2 ? escapeAll(ch) : JSON.stringify(ch).slice(1, -1))).join('') + '"';
    const escapeAll = (ch: string) => Array.from({ length: ch.length }, (_, i) => '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0')).join('');
    const value = (depth: number): string => {
      const k = r();
      if (depth < 4 && k < 0.25) {
        const keys = new Set(Array.from({ length: Math.floor(r() * 4) }, str));
        return '{' + ws() + [...keys].map((key) => quote(key) + ws() + ':' + ws() + value(depth + 1)).join(ws() + ',' + ws()) + ws() + '}';
      }
      if (depth < 4 && k < 0.45) return '[' + ws() + Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1)).join(',' + ws()) + ws() + ']';
      if (k < 0.6) return pick(['0', '-12', '3.25', '1e9', '-0.5E-3', '13800138000']);
      if (k < 0.65) return pick(['true', 'false', 'null']);
      return quote(str());
    };
    return value(0);
  }

  function at(doc: unknown, pointer: string): unknown {
    if (pointer === '') return doc;
    return pointer
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, token) => (node as Record<string, unknown>)[token], doc);
  }

  it('holds for 500 random documents', () => {
    const r = rng(20240601);
    for (let run = 0; run < 500; run++) {
      const text = generate(r);
      const buf = Buffer.from(text, 'utf8');
      const original = JSON.parse(text) as unknown;
      const leaves = parseJson(buf);
      const edits: RedactEdit[] = [];
      leaves.forEach((leaf, leafIndex) => {
        if (r() < 0.5 || leaf.value.length === 0) return;
        const a = Math.floor(r() * (leaf.value.length + 1));
        const b = Math.floor(r() * (leaf.value.length + 1));
        edits.push({ leafIndex, start: Math.min(a, b), end: Math.max(a, b) });
      });
      const out = redactBody(buf, leaves, edits);
      const ctx = `run ${run}: ${text}`;
      let redacted: unknown;
      expect(() => (redacted = JSON.parse(out.toString('utf8'))), ctx).not.toThrow();

      // Every leaf: the masked value if edited, the original (same type) otherwise.
      const spans = new Map<number, Array<[number, number]>>();
      for (const e of edits) spans.set(e.leafIndex, [...(spans.get(e.leafIndex) ?? []), [e.start, e.end]]);
      leaves.forEach((leaf, i) => {
        const masked = maskValue(leaf.value, spans.get(i) ?? []);
        const expected = masked === leaf.value ? at(original, leaf.location) : masked;
        expect(at(redacted, leaf.location), `${ctx} @ ${leaf.location}`).toEqual(expected);
      });

      // Cutting the rewritten regions out of both leaves the same bytes.
      const outLeaves = parseJson(out);
      expect(outLeaves.map((l) => l.location), ctx).toEqual(leaves.map((l) => l.location));
      const changed = new Set([...spans].filter(([i, s]) => maskValue(leaves[i]!.value, s) !== leaves[i]!.value).map(([i]) => i));
      const rest = (b: Buffer, ls: typeof leaves, widen: (i: number) => number) => {
        const parts: Buffer[] = [];
        let pos = 0;
        for (const i of [...changed].sort((x, y) => x - y)) {
          parts.push(b.subarray(pos, ls[i]!.rawStart - widen(i)));
          pos = ls[i]!.rawEnd + widen(i);
        }
        parts.push(b.subarray(pos));
        return Buffer.concat(parts).toString('utf8');
      };
      // A masked number is written with quotes, which the new string leaf's span excludes.
      expect(rest(out, outLeaves, (i) => (leaves[i]!.isNumber ? 1 : 0)), ctx).toBe(rest(buf, leaves, () => 0));
    }
  });
});
