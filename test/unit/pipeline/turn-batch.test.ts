import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../../src/pipeline/turn-batch.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('handles what one turn pushed at the end of that turn, in order', async () => {
    const handled: number[] = [];
    const batch = new TurnBatch<number>((n) => handled.push(n), () => {});
    batch.push(1);
    batch.push(2);
    expect(handled).toEqual([]);
    expect(batch.pending).toBe(2);
    await turn();
    expect(handled).toEqual([1, 2]);
    batch.push(3);
    await turn();
    expect(handled).toEqual([1, 2, 3]);
    expect(batch.pending).toBe(0);
  });

  it.each([
    ['primed, handles it in the same turn', true, ['x', 'next turn']],
    ['not primed, handles it a turn later', false, ['next turn', 'x']],
  ] as const)('an entry pushed by the continuations of an earlier batch: %s', async (_what, primed, order) => {
    const marks: string[] = [];
    const later = new TurnBatch<string>((e) => marks.push(e), () => {});
    const first = new TurnBatch<() => void>((f) => f(), () => {});
    first.push(() => {
      // Queued while this turn's immediates run: it marks the start of the next turn.
      setImmediate(() => marks.push('next turn'));
      void Promise.resolve().then(() => later.push('x'));
    });
    if (primed) later.prime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(marks).toEqual(order);
  });

  it('drain() handles what is pending at once, and the scheduled turn then finds nothing twice', async () => {
    const handled: number[] = [];
    const batch = new TurnBatch<number>((n) => handled.push(n), () => {});
    batch.push(1);
    batch.drain();
    expect(handled).toEqual([1]);
    batch.push(2);
    await turn();
    await turn();
    expect(handled).toEqual([1, 2]);
  });

  it('an entry that throws is reported and the rest are still handled', async () => {
    const handled: number[] = [];
    const failures: unknown[] = [];
    const batch = new TurnBatch<number>((n) => {
      if (n === 2) throw new Error('bad entry');
      handled.push(n);
    }, (err) => failures.push(err));
    for (const n of [1, 2, 3]) batch.push(n);
    await turn();
    expect(handled).toEqual([1, 3]);
    expect(failures).toHaveLength(1);
  });
});
