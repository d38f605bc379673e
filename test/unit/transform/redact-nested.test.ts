import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { parseQuery } from '../../../src/body/query.js';
import { EgError } from '../../../src/errors.js';
import { redactBody, redactQuery, type RedactEdit } from '../../../src/transform/redact.js';

/** Edits masking every occurrence of each needle in every leaf the classifier reads. */
function editsFor(leaves: readonly Leaf[], needles: readonly string[]): RedactEdit[] {
  const edits: RedactEdit[] = [];
  leaves.forEach((leaf, leafIndex) => {
    if (leaf.container) return;
    for (const needle of needles) {
      for (let at = leaf.value.indexOf(needle); at >= 0; at = leaf.value.indexOf(needle, at + 1)) {
        edits.push({ leafIndex, start: at, end: at + needle.length });
      }
    }
  });
  return edits;
}

function redact(body: string | Buffer, type: string, needles: string[], char?: string): string {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const { leaves } = parseBody(buf, type);
  const edits = editsFor(leaves, needles);
  expect(edits.length, 'the needle is found in some leaf').toBeGreaterThan(0);
  return redactBody(buf, leaves, edits, char === undefined ? undefined : { char }).toString('utf8');
}

const P = '13812345678';
const JSON_T = 'application/json';

describe('redaction through every wrap, exact bytes', () => {
  const cases: Array<[string, string, string, string[], string, string?]> = [
    [
      'JSON in a JSON string: only the inner value changes',
      JSON_T,
      String.raw`{ "payload" : "{\"user\":{\"phone\":\"13812345678\",\"n\":1}}" ,"k":"v"}`,
      [P],
      String.raw`{ "payload" : "{\"user\":{\"phone\":\"***********\",\"n\":1}}" ,"k":"v"}`,
    ],
    [
      'two levels of JSON in strings',
      JSON_T,
      String.raw`{"a":"{\"b\":\"{\\\"phone\\\":\\\"13812345678\\\"}\"}"}`,
      [P],
      String.raw`{"a":"{\"b\":\"{\\\"phone\\\":\\\"***********\\\"}\"}"}`,
    ],
    [
      'base64 of JSON, padding kept',
      JSON_T,
      '{"blob":"eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0="}',
      [P],
      '{"blob":"eyJwaG9uZSI6IioqKioqKioqKioqIn0="}',
    ],
    [
      'base64url without padding stays base64url without padding',
      JSON_T,
      '{"t":"eyJ0ZWwiOiIxMzgxMjM0NTY3OCIsIngiOiI_Pz4-In0"}',
      [P],
      '{"t":"eyJ0ZWwiOiIqKioqKioqKioqKiIsIngiOiI_Pz4-In0"}',
    ],
    [
      'base64 of text whose length changes (padding recomputed)',
      JSON_T,
      '{"note":"6Ie055S1IDEzODEyMzQ1Njc4IOiwouiwog=="}',
      ['致电'],
      `{"note":"${Buffer.from(`** ${P} 谢谢`).toString('base64')}"}`,
    ],
    [
      'percent-encoding: a URL keeps its literal characters and escapes outside the change',
      JSON_T,
      '{"cb":"https://x.example/cb?tel=13812345678&name=%E5%BC%A0%E4%B8%89&t=1"}',
      [P],
      '{"cb":"https://x.example/cb?tel=***********&name=%E5%BC%A0%E4%B8%89&t=1"}',
    ],
    [
      'percent-encoding: a masked escaped name, lower-case escapes kept lower-case',
      JSON_T,
      '{"cb":"name=%e5%bc%a0%e4%b8%89&x=%2f"}',
      ['张三'],
      '{"cb":"name=**&x=%2f"}',
    ],
    [
      'percent-encoding: a mask char outside the literal set is escaped',
      JSON_T,
      '{"q":"tel%3D13812345678"}',
      [P],
      '{"q":"tel%3D%23%23%23%23%23%23%23%23%23%23%23"}',
      '#',
    ],
    [
      'percent-encoded whole text body',
      'text/plain',
      'hello%20tel%3A13812345678%0A',
      [P],
      'hello%20tel%3A***********%0A',
    ],
    [
      'JSON in a form value: the value is form-encoded again',
      'application/x-www-form-urlencoded',
      'a=1&data=%7B%22phone%22%3A%2213812345678%22%7D&z=2',
      [P],
      'a=1&data=%7B%22phone%22%3A%22***********%22%7D&z=2',
    ],
    [
      'base64 in a form value',
      'application/x-www-form-urlencoded',
      'b=eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0%3D&z=2',
      [P],
      'b=eyJwaG9uZSI6IioqKioqKioqKioqIn0%3D&z=2',
    ],
    [
      "a JWT's payload: only the middle part changes, in its own alphabet without padding",
      JSON_T,
      '{"t":"eyJhbGciOiJub25lIn0.eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0.c2ln"}',
      [P],
      '{"t":"eyJhbGciOiJub25lIn0.eyJwaG9uZSI6IioqKioqKioqKioqIn0.c2ln"}',
    ],
    [
      "a JWT after its Authorization scheme",
      JSON_T,
      '{"authorization":"Bearer eyJhbGciOiJub25lIn0.eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0.c2ln"}',
      [P],
      '{"authorization":"Bearer eyJhbGciOiJub25lIn0.eyJwaG9uZSI6IioqKioqKioqKioqIn0.c2ln"}',
    ],
    [
      "a data URL's content",
      JSON_T,
      '{"f":"data:application/json;base64,eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0="}',
      [P],
      '{"f":"data:application/json;base64,eyJwaG9uZSI6IioqKioqKioqKioqIn0="}',
    ],
    [
      'CSV: unquoted and quoted cells',
      'text/csv',
      'name,phone\r\n"Li, Lei",13812345678\r\n',
      ['Lei', P],
      'name,phone\r\n"Li, ***",***********\r\n',
    ],
    [
      'CSV: a cell that needs quotes after masking gets them',
      'text/csv',
      'name,phone\nx,13812345678\n',
      [P],
      'name,phone\nx,",,,,,,,,,,,"\n',
      ',',
    ],
    [
      'CSV: quotes in a quoted cell are doubled',
      'text/csv',
      'note\n"say ""13812345678"""\n',
      [P],
      `note\n"say ${'""'.repeat(13)}"\n`,
      '"',
    ],
    [
      'CSV: JSON inside a quoted cell',
      'text/csv',
      'id,data\r\n1,"{""phone"":""13812345678""}"\r\n',
      [P],
      'id,data\r\n1,"{""phone"":""***********""}"\r\n',
    ],
    [
      'a text/plain CSV table: quotes in a quoted cell are doubled',
      'text/plain',
      '序号,姓名,电话\n1,"司马岚","13812345678"\n2,"龚瀚薇","183-0586-2478"\n3,"呼延超","15890648760"\n',
      [P],
      `序号,姓名,电话\n1,"司马岚","${'""'.repeat(11)}"\n2,"龚瀚薇","183-0586-2478"\n3,"呼延超","15890648760"\n`,
      '"',
    ],
    [
      'a text/plain ";" table: a mask ";" is quoted, a mask "," is not',
      'text/plain',
      '客户名称;联系电话;备注\n邱佳宇;13812345678;x13812345678\n龙岚;17119425649;y\n张三;13912345678;z\n',
      [P],
      '客户名称;联系电话;备注\n邱佳宇;";;;;;;;;;;;";"x;;;;;;;;;;;"\n龙岚;17119425649;y\n张三;13912345678;z\n',
      ';',
    ],
    [
      'a text/plain ";" table: a mask "," is no delimiter there',
      'text/plain',
      '客户名称;联系电话\n邱佳宇;13812345678\n龙岚;17119425649\n张三;13912345678\n',
      [P],
      '客户名称;联系电话\n邱佳宇;,,,,,,,,,,,\n龙岚;17119425649\n张三;13912345678\n',
      ',',
    ],
    [
      'TSV: a tab from the mask char is quoted, a comma is not',
      'text/tab-separated-values',
      'a\tb\nx\t13812345678\n',
      [P],
      'a\tb\nx\t"\t\t\t\t\t\t\t\t\t\t\t"\n',
      '\t',
    ],
  ];
  it.each(cases)('%s', (_name, type, body, needles, expected, char) => {
    expect(redact(body, type, needles, char)).toBe(expected);
  });
});

describe('redaction in multipart bodies', () => {
  const TYPE = 'multipart/form-data; boundary=XyZ';
  const head = (name: string, extra = '') => `--XyZ\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`;

  it('splices every kind of part; lengths may change, everything else stays', () => {
    const json = JSON.stringify({ phone: P, pad: 'p'.repeat(60) });
    const b64 = Buffer.from(json).toString('base64').replace(/.{76}/g, '$&\r\n');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x31, 0x33, 0x38]);
    const parts = (note: string, meta: string, csv: string, base64: string) =>
      Buffer.concat([
        Buffer.from(`${head('note')}${note}\r\n`),
        Buffer.from(`${head('meta')}{"name":"${meta}","n":1}\r\n`.replace('\r\n\r\n{', '\r\nContent-Type: application/json\r\n\r\n{')),
        Buffer.from(`${head('f', '; filename="p.csv"')}${csv}\r\n`),
        Buffer.from(`${head('j', '\r\nContent-Type: application/json\r\nContent-Transfer-Encoding: base64')}${base64}\r\n`),
        Buffer.from(`${head('img', '; filename="a.png"')}`.replace('\r\n\r\n', '\r\nContent-Type: image/png\r\n\r\n')),
        png,
        Buffer.from('\r\n--XyZ--\r\n'),
      ]);
    const input = parts(`致电 ${P} 张三`, '张三', `姓名,手机\r\n张三,${P}\r\n`, b64);
    const masked = Buffer.from(json.replace(P, '***********')).toString('base64').replace(/.{76}/g, '$&\r\n');
    const expected = parts('致电 *********** **', '**', '姓名,手机\r\n**,***********\r\n', masked);
    expect(redact(input, TYPE, [P, '张三'])).toBe(expected.toString('utf8'));
    expect(parseBody(expected, TYPE).opaque).toEqual([{ location: '/img/#file.png', reason: 'binary content type image/png' }]);
  });

  it("masks a value in a file's name where the header has it, quoted or as filename*, and in a form-encoded part", () => {
    const id = '11010519491231002X';
    const input =
      `${head('a', `; filename="王芳_${id}.jpg"`)}JFIF\r\n` +
      `${head('b', `; filename*=UTF-8''%E7%8E%8B_${P}.txt`)}x\r\n` +
      `${head('c').replace('\r\n\r\n', '\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n')}m=138+1234+5678&n=1\r\n--XyZ--\r\n`;
    expect(redact(input, TYPE, [id, P, '138 1234 5678'])).toBe(
      `${head('a', `; filename="王芳_${'*'.repeat(18)}.jpg"`)}JFIF\r\n` +
        `${head('b', `; filename*=UTF-8''%E7%8E%8B_${'*'.repeat(11)}.txt`)}x\r\n` +
        `${head('c').replace('\r\n\r\n', '\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n')}m=*************&n=1\r\n--XyZ--\r\n`,
    );
  });

  it('masks a preamble and keeps LF-only framing', () => {
    const input = `note ${P}\n--XyZ\nContent-Disposition: form-data; name="a"\n\n${P}\n--XyZ--\n`;
    expect(redact(input, TYPE, [P])).toBe('note ***********\n--XyZ\nContent-Disposition: form-data; name="a"\n\n***********\n--XyZ--\n');
  });
});

describe('redaction rules for nested leaves', () => {
  const body = Buffer.from(String.raw`{"a":"{\"b\":\"x13812345678\"}"}`);
  const { leaves } = parseBody(body, JSON_T);

  it('a container may be masked as a whole', () => {
    const out = redactBody(body, leaves, [{ leafIndex: 0, start: 0, end: leaves[0]!.value.length }]);
    expect(out.toString()).toBe(`{"a":"${'*'.repeat(leaves[0]!.value.length)}"}`);
  });

  it('refuses edits on a container and on a value inside it at once', () => {
    expect(() => redactBody(body, leaves, [{ leafIndex: 0, start: 0, end: 1 }, { leafIndex: 1, start: 0, end: 1 }])).toThrow(EgError);
  });

  it('refuses a leaf whose parent does not come before it', () => {
    const broken: Leaf[] = [leaves[0]!, { ...leaves[1]!, parent: 1 }];
    expect(() => redactBody(body, broken, [{ leafIndex: 1, start: 0, end: 1 }])).toThrow(/parent/);
  });

  it('redacts nested query values', () => {
    const q = 'f=%7B%22tel%22%3A%2213812345678%22%7D&x=1';
    const ql = parseQuery(q);
    expect(redactQuery(q, ql, editsFor(ql, [P]))).toBe('f=%7B%22tel%22%3A%22***********%22%7D&x=1');
  });
});

describe('a CSV in a JSON string and base64 JSON inside a text', () => {
  it('masks the cells inside the escaped string; the rest stays byte for byte', () => {
    const body = JSON.stringify({ format: 'csv', data: 'seq,mobile,note\n1,13812345678,a\n2,13912345678,b\n3,13712345678,c\n4,13612345678,d' });
    expect(redact(body, 'application/json', ['13812345678', '13612345678'])).toBe(body.replace('13812345678', '***********').replace('13612345678', '***********'));
  });
  it('masks inside the base64 word and writes it back as base64; the words around it stay', () => {
    const text = `用户：身份证 ${Buffer.from('{"idCard":"11010519491231002X"}').toString('base64')} 实名的那个`;
    const out = redact(text, 'text/plain', ['11010519491231002X']);
    expect(out).toBe(`用户：身份证 ${Buffer.from('{"idCard":"******************"}').toString('base64')} 实名的那个`);
  });
});
