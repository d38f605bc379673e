/**
 * The process-wide budget for request bodies held in memory for inspection (limits.body_budget_bytes).
 *
 * Without it, memory grows with the number of concurrent uploads times their size: 1,000 slow
 * 1 MiB uploads took the gateway past 1.4 GiB RSS. A reader reserves what it will buffer before
 * it reads a byte (the declared Content-Length, or step by step for a chunked body) and holds it
 * until its response is done, since the buffer lives on through inspection and forwarding. When the
 * budget is spent, new readers wait with their request paused, so the kernel's socket buffers
 * fill and TCP pushes back on the client, instead of the gateway buffering for it. A reader
 * that waits longer than timeouts.body_budget_wait gets 503 EG_BUSY.
 *
 * Chunked bodies hold part of the budget while they wait to grow, so they can deadlock each
 * other: when every holder is a chunked reader waiting to grow, nothing will ever be released,
 * and the newest of them fails at once with EG_BUSY (releasing what it held) rather than
 * waiting out its timeout while holding the others up.
 */
import { EgError } from '../errors.js';

interface Waiter {
  readonly bytes: number;
  readonly grant: () => void;
  readonly fail: (err: EgError) => void;
}

/** Every budget of the process together (one per gateway; tests run several): the /metrics gauge. */
let processReserved = 0;
let processWaiting = 0;

export function bodyBudgetReservedBytes(): number {
  return processReserved;
}

/** Readers waiting for room, all budgets of the process together. */
export function bodyBudgetWaiting(): number {
  return processWaiting;
}

export class BodyBudget {
  private reservedBytes = 0;
  /** Readers holding a reservation (reading, inspecting or forwarding). */
  private holderCount = 0;
  /** Chunked readers waiting to grow first, so that bodies half in memory finish first. */
  private readonly growers: Waiter[] = [];
  private readonly newcomers: Waiter[] = [];

  constructor(private capacityBytes: number) {}

  get capacity(): number {
    return this.capacityBytes;
  }

  get reserved(): number {
    return this.reservedBytes;
  }

  get waiting(): number {
    return this.growers.length + this.newcomers.length;
  }

  /** A policy reload may change the size; a smaller budget grants nothing until enough is released. */
  resize(capacityBytes: number): void {
    if (capacityBytes === this.capacityBytes) return;
    this.capacityBytes = capacityBytes;
    this.drain();
  }

  /** Opens a reservation for one request body; `release` it once the body is no longer held. */
  open(): Reservation {
    return new Reservation(this);
  }

  /** @internal Reservation's side. */
  acquire(bytes: number, grow: boolean, waitMs: number, onCancel: (cancel: (err: Error) => void) => void): Promise<void> {
    if (this.queueEmpty() && this.fits(bytes)) {
      this.take(bytes);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = grow ? this.growers : this.newcomers;
      onCancel((err) => {
        if (!remove(queue, waiter)) return;
        clearTimeout(timer);
        reject(err);
        this.drain();
      });
      const timer = setTimeout(() => {
        remove(queue, waiter);
        reject(busy(waitMs));
        // A waiter at the head may have blocked smaller ones behind it.
        this.drain();
      }, waitMs);
      const waiter: Waiter = {
        bytes,
        grant: () => {
          clearTimeout(timer);
          this.take(bytes);
          resolve();
        },
        fail: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      queue.push(waiter);
      processWaiting++;
      // A grower may fit even while newcomers wait: growers are served first.
      this.drain();
      this.breakDeadlock();
    });
  }

  /** @internal Takes `bytes` only when that needs no wait: nobody queued and room free. */
  tryTake(bytes: number): boolean {
    if (!this.queueEmpty() || !this.fits(bytes)) return false;
    this.take(bytes);
    return true;
  }

  /** @internal */
  give(bytes: number): void {
    this.reservedBytes -= bytes;
    processReserved -= bytes;
    this.drain();
    this.breakDeadlock();
  }

  /** @internal */
  holderChange(delta: 1 | -1): void {
    this.holderCount += delta;
  }

  private fits(bytes: number): boolean {
    // A body larger than the whole budget still gets through, alone.
    return this.reservedBytes + bytes <= this.capacityBytes || this.reservedBytes === 0;
  }

  private take(bytes: number): void {
    this.reservedBytes += bytes;
    processReserved += bytes;
  }

  private queueEmpty(): boolean {
    return this.growers.length === 0 && this.newcomers.length === 0;
  }

  /** Grants in order and stops at the first that does not fit: a large body is not starved by small ones. */
  private drain(): void {
    for (const queue of [this.growers, this.newcomers]) {
      while (queue.length > 0) {
        const head = queue[0]!;
        if (!this.fits(head.bytes)) return;
        queue.shift();
        processWaiting--;
        head.grant();
      }
    }
  }

  private breakDeadlock(): void {
    if (this.growers.length === 0 || this.growers.length < this.holderCount) return;
    const newest = this.growers.pop()!;
    processWaiting--;
    newest.fail(new EgError('EG_BUSY', 'the body budget is held by other unfinished chunked bodies'));
  }
}

/** What one request holds of the budget. Idempotent release; safe to call on every exit path. */
export class Reservation {
  private bytes = 0;
  private released = false;
  private cancelWait: ((err: Error) => void) | null = null;

  constructor(private readonly budget: BodyBudget) {}

  get held(): number {
    return this.bytes;
  }

  /** Reserves `bytes` more, waiting up to `waitMs`; a second call grows a body already partly held. */
  async add(bytes: number, waitMs: number): Promise<void> {
    if (this.released) throw new Error('reservation already released');
    const first = this.bytes === 0;
    try {
      await this.budget.acquire(bytes, !first, waitMs, (cancel) => (this.cancelWait = cancel));
    } finally {
      this.cancelWait = null;
    }
    if (this.released) {
      // The request ended while it waited.
      this.budget.give(bytes);
      return;
    }
    if (first) this.budget.holderChange(1);
    this.bytes += bytes;
  }

  /** Reserves `bytes` for a reservation holding nothing yet, only when that needs no wait; for
   *  a caller that can do without (relaying a body as it streams instead of holding it). */
  tryAdd(bytes: number): boolean {
    if (this.released || this.bytes !== 0 || !this.budget.tryTake(bytes)) return false;
    this.budget.holderChange(1);
    this.bytes = bytes;
    return true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.cancelWait?.(Object.assign(new Error('the request ended while its body waited for the budget'), { code: 'ECONNRESET' }));
    if (this.bytes === 0) return;
    this.budget.holderChange(-1);
    const bytes = this.bytes;
    this.bytes = 0;
    this.budget.give(bytes);
  }
}

function busy(waitMs: number): EgError {
  return new EgError('EG_BUSY', `no room in the request body budget within ${waitMs} ms`);
}

function remove(queue: Waiter[], waiter: Waiter): boolean {
  const i = queue.indexOf(waiter);
  if (i < 0) return false;
  queue.splice(i, 1);
  processWaiting--;
  return true;
}

const budgets = new WeakMap<object, BodyBudget>();

/** The budget of one gateway (its env), sized from the running policy at each use. */
export function bodyBudgetFor(owner: object, capacityBytes: number): BodyBudget {
  let budget = budgets.get(owner);
  if (budget === undefined) {
    budget = new BodyBudget(capacityBytes);
    budgets.set(owner, budget);
  } else budget.resize(capacityBytes);
  return budget;
}
