import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, withGatewayAndUpstream, type TestGateway, type TestUpstream } from '../harness.js';
import { ID_CARD, proxyPost } from './body-util.js';

// Unknown content types and binary bodies, one rule (README "Request bodies"): a known binary
// type (octet-stream, images, archives, protobuf, gRPC, ...) is uninspectable; any other type,
// unknown or missing, is read as UTF-8 text when it is text (so an odd label hides nothing) and
// is uninspectable when it is not (NUL bytes, invalid UTF-8). Uninspectable abroad: refused.

const POLICY = TEST_POLICY.replace('    hosts: ["*.cn"]', '    hosts: ["*.cn"]\n    inspect: always');

let gw: TestGateway;
let up: TestUpstream;

withGatewayAndUpstream(POLICY, (started) => ({ gw, up } = started));

async function post(host: string, path: string, contentType: string | null, body: Buffer | string) {
  const got = await proxyPost(gw.port, `http://${host}:${up.port}${path}`, { headers: contentType === null ? {} : { 'content-type': contentType }, body });
  await eventually(() => gw.audit.events.some((e) => e.path === path));
  return { got, event: gw.audit.events.find((e) => e.path === path)!, arrived: up.received.find((r) => r.url === path) };
}

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

describe('unknown content types and binary bodies', () => {
  it.each([
    ['application/octet-stream'],
    ['image/png'],
    ['application/zip'],
    ['application/x-protobuf'],
    ['application/grpc'],
  ])('binary type %s abroad: refused 403 EG_BODY_UNINSPECTABLE, audited', async (type) => {
    const { got, event, arrived } = await post('api.partner.example', `/bin/${type}`, type, BINARY);
    expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
    expect(got.body).toContain('binary content type');
    expect(arrived).toBeUndefined();
    expect(event).toMatchObject({ action: 'block', error: 'EG_BODY_UNINSPECTABLE' });
  });

  it('binary bytes under an unknown type abroad: refused (NUL bytes)', async () => {
    const { got, arrived } = await post('api.partner.example', '/unknown-binary', 'application/x-acme-blob', BINARY);
    expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
    expect(got.body).toContain('NUL bytes');
    expect(arrived).toBeUndefined();
  });

  it('binary bytes with no content type at all abroad: refused', async () => {
    const { got, arrived } = await post('api.partner.example', '/no-type-binary', null, BINARY);
    expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
    expect(arrived).toBeUndefined();
  });

  it('an ID number under an unknown type is read as text and found: a sensitive label hides nothing', async () => {
    const { got, event, arrived } = await post('ids.partner.example', '/unknown-text', 'application/x-acme-record', `holder id ${ID_CARD} end`);
    expect(got.status).toBe(200);
    expect(event.findings.map((f) => f.category)).toContain('pi.id_card');
    expect(arrived!.body.toString()).not.toContain(ID_CARD);
  });

  it('an ID number with no content type is read as text and found', async () => {
    const { got, event, arrived } = await post('ids.partner.example', '/no-type-text', null, `holder id ${ID_CARD} end`);
    expect(got.status).toBe(200);
    expect(event.findings.map((f) => f.category)).toContain('pi.id_card');
    expect(arrived!.body.toString()).not.toContain(ID_CARD);
  });

  it('clean text under an unknown type abroad: forwarded byte for byte', async () => {
    const body = 'just a plain note, nothing personal';
    const { got, event, arrived } = await post('api.partner.example', '/unknown-clean', 'application/x-acme-note', body);
    expect(got.status).toBe(200);
    expect(arrived!.body.toString()).toBe(body);
    expect(event.error).toBeNull();
  });

  it('binary domestic: allowed unchanged, recorded as uninspectable', async () => {
    const { got, event, arrived } = await post('svc.internal.cn', '/bin-domestic', 'application/octet-stream', BINARY);
    expect(got.status).toBe(200);
    expect(arrived!.body.equals(BINARY)).toBe(true);
    expect(event).toMatchObject({ action: 'allow', error: 'EG_BODY_UNINSPECTABLE' });
  });
});
