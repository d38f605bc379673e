import { describe, expect, it } from 'vitest';
import { parseJson, parseNdjson } from '../../../src/body/json.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { looksLikeValueKey } from '../../../src/body/leaf.js';
import { expandNested } from '../../../src/body/nested.js';

const keyLeaves = (leaves: readonly Leaf[]) => leaves.filter((l) => l.isKey === true);

/** The raw bytes a leaf's span covers. */
const raw = (buf: Buffer, l: Leaf) => buf.toString('utf8', l.rawStart, l.rawEnd);

describe('looksLikeValueKey', () => {
  const cases: Array<[string, boolean]> = [
    ['13912345678', true],
    ['zhang.san@example.cn', true],
    ['zhang＠example.cn', true],
    ['11010519491231002X', true],
    ['６２２２０２１２３４', true],
    ['139 1234 5678', true],
    ['139-1234-5678', true],
    ['1234567', true],
    ['user_1234567', true],
    ['rs4477212', true],
    ['RS12564807', true],
    ['rs7412', true],
    ['rs', false],
    ['rsvp', false],
    ['2024', false],
    ['100000', false],
    ['123456', false],
    ['2024-01-01', false],
    ['12-34-56-78', false],
    ['phone', false],
    ['byPhone', false],
    ['v1.2.3', false],
    ['', false],
  ];
  it.each(cases)('%s → %s', (key, expected) => {
    expect(looksLikeValueKey(key)).toBe(expected);
  });
});

describe('parseJson: value-like keys become key leaves', () => {
  const cases: Array<[string, string, Array<[location: string, value: string, raw: string]>]> = [
    ['phone under a map', '{"byPhone": {"13912345678": {"orders": 3}}}', [['/byPhone/13912345678#key', '13912345678', '13912345678']]],
    ['e-mail with a scalar value', '{"subscribers": {"zhang.san@example.cn": true}}', [['/subscribers/zhang.san@example.cn#key', 'zhang.san@example.cn', 'zhang.san@example.cn']]],
    ['ID number at the root', '{"11010519491231002X": {"a": 1}}', [['/11010519491231002X#key', '11010519491231002X', '11010519491231002X']]],
    ['second member, whitespace around', '{ "a" : 1 ,\n "13800138000" : "x" }', [['/13800138000#key', '13800138000', '13800138000']]],
    ['escaped key: span covers the escapes', String.raw`{"\u00313912345678": 1}`, [['/13912345678#key', '13912345678', String.raw`\u00313912345678`]]],
    ['multibyte key', '{"张三@例子.中国": 1}', [['/张三@例子.中国#key', '张三@例子.中国', '张三@例子.中国']]],
    ['full-width digits', '{"１３９１２３４５６７８": 1}', [['/１３９１２３４５６７８#key', '１３９１２３４５６７８', '１３９１２３４５６７８']]],
    ['pointer escaping in the location', '{"a/b@c.cn": 1}', [['/a~1b@c.cn#key', 'a/b@c.cn', 'a/b@c.cn']]],
    ['inside an array item', '[{"13912345678": 1}, {"13912345679": 2}]', [['/0/13912345678#key', '13912345678', '13912345678'], ['/1/13912345679#key', '13912345679', '13912345679']]],
    ['ordinary keys', '{"phone": "13912345678", "items": [{"sku": 1}]}', []],
    ['short numeric keys', '{"2024": {"100000": 5, "123456": 6}, "2024-01-01": 1}', []],
  ];
  it.each(cases)('%s', (_name, json, expected) => {
    const buf = Buffer.from(json, 'utf8');
    const keys = keyLeaves(parseJson(buf));
    expect(keys.map((l) => [l.location, l.value, raw(buf, l)])).toEqual(expected);
    for (const l of keys) {
      expect(l.key).toBeUndefined();
      expect(l.memberStart).toBeUndefined();
      expect(buf[l.rawStart - 1]).toBe(0x22);
      expect(buf[l.rawEnd]).toBe(0x22);
    }
  });

  it('puts the key leaf before its value, which keeps its own location and key', () => {
    const leaves = parseJson(Buffer.from('{"m": {"13912345678": "v"}}'));
    expect(leaves.map((l) => [l.location, l.key, l.value])).toEqual([
      ['/m/13912345678#key', undefined, '13912345678'],
      ['/m/13912345678', '13912345678', 'v'],
    ]);
  });

  it('reports a repeated key every time', () => {
    const json = JSON.stringify([{ 'a@b.cn': 1, ok: 1 }, { 'a@b.cn': 2, ok: 2 }, { 'a@b.cn': 3, ok: 3 }]);
    expect(keyLeaves(parseJson(Buffer.from(json))).map((l) => l.location)).toEqual(['/0/a@b.cn#key', '/1/a@b.cn#key', '/2/a@b.cn#key']);
  });

  it('NDJSON: each line gets its own', () => {
    const buf = Buffer.from('{"13912345678": 1}\n{"x": 1}\n{"y": {"a@b.cn": 2}}\n');
    expect(keyLeaves(parseNdjson(buf)).map((l) => [l.location, raw(buf, l)])).toEqual([
      ['/0/13912345678#key', '13912345678'],
      ['/2/y/a@b.cn#key', 'a@b.cn'],
    ]);
  });

  it('JSON nested in a string: spans are into the parent value', () => {
    const outer = Buffer.from(JSON.stringify({ payload: JSON.stringify({ byPhone: { '13912345678': 1 } }) }));
    const { leaves } = expandNested(parseJson(outer));
    const [key] = keyLeaves(leaves);
    expect(key?.location).toBe('/payload|json/byPhone/13912345678#key');
    expect(key?.wrap).toBe('json');
    const parent = leaves[key!.parent!]!;
    expect(Buffer.from(parent.value, 'utf8').toString('utf8', key!.rawStart, key!.rawEnd)).toBe('13912345678');
  });
});
