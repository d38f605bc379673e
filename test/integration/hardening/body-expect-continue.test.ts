import { describe, expect, it } from 'vitest';
import { eventually, TEST_POLICY, withGatewayAndUpstream, type TestGateway, type TestUpstream } from '../harness.js';
import { parseResponses, sendRaw } from './http-raw.js';
import { ID_CARD, openRaw } from './body-util.js';

// Expect: 100-continue is answered after the decision on the destination. A refused destination
// gets its final status with no 100 and without a body byte read (the client never sends it);
// an allowed one gets 100, then the body is read and inspected. Expect is never sent upstream:
// the gateway has answered it itself.

const POLICY = `${TEST_POLICY}  - name: court
    jurisdiction: US
    hosts: [court.example]
    judicial: true
  - name: partner-portless
    jurisdiction: US
    hosts: [ports.partner.example]
    ports: [1]
`.replace('resolve:\n', 'resolve:\n  court.example: 127.0.0.1\n  ports.partner.example: 127.0.0.1\n');

let gw: TestGateway;
let up: TestUpstream;

withGatewayAndUpstream(POLICY, (started) => ({ gw, up } = started));

const head = (host: string, path: string, length: number) =>
  `POST http://${host}:${up.port}${path} HTTP/1.1\r\nHost: ${host}:${up.port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const finalResponse = (text: string) => parseResponses(text.split(CONTINUE).join('')).responses[0];

describe('Expect: 100-continue', () => {
  it.each([
    { name: 'judicial recipient', host: 'court.example', status: 403, code: 'EG_RECIPIENT_RESTRICTED' },
    { name: 'port not listed for the destination', host: 'ports.partner.example', status: 403, code: 'EG_DEST_PORT_FORBIDDEN' },
  ])('refused destination ($name): final $status without 100, body never read, nothing forwarded', async ({ host, status, code }) => {
    const path = `/expect-refused/${host}`;
    const conn = await openRaw(gw.port);
    conn.write(head(host, path, 20));
    // The client waits for 100 before sending the body; the final answer must come without it.
    const text = await conn.waitFor((t) => finalResponse(t) !== undefined);
    expect(text.startsWith('HTTP/1.1 100')).toBe(false);
    expect(text).not.toContain(' 100 Continue');
    expect(finalResponse(text)).toMatchObject({ status, code });
    // The unread body would be taken for the next request: the connection is closed.
    expect(finalResponse(text)!.headers['connection']).toBe('close');
    await conn.closed;
    expect(up.received.some((r) => r.url === path)).toBe(false);
    await eventually(() => gw.audit.events.some((e) => e.path === path));
    expect(gw.audit.events.find((e) => e.path === path)).toMatchObject({ action: 'block', error: code, bytes: { requestIn: 0 } });
  });

  it('allowed destination: 100 first, then the body is read, inspected and forwarded without Expect', async () => {
    const body = '{"note":"plain order"}';
    const conn = await openRaw(gw.port);
    conn.write(head('api.partner.example', '/expect-ok', body.length));
    await conn.waitFor((t) => t.includes(CONTINUE));
    expect(conn.received()).toBe(CONTINUE);
    expect(up.received.some((r) => r.url === '/expect-ok')).toBe(false);
    conn.write(body);
    const text = await conn.waitFor((t) => finalResponse(t) !== undefined);
    expect(finalResponse(text)!.status).toBe(200);
    conn.socket.destroy();
    const arrived = up.received.find((r) => r.url === '/expect-ok')!;
    expect(arrived.body.toString()).toBe(body);
    expect(arrived.headers['expect']).toBeUndefined();
  });

  it('allowed destination, body refused on inspection: 100, then 403 EG_BLOCKED_BY_POLICY after the body', async () => {
    const body = JSON.stringify({ holder: 'Zhang San', idCard: ID_CARD, diagnosis: 'HIV positive' });
    const conn = await openRaw(gw.port);
    conn.write(head('api.partner.example', '/expect-blocked', Buffer.byteLength(body)));
    await conn.waitFor((t) => t.includes(CONTINUE));
    conn.write(body);
    const text = await conn.waitFor((t) => finalResponse(t) !== undefined);
    expect(finalResponse(text)).toMatchObject({ status: 403, code: 'EG_BLOCKED_BY_POLICY' });
    expect(text).not.toContain(ID_CARD);
    conn.socket.destroy();
    expect(up.received.some((r) => r.url === '/expect-blocked')).toBe(false);
  });

  it('domestic destination that is not inspected: 100, then the body streams on without Expect', async () => {
    const body = 'x'.repeat(5000);
    const conn = await openRaw(gw.port);
    conn.write(head('svc.internal.cn', '/expect-domestic', body.length));
    await conn.waitFor((t) => t.includes(CONTINUE));
    conn.write(body);
    const text = await conn.waitFor((t) => finalResponse(t) !== undefined);
    expect(finalResponse(text)!.status).toBe(200);
    conn.socket.destroy();
    const arrived = up.received.find((r) => r.url === '/expect-domestic')!;
    expect(arrived.body.toString()).toBe(body);
    expect(arrived.headers['expect']).toBeUndefined();
  });
});

// Any other expectation is refused 417 EG_EXPECTATION_FAILED through the pipeline (coded body,
// audit event), never Node's bare 417 on a connection left open: the body a client sends anyway
// would then be read as the next request.
describe('Expect other than 100-continue', () => {
  const expecting = (expect: string, path: string, body: string) =>
    `POST http://api.partner.example:${up.port}${path} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: ${expect}\r\n\r\n${body}`;

  it.each([
    { name: 'an unknown expectation', expect: 'x-fast-path' },
    { name: 'an interim status other than 100', expect: '102-processing' },
  ])('$name: 417 with a coded body, recorded, connection closed, nothing forwarded', async ({ expect: value, name }) => {
    const path = `/expect-unsupported/${name.replace(/\W+/g, '-')}`;
    const got = await sendRaw(gw.port, expecting(value, path, '{"note":"plain order"}'));
    expect(got.closed).toBe(true);
    expect(got.responses).toHaveLength(1);
    const answer = got.responses[0]!;
    expect(answer).toMatchObject({ status: 417, code: 'EG_EXPECTATION_FAILED', headers: { connection: 'close' } });
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'EG_EXPECTATION_FAILED' } });
    expect(answer.body).not.toContain(value);
    expect(up.received.some((r) => r.url.startsWith('/expect-unsupported'))).toBe(false);
    const id = answer.headers['x-egress-decision-id'];
    await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
    expect(gw.audit.events.find((e) => e.decisionId === id)).toMatchObject({ action: 'block', status: 417, error: 'EG_EXPECTATION_FAILED' });
  });

  it('a smuggled request in the body of an unsupported expectation is never read as a request', async () => {
    const smuggled = `GET http://api.partner.example:${up.port}/expect-smuggled HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\n\r\n`;
    const got = await sendRaw(gw.port, expecting('x-smuggle', '/expect-carrier', smuggled));
    expect(got.closed).toBe(true);
    expect(got.responses.map((r) => [r.status, r.code])).toEqual([[417, 'EG_EXPECTATION_FAILED']]);
    expect(up.received.some((r) => r.url === '/expect-smuggled' || r.url === '/expect-carrier')).toBe(false);
  });
});
