import type { IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { BodyBudget, Reservation } from './body-budget.js';

export type BodyRead =
  | { readonly complete: true; readonly body: Buffer }
  /** Over the limit: what was read so far and a stream of the whole body (prefix + rest). */
  | { readonly complete: false; readonly declaredLength: number | null; readonly whole: () => Readable };

export interface BudgetUse {
  readonly budget: BodyBudget;
  /** How long a reader waits for room before EG_BUSY. */
  readonly waitMs: number;
  /** The reservation is held until this emits 'close' (the response): the buffered body lives
   *  on through inspection and forwarding. */
  readonly heldUntil: EventEmitter;
}

/** A chunked body's reservation grows by at least this much at a time. */
const GROW_STEP = 256 * 1024;

/** True when the request has a body to read (RFC 9112 §6.3). */
export function hasBody(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

/**
 * Buffers a request body up to `limit` bytes. A declared length over the limit is known before
 * any byte is read; a chunked body is read until it passes the limit. Either way nothing is
 * dropped: the caller may still stream the whole body on.
 *
 * With a budget, room is reserved before bytes are buffered (src/pipeline/body-budget.ts); the
 * request stays paused while it waits, so the client is held back by TCP, not by our memory.
 * A declared length is read straight into one buffer of that size: no chunk list, no concat copy.
 */
export async function readBody(req: IncomingMessage, limit: number, use?: BudgetUse): Promise<BodyRead> {
  const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : null;
  if (declared !== null && declared > limit) {
    return { complete: false, declaredLength: declared, whole: () => req };
  }
  let reservation: Reservation | null = null;
  if (use) {
    const r = use.budget.open();
    reservation = r;
    use.heldUntil.once('close', () => r.release());
    // Nothing is buffered before room for it is reserved: the whole declared body, or a first step.
    await r.add(declared ?? Math.min(GROW_STEP, limit + 1), use.waitMs);
  }
  return collect(req, limit, declared, reservation, use?.waitMs ?? 0);
}

/**
 * A body relayed unread (a zone the gateway does not inspect): one whose declared length is at
 * most `maxBytes` is gathered into one buffer when the budget has room for it at once, and the
 * upstream request then carries it in the write of its head; null when it is not (chunked,
 * larger, or no room), and the caller streams it as it comes. A small body costs less held than
 * streamed, which takes a Transform, a pipe and a write per chunk (bench/README.md, "gateway,
 * body unread").
 */
export async function readSmallBody(req: IncomingMessage, maxBytes: number, use: Omit<BudgetUse, 'waitMs'>): Promise<BodyRead | null> {
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const declared = Number(req.headers['content-length']);
  if (!(declared > 0 && declared <= maxBytes)) return null;
  const reservation = use.budget.open();
  if (!reservation.tryAdd(declared)) return null;
  use.heldUntil.once('close', () => reservation.release());
  return collect(req, maxBytes, declared, reservation, 0);
}

function collect(req: IncomingMessage, limit: number, declared: number | null, reservation: Reservation | null, waitMs: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    // Chunked (or unknown) length: a list of chunks; known length: one buffer filled in place.
    const chunks: Buffer[] = [];
    const whole = declared !== null ? Buffer.allocUnsafe(declared) : null;
    let size = 0;
    let settled = false;
    const cleanup = () => {
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      if (whole !== null && size + chunk.length <= whole.length) {
        chunk.copy(whole, size);
        size += chunk.length;
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        const prefix = chunks.splice(0);
        resolve({
          complete: false,
          declaredLength: declared,
          whole: () =>
            Readable.from(
              (async function* () {
                yield* prefix;
                for await (const chunk of req) yield chunk as Buffer;
              })(),
              { objectMode: false },
            ),
        });
        return;
      }
      if (reservation !== null && size > reservation.held) {
        // Hold the request while the reservation grows; what is buffered already stays counted.
        req.pause();
        const want = Math.min(Math.max(GROW_STEP, size - reservation.held), limit + 1 - reservation.held);
        reservation.add(want, waitMs).then(() => {
          if (!settled) req.resume();
        }, fail);
      }
    };
    const onEnd = () => {
      if (settled) return;
      cleanup();
      if (whole !== null) resolve({ complete: true, body: size === whole.length ? whole : whole.subarray(0, size) });
      else resolve({ complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onError = (err: Error) => fail(err);
    const onAborted = () => fail(Object.assign(new Error('client aborted the request body'), { code: 'ECONNRESET' }));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
