import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** Bytes of an answer held while nothing reads it yet (the pipeline relays at the end of the
 *  turn): beyond this the upstream connection is paused, as a stream's highWaterMark would. */
const HOLD_BYTES = 64 * 1024;

/** The controller of an exchange that has already ended: nothing to pause or abort. */
const COMPLETE: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};

/** What an exchange answers once the upstream's status line and headers are in. */
export interface UpstreamAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: UpstreamBody;
}

/** Where the body goes once a consumer is attached (UpstreamBody.pipeTo). */
interface BodySink {
  write(chunk: Buffer): void;
  end(): void;
  fail(err: Error): void;
}

/**
 * An upstream answer's body, straight from undici's dispatch callbacks to the client's
 * response: no Readable in between. undici's request() wraps every answer in a stream, and the
 * relay listened to eight events of two streams per request; with 2 KiB bodies that machinery
 * cost more CPU than reading the body does (bench/README). Until pipeTo attaches the client,
 * chunks are held (the connection paused past HOLD_BYTES) and an error is kept for `error`.
 */
export class UpstreamBody {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private ended = false;
  private failure: Error | null = null;
  private sink: BodySink | undefined;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** A whole body known in advance (an answer made up locally, as `evaluate` does). */
  static of(bytes: Buffer): UpstreamBody {
    const body = new UpstreamBody(COMPLETE);
    body.data(bytes);
    body.end();
    return body;
  }

  /** The error the exchange failed with, if it did (checked before the relay; pipeTo rejects
   *  with it). */
  get error(): Error | null {
    return this.failure;
  }

  /** @internal the dispatch handler's side. */
  data(chunk: Buffer): void {
    if (this.sink !== undefined) return this.sink.write(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > HOLD_BYTES) this.controller.pause();
  }

  /** @internal */
  end(): void {
    this.ended = true;
    this.sink?.end();
  }

  /** @internal */
  fail(err: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = err;
    this.held = [];
    this.sink?.fail(err);
  }

  /** Ends the exchange (the upstream connection is dropped unless the body was all read) and
   *  drops what is held. */
  destroy(reason: Error = new undiciErrors.RequestAbortedError()): void {
    this.held = [];
    if (!this.ended && this.failure === null && !this.controller.aborted) this.controller.abort(reason);
  }

  /**
   * Writes the body to the client's response and ends it, with backpressure (the upstream is
   * paused while the response does not drain). Resolves when the response has finished; on an
   * error on either side both are ended and the promise rejects: stream.pipeline's contract
   * for these two, without its per-request AbortSignal and error objects.
   */
  pipeTo(res: ServerResponse, count: (n: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        res.destroy();
        return reject(this.failure);
      }
      let settled = false;
      const settle = (err: Error | null) => {
        if (settled) return;
        settled = true;
        this.sink = undefined;
        res.off('drain', onDrain);
        res.off('finish', onFinish);
        res.off('close', onClose);
        res.off('error', settle);
        if (err === null) return resolve();
        this.destroy(err);
        res.destroy();
        reject(err);
      };
      const onDrain = () => this.controller.resume();
      const onFinish = () => settle(null);
      const onClose = () => {
        if (!res.writableFinished) settle(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      };
      res.on('drain', onDrain);
      res.on('finish', onFinish);
      res.on('close', onClose);
      res.on('error', settle);
      const held = this.held;
      this.held = [];
      this.heldBytes = 0;
      if (this.ended && held.length <= 1) {
        // The common small answer: its head and body leave in one write.
        if (held.length === 1) count(held[0]!.length);
        res.end(held[0]);
        return;
      }
      let drained = true;
      this.sink = {
        write: (chunk) => {
          count(chunk.length);
          if (!res.write(chunk)) this.controller.pause();
        },
        end: () => res.end(),
        fail: settle,
      };
      for (const chunk of held) {
        count(chunk.length);
        drained = res.write(chunk);
      }
      if (this.ended) res.end();
      else if (drained) this.controller.resume();
      else this.controller.pause();
    });
  }
}

/**
 * One request to the upstream through `dispatcher`, answered once the final status line and
 * headers are in (1xx answers are skipped). `signal` fires when the client has gone: the
 * exchange is aborted with undici's RequestAbortedError (UND_ERR_ABORTED), before or after the
 * answer started. A request body stream is destroyed when the exchange fails, as undici's
 * request() does.
 */
export function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: EventEmitter & { readonly aborted: boolean }): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let body: UpstreamBody | null = null;
    let reason: Error | null = null;
    const onAbort = () => {
      reason = new undiciErrors.RequestAbortedError();
      if (body !== null) body.destroy(reason);
      else if (controller !== null && !controller.aborted) controller.abort(reason);
    };
    const settled = () => signal.off('abort', onAbort);
    if (signal.aborted) reason = new undiciErrors.RequestAbortedError();
    else signal.once('abort', onAbort);
    dispatcher.dispatch(options, {
      onRequestStart(c) {
        controller = c;
        if (reason !== null) c.abort(reason);
      },
      onResponseStart(c, statusCode, headers) {
        if (statusCode < 200) return;
        body = new UpstreamBody(c);
        resolve({ statusCode, headers, body });
      },
      onResponseData(_c, chunk) {
        body?.data(chunk);
      },
      onResponseEnd() {
        settled();
        body?.end();
      },
      onResponseError(_c, err) {
        settled();
        const sent = options.body;
        if (isStream(sent)) {
          sent.on('error', () => {});
          sent.destroy(err);
        }
        if (body !== null) body.fail(err);
        else reject(err);
      },
    });
  });
}

function isStream(body: unknown): body is Readable {
  return body !== null && typeof body === 'object' && typeof (body as Readable).pipe === 'function' && typeof (body as Readable).destroy === 'function';
}
