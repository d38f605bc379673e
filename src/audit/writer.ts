import { once } from 'node:events';
import pino from 'pino';
import type { AuditEvent } from './event.js';

export interface AuditSink {
  write(event: AuditEvent): void;
  /** Resolves when every line written so far has reached the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The audit trail has a writer of its own, apart from operational logs: pino's asynchronous
 * destination (sonic-boom), one JSON line per event. The event is the whole record, so it is
 * serialised as it is rather than through a logger that would add level, pid or message fields.
 */
export function createAuditSink(target: string | 'stdout'): AuditSink {
  const destination =
    target === 'stdout'
      ? pino.destination({ dest: 1, sync: false })
      : pino.destination({ dest: target, sync: false, mkdir: true, append: true });
  let closed = false;
  const ready = new Promise<void>((resolve) => {
    if ((destination as unknown as { fd: number }).fd >= 0) resolve();
    else destination.once('ready', () => resolve());
  });
  const flush = async () => {
    await ready;
    await new Promise<void>((resolve) => destination.flush(() => resolve()));
  };
  return {
    write(event) {
      if (closed) return;
      destination.write(`${JSON.stringify(event)}\n`);
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      await flush();
      if (target === 'stdout') return;
      const closedFile = once(destination, 'close');
      destination.end();
      await closedFile;
    },
  };
}
