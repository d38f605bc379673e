import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/audit/event.js';

describe('isoTime', () => {
  it('writes what toISOString writes, across days, years and both directions', () => {
    const start = Date.parse('2026-11-27T23:59:58.990Z');
    const times = [0, 1, 9, 10, 99, 100, 999, 1_000, 1_010, 61_001, 3_600_000, 86_399_999];
    const samples = [
      ...times.map((t) => start + t),
      ...times.map((t) => Date.parse('1999-12-31T00:00:00Z') + t),
      Date.parse('2024-02-29T12:34:56.789Z'),
      Date.parse('2026-11-27T00:00:00.000Z'),
      0,
    ];
    for (const ms of samples) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    // Pseudo-random times in this century, in no order.
    let x = 12345;
    for (let i = 0; i < 2_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const ms = Date.parse('2000-01-01T00:00:00Z') + (x / 2 ** 31) * 40 * 365 * 86_400_000;
      const t = Math.floor(ms);
      expect(isoTime(new Date(t))).toBe(new Date(t).toISOString());
    }
  });

  it('refuses an invalid date, as toISOString does', () => {
    expect(() => isoTime(new Date(NaN))).toThrow(RangeError);
  });
});
