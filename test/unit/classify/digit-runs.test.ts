import { describe, expect, it } from 'vitest';
import { DigitRun, readDigitRun } from '../../../src/classify/digit-runs.js';

/** Reads the run at the first digit, or at `from` when the text has digits before it. */
function read(s: string, from = s.search(/[0-9０-９]/)) {
  const run = new DigitRun();
  readDigitRun(s, from, run);
  return {
    text: s.slice(run.start, run.end),
    digits: run.digits(),
    lens: run.windowLens(0, run.groups - 1),
    plus: run.plus,
    leftOk: run.leftOk,
    rightOk: run.rightOk,
  };
}

describe('readDigitRun', () => {
  it.each([
    ['tel 138 1234 5678.', '138 1234 5678', '13812345678', [3, 4, 4]],
    ['+86-138-1234-5678', '86-138-1234-5678', '8613812345678', [2, 3, 4, 4]],
    ['ID 11010519491231002X!', '11010519491231002X', '11010519491231002X', [18]],
    ['110105 19491231 002x', '110105 19491231 002x', '11010519491231002x', [6, 8, 4]],
    ['１３８１２３４５６７８', '１３８１２３４５６７８', '13812345678', [11]],
    ['138\u200b1234\u200b5678', '138\u200b1234\u200b5678', '13812345678', [11]],
    ['1 2  3', '1 2  3', '123', [1, 1, 1]],
    ['1 2    3', '1 2', '12', [1, 1]],
    ['1456 - 3 - 537', '1456 - 3 - 537', '14563537', [4, 1, 3]],
    ['139123  45  678', '139123  45  678', '13912345678', [6, 2, 3]],
    ['138.1234.5678', '138.1234.5678', '13812345678', [3, 4, 4]],
    ['+86\ufeff 175 9872', '86\ufeff 175 9872', '861759872', [2, 3, 4]],
    ['2024-01-15 13:45', '2024-01-15 13', '2024011513', [4, 2, 2, 2]],
    ['1920x1080', '1920', '1920', [4]],
  ])('%j → %j', (s, text, digits, lens) => {
    const r = read(s);
    expect(r.text).toBe(text);
    expect(r.digits).toBe(digits);
    expect(r.lens).toEqual(lens);
  });

  it.each([
    ['+8613812345678', true, true, true],
    ['abc13812345678', false, false, true],
    ['13812345678abc', false, true, false],
    ['ORD-13812345678', false, false, true],
    ['order_13812345678', false, false, true],
    ['13812345678-A1', false, true, false],
    ['x@13812345678', false, false, true],
    ['13812345678@163.com', false, true, false],
    ['3.13812345678', false, false, true],
    ['13812345678.5x', false, true, false],
    ['13812345678.x', false, true, true],
    ['call 13812345678.', false, true, true],
    ['No.13812345678', false, true, true],
    ['a+13812345678', true, false, true],
    ['手机13812345678号', false, true, true],
  ])('%j: plus=%s leftOk=%s rightOk=%s', (s, plus, leftOk, rightOk) => {
    const r = read(s, s.startsWith('+86') ? 1 : s.indexOf('138'));
    expect([r.plus, r.leftOk, r.rightOk]).toEqual([plus, leftOk, rightOk]);
  });
});
