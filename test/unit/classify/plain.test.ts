import { describe, expect, it } from 'vitest';
import type { LeafFilter } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { createClassifier } from '../../../src/classify/matcher.js';
import { lonelyDigitsFind, lonelyRunFinds } from '../../../src/classify/plain.js';
import { chinaDate } from '../../../src/classify/detectors/id-card.js';
import { classifier, found, makeIdCard, NOW } from './helpers.js';

const filter = classifier.leafFilter!(NOW) as LeafFilter;
const plain = (value: string): boolean => {
  const bytes = Buffer.from(value);
  return filter.plainValue(bytes, 0, bytes.length);
};

describe('PlainFilter.plainValue', () => {
  // Every body carries values like these: they are what the pre-check exists to pass over.
  it.each([
    ['a service name', 'shop-api'],
    ['a word', 'info'],
    ['Latin prose without keywords', 'the order was shipped from warehouse and delivered to the pickup point'],
    ['Han prose without keywords', '订单已出库，预计明天送达。'],
    ['a colon after no label', '客服回访：问题已解决。'],
    ['a URL', 'https://example.com/api/v1/orders?page=2'],
    ['a UUID', '550e8400-e29b-41d4-a716-446655440000'],
    ['a UUID whose middle groups hold 11 digits', '9363ce94-0204-4261-951f-66d6ca9979a3'],
    ['an order number with a dated body', 'ORD-20240115-00123'],
    ['a mobile-shaped run glued to a token by dashes', 'x-139-1234-5678'],
    ['a dotted run after a version', 'v1.3912.3456.78'],
    ['a hex digest', '3fa9c0d1e2b3a4958677a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293'],
    ['a ms timestamp', '1732681234567'],
    ['an ID-shaped order number with a wrong check char', '110101199003074515'],
    ['a Luhn-failing 62… number', '6261610116707766'],
    ['a VIN-like SKU with a wrong check digit', 'LSVAU2180N2183295'],
    ['an account id', 'AC0123456789'],
    ['a price', '12.50'],
    ['a date', '2024-01-15'],
    ['a version', 'v2.10.3'],
    ['a trouble code', 'P0301'],
    ['a word that only starts like a keyword', 'cartridge'],
    ['a path', '/healthz'],
    ['a colour in Han script', '红色'],
    ['a quantity', '3'],
    ['a negative amount', '-140.28'],
    ['ten digits', '1234567890'],
    ['a word of genotype letters', 'CAT'],
    ['a word starting like a document type', 'passports'],
    ['empty', ''],
  ])('passes over %s', (_what, value) => {
    expect(found(value, 'note')).toEqual([]);
    expect(plain(value)).toBe(true);
  });

  // Each holds something a rule reads (a finding, or a candidate other leaves may confirm).
  it.each([
    ['an ID number', makeIdCard('11010519491231002')],
    ['a mobile', '13912345678'],
    ['a mobile in prose', '请联系我，电话 13912345678，谢谢'],
    ['a grouped mobile', '139 1234 5678'],
    ['a mobile with +86', '+86 139 1234 5678'],
    ['a mobile after a space, behind a glued group', 'ORD-2024 13912345678'],
    ['a mobile after a doubled dash, behind a glued group', 'ORD-2024--13912345678'],
    ['a mobile after a query-string "+", behind a glued group', 'ab-0000+13912345678'],
    ['a mobile after a dot that follows a letter, which glues nothing', 'x a.13912345678'],
    ['a mobile in full-width digits', '１３９１２３４５６７８'],
    ['a mobile split by zero-width spaces', '139\u200b1234\u200b5678'],
    ['an e-mail', 'zhang.wei@example.com'],
    ['a Latin keyword', 'history of diabetes'],
    ['a Han keyword', '患者诊断为糖尿病'],
    ['a label', '姓名：张三'],
    ['a Latin label', 'Name: John Smith'],
    ['a plate', '京A12345'],
    ['a coordinate pair', '31.2304, 121.4737'],
    ['a hemisphere coordinate', 'N31.2304'],
    ['an rsID', 'rs4477212'],
    ['a genotype call', 'AG'],
    ['a genotype deletion', '--'],
    ['two decimals in a short value', '1.23-4.56'],
    ['a genotype call between spaces', ' A/G  '],
    ['a genotype call after a wide space', '\u3000AG'],
    ['a genotype call before a no-break space', 'CT\u00a0'],
    ['a document type', '护照'],
    ['a document type before spaces', 'Passport  '],
    ['a document type before a wide space', '港澳通行证\u3000'],
    ['a valid VIN', 'LHGHJ5WE9N9899742'],
    ['a valid USCC', '91350100M000100Y43'],
    ['nested JSON', '{"phone":"13912345678"}'],
    ['base64 of JSON', Buffer.from('{"idCard":"110101199003074514"}').toString('base64')],
    ['percent-encoding', 'phone%3D13912345678'],
    ['a FASTA header', '>seq1'],
    ['a DNA run', 'ACGTACGTACGTACGTAAACCCGGGTTT'],
  ])('stops at %s', (_what, value) => {
    expect(plain(value)).toBe(false);
  });
});

describe('PlainFilter.plainKey and plainItems', () => {
  it.each([
    ['sku', true], ['title', true], ['note', true], ['orderNo', true], ['ts', true], [undefined, true],
    ['phone', false], ['idCard', false], ['身份证号', false], ['lat', false], ['longitude', false], ['userName', false],
    ['operator', false], ['rs4477212', false], ['13912345678', false], ['diagnosis', false],
  ] as const)('key %s: plain %s', (key, expected) => {
    expect(filter.plainKey(key)).toBe(expected);
  });

  it('keeps array items under point keys, not the key\'s own value', () => {
    expect(filter.plainKey('path')).toBe(true);
    expect(filter.plainItems('path')).toBe(false);
    expect(filter.plainItems('coordinates')).toBe(false);
    expect(filter.plainItems('tags')).toBe(true);
  });
});

describe('lonelyRunFinds, the numeric window of a whole-value digit run', () => {
  const today = chinaDate(NOW);
  // What the scanner itself says of a value that is nothing but these digits.
  const scannerFinds = (d: string) => found(d, 'note').length > 0;
  const rng = (() => {
    let x = 20261127;
    return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  })();
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');
  const luhn = (body: string) => {
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let v = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    return body + ((10 - (sum % 10)) % 10);
  };

  it('agrees with the scanner on random runs of every length, valid identifiers among them', () => {
    const cases: string[] = [];
    for (let len = 11; len <= 25; len++) for (let k = 0; k < 40; k++) cases.push(digits(len));
    for (let k = 0; k < 40; k++) {
      // Near-mobiles: the second digit or the country code off by one.
      cases.push(`1${(k % 10)}${digits(9)}`, `8${5 + (k % 3)}1${3 + (k % 7)}${digits(9)}`, `${k % 2 ? '86' : '17'}${digits(11)}`);
      cases.push(`1${3 + (k % 7)}${digits(9)}`, `86${`1${3 + (k % 7)}${digits(9)}`}`, `0086${`1${3 + (k % 7)}${digits(9)}`}`);
      cases.push(makeIdCard(`1101051949123${digits(4)}`), makeIdCard(`4403052015${digits(7)}`), luhn(`622202${digits(9)}`), luhn(`622202${digits(12)}`));
      cases.push(luhn(`35209900${digits(6)}`), `91440300${digits(10)}`);
    }
    let findings = 0;
    for (const d of cases) {
      const expected = scannerFinds(d);
      if (expected) findings++;
      expect(lonelyRunFinds(d, today), d).toBe(expected);
      expect(lonelyDigitsFind(Buffer.from(` ${d} `), 1, d.length + 1, today), d).toBe(expected);
    }
    // The cases include identifiers, not only noise.
    expect(findings).toBeGreaterThan(100);
  });

  it('agrees with the scanner on 17 digits and an X check char, as the pre-check reads them', () => {
    const cases: string[] = [];
    for (let k = 0; k < 300; k++) cases.push(`${digits(17)}${k % 2 ? 'X' : 'x'}`);
    // ID numbers whose check char is X (about one in eleven), valid and with a date of birth.
    for (let k = 0; cases.length < 400 && k < 20_000; k++) {
      const id = makeIdCard(`11010519${70 + (k % 30)}0${1 + (k % 9)}1${k % 10}${digits(3)}`);
      if (id.endsWith('X')) cases.push(k % 2 ? id : id.toLowerCase());
    }
    let findings = 0;
    for (const d of cases) {
      const expected = scannerFinds(d);
      if (expected) findings++;
      expect(lonelyRunFinds(`${d.slice(0, 17)}X`, today), d).toBe(expected);
      expect(plain(d), d).toBe(!expected);
    }
    expect(findings).toBeGreaterThan(50);
  });
});

describe('the pre-check in the parser', () => {
  const body = Buffer.from(JSON.stringify({
    ts: 1732681234567, sku: 'LSVAU2180N2183295', note: '订单已出库，预计明天送达。',
    profile: { phone: '13912345678', tags: ['vip', 'new'] }, items: [{ title: '无线耳机', qty: 2 }],
  }));

  it('leaves out the plain leaves and keeps the rest, with the same findings', () => {
    const all = parseBody(body, 'application/json').leaves;
    const kept = parseBody(body, 'application/json', { filter }).leaves;
    expect(kept.map((l) => l.location)).toEqual(['/profile/phone']);
    expect(all.length).toBe(8);
    expect(classifier.classify(kept, NOW).map((f) => f.location)).toEqual(classifier.classify(all, NOW).map((f) => f.location));
  });

  // A value under a holder key borrows its object's field (scanner.ts heldField), and a document
  // type names the document of its siblings (cross-leaf.ts): the pre-check must keep what either reads.
  it.each([
    '{"passport":{"number":"E12345678"}}', '{"passport":[{"value":"AB1234567"}]}', '{"huzhao":{"haoma":"E 1234 5678"}}',
    '{"mobile":{"value":"138 0013 8000"}}', '{"document":{"kind":"passport","number":"E12345678"}}',
    '{"doc":{"type":"护照","value":"X12345678"}}', '{"doc":{"type":"护照","docNo":"X12345678"}}',
    '{"idType":"passport","idNumber":"E12345678"}', '{"order":{"number":"E12345678","value":"13912345678"}}',
  ])('finds in %s what the parser without it finds', (text) => {
    const body = Buffer.from(text);
    const all = classifier.classify(parseBody(body, 'application/json').leaves, NOW).map((f) => `${f.category} ${f.location}`);
    const kept = classifier.classify(parseBody(body, 'application/json', { filter }).leaves, NOW).map((f) => `${f.category} ${f.location}`);
    expect(kept).toEqual(all);
  });

  // JSON tables (body/json.ts): a cell takes its column's name as its key, with the pre-check
  // or without it; a first row that names no field is no header.
  it.each([
    ['{"rows":[["姓名","手机"],["王建国","13912345678"],["李娜","13812345678"]]}', 4],
    ['{"columns":["name","phone","city"],"data":[["Zhang Wei","13912345678","Shanghai"],["赖清德","13812345678","Taipei"]]}', 4],
    ['{"result":{"fields":["customerName","idNo"],"values":[["王芳","11010519491231002X"]]}}', 2],
    ['[["realName","bankCard"],["王芳","6222020200112230"]]', 2],
    ['{"姓名":[["Zhang Wei","Li Na"],["Wang Fang"]]}', 3],
    ['{"rows":[["王建国","13912345678"],["李娜","13812345678"]]}', 2],
    ['{"rows":[["name",1],["王建国","x"]]}', 0],
  ])('finds in the table %s what the parser without it finds (%i findings)', (text, count) => {
    const body = Buffer.from(text);
    const columnName = classifier.isFieldName;
    const all = classifier.classify(parseBody(body, 'application/json', { columnName }).leaves, NOW).map((f) => `${f.category} ${f.location}`);
    const kept = classifier.classify(parseBody(body, 'application/json', { filter, columnName }).leaves, NOW).map((f) => `${f.category} ${f.location}`);
    expect(kept).toEqual(all);
    expect(all).toHaveLength(count);
  });

  it.each([
    ['a raw tab in a plain string', '{"note":"a\tb"}'],
    ['a raw control char', '{"note":"a\u0001b"}'],
    ['an unterminated string', '{"note":"abc'],
    ['an unterminated string with a control char', '{"note":"a\tbc'],
    ['an unterminated number', '{"ts":17'],
    ['a bad escape', '{"note":"a\\qb"}'],
    ['a missing comma', '{"note":"a" "sku":"b"}'],
  ])('reports %s as the parser without it does', (_what, text) => {
    const body = Buffer.from(text);
    const outcome = (options: { filter?: LeafFilter }): string => {
      try {
        parseBody(body, 'application/json', options);
        return 'parsed';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const without = outcome({});
    const withIt = outcome({ filter });
    expect(without).toMatch(/malformed JSON/);
    expect(withIt).toBe(without);
  });

  it('is off when operator rules read field names, paths or patterns', () => {
    const withPattern = createClassifier(new Map(), [{ id: 'ticket', category: 'pi.name', pattern: 'T-\\d{6}' }]);
    expect(withPattern.leafFilter!(NOW)).toBeUndefined();
    const withField = createClassifier(new Map(), [{ id: 'emp', category: 'pi.name', fields: ['employee'] }]);
    expect(withField.leafFilter!(NOW)).toBeUndefined();
    // Operator keywords join the automaton the pre-check reads.
    const withKeyword = createClassifier(new Map(), [{ id: 'proj', category: 'pi.name', keywords: ['bluebird'] }]);
    const own = withKeyword.leafFilter!(NOW)!;
    const bytes = Buffer.from('project bluebird launch');
    expect(own.plainValue(bytes, 0, bytes.length)).toBe(false);
    expect(plain('project bluebird launch')).toBe(true);
  });
});
