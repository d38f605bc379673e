/**
 * Leaf.memberStart/memberEnd: the span of the whole member (JSON "key": value or array item,
 * form or query name=value) that redaction's drop mode removes.
 */
import { describe, expect, it } from 'vitest';
import { parseForm } from '../../../src/body/form.js';
import { parseJson, parseNdjson } from '../../../src/body/json.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { parseQuery } from '../../../src/body/query.js';

/** [location, member text] per leaf; the member text is undefined when there is no member. */
function members(text: string, leaves: readonly Leaf[], of: (l: Leaf) => string = () => text): Array<[string, string | undefined]> {
  return leaves.map((l) => {
    if (l.memberStart === undefined || l.memberEnd === undefined) return [l.location, undefined];
    return [l.location, Buffer.from(of(l), 'utf8').subarray(l.memberStart, l.memberEnd).toString('utf8')];
  });
}

describe('JSON member spans', () => {
  const cases: Array<[string, string, Array<[string, string | undefined]>]> = [
    ['object members, whitespace outside', '{ "a" : "x" ,\n  "b":1 }', [['/a', '"a" : "x"'], ['/b', '"b":1']]],
    ['array items', '[ 1 , "two",\n 3.5e2 ]', [['/0', '1'], ['/1', '"two"'], ['/2', '3.5e2']]],
    ['nested', '{"a":{"b":[1,{"c":"d"}]},"e":-2}', [['/a/b/0', '1'], ['/a/b/1/c', '"c":"d"'], ['/e', '"e":-2']]],
    ['after an empty container', '{"a":{},"b":[],"c":"x"}', [['/c', '"c":"x"']]],
    ['escaped key and value', String.raw`{"k\"1":"v\u0031"}`, [['/k"1', String.raw`"k\"1":"v\u0031"`]]],
    ['multibyte before', '{"名":"张三","b":"x"}', [['/名', '"名":"张三"'], ['/b', '"b":"x"']]],
    ['root scalar has none', '"13812345678"', [['', undefined]]],
    ['root number has none', ' 42 ', [['', undefined]]],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(members(text, parseJson(Buffer.from(text, 'utf8')))).toEqual(expected);
  });

  it('literals are no leaves; members around them still line up', () => {
    const text = '[true,"a",null]';
    expect(members(text, parseJson(Buffer.from(text)))).toEqual([['/1', '"a"']]);
  });

  it('NDJSON: offsets are into the whole body, each line root has none', () => {
    const text = '{"a":1}\n"x"\n{"b":[2]}\n';
    expect(members(text, parseNdjson(Buffer.from(text)))).toEqual([['/0/a', '"a":1'], ['/1', undefined], ['/2/b/0', '2']]);
  });

  it('nested JSON: offsets are into the parent value; a container keeps its own', () => {
    const text = String.raw`{"p":"{\"u\":{\"phone\":\"x\"}}"}`;
    const { leaves } = parseBody(Buffer.from(text), 'application/json');
    expect(leaves[0]!.container).toBe(true);
    expect(members(text, leaves, (l) => (l.parent === undefined ? text : leaves[l.parent]!.value))).toEqual([
      ['/p', String.raw`"p":"{\"u\":{\"phone\":\"x\"}}"`],
      ['/p|json/u/phone', '"phone":"x"'],
    ]);
  });
});

describe('form and query member spans', () => {
  it('form: name=value, without the &', () => {
    const text = 'a=1&&b&c=%E4%B8%AD&=d&';
    expect(members(text, parseForm(Buffer.from(text)))).toEqual([['/a', 'a=1'], ['/b', 'b'], ['/c', 'c=%E4%B8%AD'], ['/', '=d']]);
  });

  it('form: byte offsets after raw multibyte text', () => {
    const text = 'n=张三&x=1';
    expect(members(text, parseForm(Buffer.from(text)))).toEqual([['/n', 'n=张三'], ['/x', 'x=1']]);
  });

  it('query: string offsets, kept on a container', () => {
    const q = 'a=1&f=%7B%22t%22%3A%221%22%7D';
    const leaves = parseQuery(q);
    expect(leaves[1]!.container).toBe(true);
    expect(leaves.filter((l) => l.parent === undefined).map((l) => q.slice(l.memberStart, l.memberEnd))).toEqual(['a=1', 'f=%7B%22t%22%3A%221%22%7D']);
  });

  it('CSV cells, multipart parts and text bodies have none', () => {
    for (const [body, type] of [
      ['a,b\n1,2\n', 'text/csv'],
      ['hello', 'text/plain'],
      ['--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--\r\n', 'multipart/form-data; boundary=B'],
    ] as const) {
      for (const leaf of parseBody(Buffer.from(body), type).leaves) expect(leaf.memberStart, `${type} ${leaf.location}`).toBeUndefined();
    }
  });
});
