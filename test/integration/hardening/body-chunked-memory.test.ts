import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { bodyBudgetReservedBytes, bodyBudgetWaiting } from '../../../src/pipeline/body-budget.js';
import { eventually, startTestGateway, startUpstream, TEST_POLICY, type TestGateway, type TestUpstream } from '../harness.js';
import { parseResponses } from './http-raw.js';
import { cleanJson, openRaw, proxyPost, type RawConnection } from './body-util.js';

// Bounded memory for request bodies (limits.body_budget_bytes, src/pipeline/body-budget.ts):
// a body reserves room before it is buffered (its Content-Length, or 256 KiB steps when chunked),
// a reader that finds no room waits with its request paused, and gets 503 EG_BUSY after
// timeouts.body_budget_wait. Chunked readers that hold the budget while each waits to grow would
// wait forever: the newest fails at once with EG_BUSY and the other goes on.

const KiB = 1024;
const policy = (budget: string, wait: string) =>
  TEST_POLICY.replace('version: 1\n', `version: 1\nlimits:\n  max_body_bytes: 1MiB\n  body_budget_bytes: ${budget}\ntimeouts:\n  body_budget_wait: ${wait}\n`);

let up: TestUpstream;
let gw: TestGateway | null = null;
const open: RawConnection[] = [];

beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.destroy();
  await gw?.close();
  gw = null;
  await eventually(() => bodyBudgetReservedBytes() === 0);
});

const url = (path: string) => `http://api.partner.example:${up.port}${path}`;
const head = (path: string, framing: string) =>
  `POST ${url(path)} HTTP/1.1\r\nHost: api.partner.example:${up.port}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
const chunk = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
const answered = (c: RawConnection) => c.waitFor((t) => parseResponses(t).responses.length > 0).then((t) => parseResponses(t).responses[0]!);

async function raw(): Promise<RawConnection> {
  const c = await openRaw(gw!.port);
  open.push(c);
  return c;
}

/** A request to `path` abroad whose body's first 1,000 bytes are sent: it holds the body's whole
 *  length of the budget until the rest is written. */
async function holding(path: string, body: Buffer): Promise<RawConnection> {
  const c = await raw();
  c.write(head(path, `Content-Length: ${body.length}`));
  c.write(body.subarray(0, 1000));
  await eventually(() => bodyBudgetReservedBytes() === body.length);
  return c;
}

describe('request body budget', () => {
  it('a body that finds the budget spent waits, paused, and goes through once room is released', async () => {
    gw = await startTestGateway(policy('100KiB', '30s'));
    const a = cleanJson(60 * KiB);
    const b = cleanJson(60 * KiB);
    const first = await holding('/held', a);
    const second = proxyPost(gw.port, url('/waiting'), { headers: { 'content-type': 'application/json' }, body: b });
    await eventually(() => bodyBudgetWaiting() === 1);
    expect(bodyBudgetReservedBytes()).toBe(a.length);
    expect(up.received.some((r) => r.url === '/waiting')).toBe(false);
    first.write(a.subarray(1000));
    expect((await answered(first)).status).toBe(200);
    expect((await second).status).toBe(200);
    const urls = up.received.map((r) => r.url);
    expect(urls.indexOf('/held')).toBeLessThan(urls.indexOf('/waiting'));
    expect(up.received.find((r) => r.url === '/held')!.body.equals(a)).toBe(true);
    expect(up.received.find((r) => r.url === '/waiting')!.body.equals(b)).toBe(true);
  });

  it('a body that waits past timeouts.body_budget_wait: 503 EG_BUSY, not forwarded, audited', async () => {
    gw = await startTestGateway(policy('100KiB', '200ms'));
    const a = cleanJson(60 * KiB);
    const first = await holding('/holder', a);
    const got = await proxyPost(gw.port, url('/too-late'), { headers: { 'content-type': 'application/json' }, body: cleanJson(60 * KiB) });
    expect(got).toMatchObject({ status: 503, code: 'EG_BUSY' });
    expect(got.body).toContain('limits.body_budget_bytes');
    expect(up.received.some((r) => r.url === '/too-late')).toBe(false);
    await eventually(() => gw!.audit.events.some((e) => e.path === '/too-late'));
    expect(gw.audit.events.find((e) => e.path === '/too-late')).toMatchObject({ action: 'block', error: 'EG_BUSY', status: 503 });
    first.write(a.subarray(1000));
    expect((await answered(first)).status).toBe(200);
  });

  it('a chunked body of unknown length is reserved in steps, not whole, and forwarded byte for byte', async () => {
    gw = await startTestGateway(policy('4MiB', '30s'));
    const body = cleanJson(600 * KiB);
    const c = await raw();
    c.write(head('/chunked-steps', 'Transfer-Encoding: chunked'));
    c.write(chunk(body.subarray(0, 300 * KiB)));
    await eventually(() => bodyBudgetReservedBytes() === 512 * KiB);
    c.write(chunk(body.subarray(300 * KiB)));
    c.write('0\r\n\r\n');
    expect((await answered(c)).status).toBe(200);
    expect(up.received.find((r) => r.url === '/chunked-steps')!.body.equals(body)).toBe(true);
  });

  it('two chunked bodies each holding the budget and waiting to grow: the newer fails EG_BUSY at once, the older completes', async () => {
    // Wait 30 s: only deadlock detection can end this within the test's time.
    gw = await startTestGateway(policy('600KiB', '30s'));
    const older = cleanJson(400 * KiB);
    const newer = cleanJson(400 * KiB);
    const a = await raw();
    const b = await raw();
    a.write(head('/older', 'Transfer-Encoding: chunked'));
    a.write(chunk(older.subarray(0, 1000)));
    await eventually(() => bodyBudgetReservedBytes() === 256 * KiB);
    b.write(head('/newer', 'Transfer-Encoding: chunked'));
    b.write(chunk(newer.subarray(0, 1000)));
    await eventually(() => bodyBudgetReservedBytes() === 512 * KiB);
    a.write(chunk(older.subarray(1000, 300 * KiB)));
    await eventually(() => bodyBudgetWaiting() === 1);
    b.write(chunk(newer.subarray(1000, 300 * KiB)));
    expect(await answered(b)).toMatchObject({ status: 503, code: 'EG_BUSY' });
    a.write(chunk(older.subarray(300 * KiB)));
    a.write('0\r\n\r\n');
    expect((await answered(a)).status).toBe(200);
    expect(up.received.find((r) => r.url === '/older')!.body.equals(older)).toBe(true);
    expect(up.received.some((r) => r.url === '/newer')).toBe(false);
    await eventually(() => gw!.audit.events.some((e) => e.path === '/newer'));
    expect(gw.audit.events.find((e) => e.path === '/newer')).toMatchObject({ error: 'EG_BUSY', status: 503 });
  });

  it('a client that gives up while waiting frees its place: nothing stays reserved or waiting', async () => {
    gw = await startTestGateway(policy('100KiB', '30s'));
    const a = cleanJson(60 * KiB);
    const first = await holding('/blocker', a);
    const quitter = await raw();
    quitter.write(head('/quitter', `Content-Length: ${a.length}`));
    await eventually(() => bodyBudgetWaiting() === 1);
    quitter.socket.destroy();
    await eventually(() => bodyBudgetWaiting() === 0);
    first.write(a.subarray(1000));
    expect((await answered(first)).status).toBe(200);
    await eventually(() => bodyBudgetReservedBytes() === 0);
    expect(up.received.some((r) => r.url === '/quitter')).toBe(false);
  });

  // A body relayed unread (the domestic zone is not inspected) is held whole when small: under the
  // same budget, but it never waits for room; without room now, it streams.
  it('an unread small body is held under the budget, and freed when its client goes', async () => {
    gw = await startTestGateway(policy('100KiB', '30s'));
    const domestic = `http://svc.internal.cn:${up.port}`;
    const quitter = await raw();
    quitter.write(`POST ${domestic}/unread-quitter HTTP/1.1\r\nHost: svc.internal.cn:${up.port}\r\nContent-Length: ${10 * KiB}\r\n\r\n`);
    quitter.write(Buffer.alloc(1000, 'x'));
    await eventually(() => bodyBudgetReservedBytes() === 10 * KiB);
    quitter.socket.destroy();
    await eventually(() => bodyBudgetReservedBytes() === 0);
    await eventually(() => gw!.audit.events.some((e) => e.path === '/unread-quitter'));
    // Recorded as a body the client left unfinished is recorded when it is inspected.
    expect(gw.audit.events.find((e) => e.path === '/unread-quitter')).toMatchObject({ destination: { zone: 'domestic' }, status: 400, error: 'EG_BAD_REQUEST', bytes: { requestOut: 0 } });
    expect(up.received.some((r) => r.url === '/unread-quitter')).toBe(false);
  });

  it('an unread small body that finds no room streams at once instead of waiting', async () => {
    gw = await startTestGateway(policy('64KiB', '30s'));
    const a = cleanJson(60 * KiB);
    const blocker = await holding('/blocker', a);
    const body = Buffer.alloc(10 * KiB, 'y');
    const answer = await proxyPost(gw.port, `http://svc.internal.cn:${up.port}/unread-streamed`, { headers: { 'content-type': 'application/octet-stream' }, body });
    expect(answer.status).toBe(200);
    expect(up.received.find((r) => r.url === '/unread-streamed')?.body.equals(body)).toBe(true);
    expect(bodyBudgetWaiting()).toBe(0);
    blocker.write(a.subarray(1000));
    expect((await answered(blocker)).status).toBe(200);
  });
});
