import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Text, bytesMayDecodeToText, encodeBase64, mayDecodeToText, readBase64 } from '../../../src/body/base64.js';
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

describe('mayDecodeToText (the pre-screen of base64Text)', () => {
  /** base64Text's reading without the pre-screen: what the pre-screen must never turn away. */
  const decodesToText = (s: string): boolean => {
    const read = readBase64(s);
    // eslint-disable-next-line no-control-regex
    return read !== undefined && isUtf8(read.bytes) && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(read.bytes.toString('utf8'));
  };

  it.each([
    ['a MIME type', 'application/json'],
    ['an order number', 'ORD-20240115-00123'],
    ['a snake_case event name', 'order_created_event'],
    ['a path', '/api/v1/orders/export'],
    ['text decoding to a C1 control (U+0085)', Buffer.from('abc\u0085def').toString('base64')],
    ['text decoding to a bell', Buffer.from('ab\u0007cdef').toString('base64')],
  ])('turns away %s', (_name, s) => {
    expect(mayDecodeToText(s)).toBe(false);
    expect(decodesToText(s)).toBe(false);
  });

  it.each([
    ['Han text, standard alphabet, padded', Buffer.from('张伟的手机 13812345678').toString('base64')],
    ['emoji and text, base64url', Buffer.from('😀 ok ✓ done').toString('base64url')],
    ['MIME lines', `${Buffer.from('a'.repeat(30)).toString('base64').slice(0, 20)}\r\n${Buffer.from('a'.repeat(30)).toString('base64').slice(20)}\r\n`],
    ['Latin-1 signs after a C2 lead', Buffer.from('© 2024 ±5 °C ¥100').toString('base64')],
    ['text with tabs and line ends', Buffer.from('line\none\ttab\r\n').toString('base64')],
  ])('lets through %s', (_name, s) => {
    expect(mayDecodeToText(s)).toBe(true);
  });

  it('never turns away what base64Text would read (random text, bytes and mutations)', () => {
    const counts = { text: 0, turnedAway: 0 };
    const encoded = fc
      .tuple(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }).map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))),
        fc.constantFrom('base64', 'base64url') as fc.Arbitrary<BufferEncoding>,
        fc.boolean(),
        fc.nat(),
        fc.constantFrom('', 'A', 'z', '-', '/', '_', '+', '9'),
      )
      .map(([bytes, alphabet, strip, at, replacement]) => {
        let s = bytes.toString(alphabet);
        if (strip) s = s.replace(/=+$/, '');
        return replacement === '' || s.length === 0 ? s : s.slice(0, at % s.length) + replacement + s.slice((at % s.length) + 1);
      });
    fc.assert(
      fc.property(encoded, (s) => {
        const reads = decodesToText(s);
        if (reads) counts.text++;
        // The byte form, read inside a larger buffer as the JSON walk hands it over.
        expect(bytesMayDecodeToText(Buffer.from(`{"v":"${s}"}`), 6, 6 + s.length)).toBe(mayDecodeToText(s));
        if (!mayDecodeToText(s)) {
          counts.turnedAway++;
          expect(reads).toBe(false);
        }
      }),
      { numRuns: 20_000, seed: 4648 },
    );
    // Both verdicts occur, so the property has something to hold.
    expect(counts.text).toBeGreaterThan(2_000);
    expect(counts.turnedAway).toBeGreaterThan(2_000);
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
