import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent, parseContentEncoding } from '../../../src/body/decode.js';
import { EgError } from '../../../src/errors.js';

const body = Buffer.from(JSON.stringify({ name: '张三', phone: '13800138000', pad: 'x'.repeat(5000) }));
const MB = 1024 * 1024;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof EgError ? e.code : `not an EgError: ${String(e)}`;
  }
  return undefined;
}

describe('decodeContent', () => {
  const cases: Array<[string, string | undefined, Buffer]> = [
    ['no header', undefined, body],
    ['identity', 'identity', body],
    ['gzip', 'gzip', zlib.gzipSync(body)],
    ['x-gzip, upper case', 'X-GZIP', zlib.gzipSync(body)],
    ['deflate (zlib-wrapped)', 'deflate', zlib.deflateSync(body)],
    ['deflate (raw)', 'deflate', zlib.deflateRawSync(body)],
    ['br', 'br', zlib.brotliCompressSync(body)],
    ['stacked gzip, br (br applied last)', 'gzip, br', zlib.brotliCompressSync(zlib.gzipSync(body))],
    ['stacked with identity and empty elements', 'deflate,,identity , gzip', zlib.gzipSync(zlib.deflateSync(body))],
    ['multi-member gzip', 'gzip', Buffer.concat([zlib.gzipSync(body.subarray(0, 100)), zlib.gzipSync(body.subarray(100))])],
  ];
  it.each(cases)('%s', (_name, encoding, input) => {
    expect(decodeContent(input, encoding, 10 * MB).equals(body)).toBe(true);
  });

  it('round-trips every chain through encodeContent', () => {
    for (const enc of [undefined, 'identity', 'gzip', 'x-gzip', 'deflate', 'br', 'gzip, br', 'br, deflate, gzip']) {
      const encoded = encodeContent(body, enc);
      expect(decodeContent(encoded, enc, MB).equals(body), String(enc)).toBe(true);
    }
  });

  it('treats an empty body as empty whatever the label', () => {
    expect(decodeContent(Buffer.alloc(0), 'gzip, br', 10).length).toBe(0);
  });

  it('refuses unknown encodings', () => {
    expect(codeOf(() => decodeContent(body, 'compress', MB))).toBe('EG_ENCODING_UNSUPPORTED');
    expect(codeOf(() => decodeContent(body, 'gzip, zstd', MB))).toBe('EG_ENCODING_UNSUPPORTED');
    expect(codeOf(() => encodeContent(body, 'snappy'))).toBe('EG_ENCODING_UNSUPPORTED');
    expect(() => parseContentEncoding('zstd')).toThrow(/content-encoding "zstd" is not supported/);
  });

  it('calls corrupt or truncated data uninspectable', () => {
    const gz = zlib.gzipSync(body);
    for (const [enc, data] of [
      ['gzip', body],
      ['gzip', gz.subarray(0, gz.length - 10)],
      ['deflate', Buffer.from('not deflate at all')],
      ['br', Buffer.from('not brotli either')],
      ['gzip', Buffer.concat([gz, Buffer.from('trailing')])],
    ] as const) {
      let err: unknown;
      try {
        decodeContent(data, enc, MB);
      } catch (e) {
        err = e;
      }
      expect((err as EgError).code, enc).toBe('EG_BODY_UNINSPECTABLE');
      expect((err as EgError).detail).toMatch(new RegExp(`^${enc} data is corrupt or truncated`));
    }
  });

  it('enforces the limit on identity bodies and at exactly the limit', () => {
    expect(decodeContent(body, undefined, body.length).length).toBe(body.length);
    expect(codeOf(() => decodeContent(body, undefined, body.length - 1))).toBe('EG_BODY_TOO_LARGE');
    const gz = zlib.gzipSync(body);
    expect(decodeContent(gz, 'gzip', body.length).length).toBe(body.length);
    expect(codeOf(() => decodeContent(gz, 'gzip', body.length - 1))).toBe('EG_BODY_TOO_LARGE');
    expect(codeOf(() => decodeContent(gz, 'gzip', 0))).toBe('EG_BODY_TOO_LARGE');
  });
});

describe('compression bombs stop at the limit', () => {
  // 100 MB of zeros in one gzip member, built by streaming so the test never holds 100 MB.
  async function gzipBomb(): Promise<Buffer> {
    const gz = zlib.createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gz.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => gz.on('end', resolve));
    const zeros = Buffer.alloc(MB);
    for (let i = 0; i < 100; i++) gz.write(zeros);
    gz.end();
    await done;
    return Buffer.concat(chunks);
  }

  it('gzip: 100 MB of zeros is refused at a 1 MB limit without being allocated', async () => {
    const bomb = await gzipBomb();
    expect(bomb.length).toBeLessThan(200 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      decodeContent(bomb, 'gzip', MB);
    } catch (e) {
      err = e;
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect((err as EgError).code).toBe('EG_BODY_TOO_LARGE');
    expect((err as EgError).detail).toBe(`decoded body exceeds ${MB} bytes`);
    // Buffers made while decoding are still counted (no GC has to run); a full inflate would
    // show ~100 MB here.
    expect(grown).toBeLessThan(20 * MB);
  });

  it('stacked: a bomb inside another coding is stopped too', async () => {
    const bomb = zlib.brotliCompressSync(await gzipBomb());
    expect(codeOf(() => decodeContent(bomb, 'gzip, br', MB))).toBe('EG_BODY_TOO_LARGE');
  });

  it('br and deflate bombs', () => {
    const zeros = Buffer.alloc(8 * MB);
    expect(codeOf(() => decodeContent(zlib.brotliCompressSync(zeros), 'br', MB))).toBe('EG_BODY_TOO_LARGE');
    expect(codeOf(() => decodeContent(zlib.deflateSync(zeros), 'deflate', MB))).toBe('EG_BODY_TOO_LARGE');
    expect(codeOf(() => decodeContent(zlib.deflateRawSync(zeros), 'deflate', MB))).toBe('EG_BODY_TOO_LARGE');
  });
});

describe('expansion ratio limit', () => {
  function detailOf(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (e) {
      return e instanceof EgError ? `${e.code}: ${e.detail}` : String(e);
    }
    return undefined;
  }

  it('refuses a bomb that fits the size limit but expands past 100:1 beyond the first MiB', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * MB, 0x61));
    expect(bomb.length).toBeLessThan(20 * 1024);
    expect(detailOf(() => decodeContent(bomb, 'gzip', 64 * MB))).toBe(
      `EG_BODY_TOO_LARGE: decoded/encoded ratio exceeds 100:1 (${bomb.length} bytes received)`,
    );
  });

  it('counts stacked codings overall, against the bytes received', () => {
    // gzip twice: the stages expand about 50:1 and 1000:1, together about 50000:1.
    const twice = zlib.gzipSync(zlib.gzipSync(Buffer.alloc(4 * MB, 0x61)));
    expect(detailOf(() => decodeContent(twice, 'gzip, gzip', 64 * MB, { maxRatio: 2000, exemptBytes: 1024 }))).toMatch(
      /^EG_BODY_TOO_LARGE: decoded\/encoded ratio exceeds 2000:1/,
    );
    expect(decodeContent(twice, 'gzip, gzip', 64 * MB, { maxRatio: 60_000, exemptBytes: 1024 }).length).toBe(4 * MB);
  });

  it('exempts small outputs and passes ordinary compressed JSON', () => {
    const small = Buffer.alloc(MB, 0x61);
    expect(decodeContent(zlib.gzipSync(small), 'gzip', 64 * MB).equals(small)).toBe(true);
    const json = Buffer.from(JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `user${i}`, score: i * 7 }))));
    expect(decodeContent(zlib.gzipSync(json), 'gzip', 64 * MB).equals(json)).toBe(true);
  });

  it('takes the ratio and the exemption as options; the size limit still wins when lower', () => {
    const data = Buffer.alloc(2 * MB, 0x61);
    const gz = zlib.gzipSync(data);
    expect(decodeContent(gz, 'gzip', 64 * MB, { maxRatio: Infinity }).length).toBe(data.length);
    expect(detailOf(() => decodeContent(zlib.gzipSync(Buffer.alloc(4096, 0x61)), 'gzip', 64 * MB, { exemptBytes: 1024 }))).toMatch(/ratio exceeds 100:1/);
    expect(detailOf(() => decodeContent(gz, 'gzip', MB))).toBe(`EG_BODY_TOO_LARGE: decoded body exceeds ${MB} bytes`);
  });
});
