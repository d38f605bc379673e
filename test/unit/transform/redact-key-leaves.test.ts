import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/body/json.js';
import { expandNested } from '../../../src/body/nested.js';
import { publicLocation, normaliseLocation, compileLocationScope } from '../../../src/config/locations.js';
import { redactBody, type RedactMode } from '../../../src/transform/redact.js';
import { classifier, luhnDigit, makeIdCard, NOW } from '../classify/helpers.js';

const ID = makeIdCard('11010519491231002');
const CARD = '622202020011223344' + luhnDigit('622202020011223344');

/** Parses, classifies, and redacts every finding with `mode`; returns the key findings and the body. */
function run(json: string, mode?: RedactMode) {
  const buf = Buffer.from(json, 'utf8');
  const leaves = parseJson(buf);
  const findings = classifier.classify(leaves, NOW);
  const edits = findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end, mode }));
  const onKeys = findings.filter((f) => leaves[f.leafIndex]!.isKey === true);
  return {
    keys: onKeys.map((f) => [f.category, f.location]),
    all: findings,
    out: redactBody(buf, leaves, edits).toString('utf8'),
  };
}

describe('identifiers used as object keys', () => {
  const cases: Array<[string, string, Array<[string, string]>, string]> = [
    ['phone', '{"byPhone": {"13912345678": {"orders": 3}}}', [['pi.phone', '/byPhone/13912345678#key']], '{"byPhone": {"***********": {"orders": 3}}}'],
    ['e-mail', '{"subscribers": {"zhang.san@example.cn": true}}', [['pi.email', '/subscribers/zhang.san@example.cn#key']], '{"subscribers": {"********************": true}}'],
    ['ID number', `{"${ID}": {"n": 1}}`, [['pi.id_card', `/${ID}#key`]], '{"******************": {"n": 1}}'],
    ['bank card', `{"cards": {"${CARD}": "ok"}}`, [['pi.bank_card', `/cards/${CARD}#key`]], '{"cards": {"*******************": "ok"}}'],
    ['escaped phone key', String.raw`{"m": {"\u00313912345678": 1}}`, [['pi.phone', '/m/13912345678#key']], '{"m": {"***********": 1}}'],
  ];
  it.each(cases)('%s key is found and masked in place', (_name, json, keys, expected) => {
    const { keys: found, out } = run(json);
    expect(found).toEqual(keys);
    expect(out).toBe(expected);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('ordinary and short numeric keys produce nothing', () => {
    const { all, out } = run('{"2024": {"100000": 5}, "orders": {"123456": 1}, "phone_book": {}, "2024-01-01": 7}');
    expect(all).toEqual([]);
    expect(out).toBe('{"2024": {"100000": 5}, "orders": {"123456": 1}, "phone_book": {}, "2024-01-01": 7}');
  });

  it('drop masks a key instead of removing it; a dropped value takes its key with it', () => {
    const json = '{"byPhone": {"13912345678": {"orders": 3}}, "m": {"13800138000": "x@y.cn", "k": 1}}';
    const { out } = run(json, { kind: 'drop' });
    expect(out).toBe('{"byPhone": {"***********": {"orders": 3}}, "m": {"k": 1}}');
    expect(JSON.parse(out)).toEqual({ byPhone: { '***********': { orders: 3 } }, m: { k: 1 } });
  });

  it('hash and partial modes rewrite the key and keep the JSON valid', () => {
    const hashed = run('{"13912345678": 1}', { kind: 'hash', key: Buffer.from('k'), length: 12 }).out;
    expect(hashed).toMatch(/^\{"h:[0-9a-f]{12}": 1\}$/);
    const partial = run('{"13912345678": 1}', { kind: 'partial', head: 3, tail: 4 }).out;
    expect(partial).toBe('{"139****5678": 1}');
  });

  it('a masked key inside nested JSON stays valid at both levels', () => {
    const buf = Buffer.from(JSON.stringify({ payload: JSON.stringify({ byPhone: { '13912345678': 1 } }) }));
    const { leaves } = expandNested(parseJson(buf));
    const findings = classifier.classify(leaves, NOW);
    expect(findings.map((f) => [f.category, f.location])).toEqual([['pi.phone', '/payload|json/byPhone/13912345678#key']]);
    const out = redactBody(buf, leaves, findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end }))).toString();
    expect(JSON.parse(JSON.parse(out).payload)).toEqual({ byPhone: { '***********': 1 } });
  });

  it('in nested JSON, a dropped value takes its masked key with it', () => {
    const buf = Buffer.from(JSON.stringify({ payload: JSON.stringify({ '13912345678': 'a@b.cn', k: 1 }), n: 2 }));
    const { leaves } = expandNested(parseJson(buf));
    const findings = classifier.classify(leaves, NOW);
    const edits = findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end, mode: { kind: 'drop' } as const }));
    const out = JSON.parse(redactBody(buf, leaves, edits).toString());
    expect(out).toEqual({ payload: '{"k":1}', n: 2 });
  });
});

describe('key locations written down and matched', () => {
  it.each([
    ['/byPhone/13912345678#key', '/byPhone/*#key'],
    ['/subscribers/zhang.san@example.cn#key', '/subscribers/*#key'],
    ['/１３９１２３４５６７８#key', '/*#key'],
    ['/payload|json/m/a@b.cn#key', '/payload|json/m/*#key'],
    ['/byPhone/13912345678/orders', '/byPhone/*/orders'],
    ['/2024/orders', '/2024/orders'],
  ])('publicLocation(%s) = %s', (location, expected) => {
    expect(publicLocation(location)).toBe(expected);
  });

  it('normaliseLocation keeps the key suffix too', () => {
    expect(normaliseLocation('/0/byPhone/13912345678#key')).toBe('/*/byPhone/*#key');
  });

  it('"*" covers a key, "*#key" covers keys only', () => {
    const any = compileLocationScope(['/byPhone/*']);
    const keysOnly = compileLocationScope(['/byPhone/*#key']);
    expect(any.matches('/byPhone/13912345678#key')).toBe(true);
    expect(keysOnly.matches('/byPhone/13912345678#key')).toBe(true);
    expect(keysOnly.matches('/byPhone/13912345678')).toBe(false);
  });
});
