import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/body/parse.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { redactBody } from '../../../src/transform/redact.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Masks every occurrence of `secret` in every non-container leaf, as the gateway would. */
function maskEverywhere(body: Buffer, contentType: string, secret: string): { out: Buffer; leaves: Leaf[] } {
  const { leaves } = parseBody(body, contentType);
  const edits = leaves.flatMap((leaf, leafIndex) => {
    if (leaf.container) return [];
    const spans = [];
    for (let at = leaf.value.indexOf(secret); at >= 0; at = leaf.value.indexOf(secret, at + 1)) spans.push({ leafIndex, start: at, end: at + secret.length });
    return spans;
  });
  return { out: redactBody(body, leaves, edits), leaves };
}

describe('nested encodings', () => {
  it.each([
    ['JSON inside a JSON string', '{"payload":"{\\"user\\":{\\"phone\\":\\"13812345678\\"}}","n":1}', '/payload|json/user/phone', '{"payload":"{\\"user\\":{\\"phone\\":\\"***********\\"}}","n":1}'],
    ['JSON in a string in a string', JSON.stringify({ a: JSON.stringify({ b: JSON.stringify({ phone: '13812345678' }) }) }), '/a|json/b|json/phone', JSON.stringify({ a: JSON.stringify({ b: JSON.stringify({ phone: '***********' }) }) })],
    ['base64 of JSON', `{"blob":"${b64('{"phone":"13812345678"}')}"}`, '/blob|base64|json/phone', `{"blob":"${b64('{"phone":"***********"}')}"}`],
    ['percent-encoded text', '{"q":"name%3D%E5%BC%A0%E4%B8%89%26tel%3D13812345678"}', '/q|pct', '{"q":"name%3D%E5%BC%A0%E4%B8%89%26tel%3D***********"}'],
  ])('%s: found at its nested location and masked in place', (_name, body, location, expected) => {
    const { out, leaves } = maskEverywhere(Buffer.from(body), 'application/json', '13812345678');
    expect(leaves.some((l) => l.location === location && !l.container)).toBe(true);
    expect(out.toString()).toBe(expected);
    JSON.parse(out.toString());
  });

  it('keeps base64url alphabet and missing padding', () => {
    const inner = Buffer.from('{"tel":"13812345678","x":"??>>"}').toString('base64url');
    const { out } = maskEverywhere(Buffer.from(`{"t":"${inner}"}`), 'application/json', '13812345678');
    const token = (JSON.parse(out.toString()) as { t: string }).t;
    expect(token).not.toMatch(/[+/=]/);
    expect(Buffer.from(token, 'base64url').toString()).toBe('{"tel":"***********","x":"??>>"}');
  });

  it('leaves hex ids, digit runs and short tokens alone', () => {
    const { leaves } = parseBody(Buffer.from('{"h":"0123456789abcdef0123456789abcdef","d":"1234567890123456","s":"YWJj"}'), 'application/json');
    expect(leaves.every((l) => !l.container)).toBe(true);
  });

  it('stops at the depth limit', () => {
    let value = '{"phone":"13812345678"}';
    for (let i = 0; i < 6; i++) value = JSON.stringify({ v: value });
    const { leaves } = parseBody(Buffer.from(value), 'application/json');
    expect(Math.max(...leaves.map((l) => l.location.split('|').length - 1))).toBeLessThanOrEqual(3);
  });
});

describe('multipart/form-data', () => {
  const boundary = 'BOUNDARY42';
  const part = (headers: string, content: string | Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);

  it('reads text fields, JSON parts and CSV files, and lists binary parts as opaque', () => {
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="note"', 'call 13812345678'),
      part('Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json', '{"idCard":"11010519491231002X"}'),
      part('Content-Disposition: form-data; name="f"; filename="p.csv"\r\nContent-Type: text/csv', '姓名,手机号\r\n张三,13812345678\r\n"李,四","13912345678"\r\n'),
      part('Content-Disposition: form-data; name="img"; filename="a.png"\r\nContent-Type: image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1])),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const parsed = parseBody(body, `multipart/form-data; boundary=${boundary}`);
    const byLocation = new Map(parsed.leaves.map((l) => [l.location, l]));
    expect(byLocation.get('/note')?.value).toBe('call 13812345678');
    expect(byLocation.get('/meta/idCard')?.value).toBe('11010519491231002X');
    expect(byLocation.get('/f/p.csv/0/手机号')).toMatchObject({ key: '手机号', value: '13812345678' });
    expect(byLocation.get('/f/p.csv/1/姓名')).toMatchObject({ key: '姓名', value: '李,四' });
    expect(parsed.opaque).toEqual([{ location: '/img/a.png', reason: 'binary part image/png' }]);

    const { out } = maskEverywhere(body, `multipart/form-data; boundary=${boundary}`, '13912345678');
    expect(out.toString('utf8')).toContain('"李,四","***********"');
    expect(out.subarray(out.length - 30).equals(body.subarray(body.length - 30))).toBe(true);
  });

  it('accepts LF-only line ends', () => {
    const body = Buffer.from(`--${boundary}\nContent-Disposition: form-data; name="a"\n\nhello\n--${boundary}--\n`);
    expect(parseBody(body, `multipart/form-data; boundary=${boundary}`).leaves.map((l) => l.value)).toEqual(['hello']);
  });

  it.each([
    ['no boundary parameter', 'multipart/form-data', `--${boundary}\r\n\r\nx\r\n--${boundary}--`],
    ['no closing delimiter', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n`],
  ])('refuses a malformed body (%s) as uninspectable', (_name, type, body) => {
    expect(() => parseBody(Buffer.from(body), type)).toThrow(expect.objectContaining({ code: 'EG_BODY_UNINSPECTABLE' }));
  });
});

describe('property: a planted value is covered by redaction in every format and wrapping', () => {
  const wrappers: Record<string, (s: string) => string> = {
    plain: (s) => s,
    json: (s) => JSON.stringify({ inner: s }),
    base64: (s) => b64(JSON.stringify({ inner: s })),
    percent: (s) => encodeURIComponent(`k=${s}`),
  };
  const formats: Record<string, [string, (field: string, value: string) => string]> = {
    json: ['application/json', (f, v) => JSON.stringify({ a: 1, [f]: v, z: [true, null] })],
    form: ['application/x-www-form-urlencoded', (f, v) => `a=1&${encodeURIComponent(f)}=${encodeURIComponent(v)}&z=2`],
    multipart: ['multipart/form-data; boundary=XyZ', (f, v) => `--XyZ\r\nContent-Disposition: form-data; name="${f}"\r\n\r\n${v}\r\n--XyZ--\r\n`],
    csv: ['text/csv', (f, v) => `${f},other\r\n"${v.replace(/"/g, '""')}",x\r\n`],
  };

  it('removes every occurrence from the bytes and keeps the body parseable', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(formats)),
        fc.constantFrom(...Object.keys(wrappers)),
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/),
        fc.stringMatching(/^[0-9]{12,18}$/),
        // A literal '%' right before digits reads as percent-encoding ("%41" is "A"): a known
        // ambiguity of decoding untyped text, kept out of this property.
        fc.string({ maxLength: 12 }).filter((s) => !/[0-9%]/.test(s)),
        (formatName, wrapName, field, secret, noise) => {
          const [type, build] = formats[formatName]!;
          const body = Buffer.from(build(field, wrappers[wrapName]!(`${noise}${secret}${noise}`)));
          const { out } = maskEverywhere(body, type, secret);
          const text = out.toString('utf8');
          // Every readable form of the secret is gone: plain, inside base64 and percent-encoded.
          expect(text).not.toContain(secret);
          expect(parseBody(out, type).leaves.some((l) => !l.container && l.value.includes(secret))).toBe(false);
          if (formatName === 'json') JSON.parse(text);
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
