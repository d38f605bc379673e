import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/audit/canonical.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, é: 'ü', A: 0 };
    expect(canonicalJson(value)).toBe('{"A":0,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1,"é":"ü"}');
  });

  it('sorts by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ '\u{1F600}': 1, '\uFB33': 2 })).toBe('{"\u{1F600}":1,"\uFB33":2}');
  });

  it('drops undefined members like JSON.stringify and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe('{"b":[null],"c":"1970-01-01T00:00:00.000Z"}');
  });

  it('escapes strings as JSON.stringify does', () => {
    expect(canonicalJson({ s: 'quote " backslash \\ nl \n tab \t <>' })).toBe(JSON.stringify({ s: 'quote " backslash \\ nl \n tab \t <>' }));
  });

  it('does not depend on key insertion order', () => {
    expect(canonicalJson({ x: 1, y: { q: 1, p: 2 } })).toBe(canonicalJson({ y: { p: 2, q: 1 }, x: 1 }));
  });

  it('rejects what JSON cannot hold', () => {
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('survives a write/parse round trip unchanged (what verify relies on)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalJson(value);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});
