/**
 * Property: a value planted at a random path of a random JSON object (optionally inside a JSON
 * document held in a string), redacted with a random mode, leaves output that parses, never
 * contains the value, and equals the document with the value replaced by the mode's rendering
 * (or its member removed, for drop) — every other value unchanged.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/body/parse.js';
import { redactBody, type RedactMode } from '../../../src/transform/redact.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// Keys and strings never hold a CJK character or digits, so the planted value (a CJK character
// then digits and letters, or an 11-digit number) cannot occur anywhere else by accident.
const NOISE = [..."abcxyzABC _-.~!*()'\"\\/,;:=&+%?#{}[]<>\n\té😀"];
const noiseArb = fc.string({ unit: fc.constantFrom(...NOISE), maxLength: 6 });
const { tree } = fc.letrec<{ tree: Json }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(null, true, false, 0, -12, 3.5, 1e21),
    noiseArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(noiseArb, tie('tree'), { maxKeys: 4 }),
  ),
}));
const objectArb = fc.dictionary(noiseArb, tree, { maxKeys: 5 }) as fc.Arbitrary<{ [k: string]: Json }>;

const secretArb = fc.oneof(
  fc.tuple(fc.constantFrom('张', '三', '京', '𠀋'), fc.stringMatching(/^[0-9A-Z]{10,14}$/)).map(([c, s]) => c + s),
  fc.constantFrom(13812345678, 13912345670, 15012345678),
);

const KEYS = [Buffer.from('property-key-a'), Buffer.from('property-key-b')];
const modeArb: fc.Arbitrary<RedactMode> = fc.oneof(
  fc.constant<RedactMode>({ kind: 'mask' }),
  fc.record({ kind: fc.constant('partial' as const), head: fc.nat(8), tail: fc.nat(8) }),
  fc.record({ kind: fc.constant('hash' as const), key: fc.constantFrom(...KEYS), length: fc.integer({ min: 1, max: 64 }) }),
  fc.constant<RedactMode>({ kind: 'drop' }),
);

/** Every object and array of `doc`, in a fixed order. */
function holders(doc: Json): Array<Json[] | { [k: string]: Json }> {
  const out: Array<Json[] | { [k: string]: Json }> = [];
  const walk = (node: Json) => {
    if (node === null || typeof node !== 'object') return;
    out.push(node);
    for (const child of Object.values(node)) walk(child);
  };
  walk(doc);
  return out;
}

/** A copy of `doc` with `value` placed in holder number `pick`, as its member or item number
 *  `at` (modulo the size; an object's members are rebuilt in that order); nothing is placed
 *  when `value` is undefined (a drop). */
function plant(doc: Json, pick: number, at: number, key: string, value: Json | undefined): Json {
  const copy = structuredClone(doc);
  const all = holders(copy);
  const holder = all[pick % all.length]!;
  if (value === undefined) return copy;
  if (Array.isArray(holder)) {
    holder.splice(at % (holder.length + 1), 0, value);
  } else {
    const entries = Object.entries(holder);
    entries.splice(at % (entries.length + 1), 0, [key, value]);
    for (const k of Object.keys(holder)) delete holder[k];
    for (const [k, v] of entries) holder[k] = v;
  }
  return copy;
}

/** The mode's rendering of the planted value, computed independently of the module. */
function rendered(secret: string, mode: RedactMode): string | undefined {
  const points = [...secret];
  switch (mode.kind) {
    case 'mask':
      return '*'.repeat(points.length);
    case 'partial': {
      const n = points.length;
      let head = mode.head;
      let tail = mode.tail;
      while (head + tail > n - Math.ceil(n / 3)) tail > 0 ? tail-- : head--;
      return points.slice(0, head).join('') + '*'.repeat(n - head - tail) + points.slice(n - tail).join('');
    }
    case 'hash':
      return 'h:' + createHmac('sha256', mode.key).update(secret.normalize('NFKC').toUpperCase()).digest('hex').slice(0, mode.length);
    case 'drop':
      return undefined;
  }
}

/** Strings holding JSON read as what they hold, so a nested document compares by value. */
function open(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*[{[]/.test(v)) {
    try {
      return open(JSON.parse(v));
    } catch {
      return v;
    }
  }
  if (Array.isArray(v)) return v.map(open);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, open(x)]));
  return v;
}

describe('property: every mode on a planted JSON value', () => {
  it('the output parses, never holds the value, and only the planted member changes', () => {
    fc.assert(
      fc.property(
        objectArb, fc.nat(), noiseArb, secretArb, modeArb,
        fc.nat(), fc.option(fc.record({ inner: objectArb, pick: fc.nat(), at: fc.nat(), key: noiseArb }), { nil: undefined }),
        fc.constantFrom<string | number | undefined>(undefined, 2, '\t'),
        (outer, pick, rawKey, secret, mode, at, nested, indent) => {
          // The planted key holds a character no generated key has, so it replaces nothing.
          const key = `钥${rawKey}`;
          const build = (v: Json | undefined): Json => {
            if (nested === undefined) return plant(outer, pick, at, key, v);
            const inner = JSON.stringify(plant(nested.inner, nested.pick, nested.at, `钥${nested.key}`, v));
            return plant(outer, pick, at, key, inner);
          };
          const text = JSON.stringify(build(secret), null, indent);
          const buf = Buffer.from(text, 'utf8');
          const { leaves } = parseBody(buf, 'application/json');
          const target = leaves.findIndex((l) => !l.container && l.value === String(secret));
          expect(target).toBeGreaterThanOrEqual(0);
          const value = leaves[target]!.value;
          const out = redactBody(buf, leaves, [{ leafIndex: target, start: 0, end: value.length, mode }]).toString('utf8');

          expect(out).not.toContain(String(secret));
          const parsed = JSON.parse(out) as unknown;
          expect(open(parsed)).toEqual(open(build(rendered(String(secret), mode))));
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('partial always masks at least a third of the code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '😀', '张', ' ', '-'), minLength: 1, maxLength: 30 }), fc.nat(40), fc.nat(40), (s, head, tail) => {
        const buf = Buffer.from(JSON.stringify({ v: s }));
        const leaves = parseBody(buf, 'application/json').leaves;
        const out = JSON.parse(redactBody(buf, leaves, [{ leafIndex: 0, start: 0, end: s.length, mode: { kind: 'partial', head, tail } }]).toString()) as { v: string };
        const points = [...out.v];
        expect(points).toHaveLength([...s].length);
        expect(points.filter((c) => c === '*').length).toBeGreaterThanOrEqual(Math.ceil(points.length / 3));
        expect(out.v).toBe(rendered(s, { kind: 'partial', head, tail }));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
