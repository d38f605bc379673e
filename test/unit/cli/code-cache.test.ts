import { describe, expect, it } from 'vitest';
import { codeCacheMode } from '../../../src/cli/code-cache.js';
import { EgError } from '../../../src/errors.js';

describe('codeCacheMode (EG_CODE_CACHE)', () => {
  it.each([
    { value: undefined, mode: 'on' },
    { value: '', mode: 'on' },
    { value: 'on', mode: 'on' },
    { value: 'off', mode: 'off' },
    { value: 'write', mode: 'write' },
    { value: 'check', mode: 'check' },
  ])('$value → $mode', ({ value, mode }) => {
    expect(codeCacheMode(value)).toBe(mode);
  });

  it.each(['0', 'false', 'ON', 'read'])('refuses %s, naming the variable and the modes', (value) => {
    expect(() => codeCacheMode(value)).toThrow(EgError);
    expect(() => codeCacheMode(value)).toThrow(expect.objectContaining({ code: 'EG_CONFIG_INVALID', detail: `EG_CODE_CACHE=${value} is not one of on, off, write, check; unset it to use the code cache.` }));
  });
});
