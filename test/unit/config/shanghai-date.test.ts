import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../../src/config/compile-legal.js';

describe('shanghaiDate', () => {
  it('turns at midnight in Shanghai (UTC+8), backwards as well as forwards', () => {
    const at = (iso: string) => shanghaiDate(new Date(iso));
    expect(at('2026-11-27T15:59:59.999Z')).toBe('2026-11-27');
    expect(at('2026-11-27T16:00:00.000Z')).toBe('2026-11-28');
    expect(at('2026-11-27T15:59:59.999Z')).toBe('2026-11-27');
    expect(at('1969-12-31T16:00:00.000Z')).toBe('1970-01-01');
    expect(at('1969-12-31T15:59:59.000Z')).toBe('1969-12-31');
  });

  it('refuses an invalid date, as toISOString does', () => {
    expect(() => shanghaiDate(new Date(NaN))).toThrow(RangeError);
  });
});
