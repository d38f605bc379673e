import { describe, expect, it } from 'vitest';
import { parseJson, parseNdjson, MAX_JSON_DEPTH } from '../../../src/body/json.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { EgError } from '../../../src/errors.js';

/** location, key, value, and the raw bytes the span covers (so offsets are checked too). */
function summary(buf: Buffer, leaves: Leaf[]): Array<[string, string | undefined, string, string]> {
  return leaves.map((l) => [l.location, l.key, l.value, buf.subarray(l.rawStart, l.rawEnd).toString('utf8')]);
}

describe('parseJson: leaves', () => {
  const cases: Array<[string, string, Array<[string, string | undefined, string, string]>]> = [
    ['flat object', '{"a":"x","b":1}', [['/a', 'a', 'x', 'x'], ['/b', 'b', '1', '1']]],
    ['pointer escaping ~0 ~1', '{"a/b":"1","m~n":"2","~/":"3"}', [
      ['/a~1b', 'a/b', '1', '1'], ['/m~0n', 'm~n', '2', '2'], ['/~0~1', '~/', '3', '3'],
    ]],
    ['empty key', '{"":"v"}', [['/', '', 'v', 'v']]],
    ['nested arrays inherit the key', '{"ids":[["a"],["b",{"c":"d"}]]}', [
      ['/ids/0/0', 'ids', 'a', 'a'], ['/ids/1/0', 'ids', 'b', 'b'], ['/ids/1/1/c', 'c', 'd', 'd'],
    ]],
    ['top-level array items have no key', '["a", 2]', [['/0', undefined, 'a', 'a'], ['/1', undefined, '2', '2']]],
    ['top-level scalar', '  "solo"  ', [['', undefined, 'solo', 'solo']]],
    ['numbers keep their literal', '{"n":[-0.5e+10,0,12.25,1E3,-7]}', [
      ['/n/0', 'n', '-0.5e+10', '-0.5e+10'], ['/n/1', 'n', '0', '0'], ['/n/2', 'n', '12.25', '12.25'],
      ['/n/3', 'n', '1E3', '1E3'], ['/n/4', 'n', '-7', '-7'],
    ]],
    ['booleans and null give no leaf', '{"t":true,"f":false,"z":null,"s":"x"}', [['/s', 's', 'x', 'x']]],
    ['escapes are resolved', String.raw`{"e":"a\"b\\c\/d\b\f\n\r\t\u0031"}`, [
      ['/e', 'e', 'a"b\\c/d\b\f\n\r\t1', String.raw`a\"b\\c\/d\b\f\n\r\t\u0031`],
    ]],
    ['surrogate pair escape', String.raw`{"k":"\ud83d\ude00!"}`, [['/k', 'k', '😀!', String.raw`\ud83d\ude00!`]]],
    ['escaped key', String.raw`{"\u006b\/x":"v"}`, [['/k~1x', 'k/x', 'v', 'v']]],
    ['chinese keys and values (multibyte spans)', '{"姓名":"张三","地址":{"城市":"北京"}}', [
      ['/姓名', '姓名', '张三', '张三'], ['/地址/城市', '城市', '北京', '北京'],
    ]],
    ['whitespace everywhere', ' {\n\t"a" : [ 1 , "2" ] ,\r\n "b":{ } ,"c":[ ]}\n', [
      ['/a/0', 'a', '1', '1'], ['/a/1', 'a', '2', '2'],
    ]],
    ['duplicate keys both yield leaves', '{"a":"1","a":"2"}', [['/a', 'a', '1', '1'], ['/a', 'a', '2', '2']]],
  ];
  it.each(cases)('%s', (_name, json, expected) => {
    const buf = Buffer.from(json, 'utf8');
    const leaves = parseJson(buf);
    expect(summary(buf, leaves)).toEqual(expected);
    for (const leaf of leaves) expect(leaf.source).toBe('json');
  });

  it('gives byte offsets, not string offsets, after multibyte text', () => {
    const buf = Buffer.from('{"名":"值","x":"y"}', 'utf8');
    const [, y] = parseJson(buf);
    expect(y).toMatchObject({ rawStart: 18, rawEnd: 19, value: 'y' });
    expect(buf[y!.rawStart - 1]).toBe(0x22);
  });

  it('marks numbers only', () => {
    const [s, n] = parseJson(Buffer.from('["1",1]'));
    expect(s!.isNumber).toBeUndefined();
    expect(n!.isNumber).toBe(true);
  });

  it('skips a UTF-8 BOM and keeps offsets absolute', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"b"}')]);
    expect(parseJson(buf)).toEqual([{ location: '/a', key: 'a', value: 'b', rawStart: 9, rawEnd: 10, memberStart: 4, memberEnd: 11, source: 'json' }]);
  });

  it('handles nesting at the limit without recursion', () => {
    const depth = MAX_JSON_DEPTH;
    const buf = Buffer.from('['.repeat(depth) + '"x"' + ']'.repeat(depth));
    const [leaf] = parseJson(buf);
    expect(leaf!.location).toBe('/0'.repeat(depth));
  });
});

describe('parseJson: malformed input is uninspectable', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['empty', '', /at byte 0: unexpected end of input/],
    ['only whitespace', '   ', /unexpected end of input/],
    ['trailing comma in object', '{"a":1,}', /at byte 7: expected a string key/],
    ['trailing comma in array', '[1,]', /at byte 3: unexpected character/],
    ['missing colon', '{"a" 1}', /expected ':'/],
    ['single quotes', "{'a':1}", /expected a string key/],
    ['unquoted key', '{a:1}', /expected a string key/],
    ['unterminated string', '{"a":"abc', /at byte 5: unterminated string/],
    ['unclosed object', '{"a":1', /expected ',' or '}'/],
    ['unclosed array', '[1', /expected ',' or ']'/],
    ['raw newline in string', '["a\nb"]', /control character in string/],
    ['bad escape', String.raw`["\x"]`, /invalid escape/],
    ['short \\u escape', String.raw`["\u12"]`, /invalid \\u escape/],
    ['leading zero', '[01]', /expected ',' or ']'/],
    ['leading plus', '[+1]', /unexpected character/],
    ['bare dot', '[1.]', /expected a digit/],
    ['bare exponent', '[1e]', /expected a digit/],
    ['minus alone', '[-]', /expected a digit/],
    ['NaN', '[NaN]', /unexpected character/],
    ['bad literal', '[tru]', /invalid literal/],
    ['two documents', '{} {}', /unexpected data after the document/],
    ['comment', '{"a":1 /* x */}', /expected ',' or '}'/],
    ['invalid UTF-8', Buffer.from([0x22, 0xff, 0x22]), /not valid UTF-8/],
  ];
  it.each(cases)('%s', (_name, input, message) => {
    const buf = typeof input === 'string' ? Buffer.from(input) : input;
    let err: unknown;
    try {
      parseJson(buf);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EgError);
    expect((err as EgError).code).toBe('EG_BODY_UNINSPECTABLE');
    expect((err as EgError).detail).toMatch(/^malformed JSON/);
    expect((err as EgError).detail).toMatch(message);
  });

  it('refuses nesting beyond the limit (and does not overflow the stack)', () => {
    const deep = Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => parseJson(deep)).toThrow(/nesting deeper than 512 levels/);
  });

  it('never puts body content in the error', () => {
    const secret = '110101199003077777';
    try {
      parseJson(Buffer.from(`{"id":"${secret}",}`));
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(secret);
    }
  });
});

describe('parseNdjson', () => {
  it('prefixes each line index and keeps absolute offsets', () => {
    const text = '{"a":"x"}\r\n\n["y",1]\n"z"\n';
    const buf = Buffer.from(text);
    expect(summary(buf, parseNdjson(buf))).toEqual([
      ['/0/a', 'a', 'x', 'x'], ['/2/0', undefined, 'y', 'y'], ['/2/1', undefined, '1', '1'], ['/3', undefined, 'z', 'z'],
    ]);
  });

  it('accepts a BOM and no final newline', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"k":"v"}')]);
    expect(summary(buf, parseNdjson(buf))).toEqual([['/0/k', 'k', 'v', 'v']]);
  });

  it('refuses a malformed line with its absolute byte position', () => {
    expect(() => parseNdjson(Buffer.from('{"a":1}\n{"b":}\n'))).toThrow(/malformed JSON at byte 13: unexpected character/);
  });

  it('refuses a document spread over lines', () => {
    expect(() => parseNdjson(Buffer.from('{\n"a":1}\n'))).toThrow(EgError);
  });
});

describe('parseJson: tables take their header as keys', () => {
  const known = new Set(['name', 'phone', '姓名', '手机']);
  const columnName = (s: string) => known.has(s);
  const keys = (text: string, predicate: ((s: string) => boolean) | null = columnName) =>
    parseJson(Buffer.from(text), undefined, undefined, predicate ?? undefined).map((l) => `${l.location}=${l.key}`);
  it.each([
    // "x" may be a column's name or the value of a 姓名 pair: it is read as the value.
    ['a header row', '{"t":[["姓名","x"],["a","b"],["c","d","e"]]}', ['/t/0/0=t', '/t/0/1=姓名', '/t/1/0=姓名', '/t/1/1=x', '/t/2/0=姓名', '/t/2/1=x', '/t/2/2=t']],
    ['a header row of field names', '{"t":[["姓名","phone"],["a","b"]]}', ['/t/0/0=t', '/t/0/1=t', '/t/1/0=姓名', '/t/1/1=phone']],
    ['a list of pairs', '{"t":[["姓名","a"],["phone","b"],["note","c"]]}', ['/t/0/0=t', '/t/0/1=姓名', '/t/1/0=t', '/t/1/1=phone', '/t/2/0=姓名', '/t/2/1=a']],
    ['records labelled beside their value', '{"r":[{"field":"姓名","value":"a"},{"name":"phone","value":"b"},{"value":"c","field":"姓名"}]}', [
      '/r/0/field=field', '/r/0/value=姓名', '/r/1/name=name', '/r/1/value=phone', '/r/2/value=value', '/r/2/field=field',
    ]],
    ['records spelled fieldCode / fieldValue', '{"a":[{"fieldCode":"姓名","fieldValue":"x"},{"attrKey":"phone","attrVal":"y"}]}', [
      '/a/0/fieldCode=fieldCode', '/a/0/fieldValue=姓名', '/a/1/attrKey=attrKey', '/a/1/attrVal=phone',
    ]],
    ['a label inside the type object (FHIR)', '{"i":[{"type":{"text":"phone"},"value":"a"}]}', ['/i/0/type/text=text', '/i/0/value=phone']],
    ['columns described by objects', '{"columns":[{"key":"je","title":"金额"},{"key":"xm","title":"姓名"},{"title":"phone"}],"rows":[["1","a","b"]]}', [
      '/columns/0/key=key', '/columns/0/title=title', '/columns/1/key=key', '/columns/1/title=title', '/columns/2/title=title',
      '/rows/0/0=金额', '/rows/0/1=姓名', '/rows/0/2=phone',
    ]],
    ['a columns member', '{"columns":["name","phone"],"rows":[["a","b"]]}', ['/columns/0=columns', '/columns/1=columns', '/rows/0/0=name', '/rows/0/1=phone']],
    ['a first row naming no field', '{"t":[["a","b"],["c"]]}', ['/t/0/0=t', '/t/0/1=t', '/t/1/0=t']],
    ['a first row holding more than strings', '{"t":[["name",1],["c","d"]]}', ['/t/0/0=t', '/t/0/1=name', '/t/1/0=t', '/t/1/1=t']],
    ['a first row holding an object', '{"t":[["name",{"k":"v"}],["c"]]}', ['/t/0/0=t', '/t/0/1/k=k', '/t/1/0=t']],
    ['rows of objects inside a table', '{"t":[["name"],[{"k":"v"}]]}', ['/t/0/0=t', '/t/1/0/k=k']],
    ['a data member without columns', '{"data":[["a"]]}', ['/data/0/0=data']],
  ])('%s', (_label, text, want) => expect(keys(text)).toEqual(want));

  it('reads no table without a predicate', () => {
    expect(keys('{"t":[["name"],["a"]]}', null)).toEqual(['/t/0/0=t', '/t/1/0=t']);
  });
});
