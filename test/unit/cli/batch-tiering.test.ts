import { beforeEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn<(flags: string) => void>();
vi.mock('node:v8', () => ({ setFlagsFromString }));

describe('raiseInterruptBudgetForBatch', () => {
  beforeEach(() => {
    vi.resetModules();
    setFlagsFromString.mockClear();
  });

  it('sets V8\'s interrupt budget to 256 KiB (Node 20\'s V8: 66 KiB), once per process', async () => {
    const { raiseInterruptBudgetForBatch } = await import('../../../src/cli/batch-tiering.js');
    raiseInterruptBudgetForBatch();
    raiseInterruptBudgetForBatch();
    expect(setFlagsFromString.mock.calls).toEqual([['--interrupt-budget=262144']]);
  });

  it('changes nothing until a batch command asks for it', async () => {
    await import('../../../src/cli/batch-tiering.js');
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
