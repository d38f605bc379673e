import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createChainedAuditSink } from '../../../src/audit/chain-writer.js';
import { createAuditSink } from '../../../src/audit/writer.js';
import { FIXTURE_KEY, fixtureEvent, fixtureEvents } from '../../fixtures/audit/events.js';
import { captureLog, tempDir } from './helpers.js';

describe('audit sink health', () => {
  it('is healthy while it writes, and flush waits for the bytes to reach the file', async () => {
    const sink = createChainedAuditSink({ dir: tempDir(), key: FIXTURE_KEY, log: captureLog().log });
    for (const e of fixtureEvents(200)) sink.write(e);
    expect(sink.healthy()).toBe(true);
    await sink.flush();
    expect(sink.status()).toMatchObject({ healthy: true, pendingBytes: 0, events: 200, error: null });
    await sink.close();
    expect(sink.healthy()).toBe(false);
  });

  it('turns unhealthy when the backlog passes its bound, and healthy again once it drains', async () => {
    const errors: string[] = [];
    const sink = createChainedAuditSink({ dir: tempDir(), key: FIXTURE_KEY, log: captureLog().log, maxPendingBytes: 4096, dropAfterBytes: 2 ** 30, onError: (e) => errors.push(String(e.code)) });
    for (const e of fixtureEvents(50)) sink.write(e);
    expect(sink.status().pendingBytes).toBeGreaterThan(4096);
    expect(sink.healthy()).toBe(false);
    expect(errors).toEqual(['EG_AUDIT_BACKLOG']);
    await sink.flush();
    expect(sink.healthy()).toBe(true);
    await sink.close();
  });

  it('drops (and counts) events past the drop bound instead of holding them in memory', async () => {
    const errors: string[] = [];
    const dir = tempDir();
    const sink = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log, maxPendingBytes: 2048, dropAfterBytes: 8192, onError: (e) => errors.push(String(e.code)) });
    for (const e of fixtureEvents(100)) sink.write(e);
    const { dropped, events } = sink.status();
    expect(dropped).toBeGreaterThan(0);
    expect(dropped + events).toBe(100);
    expect(errors).toContain('EG_AUDIT_DROPPING');
    await sink.close();
  });

  it.runIf(existsSync('/dev/full'))('reports ENOSPC through onError and healthy(), and close gives up after its timeout', async () => {
    const errors: string[] = [];
    const { log, lines } = captureLog();
    const sink = createChainedAuditSink({ file: '/dev/full', key: FIXTURE_KEY, log, onError: (e) => errors.push(String(e.code)), closeTimeoutMs: 300 });
    sink.write(fixtureEvent(0));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(sink.healthy()).toBe(false);
    expect(sink.status().error).toBe('ENOSPC');
    expect(errors).toEqual(['ENOSPC']);
    expect(lines.some((l) => String(l['msg']).includes('cannot be written'))).toBe(true);
    await expect(sink.close()).rejects.toThrow(/not closed in 300 ms/);
  });

  it('the plain sink also reports its health', async () => {
    const errors: string[] = [];
    const sink = createAuditSink('/dev/full', { onError: (e) => errors.push(String(e.code)) });
    sink.write(fixtureEvent(0));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(sink.healthy!()).toBe(false);
    expect(errors).toEqual(['ENOSPC']);
  });

  it('refuses to start on a directory it cannot create', () => {
    expect(() => createChainedAuditSink({ dir: '/dev/null/audit', key: FIXTURE_KEY, log: captureLog().log })).toThrow(/ENOTDIR/);
  });
});
