import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyBudget } from '../../../src/pipeline/body-budget.js';
import { readSmallBody } from '../../../src/pipeline/read-body.js';

/** A request as readSmallBody reads it: headers and the body's chunks as a stream. */
function request(headers: Record<string, string>, chunks: readonly string[]): IncomingMessage {
  const req = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(req, { headers });
  setImmediate(() => {
    for (const c of chunks) req.write(Buffer.from(c));
    req.end();
  });
  return req;
}

describe('readSmallBody, for bodies relayed unread', () => {
  it('holds a body declared at up to the limit, in one buffer, and keeps its room until the response closes', async () => {
    const budget = new BodyBudget(1000);
    const response = new EventEmitter();
    const read = await readSmallBody(request({ 'content-length': '11' }, ['hello', ' ', 'world']), 64, { budget, heldUntil: response });
    expect(read).toMatchObject({ complete: true });
    expect(read?.complete && read.body.toString()).toBe('hello world');
    expect(budget.reserved).toBe(11);
    response.emit('close');
    expect(budget.reserved).toBe(0);
  });

  it.each([
    ['a chunked body', { 'transfer-encoding': 'chunked' }],
    ['a body declared over the limit', { 'content-length': '65' }],
    ['an empty declared body', { 'content-length': '0' }],
    ['a length that is no number', { 'content-length': 'ten' }],
  ])('leaves %s to stream, reserving nothing', async (_what, headers) => {
    const budget = new BodyBudget(1000);
    expect(await readSmallBody(request(headers, ['x']), 64, { budget, heldUntil: new EventEmitter() })).toBeNull();
    expect(budget.reserved).toBe(0);
  });

  it('leaves the body to stream rather than wait when the budget has no room for it now', async () => {
    const budget = new BodyBudget(20);
    const other = budget.open();
    await other.add(15, 1000);
    expect(await readSmallBody(request({ 'content-length': '11' }, ['hello world']), 64, { budget, heldUntil: new EventEmitter() })).toBeNull();
    expect(budget.reserved).toBe(15);
    other.release();
  });
});
