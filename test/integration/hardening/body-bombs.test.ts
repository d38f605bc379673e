import { brotliCompressSync, constants, createGzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeContent } from '../../../src/body/decode.js';
import { isEgError } from '../../../src/errors.js';
import { eventually, startTestGateway, startUpstream, TEST_POLICY, type TestGateway, type TestUpstream } from '../harness.js';
import { proxyPost } from './body-util.js';

// Decompression bombs: a small encoded body that inflates to far more than limits.max_decoded_bytes
// (32 MiB by default), or far more than its size justifies (ratio > 100:1 past 1 MiB). Each is
// refused 413 EG_BODY_TOO_LARGE, nothing reaches the upstream, and an audit event records it.
// The decoder stops at the limit (zlib's maxOutputLength): the 1 GiB and nested bombs below would
// take the test process past its heap if they were inflated whole first.

const MiB = 1024 * 1024;

/** gzip of `mib` MiB of zeros, compressed as a stream so the test never holds the plain bytes. */
async function gzipZeros(mib: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

let gw: TestGateway;
let up: TestUpstream;
let gzip1GiB: Buffer;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(TEST_POLICY);
  gzip1GiB = gzipSync(await gzipZeros(1024));
}, 60_000);

afterAll(async () => {
  await gw.close();
  await up.close();
});

const json = { 'content-type': 'application/json' };
const zeros64 = Buffer.alloc(64 * MiB, '{');

const BOMBS: { name: string; encoding: string; body: () => Buffer; detail: RegExp }[] = [
  { name: 'gzip bomb: 64 MiB in about 64 KiB', encoding: 'gzip', body: () => gzipSync(zeros64, { level: 9 }), detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'deflate (zlib) bomb', encoding: 'deflate', body: () => deflateSync(zeros64, { level: 9 }), detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'raw deflate bomb labelled deflate', encoding: 'deflate', body: () => deflateRawSync(zeros64, { level: 9 }), detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'brotli bomb', encoding: 'br', body: () => brotliCompressSync(zeros64, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'nested bomb: gzip, gzip of 1 GiB', encoding: 'gzip, gzip', body: () => gzip1GiB, detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'nested codings of different kinds: deflate, br', encoding: 'deflate, br', body: () => brotliCompressSync(deflateSync(zeros64, { level: 9 }), { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), detail: /ratio exceeds 100:1|decoded body exceeds/ },
  { name: 'high ratio under the size limit: 4 MiB from 4 KiB', encoding: 'gzip', body: () => gzipSync(Buffer.alloc(4 * MiB, ' '), { level: 9 }), detail: /ratio exceeds 100:1/ },
];

describe('decompression bombs', () => {
  it.each(BOMBS)('$name: 413 EG_BODY_TOO_LARGE, nothing forwarded, audited', async ({ name, encoding, body, detail }) => {
    const before = up.received.length;
    const path = `/bomb/${encodeURIComponent(name)}`;
    const got = await proxyPost(gw.port, `http://api.partner.example:${up.port}${path}`, { headers: { ...json, 'content-encoding': encoding }, body: body() });
    expect(got).toMatchObject({ status: 413, code: 'EG_BODY_TOO_LARGE' });
    expect(got.body).toMatch(detail);
    expect(up.received.length).toBe(before);
    await eventually(() => gw.audit.events.some((e) => e.path === path));
    expect(gw.audit.events.find((e) => e.path === path)).toMatchObject({ action: 'block', error: 'EG_BODY_TOO_LARGE', status: 413 });
  });

  it('an unsupported coding (compress) abroad: refused 403 EG_BODY_UNINSPECTABLE naming the coding, nothing forwarded', async () => {
    const before = up.received.length;
    const got = await proxyPost(gw.port, `http://api.partner.example:${up.port}/compress`, { headers: { ...json, 'content-encoding': 'compress' }, body: 'x' });
    expect(got.status).toBe(403);
    expect(got.body).toContain('EG_BODY_UNINSPECTABLE');
    expect(got.body).toContain('content-encoding');
    expect(up.received.length).toBe(before);
  });

  it('truncated gzip: refused as uninspectable abroad', async () => {
    const full = gzipSync(Buffer.from('{"note":"plain"}'));
    const got = await proxyPost(gw.port, `http://api.partner.example:${up.port}/truncated`, { headers: { ...json, 'content-encoding': 'gzip' }, body: full.subarray(0, full.length - 6) });
    expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
  });

  it('the decoder stops at the limit: a 1 GiB nested bomb fails with the size error, not out of memory', () => {
    const heapBefore = process.memoryUsage().arrayBuffers;
    let caught: unknown;
    try {
      decodeContent(gzip1GiB, 'gzip, gzip', 32 * MiB, { maxRatio: 1e9 });
    } catch (err) {
      caught = err;
    }
    expect(isEgError(caught) && caught.code).toBe('EG_BODY_TOO_LARGE');
    expect((caught as Error).message).toContain('decoded body exceeds 33554432 bytes');
    // Nothing near the 1 GiB was ever held.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(256 * MiB);
  });
});
