import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

export interface LineFileHooks {
  /** A write or close failed (ENOSPC, EACCES, EIO, ...). Called once per distinct error. */
  error(err: NodeJS.ErrnoException): void;
  /** Bytes reached the file; after an error this means writing works again. */
  written(): void;
}

/**
 * One append-only file (or fd) behind sonic-boom, with what sonic-boom does not expose: how many
 * accepted bytes have not reached the file yet, the current error, and a flush that really waits
 * (sonic-boom's flush returns at once when minLength is 0). After an error sonic-boom keeps the
 * unwritten bytes and retries on the next write, so a retry timer nudges it while writes fail.
 */
export class LineFile {
  readonly path: string | null;
  private readonly boom: SonicBoom;
  private pending = 0;
  private failure: NodeJS.ErrnoException | null = null;
  private waiters: { resolve(): void; reject(err: Error): void }[] = [];
  private retry: NodeJS.Timeout | undefined;
  private ended: Promise<void> | undefined;

  /** Opens synchronously so that EACCES or ENOENT show at once, where the caller can still
   *  refuse to start or keep writing to the file it has. */
  constructor(target: { path: string } | { fd: number }, private readonly hooks: LineFileHooks, private readonly retryMs = 1_000) {
    let fd: number;
    if ('path' in target) {
      mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
      fd = openSync(target.path, 'a', 0o600);
      this.path = target.path;
    } else {
      fd = target.fd;
      this.path = null;
    }
    try {
      this.boom = pino.destination({ dest: fd, sync: false });
    } catch (err) {
      if ('path' in target) closeSync(fd);
      throw err;
    }
    this.boom.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
    this.boom.on('write', (n: number) => {
      this.pending = Math.max(0, this.pending - n);
      if (this.failure) {
        this.failure = null;
        clearInterval(this.retry);
        this.retry = undefined;
      }
      this.hooks.written();
      if (this.pending === 0) this.settle(null);
    });
  }

  get pendingBytes(): number {
    return this.pending;
  }

  get error(): NodeJS.ErrnoException | null {
    return this.failure;
  }

  write(line: string): void {
    if (this.ended) throw new Error('LineFile: write after end');
    this.pending += Buffer.byteLength(line);
    this.boom.write(line);
  }

  /** Resolves once every accepted byte is in the file and fsync'd; rejects while writes fail. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending > 0) await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    const fd = (this.boom as unknown as { fd: number }).fd;
    if (fd > 2) await new Promise<void>((resolve) => fsync(fd, () => resolve()));
  }

  /** Writes what is pending, fsyncs and closes; gives up (dropping the rest) after timeoutMs. */
  end(timeoutMs = 10_000): Promise<void> {
    this.ended ??= new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (err: Error | null) => {
        clearTimeout(timer);
        clearInterval(this.retry);
        if (err) reject(err);
        else resolve();
      };
      timer = setTimeout(() => {
        const lost = this.pending;
        this.boom.destroy();
        done(Object.assign(new Error(`audit file not closed in ${timeoutMs} ms; ${lost} bytes not written`), { code: this.failure?.code ?? 'ETIMEDOUT' }));
      }, timeoutMs);
      if ((this.boom as unknown as { fd: number }).fd <= 2) {
        // stdout/stderr are not ours to close: wait for the bytes instead.
        this.flush().then(() => done(null), done);
        return;
      }
      this.boom.once('close', () => done(null));
      this.boom.end();
    });
    return this.ended;
  }

  private fail(err: NodeJS.ErrnoException): void {
    const repeated = this.failure !== null && this.failure.code === err.code;
    this.failure = err;
    this.settle(err);
    if (!repeated) this.hooks.error(err);
    this.retry ??= setInterval(() => {
      if (this.pending > 0 && !(this.boom as unknown as { destroyed: boolean }).destroyed) this.boom.write('');
    }, this.retryMs);
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
