import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, EgError } from '../../src/errors.js';

describe('error registry', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(EG_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => `${m[1]}:${m[2]}`));

  it.each(Object.entries(ERRORS))('%s is documented in docs/errors.md with its status', (code, spec) => {
    expect(documented.has(`${code}:${spec.status}`)).toBe(true);
  });

  it('documents no code that the registry lacks', () => {
    const codes = new Set(Object.entries(ERRORS).map(([code, spec]) => `${code}:${spec.status}`));
    for (const entry of documented) expect(codes.has(entry)).toBe(true);
  });

  it('carries code, status and detail', () => {
    const err = new EgError('EG_BODY_TOO_LARGE', 'limit 10 bytes');
    expect(err.code).toBe('EG_BODY_TOO_LARGE');
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/limit 10 bytes$/);
  });
});
