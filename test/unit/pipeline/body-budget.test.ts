import { describe, expect, it } from 'vitest';
import { BodyBudget } from '../../../src/pipeline/body-budget.js';

const LONG = 60_000;

describe('BodyBudget', () => {
  it('grants in arrival order: a large waiting body is not overtaken by smaller ones that would fit', async () => {
    const budget = new BodyBudget(100);
    const a = budget.open();
    await a.add(80, LONG);
    const order: string[] = [];
    const big = budget.open();
    const small = budget.open();
    const bigDone = big.add(60, LONG).then(() => order.push('big'));
    const smallDone = small.add(10, LONG).then(() => order.push('small'));
    await Promise.resolve();
    expect(budget.waiting).toBe(2);
    expect(budget.reserved).toBe(80);
    a.release();
    await Promise.all([bigDone, smallDone]);
    expect(order).toEqual(['big', 'small']);
    expect(budget.reserved).toBe(70);
    big.release();
    small.release();
    expect(budget.reserved).toBe(0);
  });

  it('release is idempotent and a released waiter never keeps what it is granted', async () => {
    const budget = new BodyBudget(10);
    const a = budget.open();
    await a.add(10, LONG);
    const b = budget.open();
    const waiting = b.add(5, LONG);
    b.release();
    await expect(waiting).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(budget.waiting).toBe(0);
    a.release();
    a.release();
    expect(budget.reserved).toBe(0);
  });

  it('tryAdd takes room only when no wait is needed: none while others queue or the room is short', async () => {
    const budget = new BodyBudget(100);
    const a = budget.open();
    expect(a.tryAdd(60)).toBe(true);
    expect(budget.reserved).toBe(60);
    // A reservation already holding bytes grows with add(), not tryAdd().
    expect(a.tryAdd(1)).toBe(false);
    expect(budget.open().tryAdd(50)).toBe(false);
    const waiter = budget.open();
    const queued = waiter.add(50, LONG);
    // Room for 10 is free, but a body queued first is not overtaken.
    expect(budget.open().tryAdd(10)).toBe(false);
    a.release();
    await queued;
    const b = budget.open();
    expect(b.tryAdd(50)).toBe(true);
    expect(budget.reserved).toBe(100);
    b.release();
    waiter.release();
    expect(budget.reserved).toBe(0);
    const released = budget.open();
    released.release();
    expect(released.tryAdd(1)).toBe(false);
  });

  it('a wait past its time fails with EG_BUSY and frees its place in the queue', async () => {
    const budget = new BodyBudget(10);
    const a = budget.open();
    await a.add(10, LONG);
    await expect(budget.open().add(5, 20)).rejects.toMatchObject({ code: 'EG_BUSY', status: 503 });
    expect(budget.waiting).toBe(0);
    a.release();
  });

  it('a smaller budget after a reload grants nothing until enough is released', async () => {
    const budget = new BodyBudget(100);
    const a = budget.open();
    await a.add(60, LONG);
    budget.resize(50);
    let granted = false;
    const b = budget.open();
    const done = b.add(10, LONG).then(() => (granted = true));
    await Promise.resolve();
    expect(granted).toBe(false);
    a.release();
    await done;
    expect(budget.reserved).toBe(10);
    b.release();
  });

  it('growers that hold everything and all wait: the newest fails EG_BUSY, the other grows', async () => {
    const budget = new BodyBudget(100);
    const a = budget.open();
    const b = budget.open();
    await a.add(50, LONG);
    await b.add(50, LONG);
    const aGrows = a.add(40, LONG);
    const bGrows = b.add(40, LONG);
    await expect(bGrows).rejects.toMatchObject({ code: 'EG_BUSY' });
    b.release();
    await aGrows;
    expect(a.held).toBe(90);
    a.release();
    expect(budget.reserved).toBe(0);
  });
});
