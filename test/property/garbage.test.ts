/**
 * Property: generated garbage (random bytes, invalid UTF-8, truncated and deeply nested JSON,
 * broken multipart, bad percent escapes, corrupt and bomb-sized compressed streams, values
 * encoded inside values) never throws out of the body stage with anything but a typed EgError,
 * never takes long on one input, and through the real gateway always gets a coded answer and
 * an audit event, never a 500. The time bound is a loose safety net against a stalled event
 * loop (a catastrophic case takes seconds to minutes), not a performance figure.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/matcher.js';
import { Evaluator } from '../../src/cli/evaluate.js';
import { loadDefaultPolicy } from '../../src/config/load.js';
import { isEgError } from '../../src/errors.js';
import { inspectDecoded } from '../../src/pipeline/inspect.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 300);
const NOW = new Date('2026-06-01T00:00:00Z');
const MAX_DECODED = 32 * 1024 * 1024;
/** Far above any honest input here (they take milliseconds), far below a stalled loop. */
const SAFETY_MS = 3_000;

const policy = loadDefaultPolicy();
const classifier = createClassifier(policy.categoryGrades, policy.customRules);

// What the body stage may refuse with: each is answered with its own code by the gateway.
const BODY_CODES = new Set(['EG_BODY_UNINSPECTABLE', 'EG_BODY_TOO_LARGE', 'EG_ENCODING_UNSUPPORTED', 'EG_BAD_REQUEST']);

const TYPES = [
  'application/json', 'application/x-ndjson', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b0undary',
  'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="' + 'x'.repeat(90) + '"',
  'text/csv', 'text/tab-separated-values', 'text/plain', 'text/plain; charset=gbk', 'text/plain; charset=utf-8',
  'application/xml', 'application/octet-stream', 'application/vnd.api+json', 'image/png', 'foo', '', ';;;=',
];
const typeArb = fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 40 }));

const bytes = (s: string) => Buffer.from(s);
const jsonText = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null');

/** Garbage of every family the issue names; each yields the body bytes. */
const garbageArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
  // Valid text with bytes that are never valid UTF-8 (continuation bytes alone, 0xC0/0xFF).
  fc
    .tuple(jsonText, fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x80, 0xbf, 0xc0, 0xc3, 0xe4, 0xf0, 0xff)), { minLength: 1, maxLength: 6 }))
    .map(([t, bad]) => {
      const b = [...bytes(t)];
      for (const [at, v] of bad) b.splice(at % (b.length + 1), 0, v);
      return Buffer.from(b);
    }),
  // Truncated JSON.
  fc.tuple(jsonText, fc.nat()).map(([t, n]) => bytes(t.slice(0, n % (t.length + 1)))),
  // Deep nesting, closed or not: a recursive parser overflows its stack here.
  fc
    .record({ depth: fc.integer({ min: 1, max: 120_000 }), open: fc.constantFrom('[', '{"a":', '[{"b":['), closed: fc.boolean() })
    .map(({ depth, open, closed }) => {
      const close = open === '[' ? ']' : open === '{"a":' ? '}' : ']}]';
      return bytes(open.repeat(depth) + (closed ? '0' + close.repeat(depth) : ''));
    }),
  // Multipart with the boundary wrong, missing, repeated, or the headers never ending.
  fc
    .array(
      fc.constantFrom('--b0undary\r\n', '--b0undary--\r\n', '--b0undary', '--other\r\n', 'Content-Disposition: form-data; name="a"\r\n',
        'Content-Disposition: form-data; name=\r\n', 'Content-Type: application/json\r\n', 'Content-Transfer-Encoding: base64\r\n', '\r\n', '\n',
        '{"x":', 'hello', '\r\n\r\n', 'Content-Disposition: form-data; filename*=UTF-8\'\'%E4%B8\r\n'),
      { maxLength: 30 },
    )
    .map((parts) => bytes(parts.join(''))),
  // Form bodies with bad and truncated percent escapes.
  fc
    .array(fc.constantFrom('a', '=', '&', '%', '%2', '%zz', '%E4%B8', '%C0%AF', '%FF', '+', '%25', '%00', '%u4e00', 'key', '=='), { maxLength: 40 })
    .map((parts) => bytes(parts.join(''))),
  // Values encoded inside values: base64 / percent / JSON-in-a-string, several levels deep.
  fc
    .tuple(jsonText, fc.array(fc.constantFrom('b64', 'pct', 'json'), { minLength: 1, maxLength: 8 }))
    .map(([t, wraps]) => {
      let v = t;
      for (const w of wraps) v = w === 'b64' ? Buffer.from(v).toString('base64') : w === 'pct' ? encodeURIComponent(v) : JSON.stringify(v);
      return bytes(JSON.stringify({ v }));
    }),
);

const CODINGS = ['', 'gzip', 'deflate', 'br', 'gzip, gzip', 'br, deflate', 'identity', 'compress', 'gzip,,', 'x-gzip'];

function encodeWith(buf: Buffer, coding: string): Buffer {
  let out = buf;
  for (const c of coding.split(',').map((s) => s.trim())) {
    if (c === 'gzip' || c === 'x-gzip') out = zlib.gzipSync(out);
    else if (c === 'deflate') out = zlib.deflateSync(out);
    else if (c === 'br') out = zlib.brotliCompressSync(out);
  }
  return out;
}

/** Compressed streams: honest, truncated, with flipped bytes, or simply not compressed at all. */
const encodedArb = fc
  .record({ body: garbageArb, coding: fc.constantFrom(...CODINGS), damage: fc.constantFrom('none', 'truncate', 'flip', 'raw'), at: fc.nat() })
  .map(({ body, coding, damage, at }) => {
    let enc = damage === 'raw' ? body : encodeWith(body, coding);
    if (damage === 'truncate') enc = enc.subarray(0, at % (enc.length + 1));
    if (damage === 'flip' && enc.length > 0) {
      enc = Buffer.from(enc);
      enc[at % enc.length]! ^= 0x5a;
    }
    return { enc, coding };
  });

// Bombs are built once: a few MB of input work is too slow to repeat per run.
const zeros = Buffer.alloc(MAX_DECODED + 1024 * 1024);
const brotli = (b: Buffer) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
const BOMBS: ReadonlyArray<{ enc: Buffer; coding: string }> = [
  { enc: zlib.gzipSync(zeros, { level: 9 }), coding: 'gzip' },
  { enc: zlib.gzipSync(zlib.gzipSync(zeros, { level: 9 }), { level: 9 }), coding: 'gzip, gzip' },
  { enc: brotli(zeros), coding: 'br' },
  { enc: zlib.deflateSync(zeros.subarray(0, 4 * 1024 * 1024), { level: 9 }), coding: 'deflate' },
  { enc: zlib.gzipSync(brotli(zeros)), coding: 'br, gzip' },
];

/** The body stage on one input: a typed outcome, in bounded time. */
function inspectOnce(enc: Buffer, coding: string, type: string): 'parsed' | string {
  const t0 = performance.now();
  let outcome: string;
  try {
    inspectDecoded(classifier, enc, coding === '' ? undefined : coding, type === '' ? undefined : type, NOW, MAX_DECODED);
    outcome = 'parsed';
  } catch (err) {
    if (!isEgError(err)) throw new Error(`the body stage threw a ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`, { cause: err });
    outcome = err.code;
  }
  expect(performance.now() - t0, 'one input took longer than the safety net').toBeLessThan(SAFETY_MS);
  return outcome;
}

describe('property: the body stage never throws untyped and never stalls on garbage', () => {
  it('plain garbage in any content type', () => {
    fc.assert(
      fc.property(garbageArb, typeArb, (body, type) => {
        const outcome = inspectOnce(body, '', type);
        if (outcome !== 'parsed') expect(BODY_CODES).toContain(outcome);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('garbage under any content-encoding, honest, truncated, corrupted or not encoded at all', () => {
    fc.assert(
      fc.property(encodedArb, typeArb, ({ enc, coding }, type) => {
        const outcome = inspectOnce(enc, coding, type);
        if (outcome !== 'parsed') expect(BODY_CODES).toContain(outcome);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('a 120,000-deep JSON document is refused as uninspectable, not a stack overflow', () => {
    expect(inspectOnce(bytes('['.repeat(120_000) + '0' + ']'.repeat(120_000)), '', 'application/json')).toBe('EG_BODY_UNINSPECTABLE');
  });

  it.each(BOMBS.map((b) => [b.coding, b] as const))('a decompression bomb (%s) is refused as too large', (_, bomb) => {
    expect(inspectOnce(bomb.enc, bomb.coding, 'application/json')).toBe('EG_BODY_TOO_LARGE');
  });
});

describe('property: through the gateway, garbage always gets a coded answer and an audit event', () => {
  let evaluator: Evaluator;
  beforeAll(async () => {
    evaluator = await Evaluator.start(policy, NOW);
  });
  afterAll(() => evaluator?.close());

  it('never a 500, never EG_INTERNAL, always one audit event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(encodedArb, fc.constantFrom(...BOMBS)), typeArb, async ({ enc, coding }, type) => {
        const headers: Record<string, string> = {};
        if (type !== '') headers['content-type'] = type;
        if (coding !== '') headers['content-encoding'] = coding;
        const t0 = performance.now();
        const res = await evaluator.evaluate({ method: 'POST', url: 'http://api.partner.example/in', headers, body: enc });
        expect(performance.now() - t0).toBeLessThan(SAFETY_MS);
        expect(res.status).toBeLessThan(500);
        expect(res.event).toBeDefined();
        if (res.forwarded === null) expect(res.error, `status ${res.status} without a code`).toMatch(/^EG_[A-Z_]+$/);
        expect(res.error).not.toBe('EG_INTERNAL');
      }),
      { numRuns: Math.ceil(NUM_RUNS / 2) },
    );
  }, 90_000);
});
