import { beforeEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn<(flags: string) => void>();
vi.mock('node:v8', () => ({ setFlagsFromString }));

async function fresh() {
  vi.resetModules();
  return import('../../../src/cli/batch-tiering.js');
}

describe('raiseInterruptBudgetForBatch', () => {
  beforeEach(() => setFlagsFromString.mockClear());

  it('sets V8\'s interrupt budget to 256 KiB (Node 20\'s V8: 66 KiB)', async () => {
    const { raiseInterruptBudgetForBatch } = await fresh();
    raiseInterruptBudgetForBatch([]);
    expect(setFlagsFromString.mock.calls).toEqual([['--interrupt-budget=262144']]);
  });

  it('changes nothing until a batch command asks for it', async () => {
    await fresh();
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it.each([
    { execArgv: ['--interrupt-budget=67584'], sets: false },
    { execArgv: ['--interrupt_budget=1000'], sets: false },
    { execArgv: ['--single-threaded-gc', '--interrupt-budget', '67584'], sets: false },
    { execArgv: ['--interrupt-budget-for-feedback-allocation=940'], sets: true },
    { execArgv: ['--max-old-space-size=512'], sets: true },
  ])('with node $execArgv on the command line: sets it = $sets', async ({ execArgv, sets }) => {
    const { raiseInterruptBudgetForBatch } = await fresh();
    raiseInterruptBudgetForBatch(execArgv);
    expect(setFlagsFromString).toHaveBeenCalledTimes(sets ? 1 : 0);
  });
});

describe('isBatchCommandLine', () => {
  it.each([
    { args: ['scan', '--ndjson'], batch: true },
    { args: ['scan', '--ndjson', '--policy', 'p.yaml'], batch: true },
    { args: ['scan', '-p', 'p.yaml', '--ndjson'], batch: true },
    { args: ['scan', 'body.json'], batch: false },
    { args: ['scan'], batch: false },
    { args: ['serve', '--ndjson'], batch: false },
    { args: [], batch: false },
  ])('$args: $batch', async ({ args, batch }) => {
    const { isBatchCommandLine } = await fresh();
    expect(isBatchCommandLine(args)).toBe(batch);
  });
});
