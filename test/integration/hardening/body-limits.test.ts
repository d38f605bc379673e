import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, withGatewayAndUpstream, type TestGateway, type TestUpstream } from '../harness.js';
import { cleanJson, proxyPost } from './body-util.js';

// Body size limits, before decoding (limits.max_body_bytes, as received) and after it
// (limits.max_decoded_bytes), on every way a body can arrive: declared length, chunked, encoded.
// Abroad, a body the gateway cannot read whole is refused (413); a destination that allows
// uninspectable bodies gets it streamed on unchanged.

const POLICY = `${TEST_POLICY.replace('version: 1\n', 'version: 1\nlimits:\n  max_body_bytes: 64KiB\n  max_decoded_bytes: 256KiB\n')}  - name: partner-lenient
    jurisdiction: JP
    hosts: [lenient.partner.example]
    uninspectable: allow
`.replace('resolve:\n', 'resolve:\n  lenient.partner.example: 127.0.0.1\n');

let gw: TestGateway;
let up: TestUpstream;

withGatewayAndUpstream(POLICY, (started) => ({ gw, up } = started));

const url = (host: string, path: string) => `http://${host}:${up.port}${path}`;
const json = { 'content-type': 'application/json' };

async function lastEvent(path: string) {
  await eventually(() => gw.audit.events.some((e) => e.path === path));
  return gw.audit.events.filter((e) => e.path === path).at(-1)!;
}

describe('body limits', () => {
  it('a body of exactly max_body_bytes is read, inspected and forwarded byte for byte', async () => {
    const body = Buffer.concat([cleanJson(64 * 1024 - 100)]);
    const padded = Buffer.concat([body.subarray(0, body.length - 1), Buffer.alloc(64 * 1024 - body.length, ' '), Buffer.from('}')]);
    expect(padded.length).toBe(64 * 1024);
    const got = await proxyPost(gw.port, url('api.partner.example', '/at-limit'), { headers: json, body: padded });
    expect(got.status).toBe(200);
    expect(up.received.at(-1)!.url).toBe('/at-limit');
    expect(up.received.at(-1)!.body.equals(padded)).toBe(true);
  });

  it('declared Content-Length over max_body_bytes abroad: 413 EG_BODY_TOO_LARGE, nothing forwarded, audited', async () => {
    const before = up.received.length;
    const got = await proxyPost(gw.port, url('api.partner.example', '/declared-over'), { headers: json, body: cleanJson(80 * 1024) });
    expect(got).toMatchObject({ status: 413, code: 'EG_BODY_TOO_LARGE' });
    expect(up.received.length).toBe(before);
    expect(await lastEvent('/declared-over')).toMatchObject({ action: 'block', error: 'EG_BODY_TOO_LARGE', status: 413 });
  });

  it('chunked body that grows past max_body_bytes abroad: 413 EG_BODY_TOO_LARGE, nothing forwarded', async () => {
    const before = up.received.length;
    const body = cleanJson(96 * 1024);
    const chunks = [body.subarray(0, 30_000), body.subarray(30_000, 60_000), body.subarray(60_000)];
    const got = await proxyPost(gw.port, url('api.partner.example', '/chunked-over'), { headers: json, chunks });
    expect(got).toMatchObject({ status: 413, code: 'EG_BODY_TOO_LARGE' });
    expect(up.received.length).toBe(before);
    expect(await lastEvent('/chunked-over')).toMatchObject({ action: 'block', error: 'EG_BODY_TOO_LARGE' });
  });

  it('over max_body_bytes to a destination with uninspectable: allow: streamed on unchanged, recorded', async () => {
    const body = cleanJson(200 * 1024);
    const got = await proxyPost(gw.port, url('lenient.partner.example', '/lenient-over'), { headers: json, body });
    expect(got.status).toBe(200);
    const arrived = up.received.find((r) => r.url === '/lenient-over')!;
    expect(arrived.body.equals(body)).toBe(true);
    expect(await lastEvent('/lenient-over')).toMatchObject({ action: 'allow', error: 'EG_BODY_TOO_LARGE', wouldBe: 'allow' });
  });

  it('gzip body within max_body_bytes that decodes past max_decoded_bytes: 413, nothing forwarded', async () => {
    const before = up.received.length;
    // Real JSON, ratio well under the bomb ratio: only the decoded size limit can stop it.
    const decoded = cleanJson(300 * 1024);
    const encoded = gzipSync(decoded);
    expect(encoded.length).toBeLessThan(64 * 1024);
    expect(decoded.length / encoded.length).toBeLessThan(100);
    const got = await proxyPost(gw.port, url('api.partner.example', '/decoded-over'), { headers: { ...json, 'content-encoding': 'gzip' }, body: encoded });
    expect(got).toMatchObject({ status: 413, code: 'EG_BODY_TOO_LARGE' });
    expect(got.body).toContain('decoded body exceeds 262144 bytes');
    expect(up.received.length).toBe(before);
    expect(await lastEvent('/decoded-over')).toMatchObject({ action: 'block', error: 'EG_BODY_TOO_LARGE' });
  });

  it('gzip body that decodes within max_decoded_bytes is inspected and forwarded as received', async () => {
    const encoded = gzipSync(cleanJson(200 * 1024));
    const got = await proxyPost(gw.port, url('api.partner.example', '/decoded-ok'), { headers: { ...json, 'content-encoding': 'gzip' }, body: encoded });
    expect(got.status).toBe(200);
    expect(up.received.find((r) => r.url === '/decoded-ok')!.body.equals(encoded)).toBe(true);
  });

  it('chunked body under the limit is forwarded with a Content-Length of what was read', async () => {
    const body = cleanJson(40 * 1024);
    const got = await proxyPost(gw.port, url('api.partner.example', '/chunked-ok'), { headers: json, chunks: [body.subarray(0, 1000), body.subarray(1000)] });
    expect(got.status).toBe(200);
    const arrived = up.received.find((r) => r.url === '/chunked-ok')!;
    expect(arrived.body.equals(body)).toBe(true);
    expect(arrived.headers['content-length']).toBe(String(body.length));
    expect(arrived.headers['transfer-encoding']).toBeUndefined();
  });
});
