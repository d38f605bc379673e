import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { AuditEvent } from '../../../src/audit/event.js';
import { IpcAuditSink } from '../../../src/server/cluster.js';

/** The cluster worker's audit sink: events travel to the primary, which writes the one trail. */

type Sent = { eg: string; lines?: string[]; id?: number };

function channel() {
  const sent: Sent[] = [];
  let connected = true;
  const callbacks: ((err: Error | null) => void)[] = [];
  return {
    sent,
    callbacks,
    disconnect: () => (connected = false),
    io: {
      send: (message: Sent, done?: (err: Error | null) => void) => {
        sent.push(message);
        if (done) callbacks.push(done);
        return true;
      },
      connected: () => connected,
    },
  };
}

const ev = (id: string) => ({ decisionId: id }) as unknown as AuditEvent;
const tick = () => new Promise((r) => setImmediate(r));
const log = pino({ level: 'silent' });

describe('IpcAuditSink (cluster worker → primary)', () => {
  it('sends the events of one event-loop turn as one message, in order', async () => {
    const ch = channel();
    const sink = new IpcAuditSink(log, ch.io as never);
    sink.write(ev('a'));
    sink.write(ev('b'));
    expect(ch.sent).toEqual([]);
    await tick();
    sink.write(ev('c'));
    await tick();
    expect(ch.sent.map((m) => m.lines!.map((l) => (JSON.parse(l) as AuditEvent).decisionId))).toEqual([['a', 'b'], ['c']]);
  });

  it('flush sends what is pending, then asks the primary, and resolves or rejects with its answer', async () => {
    const ch = channel();
    const sink = new IpcAuditSink(log, ch.io as never);
    sink.write(ev('a'));
    const flushed = sink.flush();
    expect(ch.sent.map((m) => m.eg)).toEqual(['audit', 'audit-flush']);
    sink.flushed(ch.sent[1]!.id!, true);
    await expect(flushed).resolves.toBeUndefined();
    const failed = sink.flush();
    sink.flushed(ch.sent.at(-1)!.id!, false);
    await expect(failed).rejects.toThrow(/could not flush/);
  });

  it('counts the bytes the OS has not taken yet, and is unhealthy past 16 MiB of them', async () => {
    const ch = channel();
    const sink = new IpcAuditSink(log, ch.io as never);
    const big = { decisionId: 'x', pad: 'p'.repeat(2 ** 20) } as unknown as AuditEvent;
    for (let i = 0; i < 15; i++) sink.write(big);
    await tick();
    expect(sink.status().pendingBytes).toBeGreaterThan(15 * 2 ** 20);
    expect(sink.healthy()).toBe(true);
    sink.write(big);
    sink.write(big);
    await tick();
    expect(sink.healthy()).toBe(false);
    for (const done of ch.callbacks) done(null); // the channel drained
    expect(sink.status().pendingBytes).toBe(0);
    expect(sink.healthy()).toBe(true);
  });

  it('is healthy while the primary says its trail is writable and the channel is up; counts events it cannot send', async () => {
    const ch = channel();
    const sink = new IpcAuditSink(log, ch.io as never);
    expect(sink.healthy()).toBe(true);
    sink.setPrimaryHealthy(false);
    expect(sink.healthy()).toBe(false);
    sink.setPrimaryHealthy(true);
    ch.disconnect();
    expect(sink.healthy()).toBe(false);
    sink.write(ev('lost'));
    await tick();
    expect(sink.status().dropped).toBe(1);
    await expect(sink.flush()).rejects.toThrow(/primary is gone/);
  });
});
