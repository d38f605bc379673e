import type { AuditEntry } from './event.js';
import { LineFile } from './line-file.js';

export interface AuditSink {
  /** A request or CONNECT event, or a volume threshold record. */
  write(event: AuditEntry): void;
  /** Resolves when every line written so far has reached the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** False while the sink cannot keep its promise to record every event (a write failed, or
   *  the backlog is past its bound): the gateway should then refuse exports. Sinks that cannot
   *  fail (test doubles) may leave it out, which means healthy. */
  healthy?(): boolean;
}

/**
 * The plain, unchained trail: one JSON line per event on a file (appended) or stdout, through
 * pino's asynchronous destination (sonic-boom). The event is the whole record, so it is
 * serialised as it is rather than through a logger that would add level, pid or message fields.
 * For a tamper-evident trail use createChainedAuditSink (chain-writer.ts).
 */
export function createAuditSink(target: string | 'stdout', options: { maxPendingBytes?: number; onError?: (err: NodeJS.ErrnoException) => void } = {}): AuditSink {
  const maxPending = options.maxPendingBytes ?? 16 * 2 ** 20;
  const file = new LineFile(target === 'stdout' ? { fd: 1 } : { path: target }, {
    error: (err) => options.onError?.(err),
    written: () => {},
  });
  let closed = false;
  return {
    write(event) {
      if (closed) return;
      file.write(`${JSON.stringify(event)}\n`);
    },
    flush: () => file.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await file.end();
    },
    healthy: () => !closed && file.error === null && file.pendingBytes <= maxPending,
  };
}
