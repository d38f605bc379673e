/**
 * Property: a validated identifier planted anywhere in a body of any supported format, under any
 * supported content-encoding, in any of the written forms the classifier claims to fold, never
 * reaches the destination once the policy says redact. The request goes through the real
 * gateway in process (the Evaluator behind `egress-guard test`): decode, parse, classify,
 * decide, redact, re-encode; we decode what would have been forwarded and search every reading
 * of it for the identifier.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Evaluator } from '../../src/cli/evaluate.js';
import { REFERENCE, lookupField } from '../../src/classify/fields.js';
import { loadPolicyText } from '../../src/config/load.js';
import { fillerArb, foldForSearch, plantedArb, type Identifier } from './identifiers.js';

// Every grade a body can reach is redacted abroad (core is always blocked, so no entry for it).
const POLICY = `version: 1
mode: enforce
unknown:
  jurisdiction: ZZ
  uninspectable: block
  actions:
    grades: { important: redact, sensitive_pi: redact, pi: redact }
    default: allow
`;
const NOW = new Date('2026-06-01T00:00:00Z');
// Modest for CI on a loaded 2-core box; FC_NUM_RUNS=5000 for a deeper search.
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 400);

let evaluator: Evaluator;
beforeAll(async () => {
  evaluator = await Evaluator.start(loadPolicyText(POLICY, 'property-policy.yaml'), NOW);
});
afterAll(() => evaluator?.close());

type Coding = 'identity' | 'gzip' | 'deflate' | 'br' | 'gzip, br';
const codingArb = fc.constantFrom<Coding>('identity', 'gzip', 'deflate', 'br', 'gzip, br');

function encode(buf: Buffer, coding: string): Buffer {
  let out = buf;
  for (const c of coding.split(',').map((s) => s.trim())) {
    if (c === 'gzip') out = zlib.gzipSync(out);
    else if (c === 'deflate') out = zlib.deflateSync(out);
    else if (c === 'br') out = zlib.brotliCompressSync(out);
  }
  return out;
}

function decode(buf: Buffer, coding: string | undefined): Buffer {
  let out = buf;
  for (const c of (coding ?? '').split(',').map((s) => s.trim()).reverse()) {
    if (c === 'gzip') out = zlib.gunzipSync(out);
    else if (c === 'deflate') out = zlib.inflateSync(out);
    else if (c === 'br') out = zlib.brotliDecompressSync(out);
  }
  return out;
}

/** Every string in a JSON document, keys included. */
function jsonStrings(text: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), walk(x);
  };
  try {
    walk(JSON.parse(text));
  } catch {
    // Not JSON (any more): the raw reading still counts.
  }
  return out;
}

/** The readings of a forwarded body a recipient could make: the bytes as text, and the values
 *  its format un-escapes (JSON \u escapes, percent-encoding). */
function readings(format: Format, text: string): string[] {
  if (format === 'json') return [text, ...jsonStrings(text)];
  if (format === 'ndjson') return [text, ...text.split('\n').flatMap(jsonStrings)];
  if (format === 'form') return [text, ...[...new URLSearchParams(text)].flat()];
  return [text];
}

function leaks(id: Identifier, texts: readonly string[]): string | undefined {
  if (id.category === 'email') return texts.find((t) => t.toLowerCase().includes(id.digits));
  return texts.find((t) => foldForSearch(t).toUpperCase().includes(id.digits));
}

type Format = 'json' | 'ndjson' | 'form' | 'multipart' | 'text' | 'csv';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PLACEHOLDER = 'PLANTED\u0001HERE';
// Any key but a reference-number field ("id", "orderNo", "token"…): by design (src/classify/
// fields.ts, REFERENCE) pattern-only findings such as a Luhn-valid card or a bare mobile are
// dropped under those, because such a field holds a code. docs/security.md lists it as a limit.
const keyArb = fc
  .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('data', 'note', 'contact', 'remark', '备注', 'msg', 'value'))
  .filter((k) => lookupField(k)?.category !== REFERENCE);

/** `doc` with PLACEHOLDER under `key` in one of its objects or arrays (or a new wrapper). */
function plant(doc: Json, pick: number, key: string): Json {
  const copy = structuredClone(doc);
  const holders: Array<Json[] | { [k: string]: Json }> = [];
  const walk = (node: Json): void => {
    if (node === null || typeof node !== 'object') return;
    holders.push(node);
    for (const child of Object.values(node)) walk(child);
  };
  walk(copy);
  const holder = holders[pick % Math.max(1, holders.length)];
  if (holder === undefined) return { before: copy, [key]: PLACEHOLDER };
  if (Array.isArray(holder)) holder.splice(pick % (holder.length + 1), 0, PLACEHOLDER);
  // defineProperty: keys such as "__proto__" would not be added by assignment.
  else Object.defineProperty(holder, key, { value: PLACEHOLDER, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** JSON string content for `s`, with the chars `escape` picks written as \uXXXX (an evasion a
 *  JSON reader undoes). */
function jsonContent(s: string, escape: readonly boolean[]): string {
  let out = '';
  let i = 0;
  for (const ch of s) {
    const plain = JSON.stringify(ch).slice(1, -1);
    out += escape[i++ % escape.length] && ch.length === 1 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : plain;
  }
  return out;
}

const jsonDocArb = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

function jsonBody(doc: Json, pick: number, key: string, text: string, escape: readonly boolean[], indent: number | undefined): string {
  return JSON.stringify(plant(doc, pick, key), null, indent).replace(JSON.stringify(PLACEHOLDER), () => `"${jsonContent(text, escape)}"`);
}

const BOUNDARY = 'fcBoundary7Qx';

interface Body {
  readonly format: Format;
  /** Undefined: no Content-Type header at all (read as text). */
  readonly contentType: string | undefined;
  readonly build: (planted: string) => string;
}

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  fc
    .record({
      doc: jsonDocArb, pick: fc.nat(), key: keyArb, escape: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), indent: fc.constantFrom(undefined, 2),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/json', 'application/vnd.api+json'),
    })
    .map(({ doc, pick, key, escape, indent, contentType }) => ({
      format: 'json' as const,
      contentType,
      build: (v: string) => jsonBody(doc, pick, key, v, escape, indent),
    })),
  fc
    .record({
      docs: fc.array(jsonDocArb, { minLength: 1, maxLength: 4 }), line: fc.nat(), pick: fc.nat(), key: keyArb, escape: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      contentType: fc.constantFrom('application/x-ndjson', 'application/jsonl', 'application/ndjson'),
    })
    .map(({ docs, line, pick, key, escape, contentType }) => ({
      format: 'ndjson' as const,
      contentType,
      build: (v: string) => docs.map((d, i) => (i === line % docs.length ? jsonBody(d, pick, key, v, escape, undefined) : JSON.stringify(d))).join('\n') + '\n',
    })),
  fc
    .record({
      pairs: fc.array(fc.tuple(keyArb, fillerArb), { maxLength: 4 }), pick: fc.nat(), key: keyArb,
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8'),
    })
    .map(({ pairs, pick, key, contentType }) => ({
      format: 'form' as const,
      contentType,
      build: (v: string) => {
        const all = [...pairs];
        all.splice(pick % (pairs.length + 1), 0, [key, v]);
        return new URLSearchParams(all).toString();
      },
    })),
  fc
    .record({ fields: fc.array(fc.tuple(keyArb, fillerArb), { maxLength: 3 }), pick: fc.nat(), key: keyArb, kind: fc.constantFrom('field', 'json', 'file'), doc: jsonDocArb, eol: fc.constantFrom('\r\n', '\n') })
    .map(({ fields, pick, key, kind, doc, eol }) => ({
      format: 'multipart' as const,
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
      build: (v: string) => {
        const name = (n: string) => n.replace(/["\r\n\\]/g, '_');
        const parts = fields.map(([n, value]) => `Content-Disposition: form-data; name="${name(n)}"${eol}${eol}${value}`);
        const planted =
          kind === 'field'
            ? `Content-Disposition: form-data; name="${name(key)}"${eol}${eol}${v}`
            : kind === 'json'
              ? `Content-Disposition: form-data; name="meta"${eol}Content-Type: application/json${eol}${eol}${jsonBody(doc, pick, key, v, [false], undefined)}`
              : `Content-Disposition: form-data; name="upload"; filename="notes.txt"${eol}Content-Type: text/plain${eol}${eol}${v}`;
        parts.splice(pick % (parts.length + 1), 0, planted);
        return parts.map((p) => `--${BOUNDARY}${eol}${p}${eol}`).join('') + `--${BOUNDARY}--${eol}`;
      },
    })),
  fc.tuple(fillerArb, fillerArb, fc.constantFrom('text/plain; charset=utf-8', 'text/plain', 'text/markdown', 'application/xml', undefined)).map(([a, b, contentType]) => ({
    format: 'text' as const,
    contentType,
    build: (v: string) => `${a}\n${v}\n${b}`,
  })),
  fc
    .record({
      rows: fc.array(fc.array(fillerArb, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), r: fc.nat(), c: fc.nat({ max: 2 }), eol: fc.constantFrom('\r\n', '\n'),
      contentType: fc.constantFrom('text/csv', 'application/csv', 'text/csv; charset=utf-8'),
    })
    .map(({ rows, r, c, eol, contentType }) => ({
      format: 'csv' as const,
      contentType,
      build: (v: string) => {
        const table = [['a', 'b', 'c'], ...rows.map((row) => [...row])];
        table[1 + (r % rows.length)]![c] = v;
        return table.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join(eol) + eol;
      },
    })),
);

describe('property: a redact decision never lets an identifier through', () => {
  it('in any format, content-encoding and written form', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, plantedArb, codingArb, async (body, planted, coding) => {
        const raw = Buffer.from(body.build(planted.text));
        const headers: Record<string, string> = body.contentType === undefined ? {} : { 'content-type': body.contentType };
        if (coding !== 'identity') headers['content-encoding'] = coding;
        const res = await evaluator.evaluate({ method: 'POST', url: 'http://api.partner.example/upload', headers, body: encode(raw, coding) });
        // The policy redacts every grade, so a refusal here would be a wrong decision, not a pass.
        expect(res.error, `refused: ${res.reply}`).toBeNull();
        expect(res.forwarded).not.toBeNull();
        const ce = res.forwarded!.headers['content-encoding'];
        const out = decode(res.forwarded!.body, Array.isArray(ce) ? ce.join(',') : ce).toString('utf8');
        const leak = leaks(planted.id, readings(body.format, out));
        expect(leak, `${planted.id.category} ${planted.id.digits} written ${JSON.stringify(planted.id.written)} reached the destination`).toBeUndefined();
        expect(res.event.findings.some((f) => f.action === 'redact')).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  }, Math.max(30_000, NUM_RUNS * 20));

  it('in a query string, percent-encoded or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(keyArb, fillerArb), { maxLength: 3 }), keyArb, plantedArb, fc.nat(), async (pairs, key, planted, pick) => {
        const all = [...pairs];
        all.splice(pick % (pairs.length + 1), 0, [key, planted.text]);
        const res = await evaluator.evaluate({ method: 'GET', url: `http://api.partner.example/search?${new URLSearchParams(all)}`, headers: {}, body: null });
        expect(res.error, `refused: ${res.reply}`).toBeNull();
        const path = res.forwarded!.path;
        const query = path.slice(path.indexOf('?') + 1);
        const leak = leaks(planted.id, [path, ...[...new URLSearchParams(query)].flat()]);
        expect(leak, `${planted.id.category} ${planted.id.digits} written ${JSON.stringify(planted.id.written)} reached the destination`).toBeUndefined();
      }),
      { numRuns: Math.ceil(NUM_RUNS / 4) },
    );
  }, Math.max(30_000, NUM_RUNS * 10));
});
