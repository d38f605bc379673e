import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, withGatewayAndUpstream, type TestGateway, type TestUpstream } from '../harness.js';
import { proxyPost } from './body-util.js';

// A destination abroad with `inspect: never`: its bodies are never read, so `uninspectable`
// decides as it does for a body that cannot be parsed. The default (block) refuses with the
// reason in the answer; `allow` relays the body unread, recording why it went uninspected.

const POLICY = `${TEST_POLICY}  - name: never-refused
    jurisdiction: US
    hosts: [refused.never.example]
    inspect: never
  - name: never-allowed
    jurisdiction: US
    hosts: [allowed.never.example]
    inspect: never
    uninspectable: allow
`.replace('resolve:\n', 'resolve:\n  refused.never.example: 127.0.0.1\n  allowed.never.example: 127.0.0.1\n');

let gw: TestGateway;
let up: TestUpstream;

withGatewayAndUpstream(POLICY, (started) => ({ gw, up } = started));

const BODY = Buffer.from('{"note":"not read","phone":"13912345678"}');

describe('a destination abroad that is never inspected', () => {
  it('is refused by default, 403 EG_BODY_UNINSPECTABLE naming the reason', async () => {
    const path = '/never/refused';
    const got = await proxyPost(gw.port, `http://refused.never.example:${up.port}${path}`, { headers: { 'content-type': 'application/json' }, body: BODY });
    expect(got).toMatchObject({ status: 403, code: 'EG_BODY_UNINSPECTABLE' });
    expect(got.body).toContain('inspection is off for destination never-refused (inspect: never)');
    expect(up.received.find((r) => r.url === path)).toBeUndefined();
    await eventually(() => gw.audit.events.some((e) => e.path === path));
    expect(gw.audit.events.find((e) => e.path === path)).toMatchObject({ action: 'block', status: 403, error: 'EG_BODY_UNINSPECTABLE', findings: [] });
  });

  it('with uninspectable: allow, relays the body unread and records why', async () => {
    const path = '/never/allowed';
    const got = await proxyPost(gw.port, `http://allowed.never.example:${up.port}${path}`, { headers: { 'content-type': 'application/json' }, body: BODY });
    expect(got.status).toBe(200);
    expect(up.received.find((r) => r.url === path)!.body.equals(BODY)).toBe(true);
    await eventually(() => gw.audit.events.some((e) => e.path === path));
    expect(gw.audit.events.find((e) => e.path === path)).toMatchObject({ action: 'allow', status: 200, error: 'EG_BODY_UNINSPECTABLE', findings: [] });
  });
});
