/**
 * Property: a string planted anywhere in a random JSON / form / multipart / CSV body, possibly
 * wrapped in JSON-in-a-string, base64 or percent-encoding (up to two wraps), is found in some
 * leaf the classifier reads; masking it there removes it from the output bytes and from every
 * reading of them, the output still parses, and every top-level value outside the edit stays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { redactBody, type RedactEdit } from '../../../src/transform/redact.js';

// The secret always starts with a CJK character, which no noise contains, so it cannot occur by
// accident, and a '%' in the noise before it is never read as an escape. Noise has no digits:
// '%' with hex letters makes stray escapes ("%ca%ab" is "ʫ"), but never a second layer ("%25").
const secretArb = fc
  .tuple(fc.constantFrom('张', '三', '京', '號', '𠀋'), fc.stringMatching(/^[0-9A-Z]{10,14}$/))
  .map(([c, s]) => c + s);
const NOISE = [..."abcdefghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ _-.~!*()'\"\\/,;:=&+%?#{}[]<>\n\té😀"];
const noiseArb = fc.string({ unit: fc.constantFrom(...NOISE), maxLength: 10 });

type Wrap = 'json' | 'base64' | 'base64url' | 'percent';
const WRAP: Record<Wrap, (s: string) => string> = {
  json: (s) => JSON.stringify({ inner: s }),
  // The secret is long enough (13+ bytes) for the 16-character floor of base64 detection.
  base64: (s) => Buffer.from(s).toString('base64'),
  base64url: (s) => Buffer.from(s).toString('base64url'),
  percent: (s) => encodeURIComponent(s),
};
const wrapsArb = fc.array(fc.constantFrom<Wrap>('json', 'base64', 'base64url', 'percent'), { maxLength: 2 });

interface Case {
  readonly type: string;
  /** The body, given the value to plant. */
  readonly build: (planted: string) => string;
  /** Form values are percent-decoded by their format, so a percent wrap there is a second
   *  encoding that is deliberately not undone (nested.ts). */
  readonly percentOutside: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** `doc` with `value` inserted into one of its objects or arrays, picked by `pick`. */
function plantJson(doc: Json, pick: number, key: string, value: string): Json {
  const copy = structuredClone(doc);
  const holders: Array<Json[] | { [k: string]: Json }> = [];
  const walk = (node: Json) => {
    if (node === null || typeof node !== 'object') return;
    holders.push(node);
    for (const child of Object.values(node)) walk(child);
  };
  walk(copy);
  const holder = holders[pick % Math.max(1, holders.length)];
  if (holder === undefined) return { before: copy, [key]: value };
  if (Array.isArray(holder)) holder.splice(pick % (holder.length + 1), 0, value);
  // defineProperty: fast-check likes keys such as "__proto__", which assignment would not add.
  else Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const jsonArb = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

const jsonCase: fc.Arbitrary<Case> = fc
  .record({ doc: jsonArb, pick: fc.nat(), key: noiseArb, indent: fc.constantFrom<string | number | undefined>(undefined, 1, '\t') })
  .map(({ doc, pick, key, indent }) => ({
    type: 'application/json',
    build: (v) => JSON.stringify(plantJson(doc, pick, key, v), null, indent),
    percentOutside: true,
  }));

const formCase: fc.Arbitrary<Case> = fc
  .record({ pairs: fc.array(fc.tuple(noiseArb, noiseArb), { maxLength: 4 }), pick: fc.nat(), key: noiseArb })
  .map(({ pairs, pick, key }) => ({
    type: 'application/x-www-form-urlencoded',
    build: (v) => {
      const all = [...pairs];
      all.splice(pick % (pairs.length + 1), 0, [key, v]);
      return new URLSearchParams(all).toString();
    },
    percentOutside: false,
  }));

function csvText(rows: string[][], eol: string): string {
  return rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join(eol) + eol;
}

const csvCase: fc.Arbitrary<Case> = fc
  .record({
    cols: fc.integer({ min: 1, max: 4 }),
    rows: fc.array(fc.array(noiseArb, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
    r: fc.nat(),
    c: fc.nat(),
    eol: fc.constantFrom('\r\n', '\n'),
  })
  .map(({ cols, rows, r, c, eol }) => ({
    type: 'text/csv',
    build: (v) => {
      const table = rows.map((row) => row.slice(0, cols));
      table[r % table.length]![c % cols] = v;
      return csvText(table, eol);
    },
    percentOutside: true,
  }));

const BOUNDARY = '----fcB0undary7';
const multipartCase: fc.Arbitrary<Case> = fc
  .record({
    fields: fc.array(fc.tuple(noiseArb, noiseArb), { maxLength: 3 }),
    pick: fc.nat(),
    kind: fc.constantFrom('text', 'json', 'csv'),
    doc: jsonArb,
    eol: fc.constantFrom('\r\n', '\n'),
  })
  .map(({ fields, pick, kind, doc, eol }) => ({
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    build: (v) => {
      const name = (n: string) => n.replace(/["\r\n\\]/g, '_');
      const parts = fields.map(([n, value]) => `Content-Disposition: form-data; name="${name(n)}"${eol}${eol}${value}`);
      const planted =
        kind === 'text'
          ? `Content-Disposition: form-data; name="p"${eol}${eol}${v}`
          : kind === 'json'
            ? `Content-Disposition: form-data; name="p"${eol}Content-Type: application/json${eol}${eol}${JSON.stringify(plantJson(doc, pick, 'k', v))}`
            : `Content-Disposition: form-data; name="f"; filename="t.csv"${eol}${eol}${csvText([['a', 'b'], ['x', v]], eol)}`;
      parts.splice(pick % (parts.length + 1), 0, planted);
      return parts.map((p) => `--${BOUNDARY}${eol}${p}${eol}`).join('') + `--${BOUNDARY}--${eol}`;
    },
    percentOutside: true,
  }));

function maskSecret(leaves: readonly Leaf[], secret: string): RedactEdit[] {
  const edits: RedactEdit[] = [];
  leaves.forEach((leaf, leafIndex) => {
    if (leaf.container) return;
    for (let at = leaf.value.indexOf(secret); at >= 0; at = leaf.value.indexOf(secret, at + 1)) {
      edits.push({ leafIndex, start: at, end: at + secret.length });
    }
  });
  return edits;
}

function ancestors(leaves: readonly Leaf[], edits: readonly RedactEdit[]): Set<number> {
  const out = new Set<number>();
  for (const { leafIndex } of edits) {
    for (let i: number | undefined = leafIndex; i !== undefined; i = leaves[i]!.parent) out.add(i);
  }
  return out;
}

describe('property: planted values are found and fully redacted', () => {
  it.each([
    ['JSON', jsonCase],
    ['form', formCase],
    ['CSV', csvCase],
    ['multipart', multipartCase],
  ] as const)('%s', (_name, caseArb) => {
    fc.assert(
      fc.property(caseArb, secretArb, noiseArb, noiseArb, wrapsArb, (c, secret, before, after, wraps) => {
        fc.pre(c.percentOutside || wraps[wraps.length - 1] !== 'percent');
        const planted = wraps.reduce((s, w) => WRAP[w](s), `${before}${secret}${after}`);
        const body = Buffer.from(c.build(planted), 'utf8');
        const parsed = parseBody(body, c.type);
        const edits = maskSecret(parsed.leaves, secret);
        expect(edits.length).toBeGreaterThan(0);

        const out = redactBody(body, parsed.leaves, edits);
        expect(out.toString('utf8')).not.toContain(secret);
        const again = parseBody(out, c.type);
        expect(again.leaves.filter((l) => l.value.includes(secret))).toEqual([]);
        if (c.type === 'application/json') JSON.parse(out.toString('utf8'));

        // Top-level values (the parser's own leaves) other than the edited ones are unchanged.
        // (CSV locations name columns by header, which the secret may be part of.)
        const touched = ancestors(parsed.leaves, edits);
        parsed.leaves.forEach((leaf, i) => {
          if (leaf.parent !== undefined) return;
          if (c.type !== 'text/csv') expect(again.leaves[i]?.location).toBe(leaf.location);
          if (!touched.has(i)) expect(again.leaves[i]?.value).toBe(leaf.value);
        });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
