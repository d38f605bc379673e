import { describe, expect, it } from 'vitest';
import { parseForm } from '../../../src/body/form.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseQuery } from '../../../src/body/query.js';
import { encodeUrlEncoded, reencodeUrlEncoded } from '../../../src/body/urlencoded.js';
import { EgError } from '../../../src/errors.js';

type Row = [string, string, string, string];

function formSummary(raw: string): Row[] {
  const buf = Buffer.from(raw, 'utf8');
  return parseForm(buf).map((l: Leaf) => [l.location, l.key ?? '(none)', l.value, buf.subarray(l.rawStart, l.rawEnd).toString('utf8')]);
}

describe('parseForm', () => {
  const cases: Array<[string, string, Row[]]> = [
    ['plain', 'a=1&b=two', [['/a', 'a', '1', '1'], ['/b', 'b', 'two', 'two']]],
    ['plus is space', 'q=hello+world', [['/q', 'q', 'hello world', 'hello+world']]],
    ['percent-encoded UTF-8', 'name=%E4%B8%AD%e6%96%87', [['/name', 'name', '中文', '%E4%B8%AD%e6%96%87']]],
    ['encoded name, pointer-escaped', 'a%2Fb=1&c~d=2&%E5%A7%93%E5%90%8D=x', [
      ['/a~1b', 'a/b', '1', '1'], ['/c~0d', 'c~d', '2', '2'], ['/姓名', '姓名', 'x', 'x'],
    ]],
    ['repeated names', 'id=1&id=2&id=3', [['/id', 'id', '1', '1'], ['/id', 'id', '2', '2'], ['/id', 'id', '3', '3']]],
    ['invalid percent kept literally', 'p=100%&q=%zz%4&r=%2', [
      ['/p', 'p', '100%', '100%'], ['/q', 'q', '%zz%4', '%zz%4'], ['/r', 'r', '%2', '%2'],
    ]],
    ['empty pieces skipped, missing = gives empty value', '&&a=&b&=c&', [
      ['/a', 'a', '', ''], ['/b', 'b', '', ''], ['/', '', 'c', 'c'],
    ]],
    ['value containing =', 'k=a=b', [['/k', 'k', 'a=b', 'a=b']]],
    ['raw (unencoded) UTF-8 bytes', 'n=张三', [['/n', 'n', '张三', '张三']]],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(formSummary(raw)).toEqual(expected);
  });

  it('gives byte offsets after raw multibyte text', () => {
    const [, b] = parseForm(Buffer.from('a=张&b=x'));
    expect(b).toMatchObject({ rawStart: 8, rawEnd: 9, source: 'form' });
  });

  it('refuses values that are not UTF-8 after decoding (e.g. GBK)', () => {
    expect(() => parseForm(Buffer.from('a=1&name=%D6%D0'))).toThrow(EgError);
    expect(() => parseForm(Buffer.from('a=1&name=%D6%D0'))).toThrow(/form field #1 is not valid UTF-8/);
  });
});

describe('parseQuery', () => {
  it('uses ?name locations and string offsets', () => {
    const q = 'phone=138%200013+8000&tag=a&tag=%E4%B8%AD&x';
    expect(parseQuery(q).map((l) => [l.location, l.key, l.value, q.slice(l.rawStart, l.rawEnd), l.source])).toEqual([
      ['?phone', 'phone', '138 0013 8000', '138%200013+8000', 'query'],
      ['?tag', 'tag', 'a', 'a', 'query'],
      ['?tag', 'tag', '中', '%E4%B8%AD', 'query'],
      ['?x', 'x', '', '', 'query'],
    ]);
  });

  it('does not escape names in the location', () => {
    expect(parseQuery('a%2Fb=1')[0]!.location).toBe('?a/b');
  });

  it('reads non-ASCII chars as text', () => {
    expect(parseQuery('n=中%E6%96%87')[0]!.value).toBe('中文');
  });

  it('is empty for an empty query', () => {
    expect(parseQuery('')).toEqual([]);
  });
});

describe('reencodeUrlEncoded', () => {
  it.each([
    ['RMB%2099.5%20%E5%BC%A0', 'RMB 99.5 张', 'RMB 99.5 *', 'RMB%2099.5%20*'],
    ['a+b%e4%b8%ad', 'a b中', 'a b*', 'a+b*'],
    ['%E4%B8%AD%2B1', '中+1', '**+1', '**%2B1'],
    // Another length, or a raw span that is not the old value: encoded whole.
    ['a%20b', 'a b', 'a  b', 'a++b'],
    ['xyz', 'a b', 'a *', 'a+*'],
  ])('%s: %s → %s is %s', (raw, oldValue, newValue, want) => {
    const out = reencodeUrlEncoded(Buffer.from(raw), oldValue, newValue);
    expect(out).toBe(want);
    expect(new URLSearchParams(`v=${out}`).get('v')).toBe(newValue);
  });
});

describe('encodeUrlEncoded', () => {
  it('encodes as application/x-www-form-urlencoded, * stays literal', () => {
    expect(encodeUrlEncoded('a b*c-._~/中')).toBe('a+b*c-._%7E%2F%E4%B8%AD');
    expect(new URLSearchParams(`v=${encodeUrlEncoded('x &=+%中😀')}`).get('v')).toBe('x &=+%中😀');
  });
});
