import { close, fstatSync, fsync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname } from 'node:path';

export interface LineFileHooks {
  /** A write or close failed (ENOSPC, EACCES, EIO, ...). Called once per distinct error. */
  error(err: NodeJS.ErrnoException): void;
  /** Bytes reached the file; after an error this means writing works again. */
  written(): void;
}

/** A non-blocking stdout pipe that is full: not a failure, the reader is just behind. */
const BUSY_RETRY_MS = 5;
/** Lines gather this long before a write starts (or until BATCH_BYTES are queued): a write costs
 *  a thread-pool round trip (~50 µs on a loaded 2-core machine, more than serialising the event),
 *  so at a few thousand events a second one write carries several of them. */
const BATCH_MS = 4;
const BATCH_BYTES = 64 * 1024;
/** A batch write to a regular file normally only copies into the page cache (~10 µs for 10 KiB
 *  here), far less than handing it to libuv's thread pool and back, which on a busy core costs
 *  two context switches (~3 % of the gateway's CPU at 2 KiB requests). So a file is written in
 *  line, until one such write takes longer than this (the disk throttles dirty pages, a network
 *  file system stalls); the file is then written from the thread pool for SYNC_BACKOFF_MS. Not
 *  less than 20 ms: on a shared core any write may be preempted for a few milliseconds, which
 *  at 2 ms sent nearly every batch of a wrk run back to the pool. */
const SLOW_SYNC_MS = 20;
const SYNC_BACKOFF_MS = 10_000;

/**
 * One append-only file (or fd), written in batches: the lines accepted within a few milliseconds
 * go out as one write(2) (in line for a regular file while such writes are fast, else from
 * libuv's thread pool), and while a pooled write is in flight the next lines gather into the
 * next batch. So the write rate follows the event rate, however high,
 * with one syscall per batch rather than per line (sonic-boom, used before, wrote at most 16 KiB
 * per call and let the backlog pass 16 MiB under a few thousand events a second on a loaded
 * machine). It keeps track of how many accepted bytes have not reached the file, the current
 * error, and has a flush that waits for them and fsyncs. After an error the unwritten bytes are
 * kept, in order, and retried on a timer and on the next write.
 */
export class LineFile {
  readonly path: string | null;
  private readonly fd: number;
  private queue: string[] = [];
  /** Bytes of a batch that failed or was written in part: they go out before anything queued. */
  private carry: Buffer | null = null;
  private pending = 0;
  private writing = false;
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failure: NodeJS.ErrnoException | null = null;
  private waiters: { resolve(): void; reject(err: Error): void }[] = [];
  private retry: NodeJS.Timeout | undefined;
  private ended: Promise<void> | undefined;
  /** Regular files only: a pipe or terminal (stdout) may block or answer EAGAIN. */
  private readonly inline: boolean;
  /** performance.now() until which batches go through the thread pool (a slow inline write). */
  private inlineAfter = 0;

  /** Opens synchronously so that EACCES or ENOENT show at once, where the caller can still
   *  refuse to start or keep writing to the file it has. */
  constructor(
    target: { path: string } | { fd: number },
    private readonly hooks: LineFileHooks,
    private readonly retryMs = 1_000,
    private readonly slowInlineMs = SLOW_SYNC_MS,
  ) {
    if ('path' in target) {
      mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
      this.fd = openSync(target.path, 'a', 0o600);
      this.path = target.path;
    } else {
      this.fd = target.fd;
      this.path = null;
    }
    this.inline = fstatSync(this.fd).isFile();
  }

  get pendingBytes(): number {
    return this.pending;
  }

  get error(): NodeJS.ErrnoException | null {
    return this.failure;
  }

  write(line: string): void {
    if (this.ended) throw new Error('LineFile: write after end');
    const bytes = Buffer.byteLength(line);
    this.pending += bytes;
    this.queued += bytes;
    this.queue.push(line);
    this.schedule();
  }

  /** Queued lines go out when the batch is full, else when its timer fires. */
  private schedule(): void {
    if (this.queued >= BATCH_BYTES) this.drain();
    else if (this.timer === undefined && this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, BATCH_MS);
    }
  }

  /** Resolves once every accepted byte is in the file and fsync'd; rejects while writes fail. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    this.drain();
    if (this.pending > 0) await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.fd > 2 && !this.closed) await new Promise<void>((resolve) => fsync(this.fd, () => resolve()));
  }

  /** Writes what is pending, fsyncs and closes; gives up (dropping the rest) after timeoutMs. */
  end(timeoutMs = 10_000): Promise<void> {
    this.ended ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const lost = this.pending;
        this.shut();
        reject(Object.assign(new Error(`audit file not closed in ${timeoutMs} ms; ${lost} bytes not written`), { code: this.failure?.code ?? 'ETIMEDOUT' }));
      }, timeoutMs);
      const waitAll = (): void => {
        if (this.pending === 0) {
          clearTimeout(timer);
          // stdout/stderr are not ours to close.
          if (this.fd <= 2) return resolve();
          fsync(this.fd, () => {
            this.shut();
            resolve();
          });
          return;
        }
        // A failing file keeps being retried until the timeout.
        this.waiters.push({ resolve: waitAll, reject: waitAll });
      };
      this.drain();
      waitAll();
    });
    return this.ended;
  }

  private shut(): void {
    clearInterval(this.retry);
    clearTimeout(this.timer);
    this.retry = undefined;
    if (this.closed) return;
    this.closed = true;
    if (this.fd > 2) close(this.fd, () => {});
  }

  /** Starts the next batch write unless one is in flight. */
  private drain(): void {
    if (this.writing || this.closed) return;
    if (this.carry === null && this.queue.length === 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const fresh = this.queue.length === 0 ? null : Buffer.from(this.queue.length === 1 ? this.queue[0]! : this.queue.join(''));
    this.queue = [];
    this.queued = 0;
    const batch = this.carry === null ? fresh! : fresh === null ? this.carry : Buffer.concat([this.carry, fresh]);
    this.carry = null;
    this.writing = true;
    this.writeOut(batch, 0);
  }

  private writeOut(batch: Buffer, offset: number): void {
    if (!this.inline || performance.now() < this.inlineAfter) {
      write(this.fd, batch, offset, batch.length - offset, null, (err, n) => this.afterWrite(batch, offset, err, n));
      return;
    }
    const started = performance.now();
    let n = 0;
    let error: NodeJS.ErrnoException | null = null;
    try {
      n = writeSync(this.fd, batch, offset, batch.length - offset);
    } catch (err) {
      error = err as NodeJS.ErrnoException;
    }
    if (performance.now() - started > this.slowInlineMs) this.inlineAfter = performance.now() + SYNC_BACKOFF_MS;
    this.afterWrite(batch, offset, error, n);
  }

  /** After a write of batch from offset: n bytes went out, or it failed. */
  private afterWrite(batch: Buffer, offset: number, err: NodeJS.ErrnoException | null, n: number): void {
    if (err) {
      this.writing = false;
      this.carry = batch.subarray(offset);
      if (err.code === 'EAGAIN') {
        setTimeout(() => this.drain(), BUSY_RETRY_MS);
        return;
      }
      this.fail(err);
      return;
    }
    this.pending -= n;
    if (offset + n < batch.length) {
      this.writeOut(batch, offset + n);
      return;
    }
    this.writing = false;
    if (this.failure) {
      this.failure = null;
      clearInterval(this.retry);
      this.retry = undefined;
    }
    this.hooks.written();
    if (this.pending === 0) this.settle(null);
    // Lines that arrived during the write: at once when someone waits for them.
    else if (this.waiters.length > 0) this.drain();
    else this.schedule();
  }

  private fail(err: NodeJS.ErrnoException): void {
    const repeated = this.failure !== null && this.failure.code === err.code;
    this.failure = err;
    this.settle(err);
    if (!repeated) this.hooks.error(err);
    this.retry ??= setInterval(() => this.drain(), this.retryMs);
    this.retry.unref();
  }

  private settle(err: Error | null): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }
}
