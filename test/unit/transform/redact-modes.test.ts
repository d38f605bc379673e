/**
 * Redaction modes (mask, partial, hash, drop) through every body format and wrap, drop's
 * separator handling, the hash's canonical form, and partial's fail-safe rule.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseForm } from '../../../src/body/form.js';
import { parseJson } from '../../../src/body/json.js';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { parseQuery } from '../../../src/body/query.js';
import { EgError } from '../../../src/errors.js';
import { redactBody, redactQuery, rewriteValue, type RedactEdit, type RedactMode } from '../../../src/transform/redact.js';

const P = '13812345678';
const ID = '11010519491231002X';
const KEY = Buffer.from('unit-test-key-1');
const KEY2 = Buffer.from('unit-test-key-2');

const MASK: RedactMode = { kind: 'mask' };
const PARTIAL: RedactMode = { kind: 'partial', head: 3, tail: 4 };
const HASH: RedactMode = { kind: 'hash', key: KEY, length: 16 };
const DROP: RedactMode = { kind: 'drop' };

/** Computed here independently of the module: HMAC-SHA256 over the canonical text. */
function pseudo(canonical: string, key = KEY, length = 16): string {
  return 'h:' + createHmac('sha256', key).update(canonical).digest('hex').slice(0, length);
}

/** What each non-drop mode makes of P (partial: head 3, tail 4 on 11 code points keeps 3 + 2). */
const RENDERED: Record<'mask' | 'partial' | 'hash', string> = { mask: '*'.repeat(11), partial: '138****5678', hash: pseudo(P) };
const MODES: Record<'mask' | 'partial' | 'hash' | 'drop', RedactMode> = { mask: MASK, partial: PARTIAL, hash: HASH, drop: DROP };

/** Edits for every occurrence of `needle` in every leaf the classifier reads. */
function editsFor(leaves: readonly Leaf[], needle: string, mode?: RedactMode): RedactEdit[] {
  const edits: RedactEdit[] = [];
  leaves.forEach((leaf, leafIndex) => {
    if (leaf.container) return;
    for (let at = leaf.value.indexOf(needle); at >= 0; at = leaf.value.indexOf(needle, at + 1)) {
      edits.push(mode === undefined ? { leafIndex, start: at, end: at + needle.length } : { leafIndex, start: at, end: at + needle.length, mode });
    }
  });
  return edits;
}

function redact(body: string, type: string, needle: string, mode: RedactMode): string {
  const buf = Buffer.from(body, 'utf8');
  const { leaves } = parseBody(buf, type);
  const edits = editsFor(leaves, needle, mode);
  expect(edits.length, 'the needle is found').toBeGreaterThan(0);
  return redactBody(buf, leaves, edits).toString('utf8');
}

function redactQ(query: string, needle: string, mode: RedactMode): string {
  const leaves = parseQuery(query);
  const edits = editsFor(leaves, needle, mode);
  expect(edits.length, 'the needle is found').toBeGreaterThan(0);
  return redactQuery(query, leaves, edits);
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const form = (r: string) => new URLSearchParams({ phone: r }).toString();
const BOUNDARY = 'XyZ';
const multipart = (note: string, json: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n${note}\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${json}\r\n` +
  `--${BOUNDARY}--\r\n`;

interface FormatCase {
  readonly type: string | 'query';
  readonly original: string;
  /** The body with P's span replaced by `r` (a mode's rendering). */
  readonly build: (r: string) => string;
  readonly dropped: string;
  readonly json?: boolean;
}

const FORMATS: Record<string, FormatCase> = {
  'JSON string': {
    type: 'application/json',
    original: `{"a":1, "phone": "${P}", "z":2}`,
    build: (r) => `{"a":1, "phone": ${JSON.stringify(r)}, "z":2}`,
    dropped: '{"a":1, "z":2}',
    json: true,
  },
  'JSON number (becomes a string)': {
    type: 'application/json',
    original: `{"n": ${P}, "z":[1]}`,
    build: (r) => `{"n": ${JSON.stringify(r)}, "z":[1]}`,
    dropped: '{"z":[1]}',
    json: true,
  },
  'JSON in a JSON string': {
    type: 'application/json',
    original: JSON.stringify({ payload: JSON.stringify({ user: { phone: P, n: 1 } }), k: 'v' }),
    build: (r) => JSON.stringify({ payload: JSON.stringify({ user: { phone: r, n: 1 } }), k: 'v' }),
    dropped: JSON.stringify({ payload: JSON.stringify({ user: { n: 1 } }), k: 'v' }),
    json: true,
  },
  'base64 of JSON in a JSON string': {
    type: 'application/json',
    original: JSON.stringify({ blob: b64(JSON.stringify({ phone: P, x: 1 })) }),
    build: (r) => JSON.stringify({ blob: b64(JSON.stringify({ phone: r, x: 1 })) }),
    dropped: JSON.stringify({ blob: b64('{"x":1}') }),
    json: true,
  },
  form: {
    type: 'application/x-www-form-urlencoded',
    original: `a=1&phone=${P}&z=2`,
    build: (r) => `a=1&${form(r)}&z=2`,
    dropped: 'a=1&z=2',
  },
  query: {
    type: 'query',
    original: `a=1&phone=${P}&z=2`,
    build: (r) => `a=1&${form(r)}&z=2`,
    dropped: 'a=1&z=2',
  },
  CSV: {
    type: 'text/csv',
    original: `name,phone\r\nx,${P}\r\ny,1\r\n`,
    build: (r) => `name,phone\r\nx,${r}\r\ny,1\r\n`,
    dropped: 'name,phone\r\nx,\r\ny,1\r\n',
  },
  'multipart: text part and JSON part': {
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    original: multipart(`tel: ${P}`, `{"phone":"${P}","x":1}`),
    build: (r) => multipart(`tel: ${r}`, `{"phone":${JSON.stringify(r)},"x":1}`),
    dropped: multipart('', '{"x":1}'),
  },
  text: {
    type: 'text/plain',
    original: `call ${P} now`,
    build: (r) => `call ${r} now`,
    dropped: '',
  },
};

describe('every mode in every format, exact bytes', () => {
  const table = Object.entries(FORMATS).flatMap(([name, c]) =>
    (['mask', 'partial', 'hash', 'drop'] as const).map((mode) => [name, mode, c] as const),
  );
  it.each(table)('%s: %s', (_name, mode, c) => {
    const out = c.type === 'query' ? redactQ(c.original, P, MODES[mode]) : redact(c.original, c.type, P, MODES[mode]);
    expect(out).toBe(mode === 'drop' ? c.dropped : c.build(RENDERED[mode]));
    expect(out).not.toContain(P);
    if (c.json) JSON.parse(out);
    // What the output parses to no longer holds the identifier anywhere.
    const again = c.type === 'query' ? parseQuery(out) : parseBody(Buffer.from(out), c.type).leaves;
    expect(again.filter((l) => l.value.includes(P))).toEqual([]);
  });

  it('an explicit mask is the default', () => {
    for (const c of Object.values(FORMATS)) {
      if (c.type === 'query') continue;
      const buf = Buffer.from(c.original);
      const { leaves } = parseBody(buf, c.type);
      expect(redactBody(buf, leaves, editsFor(leaves, P, MASK))).toEqual(redactBody(buf, leaves, editsFor(leaves, P)));
    }
  });
});

describe('drop: JSON members and array items', () => {
  const cases: Array<[string, string, string]> = [
    ['first member', `{"p":"${P}","a":1,"b":2}`, '{"a":1,"b":2}'],
    ['middle member', `{"a":1,"p":"${P}","b":2}`, '{"a":1,"b":2}'],
    ['last member', `{"a":1,"b":2,"p":"${P}"}`, '{"a":1,"b":2}'],
    ['only member', `{"p":"${P}"}`, '{}'],
    ['only member, spaced', `{ "p" : "${P}" }`, '{ }'],
    ['only member, pretty', `{\n  "p": "${P}"\n}`, '{\n}'],
    ['spaces around commas, middle', `{ "a" : 1 , "p" : ${P} , "b" : 2 }`, '{ "a" : 1 , "b" : 2 }'],
    ['spaces around commas, last', `{ "a" : 1 , "p" : ${P} }`, '{ "a" : 1 }'],
    ['CRLF and tabs, first', `{\r\n\t"p": "${P}",\r\n\t"a": 1\r\n}`, '{\r\n\t"a": 1\r\n}'],
    ['first item', `[${P},1,2]`, '[1,2]'],
    ['middle item', `["a", "${P}", "b"]`, '["a", "b"]'],
    ['last item', `[1, 2, ${P}]`, '[1, 2]'],
    ['only item', `[ "${P}" ]`, '[ ]'],
    ['items of a nested array', `{"a":[${P},"x",${P}],"b":1}`, '{"a":["x"],"b":1}'],
    ['in several containers at once', `{"a":[${P},1],"b":{"c":"${P}"},"d":"${P}"}`, '{"a":[1],"b":{}}'],
    ['next to an empty container', `{"a":{},"p":"${P}","b":[]}`, '{"a":{},"b":[]}'],
    ['after a container member', `{"a":{"x":[1]},"p":"${P}"}`, '{"a":{"x":[1]}}'],
    ['key that needs escaping', `{"a":1,"p\\"q":"${P}"}`, '{"a":1}'],
    ['inside NDJSON lines', `{"a":1,"p":"${P}"}\n{"p":${P}}\n"${P}"\n`, '{"a":1}\n{}\n""\n'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const type = input.includes('\n"') ? 'application/x-ndjson' : 'application/json';
    const out = redact(input, type, P, DROP);
    expect(out).toBe(expected);
    expect(out).not.toContain(P);
    if (type === 'application/json') JSON.parse(out);
    else out.split('\n').filter((l) => l !== '').forEach((l) => JSON.parse(l));
  });

  it('a root scalar becomes an empty string', () => {
    expect(redact(`"${P}"`, 'application/json', P, DROP)).toBe('""');
    expect(redact(` ${P} `, 'application/json', P, DROP)).toBe(' "" ');
  });

  // Every subset of four droppable members (with a kept container between them), in compact and
  // pretty layouts: the result is exactly the layout of the document without them.
  const values: Array<string | number> = [P, 13912345670, ID, 15012345678];
  const subsets = Array.from({ length: 16 }, (_, mask) => values.map((_v, i) => (mask & (1 << i)) !== 0));
  it.each([
    ['object', 'compact'],
    ['object', 'pretty'],
    ['array', 'compact'],
    ['array', 'pretty'],
  ] as const)('every subset of members, %s, %s', (shape, layout) => {
    const indent = layout === 'pretty' ? 2 : undefined;
    for (const dropped of subsets) {
      const entries: Array<[string, unknown, boolean]> = values.map((v, i) => [`m${i}`, v, dropped[i]!]);
      entries.splice(2, 0, ['keep', { x: [1, 2] }, false]);
      const doc = (all: boolean) => {
        const kept = entries.filter(([, , d]) => all || !d);
        return shape === 'object' ? Object.fromEntries(kept.map(([k, v]) => [k, v])) : kept.map(([, v]) => v);
      };
      const input = JSON.stringify(doc(true), null, indent);
      const buf = Buffer.from(input);
      const leaves = parseJson(buf);
      const edits: RedactEdit[] = [];
      leaves.forEach((leaf, leafIndex) => {
        const i = values.findIndex((v) => String(v) === leaf.value);
        if (i >= 0 && dropped[i]) edits.push({ leafIndex, start: 0, end: leaf.value.length, mode: DROP });
      });
      const out = redactBody(buf, leaves, edits).toString('utf8');
      expect(out, `${input} without ${dropped.join(',')}`).toBe(JSON.stringify(doc(false), null, indent));
      expect(JSON.parse(out)).toEqual(doc(false));
    }
  });

  it('drops members of the nested document: "/payload|json/user/phone" and its sibling', () => {
    const inner = `{"user": {"phone": "${P}", "id": "${ID}", "n": 1}}`;
    const body = JSON.stringify({ payload: inner, k: 'v' });
    const buf = Buffer.from(body);
    const { leaves } = parseBody(buf, 'application/json');
    const edits = [...editsFor(leaves, P, DROP), ...editsFor(leaves, ID, DROP)];
    expect(edits.map((e) => leaves[e.leafIndex]!.location)).toEqual(['/payload|json/user/phone', '/payload|json/user/id']);
    const out = redactBody(buf, leaves, edits).toString();
    expect(out).toBe(JSON.stringify({ payload: '{"user": {"n": 1}}', k: 'v' }));
  });

  it('drops inside JSON inside base64 inside a form value, and the form pair around it stays', () => {
    const body = `a=1&b=${encodeURIComponent(b64(JSON.stringify({ x: 1, phone: P })))}&c=${P}`;
    const out = redact(body, 'application/x-www-form-urlencoded', P, DROP);
    expect(out).toBe(`a=1&b=${encodeURIComponent(b64('{"x":1}'))}`);
  });

  it('drops inside JSON inside a query value', () => {
    const q = `f=${encodeURIComponent(JSON.stringify({ tel: P, t: 1 }))}&x=1`;
    expect(redactQ(q, P, DROP)).toBe(`f=${form('{"t":1}').slice('phone='.length)}&x=1`);
  });

  it('a dropped base64 or percent-encoded text child leaves an empty value (no member to remove)', () => {
    expect(redact(JSON.stringify({ note: b64(`call ${P} now`), z: 1 }), 'application/json', P, DROP)).toBe('{"note":"","z":1}');
    expect(redact(JSON.stringify({ cb: `https://x.example/cb?tel=${P}%20x`, z: 1 }), 'application/json', P, DROP)).toBe('{"cb":"","z":1}');
  });

  it('a dropped container removes its member', () => {
    const body = JSON.stringify({ a: 1, payload: JSON.stringify({ phone: P }) });
    const buf = Buffer.from(body);
    const { leaves } = parseBody(buf, 'application/json');
    const i = leaves.findIndex((l) => l.location === '/payload');
    expect(redactBody(buf, leaves, [{ leafIndex: i, start: 0, end: 0, mode: DROP }]).toString()).toBe('{"a":1}');
  });

  it('CSV: empties quoted and unquoted cells, keeps the columns', () => {
    expect(redact(`a,b,c\r\n"${P}",${P},x\r\n`, 'text/csv', P, DROP)).toBe('a,b,c\r\n"",,x\r\n');
  });

  it('multipart: a CSV part keeps its columns; a part is emptied, not removed', () => {
    const body = `--B\r\nContent-Disposition: form-data; name="f"; filename="t.csv"\r\n\r\nname,phone\r\nx,${P}\r\n\r\n--B\r\nContent-Disposition: form-data; name="t"\r\n\r\n${P}\r\n--B--\r\n`;
    expect(redact(body, 'multipart/form-data; boundary=B', P, DROP)).toBe(
      '--B\r\nContent-Disposition: form-data; name="f"; filename="t.csv"\r\n\r\nname,phone\r\nx,\r\n\r\n--B\r\nContent-Disposition: form-data; name="t"\r\n\r\n\r\n--B--\r\n',
    );
  });
});

describe('drop: form pairs and query parameters', () => {
  const pairs = ['a=1', `p=${P}`, 'b=%E4%B8%AD', `q=${P.replace('1', '2')}`];
  const subsets = Array.from({ length: 16 }, (_, mask) => pairs.map((_p, i) => (mask & (1 << i)) !== 0));
  it.each(['form', 'query'] as const)('%s: every subset of pairs', (kind) => {
    const input = pairs.join('&');
    for (const dropped of subsets) {
      const leaves = kind === 'form' ? parseForm(Buffer.from(input)) : parseQuery(input);
      const edits: RedactEdit[] = leaves.flatMap((_l, leafIndex) => (dropped[leafIndex] ? [{ leafIndex, start: 0, end: 1, mode: DROP }] : []));
      const out = kind === 'form' ? redactBody(Buffer.from(input), leaves, edits).toString() : redactQuery(input, leaves, edits);
      expect(out, dropped.join()).toBe(pairs.filter((_p, i) => !dropped[i]).join('&'));
    }
  });

  it.each([
    ['empty pieces: one & goes with the pair', `a=1&&p=${P}&`, 'a=1&&'],
    ['a pair without =', `p&a=1`, 'a=1'],
    ['only pair', `p=${P}`, ''],
  ])('%s', (_name, input, expected) => {
    const leaves = parseForm(Buffer.from(input));
    const leafIndex = leaves.findIndex((l) => l.key === 'p');
    const edits: RedactEdit[] = [{ leafIndex, start: 0, end: 0, mode: DROP }];
    expect(redactBody(Buffer.from(input), leaves, edits).toString()).toBe(expected);
    expect(redactQuery(input, parseQuery(input), edits)).toBe(expected);
  });
});

describe('hash: one pseudonym per identifier, however it is written', () => {
  const expected = pseudo(P);
  it.each([
    ['plain', `{"p":"${P}"}`],
    ['spaces', '{"p":"138 1234 5678"}'],
    ['dashes and dots', '{"p":"138-1234.5678"}'],
    ['full-width digits', '{"p":"１３８１２３４５６７８"}'],
    ['zero-width characters', '{"p":"138\u200B1234\u2060567\uFEFF8\u200D"}'],
    ['full-width space and hyphen', '{"p":"138\u30001234\uFF0D5678"}'],
    ['a number', `{"p":${P}}`],
  ])('%s', (_name, body) => {
    const buf = Buffer.from(body);
    const leaves = parseJson(buf);
    const out = redactBody(buf, leaves, [{ leafIndex: 0, start: 0, end: leaves[0]!.value.length, mode: HASH }]).toString();
    expect(out).toBe(`{"p":"${expected}"}`);
  });

  it('form, query and header values give the same pseudonym', () => {
    expect(redact('p=138+1234+5678', 'application/x-www-form-urlencoded', '138 1234 5678', HASH)).toBe(`p=${form(expected).slice(6)}`);
    expect(redactQ('p=138%201234%205678', '138 1234 5678', HASH)).toBe(`p=${form(expected).slice(6)}`);
    expect(rewriteValue(`tel 138-1234-5678;`, [{ start: 4, end: 17, mode: HASH }])).toBe(`tel ${expected};`);
  });

  it('is upper-case insensitive for ID numbers', () => {
    const lower = ID.toLowerCase();
    expect(rewriteValue(lower, [{ start: 0, end: lower.length, mode: HASH }])).toBe(rewriteValue(ID, [{ start: 0, end: ID.length, mode: HASH }]));
    expect(rewriteValue(ID, [{ start: 0, end: ID.length, mode: HASH }])).toBe(pseudo(ID));
  });

  it('differs across keys and values; length takes a prefix', () => {
    const other = rewriteValue(P, [{ start: 0, end: 11, mode: { kind: 'hash', key: KEY2, length: 16 } }]);
    expect(other).toBe(pseudo(P, KEY2));
    expect(other).not.toBe(expected);
    expect(rewriteValue('13812345679', [{ start: 0, end: 11, mode: HASH }])).not.toBe(expected);
    const long = rewriteValue(P, [{ start: 0, end: 11, mode: { kind: 'hash', key: KEY, length: 64 } }])!;
    expect(long).toHaveLength(66);
    expect(long.startsWith(expected)).toBe(true);
    expect(rewriteValue(P, [{ start: 0, end: 11, mode: { kind: 'hash', key: KEY, length: 1 } }])).toBe(expected.slice(0, 3));
  });

  it('only the span is replaced', () => {
    expect(rewriteValue(`tel:${P}!`, [{ start: 4, end: 15, mode: HASH }])).toBe(`tel:${expected}!`);
  });
});

describe('partial: head and tail kept, at least a third (rounded up) always masked', () => {
  it.each([
    // value, head, tail, expected
    [P, 2, 2, '13*******78'],
    [P, 3, 4, '138****5678'], // the usual display form: 4 of 11 masked is the third
    [P, 0, 0, '***********'],
    [P, 10, 0, '1381234****'],
    [P, 0, 10, '****2345678'],
    [P, 9, 9, '1381234****'], // tail goes to 0 first, then head to 7
    ['138 1234 5678', 3, 4, '138******5678'], // 13 code points, separators count
    [ID, 6, 4, '110105********002X'],
    ['1234', 1, 1, '1**4'],
    ['1234', 2, 2, '12**'],
    ['12345', 1, 1, '1***5'],
    ['12345', 2, 2, '12**5'],
    ['a', 1, 1, '*'],
    ['ab', 1, 1, 'a*'],
    ['😀😀😀😀', 1, 1, '😀**😀'], // code points, not UTF-16 units
    ['张三丰', 1, 1, '张*丰'],
  ])('%s head %i tail %i → %s', (value, head, tail, expected) => {
    expect(rewriteValue(value, [{ start: 0, end: value.length, mode: { kind: 'partial', head, tail } }])).toBe(expected);
  });

  it('applies to the span only, and uses the mask character', () => {
    expect(rewriteValue(`tel ${P}.`, [{ start: 4, end: 15, mode: { kind: 'partial', head: 3, tail: 2 } }], { char: '#' })).toBe('tel 138######78.');
  });
});

describe('several edits on one leaf', () => {
  const V = `${P} ${ID}`;
  it('non-overlapping spans keep their own modes', () => {
    const out = rewriteValue(V, [
      { start: 12, end: 30, mode: HASH },
      { start: 0, end: 11, mode: { kind: 'partial', head: 3, tail: 2 } },
    ]);
    expect(out).toBe(`138******78 ${pseudo(ID)}`);
  });

  it('overlapping spans of the same mode are one span; of different modes, masked', () => {
    expect(rewriteValue(P, [{ start: 0, end: 6, mode: HASH }, { start: 4, end: 11, mode: HASH }])).toBe(pseudo(P));
    expect(rewriteValue(P, [{ start: 0, end: 6, mode: HASH }, { start: 4, end: 11, mode: { kind: 'hash', key: KEY2, length: 16 } }])).toBe('*'.repeat(11));
    expect(rewriteValue(P, [{ start: 0, end: 6, mode: PARTIAL }, { start: 4, end: 11 }])).toBe('*'.repeat(11));
    expect(rewriteValue(`x${P}`, [{ start: 1, end: 12, mode: HASH }, { start: 0, end: 2 }])).toBe('*'.repeat(12));
  });

  it('touching spans are not merged unless both mask', () => {
    expect(rewriteValue('abcdef', [{ start: 0, end: 3, mode: PARTIAL }, { start: 3, end: 6, mode: HASH }])).toBe(`ab*${pseudo('DEF')}`);
  });

  it('a drop wins for the whole leaf', () => {
    const body = `{"a":"${V}","b":1}`;
    const buf = Buffer.from(body);
    const leaves = parseJson(buf);
    const edits: RedactEdit[] = [{ leafIndex: 0, start: 0, end: 11, mode: HASH }, { leafIndex: 0, start: 12, end: 13, mode: DROP }, { leafIndex: 0, start: 0, end: 3 }];
    expect(redactBody(buf, leaves, edits).toString()).toBe('{"b":1}');
    expect(rewriteValue(V, edits)).toBeNull();
  });

  it('a surrogate pair cut by a hash or partial span is taken whole', () => {
    expect(rewriteValue('a😀b', [{ start: 2, end: 3, mode: HASH }])).toBe(`a${pseudo('😀')}b`);
    expect(rewriteValue('a😀b', [{ start: 1, end: 2, mode: PARTIAL }])).toBe('a*b');
  });
});

describe('rewriteValue', () => {
  it('no edits or only empty spans: the value as it is', () => {
    expect(rewriteValue(P, [])).toBe(P);
    expect(rewriteValue(P, [{ start: 3, end: 3, mode: HASH }])).toBe(P);
  });
  it('mask by default, one char per code point', () => {
    expect(rewriteValue(`Bearer ${P}`, [{ start: 7, end: 18 }])).toBe('Bearer ***********');
  });
  it('null when any edit drops, even an empty span', () => {
    expect(rewriteValue(P, [{ start: 0, end: 3 }, { start: 5, end: 5, mode: DROP }])).toBeNull();
  });
  it('refuses spans out of range', () => {
    expect(() => rewriteValue(P, [{ start: 0, end: 12 }])).toThrow(EgError);
    expect(() => rewriteValue(P, [{ start: 3, end: 2, mode: DROP }])).toThrow(EgError);
  });
});

describe('mode validation', () => {
  const buf = Buffer.from(`{"a":"${P}"}`);
  const leaves = parseJson(buf);
  it.each([
    [{ kind: 'partial', head: -1, tail: 0 }],
    [{ kind: 'partial', head: 1.5, tail: 0 }],
    [{ kind: 'partial', head: 1, tail: Number.NaN }],
    [{ kind: 'hash', key: Buffer.alloc(0), length: 16 }],
    [{ kind: 'hash', key: 'not a buffer', length: 16 }],
    [{ kind: 'hash', key: KEY, length: 0 }],
    [{ kind: 'hash', key: KEY, length: 65 }],
    [{ kind: 'hash', key: KEY, length: 8.5 }],
    [{ kind: 'tokenize' }],
  ])('refuses %o', (mode) => {
    const edit = { leafIndex: 0, start: 0, end: 3, mode: mode as unknown as RedactMode };
    expect(() => redactBody(buf, leaves, [edit])).toThrow(EgError);
    expect(() => rewriteValue(P, [edit])).toThrow(EgError);
  });
  it('refuses a broken member span', () => {
    const broken: Leaf[] = [{ ...leaves[0]!, memberStart: 7 }];
    expect(() => redactBody(buf, broken, [{ leafIndex: 0, start: 0, end: 1, mode: DROP }])).toThrow(/member span/);
  });
});

describe('parsing the output again', () => {
  it('a dropped multipart JSON member and a hashed number both leave valid JSON parts', () => {
    const body = multipart('x', `{"a":${P},"phone":"${P}"}`);
    const buf = Buffer.from(body);
    const { leaves } = parseBody(buf, `multipart/form-data; boundary=${BOUNDARY}`);
    const a = leaves.findIndex((l) => l.location === '/meta|json/a');
    const phone = leaves.findIndex((l) => l.location === '/meta|json/phone');
    const out = redactBody(buf, leaves, [
      { leafIndex: a, start: 0, end: 11, mode: HASH },
      { leafIndex: phone, start: 0, end: 11, mode: DROP },
    ]).toString();
    expect(out).toBe(multipart('x', `{"a":"${pseudo(P)}"}`));
  });
});
