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
    ['application/fhir+ndjson', Buffer.from('{"resourceType":"Patient"}\n{"resourceType":"Observation"}\n'), 'ndjson', ['/0/resourceType', '/1/resourceType']],
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

describe('CSV tables sent as text/plain', () => {
  const known = (name: string) => ['姓名', '地址', 'name', 'phone', '联系电话'].includes(name);
  /** [key, value, raw span, the byte before the span] for the leaves of record 1. */
  function firstRecord(text: string) {
    const buf = Buffer.from(text, 'utf8');
    const parsed = parseBody(buf, 'text/plain; charset=utf-8', { columnName: known });
    const leaves = parsed.leaves.filter((l) => l.location.startsWith('/1/'));
    return { format: parsed.format, leaves: leaves.map((l) => [l.key, l.value, buf.toString('utf8', l.rawStart, l.rawEnd), String.fromCharCode(buf[l.rawStart - 1]!)]) };
  }

  it.each([
    [
      'quoted cells with a header',
      '序号,姓名,电话,地址\n1,"司马岚","14728272658","广东省深圳市南山区解放大道815号23号楼5单元3004室"\n2,"龚瀚薇","183-0586-2478","上海市静安区中山路560号翠苑小区20幢1579室"\n',
      [
        ['序号', '1', '1', '\n'], ['姓名', '司马岚', '司马岚', '"'], ['电话', '14728272658', '14728272658', '"'],
        ['地址', '广东省深圳市南山区解放大道815号23号楼5单元3004室', '广东省深圳市南山区解放大道815号23号楼5单元3004室', '"'],
      ],
    ],
    [
      'one quoted row',
      'name,phone,id_card,bank_card\n"呼延超","15890648760","110105198002203035","3568 2759 8820 7862"\n',
      [
        ['name', '呼延超', '呼延超', '"'], ['phone', '15890648760', '15890648760', '"'],
        ['id_card', '110105198002203035', '110105198002203035', '"'], ['bank_card', '3568 2759 8820 7862', '3568 2759 8820 7862', '"'],
      ],
    ],
    [
      'semicolon-separated',
      '客户名称;联系电话;证件号码;邮箱\n邱佳宇;18729224664;440305198902270461;sunli98@foxmail.com\n龙岚;17119425649;150102198912153497;805942754@qq.com\n',
      [
        ['客户名称', '邱佳宇', '邱佳宇', '\n'], ['联系电话', '18729224664', '18729224664', ';'],
        ['证件号码', '440305198902270461', '440305198902270461', ';'], ['邮箱', 'sunli98@foxmail.com', 'sunli98@foxmail.com', ';'],
      ],
    ],
    [
      'a quoted cell holding a comma and a line break',
      '姓名,地址\r\n"Li, Lei","北京市\r\n海淀区"\r\n',
      [['姓名', 'Li, Lei', 'Li, Lei', '"'], ['地址', '北京市\r\n海淀区', '北京市\r\n海淀区', '"']],
    ],
  ])('%s: cells keyed by their header', (_name, text, expected) => {
    expect(firstRecord(text)).toEqual({ format: 'csv', leaves: expected });
  });

  it.each([
    ['an unterminated quote', '姓名,电话\n"司马岚,14728272658\n'],
    ['text after a closing quote', '姓名,电话\n"司马岚"x,14728272658\n'],
    ['a stray quote in a cell', '姓名,电话\n司马"岚",14728272658\n'],
    ['prose', '他说，"好的", 然后我们一起去了医院。\n医生说, "没什么大问题", 回家多休息。\n我们说, "谢谢", 就走了。\n第二天, 他又来了。\n'],
  ])('%s stays one text leaf', (_name, text) => {
    const parsed = parseBody(Buffer.from(text), 'text/plain', { columnName: known });
    expect(parsed.format).toBe('text');
    expect(parsed.leaves.map((l) => l.value)).toEqual([text]);
  });
});
