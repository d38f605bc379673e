import { describe, expect, it } from 'vitest';
import { parseBody, parseMediaType } from '../../../src/body/parse.js';
import { parseText } from '../../../src/body/text.js';
import { uninspectable } from './helpers.js';


describe('parseBody dispatch', () => {
  const json = Buffer.from('{"a":"b"}');
  const cases: Array<[string | undefined, Buffer, string, string[]]> = [
    ['application/json', json, 'json', ['/a']],
    ['Application/JSON; charset=UTF-8', json, 'json', ['/a']],
    ['application/vnd.api+json', json, 'json', ['/a']],
    ['text/json', json, 'json', ['/a']],
    ['application/x-ndjson', Buffer.from('{"a":"b"}\n{"a":"c"}\n'), 'ndjson', ['/0/a', '/1/a']],
    ['application/jsonl', Buffer.from('"x"\n'), 'ndjson', ['/0']],
    ['application/x-www-form-urlencoded', Buffer.from('a=b'), 'form', ['/a']],
    ['text/plain; charset="us-ascii"', Buffer.from('hello'), 'text', ['']],
    ['application/xml', Buffer.from('<a>1</a>'), 'text', ['']],
    ['application/soap+xml', Buffer.from('<a>1</a>'), 'text', ['']],
    ['image/svg+xml', Buffer.from('<svg/>'), 'text', ['']],
    ['application/javascript', Buffer.from('let a = 1;'), 'text', ['']],
    ['multipart/form-data; boundary=x', Buffer.from('--x\r\n\r\nv\r\n--x--'), 'multipart', ['/#0']],
    ['multipart/mixed; boundary=x', Buffer.from('--x\r\n\r\nv\r\n--x--'), 'text', ['']],
    ['text/csv', Buffer.from('a,b\n1,2\n'), 'csv', ['/0/0', '/0/1', '/1/a', '/1/b']],
    ['application/csv', Buffer.from('1\n'), 'csv', ['/0/0']],
    ['text/tab-separated-values', Buffer.from('a\tb\n'), 'tsv', ['/0/0', '/0/1']],
    [undefined, Buffer.from('no content type'), 'text', ['']],
    ['application/x-something-else', Buffer.from('still text'), 'text', ['']],
    ['application/json', Buffer.alloc(0), 'empty', []],
    ['application/octet-stream', Buffer.alloc(0), 'empty', []],
  ];
  it.each(cases)('%s', (contentType, body, format, locations) => {
    const parsed = parseBody(body, contentType);
    expect(parsed.format).toBe(format);
    expect(parsed.leaves.map((l) => l.location)).toEqual(locations);
  });

  const refused: Array<[string | undefined, Buffer, RegExp]> = [
    ['application/json', Buffer.from('not json'), /malformed JSON at byte 0/],
    ['application/problem+json', Buffer.from('{"a":'), /malformed JSON/],
    ['application/octet-stream', Buffer.from('abc'), /binary content type application\/octet-stream/],
    ['image/png', Buffer.from('abc'), /binary content type image\/png/],
    ['audio/ogg', Buffer.from('abc'), /binary/],
    ['video/mp4', Buffer.from('abc'), /binary/],
    ['application/zip', Buffer.from('abc'), /binary/],
    ['application/pdf', Buffer.from('abc'), /binary/],
    ['application/protobuf', Buffer.from('abc'), /binary/],
    ['application/grpc+proto', Buffer.from('abc'), /binary/],
    ['application/grpc-web', Buffer.from('abc'), /binary/],
    ['text/plain; charset=gbk', Buffer.from('abc'), /charset gbk is not supported/],
    ['application/json; charset=utf-16', json, /charset utf-16/],
    ['text/plain', Buffer.from([0x61, 0xff, 0x62]), /not valid UTF-8/],
    [undefined, Buffer.from([0x89, 0x50, 0x4e, 0x47]), /not valid UTF-8/],
    [undefined, Buffer.from('a\0b'), /NUL/],
    ['multipart/form-data', Buffer.from('--x\r\n\r\nv\r\n--x--'), /no boundary parameter/],
    ['text/csv', Buffer.from([0x61, 0x2c, 0xff]), /not valid UTF-8/],
  ];
  it.each(refused)('refuses %s', (contentType, body, detail) => {
    expect(uninspectable(() => parseBody(body, contentType))).toMatch(detail);
  });
});

describe('parseMediaType', () => {
  it('lower-cases, drops parameters and unquotes the charset', () => {
    expect(parseMediaType(' Text/Plain ; Foo=bar; CHARSET="UTF-8"')).toEqual({ type: 'text/plain', charset: 'utf-8' });
    expect(parseMediaType(undefined)).toEqual({ type: '', charset: undefined });
  });
});

describe('parseText', () => {
  it('is one leaf over the whole body', () => {
    const buf = Buffer.from('身份证 110101199003077777');
    expect(parseText(buf)).toEqual([{ location: '', key: undefined, value: '身份证 110101199003077777', rawStart: 0, rawEnd: buf.length, source: 'text' }]);
  });

  it('leaves a BOM outside the leaf', () => {
    const buf = Buffer.from('\uFEFFhi');
    expect(parseText(buf)).toMatchObject([{ value: 'hi', rawStart: 3, rawEnd: 5 }]);
  });
});
