import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { base64Text } from '../../../src/body/base64.js';
import { expandNested } from '../../../src/body/nested.js';
import { parseBody } from '../../../src/body/parse.js';
import { parseQuery } from '../../../src/body/query.js';

/** [location, key, value, parent, wrap, container, raw text its span covers]. The span is read
 *  from the body for top-level leaves and from the parent's value for children. */
type Row = [string, string | undefined, string, number | '-', string, boolean, string];

function rows(body: Buffer, leaves: readonly Leaf[]): Row[] {
  return leaves.map((l) => {
    const outer = l.parent === undefined ? body : Buffer.from(leaves[l.parent]!.value, 'utf8');
    const raw = outer.subarray(l.rawStart, l.rawEnd).toString('utf8');
    return [l.location, l.key, l.value, l.parent ?? '-', l.wrap ?? '-', l.container === true, raw];
  });
}

const PHONE = '13812345678';

describe('nested encodings are opened', () => {
  const cases: Array<[string, string, string, Row[]]> = [
    [
      'JSON document in a JSON string',
      'application/json',
      String.raw`{"payload":"{\"user\":{\"phone\":\"13812345678\"}}","n":1}`,
      [
        ['/payload', 'payload', `{"user":{"phone":"${PHONE}"}}`, '-', '-', true, String.raw`{\"user\":{\"phone\":\"13812345678\"}}`],
        ['/n', 'n', '1', '-', '-', false, '1'],
        ['/payload|json/user/phone', 'phone', PHONE, 0, 'json', false, PHONE],
      ],
    ],
    [
      'two levels of JSON in strings',
      'application/json',
      String.raw`{"a":"{\"b\":\"{\\\"phone\\\":\\\"13812345678\\\"}\"}"}`,
      [
        ['/a', 'a', String.raw`{"b":"{\"phone\":\"13812345678\"}"}`, '-', '-', true, String.raw`{\"b\":\"{\\\"phone\\\":\\\"13812345678\\\"}\"}`],
        ['/a|json/b', 'b', `{"phone":"${PHONE}"}`, 0, 'json', true, String.raw`{\"phone\":\"13812345678\"}`],
        ['/a|json/b|json/phone', 'phone', PHONE, 1, 'json', false, PHONE],
      ],
    ],
    [
      'base64 of JSON (two levels: the text, then its JSON)',
      'application/json',
      '{"blob":"eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0="}',
      [
        ['/blob', 'blob', 'eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0=', '-', '-', true, 'eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0='],
        ['/blob|base64', 'blob', `{"phone":"${PHONE}"}`, 0, 'base64', true, 'eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0='],
        ['/blob|base64|json/phone', 'phone', PHONE, 1, 'json', false, PHONE],
      ],
    ],
    [
      'base64url without padding',
      'application/json',
      '{"t":"eyJ0ZWwiOiIxMzgxMjM0NTY3OCIsIngiOiI_Pz4-In0"}',
      [
        ['/t', 't', 'eyJ0ZWwiOiIxMzgxMjM0NTY3OCIsIngiOiI_Pz4-In0', '-', '-', true, 'eyJ0ZWwiOiIxMzgxMjM0NTY3OCIsIngiOiI_Pz4-In0'],
        ['/t|base64', 't', `{"tel":"${PHONE}","x":"??>>"}`, 0, 'base64', true, 'eyJ0ZWwiOiIxMzgxMjM0NTY3OCIsIngiOiI_Pz4-In0'],
        ['/t|base64|json/tel', 'tel', PHONE, 1, 'json', false, PHONE],
        ['/t|base64|json/x', 'x', '??>>', 1, 'json', false, '??>>'],
      ],
    ],
    [
      'base64 of plain text',
      'application/json',
      '{"note":"6Ie055S1IDEzODEyMzQ1Njc4IOiwouiwog=="}',
      [
        ['/note', 'note', '6Ie055S1IDEzODEyMzQ1Njc4IOiwouiwog==', '-', '-', true, '6Ie055S1IDEzODEyMzQ1Njc4IOiwouiwog=='],
        ['/note|base64', 'note', `致电 ${PHONE} 谢谢`, 0, 'base64', false, '6Ie055S1IDEzODEyMzQ1Njc4IOiwouiwog=='],
      ],
    ],
    [
      'percent-encoded value in JSON',
      'application/json',
      '{"q":"name%3D%E5%BC%A0%E4%B8%89%26tel%3D13812345678"}',
      [
        ['/q', 'q', 'name%3D%E5%BC%A0%E4%B8%89%26tel%3D13812345678', '-', '-', true, 'name%3D%E5%BC%A0%E4%B8%89%26tel%3D13812345678'],
        ['/q|pct', 'q', `name=张三&tel=${PHONE}`, 0, 'percent', false, 'name%3D%E5%BC%A0%E4%B8%89%26tel%3D13812345678'],
      ],
    ],
    [
      'percent-encoded whole text body',
      'text/plain',
      'tel%3A%2013812345678',
      [
        ['', undefined, 'tel%3A%2013812345678', '-', '-', true, 'tel%3A%2013812345678'],
        ['|pct', undefined, `tel: ${PHONE}`, 0, 'percent', false, 'tel%3A%2013812345678'],
      ],
    ],
    [
      'JSON in a form value; array items inherit the field name',
      'application/x-www-form-urlencoded',
      'phones=%5B%2213812345678%22%5D&x=1',
      [
        ['/phones', 'phones', `["${PHONE}"]`, '-', '-', true, '%5B%2213812345678%22%5D'],
        ['/x', 'x', '1', '-', '-', false, '1'],
        ['/phones|json/0', 'phones', PHONE, 0, 'json', false, PHONE],
      ],
    ],
    [
      'JSON in a CSV cell',
      'text/csv',
      'id,data\r\n1,"{""phone"":""13812345678""}"\r\n',
      [
        ['/0/0', undefined, 'id', '-', '-', false, 'id'],
        ['/0/1', undefined, 'data', '-', '-', false, 'data'],
        ['/1/id', 'id', '1', '-', '-', false, '1'],
        ['/1/data', 'data', `{"phone":"${PHONE}"}`, '-', '-', true, '{""phone"":""13812345678""}'],
        ['/1/data|json/phone', 'phone', PHONE, 3, 'json', false, PHONE],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, type, body, expected) => {
    const buf = Buffer.from(body, 'utf8');
    const parsed = parseBody(buf, type);
    expect(rows(buf, parsed.leaves)).toEqual(expected);
    expect(parsed.opaque).toEqual([]);
  });

  it('opens line-wrapped (MIME-style) base64 and keeps its shape', () => {
    const text = `{"phone":"${PHONE}","note":"${'x'.repeat(60)}"}`;
    const wrapped = Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\n');
    const leaves = parseBody(Buffer.from(JSON.stringify({ b: wrapped })), 'application/json').leaves;
    expect(leaves.map((l) => l.location)).toEqual(['/b', '/b|base64', '/b|base64|json/phone', '/b|base64|json/note']);
  });

  it('opens query values too (JSON, base64, and escapes left after the query\'s own decoding)', () => {
    const q = 'f=%7B%22tel%22%3A%2213812345678%22%7D&b=eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0%3D&p=%25E5%25BC%25A0%25E4%25B8%2589&s=100%25';
    expect(parseQuery(q).map((l) => [l.location, l.value, l.container === true])).toEqual([
      ['?f', `{"tel":"${PHONE}"}`, true],
      ['?b', 'eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0=', true],
      ['?p', '%E5%BC%A0%E4%B8%89', true],
      ['?s', '100%', false],
      ['?f|json/tel', PHONE, false],
      ['?b|base64', `{"phone":"${PHONE}"}`, true],
      ['?p|pct', '张三', false],
      ['?b|base64|json/phone', PHONE, false],
    ]);
  });
});

describe('short base64', () => {
  it.each([['5rGf5bmz5YWw', '江平兰'], ['MTc2MDEyMTYyMDk', '17601216209'], ['RTQ5NTMzNjY2', 'E49533666']])('%s opens to %s', (b64, text) => {
    expect(base64Text(b64)).toBe(text);
  });
  it.each(['processing', 'completed', 'aB3dE5fG7h', 'Order2024', 'dGVzdGluZw'])('%s stays closed', (token) => {
    expect(base64Text(token)).toBeUndefined();
  });
});

describe('values that are not opened', () => {
  it.each([
    ['hex id', '0123456789abcdef0123456789abcdef'],
    ['UUID (base64url alphabet, dashes)', '6cf4e93b-3e28-4359-b136-6ffc6ae6f968'],
    ['digit run', '1234567890123456'],
    ['short base64', 'YWJjZGVm'],
    ['identifier that is valid base64 of binary', 'thisIsAnIdentifierName'],
    ['base64 of binary bytes', Buffer.from([0, 1, 2, 250, 251, 252, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).toString('base64')],
    ['mixed base64 alphabets', 'eyJwaG9uZSI6Ij+zODEy_zQ1Njc4In0='],
    ['non-canonical base64 (spare bits set)', 'eyJwaG9uZSI6IjEzODEyMzQ1Njc4In1='],
    ['broken JSON', '{"phone": 138'],
    ['JSON without leaves', '{"a":[true,null,{}]}'],
    ['percent sign without hex', '100% sure, 50%off'],
    ['percent escape of invalid UTF-8', 'a%FFb'],
    ['ordinary sentence', 'hello world, this is text'],
  ])('%s', (_name, value) => {
    const leaves = parseBody(Buffer.from(JSON.stringify({ v: value })), 'application/json').leaves;
    expect(leaves).toEqual([expect.objectContaining({ location: '/v', value })]);
    expect(leaves[0]!.container).toBeUndefined();
  });
});

describe('limits', () => {
  const nest = (levels: number) => {
    let value = JSON.stringify({ phone: PHONE });
    for (let i = 0; i < levels; i++) value = JSON.stringify({ v: value });
    return Buffer.from(value);
  };

  it('opens three levels by default and reports a fourth as opaque', () => {
    const parsed = parseBody(nest(4), 'application/json');
    expect(parsed.leaves.map((l) => l.location)).toEqual(['/v', '/v|json/v', '/v|json/v|json/v', '/v|json/v|json/v|json/v']);
    expect(parsed.leaves[3]!.container).toBeUndefined();
    expect(parsed.opaque).toEqual([{ location: '/v|json/v|json/v|json/v', reason: 'encoded value nested deeper than 3 levels' }]);
    expect(parseBody(nest(3), 'application/json').opaque).toEqual([]);
  });

  it('takes the depth as an option', () => {
    const parsed = parseBody(nest(2), 'application/json', { nested: { maxDepth: 1 } });
    expect(parsed.leaves.map((l) => l.location)).toEqual(['/v', '/v|json/v']);
    expect(parsed.opaque).toEqual([{ location: '/v|json/v', reason: 'encoded value nested deeper than 1 levels' }]);
    expect(parseBody(nest(1), 'application/json', { nested: { maxDepth: 0 } }).leaves).toHaveLength(1);
  });

  it('stops opening at the leaf budget and says where', () => {
    const body = Buffer.from(JSON.stringify({ a: '{"x":"1","y":"2"}', b: '{"x":"3"}', c: '{"x":"4"}' }));
    const parsed = parseBody(body, 'application/json', { nested: { maxLeaves: 3 } });
    expect(parsed.leaves.filter((l) => l.parent !== undefined).map((l) => l.location)).toEqual(['/a|json/x', '/a|json/y', '/b|json/x']);
    expect(parsed.opaque).toEqual([{ location: '/c', reason: 'nested values beyond the inspection budget (this and later ones)' }]);
  });

  it('stops opening at the byte budget', () => {
    const body = Buffer.from(JSON.stringify({ a: '{"x":"1"}', b: '{"x":"3"}' }));
    const { opaque } = parseBody(body, 'application/json', { nested: { maxBytes: 12 } });
    expect(opaque).toEqual([{ location: '/b', reason: 'nested values beyond the inspection budget (this and later ones)' }]);
  });

  it('keeps indices stable: children are appended, parents come first', () => {
    const flat: Leaf[] = [
      { location: '/a', key: 'a', value: '{"x":"1"}', rawStart: 0, rawEnd: 9, source: 'json' },
      { location: '/b', key: 'b', value: 'plain', rawStart: 10, rawEnd: 15, source: 'json' },
    ];
    const { leaves } = expandNested(flat);
    expect(leaves[1]).toBe(flat[1]);
    expect(leaves.map((l) => [l.location, l.parent])).toEqual([['/a', undefined], ['/b', undefined], ['/a|json/x', 0]]);
  });
});

describe('encoded JSON as a word of a text, and a table as a string', () => {
  it('opens the word and keeps the text around it as leaves at the text\'s location', () => {
    const body = Buffer.from('用户: 身份证 eyJpZENhcmQiOiIxMjE0MjIxOTYwMTEyNzkzMzAifQ== 实名的那个');
    expect(rows(body, parseBody(body, 'text/plain').leaves)).toEqual([
      ['', undefined, body.toString(), '-', '-', true, body.toString()],
      ['', undefined, '用户: 身份证 ', 0, '-', false, '用户: 身份证 '],
      ['|base64', undefined, '{"idCard":"121422196011279330"}', 0, 'base64', true, 'eyJpZENhcmQiOiIxMjE0MjIxOTYwMTEyNzkzMzAifQ=='],
      ['', undefined, ' 实名的那个', 0, '-', false, ' 实名的那个'],
      ['|base64|json/idCard', 'idCard', '121422196011279330', 2, 'json', false, '121422196011279330'],
    ]);
  });
  it('leaves a word that is no base64 of JSON, or glued to other letters, as text', () => {
    for (const text of ['token xeyJpZENhcmQiOiIxMjE0MjIxOTYwMTEyNzkzMzAifQ== end', 'see eyJhbGciOi', 'eyJ!!!!!!!!!!!!!!!!!', 'a/eyJpZENhcmQiOiIxMjE0MjIxOTYwMTEyNzkzMzAifQ==']) {
      expect(parseBody(Buffer.from(text), 'text/plain').leaves).toHaveLength(1);
    }
  });
  it('opens the word after a key and its "=" in a log line', () => {
    const leaves = parseBody(Buffer.from('ok ext_b64=eyJpZCI6IjMyMDU4MzE5NTUwODI0Nzc3MiJ9 end'), 'text/plain').leaves;
    expect(leaves.map((l) => l.location)).toEqual(['', '', '|base64', '', '|base64|json/id']);
  });
  it('reads a CSV held in a JSON string by its header', () => {
    const body = Buffer.from(JSON.stringify({ format: 'csv', data: '姓名,手机\n张伟,13812345678\n李娜,13912345678' }));
    // Two rows are a table when a header cell names a field (the classifier's columnName).
    const leaves = parseBody(body, 'application/json', { columnName: (name) => name === '姓名' }).leaves;
    expect(leaves.filter((l) => l.parent === 1).map((l) => [l.location, l.key, l.value, l.wrap])).toEqual([
      ['/data|csv/0/0', undefined, '姓名', 'csv'], ['/data|csv/0/1', undefined, '手机', 'csv'],
      ['/data|csv/1/姓名', '姓名', '张伟', 'csv'], ['/data|csv/1/手机', '手机', '13812345678', 'csv'],
      ['/data|csv/2/姓名', '姓名', '李娜', 'csv'], ['/data|csv/2/手机', '手机', '13912345678', 'csv'],
    ]);
  });
  it('leaves prose with line breaks and commas a string', () => {
    const body = Buffer.from(JSON.stringify({ note: '你好,\n明天见,\n谢谢' }));
    expect(parseBody(body, 'application/json').leaves.map((l) => l.location)).toEqual(['/note']);
  });
});
