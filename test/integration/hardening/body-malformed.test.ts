import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, withGatewayAndUpstream, type TestGateway, type TestUpstream } from '../harness.js';
import { proxyPost } from './body-util.js';

// Malformed bodies: what does not parse in its declared format cannot be inspected, so the
// destination's `uninspectable` rule decides. Default abroad: refused 403 EG_BODY_UNINSPECTABLE;
// domestic: allowed, forwarded unchanged. Either way the audit event carries the code.
// The domestic zone inspects always here, so its bodies are really read.

const POLICY = TEST_POLICY.replace('    hosts: ["*.cn"]', '    hosts: ["*.cn"]\n    inspect: always');

let gw: TestGateway;
let up: TestUpstream;

withGatewayAndUpstream(POLICY, (started) => ({ gw, up } = started));

const MALFORMED: { name: string; contentType: string; body: Buffer }[] = [
  { name: 'JSON cut off mid-object', contentType: 'application/json', body: Buffer.from('{"name":"Zhang","items":[1,2') },
  { name: 'JSON with a trailing garbage token', contentType: 'application/json', body: Buffer.from('{"a":1} x') },
  { name: 'JSON with invalid UTF-8', contentType: 'application/json', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
  { name: 'NDJSON with a broken line', contentType: 'application/x-ndjson', body: Buffer.from('{"a":1}\n{"b":\n') },
  { name: 'form with invalid UTF-8 after percent-decoding', contentType: 'application/x-www-form-urlencoded', body: Buffer.from('name=%C3%28&x=1') },
  { name: 'multipart without a boundary parameter', contentType: 'multipart/form-data', body: Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n') },
  { name: 'multipart whose closing delimiter never comes', contentType: 'multipart/form-data; boundary=XyZ', body: Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue without end') },
  { name: 'charset the gateway cannot read (shift_jis)', contentType: 'application/json; charset=shift_jis', body: Buffer.from('{"a":"b"}') },
  { name: 'text labelled utf-8 that is not', contentType: 'text/plain; charset=utf-8', body: Buffer.from([0x68, 0x69, 0xff, 0xfe]) },
];

describe.each([
  { where: 'abroad (default: refuse)', host: 'api.partner.example', refused: true },
  { where: 'domestic (default: allow)', host: 'svc.internal.cn', refused: false },
])('malformed bodies $where', ({ host, refused }) => {
  it.each(MALFORMED)('$name', async ({ name, contentType, body }) => {
    const path = `/malformed/${host}/${encodeURIComponent(name)}`;
    const got = await proxyPost(gw.port, `http://${host}:${up.port}${path}`, { headers: { 'content-type': contentType }, body });
    await eventually(() => gw.audit.events.some((e) => e.path === path));
    const event = gw.audit.events.find((e) => e.path === path)!;
    expect(event.error).toBe('EG_BODY_UNINSPECTABLE');
    const arrived = up.received.find((r) => r.url === path);
    if (refused) {
      expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
      expect(arrived).toBeUndefined();
      expect(event).toMatchObject({ action: 'block', status: 403 });
    } else {
      expect(got.status).toBe(200);
      expect(arrived!.body.equals(body)).toBe(true);
      expect(event).toMatchObject({ action: 'allow', status: 200 });
    }
  });
});
