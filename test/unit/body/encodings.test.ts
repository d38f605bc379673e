import { describe, expect, it } from 'vitest';
import { base64Text, encodeBase64, readBase64 } from '../../../src/body/base64.js';
import { percentReencode, percentText } from '../../../src/body/percent.js';

describe('readBase64 / encodeBase64', () => {
  it.each([
    ['padded standard', 'aGk/Pz8+Pj4=', { url: false, pad: true, line: 0 }],
    ['unpadded base64url', 'aGk_Pz8-Pj4', { url: true, pad: false, line: 0 }],
    ['no telling character, padding present', 'aGVsbG8=', { url: false, pad: true, line: 0 }],
    ['no telling character, padding missing: base64url', 'aGVsbG8', { url: true, pad: false, line: 0 }],
    ['MIME lines with CRLF and a final line end', 'QUFB\r\nQUFB\r\nQQ==\r\n', { url: false, pad: true, line: 4, eol: '\r\n', finalEol: true }],
  ])('%s', (_name, text, shape) => {
    const read = readBase64(text)!;
    expect(read.shape).toMatchObject(shape);
    expect(encodeBase64(read.bytes, read.shape)).toBe(text);
  });

  it.each([
    ['mixed alphabets', 'ab+_'],
    ['padding in a length that is not a multiple of 4', 'aGk=='],
    ['a single dangling character', 'aGVsb'],
    ['spare bits set (not canonical)', 'aGl='],
    ['ragged lines', 'QUFB\nQUFBQQ==\n'],
    ['inner whitespace', 'aGVs bG8='],
    ['empty', ''],
  ])('rejects %s', (_name, text) => {
    expect(readBase64(text)).toBeUndefined();
  });

  it('re-pads when the length changes', () => {
    const shape = readBase64('aGVsbG8=')!.shape;
    expect(encodeBase64(Buffer.from('hell'), shape)).toBe('aGVsbA==');
    const url = readBase64('aGVsbG8')!.shape;
    expect(encodeBase64(Buffer.from('hell'), url)).toBe('aGVsbA');
  });

  it('base64Text: only readable text counts', () => {
    expect(base64Text(Buffer.from('致电 13812345678').toString('base64'))).toBe('致电 13812345678');
    expect(base64Text(Buffer.from('line\none\ttab').toString('base64'))).toBe('line\none\ttab');
    expect(base64Text(Buffer.from('bell\u0007 and more text').toString('base64'))).toBeUndefined();
    expect(base64Text('deadbeefdeadbeefdeadbeef')).toBeUndefined();
  });
});

describe('percentText / percentReencode', () => {
  it.each([
    ['escapes and literals', 'a%20b+c%E4%B8%AD', 'a b+c中'],
    ['lower-case hex', '%e4%b8%ad', '中'],
    ['a lone % stays', '100%%20off', '100% off'],
    ['no escape', 'plain', undefined],
    ['invalid UTF-8', '%E4%B8', undefined],
    ['a control character (a literal % before digits)', '%13812345678', undefined],
  ])('percentText: %s', (_name, raw, text) => {
    expect(percentText(raw)).toBe(text);
  });

  it.each([
    ['change in the middle keeps both ends raw', 'https://h/?t=138&n=%E5%BC%A0', 'https://h/?t=***&n=张', 'https://h/?t=***&n=%E5%BC%A0'],
    ['a changed escaped character', 'n=%E5%BC%A0%E4%B8%89&x', 'n=**&x', 'n=**&x'],
    ['the seam never splits a raw multibyte character', 'a中b', 'a丰b', 'a%E4%B8%B0b'],
    ['new reserved characters are escaped, lower case kept', 'k=%e4%b8%ad', 'k=#/', 'k=%23%2f'],
    ['unchanged', 'a%20b', 'a b', 'a%20b'],
    ['grows at the end', 'a%20b', 'a bc d', 'a%20bc%20d'],
    ['two masked values keep what lies between them as written', 'id=150102199708274616&n=%E9%83%91%E8%90%B1&t=1', 'id=******************&n=**&t=1', 'id=******************&n=**&t=1'],
    ['a log line: quotes, spaces and line ends between masks stay literal', '{"n":"张三"} done\nGET /v?n=%E9%83%91%E8%90%B1 200', '{"n":"**"} done\nGET /v?n=** 200', '{"n":"**"} done\nGET /v?n=** 200'],
    // Encoded twice: the inner layer's masks shortened the text, and what lies between stays.
    ['a value encoded twice, masked inside', '手机 %2531%2533 at 10:00:00 电话 %2531%2533 ok', '手机 ** at 10:00:00 电话 ** ok', '手机 ** at 10:00:00 电话 ** ok'],
  ])('percentReencode: %s', (_name, raw, next, expected) => {
    expect(percentReencode(raw, next)).toBe(expected);
    expect(decodeURIComponent(expected)).toBe(next);
  });
});
