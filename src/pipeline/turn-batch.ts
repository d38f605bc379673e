/**
 * Entries pushed during one turn of the event loop, handled together at its end (setImmediate),
 * in order. Work that would otherwise run between the stages of each request runs back to back
 * for all the requests of the turn, with its code and data warm: the gateway inspects small
 * bodies this way (inspect-pool.ts), relays the upstream answers of a turn together (run.ts),
 * and `serve` records its audit events so (the event, the inventory, the metrics and the line
 * of each). Together they took the CPU per 2 KiB request from ~280 to ~180 µs (bench/README.md
 * "What limits the figures"). `drain()` handles what is pending at once.
 */
export class TurnBatch<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(
    private readonly handle: (entry: T) => void,
    /** One entry failed; the others are still handled. */
    private readonly failed: (err: unknown) => void,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(entry: T): void {
    this.queue.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  /**
   * Queues one more drain behind the immediates queued so far in this turn. Entries that the
   * promise continuations of an earlier immediate push (a request started at the end of the turn
   * reaching inspection) are then handled in the same turn: an immediate queued while the turn's
   * immediates run waits for the next turn, which under load is a whole turn's work of latency
   * for every request that takes that path.
   */
  prime(): void {
    if (this.primed) return;
    this.primed = true;
    setImmediate(this.primedDrain);
  }

  private primed = false;
  private readonly primedDrain = (): void => {
    this.primed = false;
    this.drain();
  };

  readonly drain = (): void => {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    for (const entry of batch) {
      try {
        this.handle(entry);
      } catch (err) {
        this.failed(err);
      }
    }
  };
}
