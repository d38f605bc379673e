import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { foldEvasions, nearLineStart } from '../../../src/classify/chars.js';
import { classifier, fullWidth, leaf, luhnDigit, makeIdCard, makeUscc, makeVin, NOW } from './helpers.js';

/** The finding of `category` that covers value[start, end) entirely, if any. */
function covers(value: string, key: string | undefined, category: string, start: number, end: number): boolean {
  return classifier.classify([leaf(value, key)], NOW).some((f) => f.category === category && f.start <= start && f.end >= end);
}

const INVISIBLE = [
  '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff', '\u00ad',
  '\u202a', '\u202c', '\u202e', '\u2066', '\u2069', '\u034f', '\u3164',
];

describe('evasions, table', () => {
  it.each([
    ['pi.phone', '１３８１２３４５６７８'], ['pi.phone', '138\u200b1234\u00ad5678'], ['pi.phone', '138.1234.5678'], ['pi.phone', '138-1234-5678'],
    ['pi.phone', '+86 138 1234 5678'], ['pi.id_card', '11010519491231002Ｘ'], ['pi.id_card', '110105\u206319491231\u200d002X'],
    ['pi.id_card', '110105-19491231-002X'], ['pi.bank_card', '6222\u20600202\u200c0011\ufeff2230'], ['pi.bank_card', '６２２２ ０２０２ ００１１ ２２３０'],
    ['org.uscc', '９１３５０１００Ｍ０００１００Ｙ４３'], ['org.uscc', '91350100M\u00ad000100Y43'], ['vehicle.vin', 'ＬＳＶＡＵ２１８ＸＮ２１８３２９４'],
    ['vehicle.vin', 'LSVAU218X\u200eN2183294'], ['pi.device_id', '４９０１５４２０３２３７５１８'],
    ['pi.email', 'ｌｉｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ'], ['pi.email', 'lina＠example.com'], ['pi.email', 'li\u200bna@exa\u200cmple.com'],
    ['pi.email', 'zhang\u2060.wei@example\ufeff.com.cn'], ['pi.email', 'ｌｉ\u200bｎａ@example.com'],
    // Invisible chars in runs, as a paste of several evasions leaves them.
    ['pi.phone', '15\u2060\u200d617176963'], ['pi.phone', '+86 138\u200b\u200c\u200d1234\u20605678'],
    ['pi.id_card', '110105\u200b\u200c19491231002X'], ['vehicle.vin', 'LSVA\u200b\u200dU218XN2183294'], ['org.uscc', '9131\u200b\u200d0000MA1FL8XQ11'],
    ['pi.bank_card', '6222\u200b\u200d\ufeff\u20600202\u200c0011\u200b\u200b2230'],
    // The network code in brackets, as landlines write their area code.
    ['pi.phone', '+86 (135) 8828-4945'], ['pi.phone', '0086 (139) 1234-5678'], ['pi.phone', '＋８６ (１４５) ７９５５-１９３７'],
    ['pi.phone', '＋８６ １３８ １２３４ ５６７８'],
    // The full-width full stop as a separator and as the decimal point.
    ['pi.phone', '１３８．００１３．８０００'], ['pi.id_card', '６５０１０４．１９６５０４０８．３３６４'],
    // Typographic spaces and dashes: em dash, minus sign, thin and narrow no-break spaces.
    ['pi.phone', '138—1234—5678'], ['pi.phone', '138−1234−5678'], ['pi.id_card', '110105\u200919491231\u2009002X'],
    ['pi.bank_card', '6222\u202f0202\u202f0011\u202f2230'],
  ])('%s: %j, redacted whole', (category, value) => {
    const text = `见${value}。`;
    expect(covers(text, undefined, category, 1, 1 + value.length)).toBe(true);
  });

  it.each([
    ['pi.phone', 'mobile=', '132+4640+9918'], ['pi.id_card', 'sfz=', '110105+19491231+002X'], ['pi.bank_card', 'card=', '6222+0202+0011+2230'],
  ])('%s: a query string left raw in a log line, spaces as "+" (%s%s)', (category, label, value) => {
    const text = `GET /api/user?${label}${value}&v=2 200`;
    const at = text.indexOf(value);
    expect(covers(text, undefined, category, at, at + value.length)).toBe(true);
  });

  it.each([
    ['pi.phone', '手机：', '1381|234|56|78'], ['pi.phone', '手机：', '1381·234·5678'], ['pi.phone', '手机：', '138\r\n1234 5678'],
    ['org.uscc', '统一社会信用代码：', '91310000\nMA1FL8XQ11'], ['pi.id_card', '身份证：', '110105\n19491231002X'],
  ])('%s: after a label, split by bars and dots or wrapped once (%s%j)', (category, label, value) => {
    const text = `${label}${value}\n备注`;
    expect(covers(text, undefined, category, label.length, label.length + value.length)).toBe(true);
  });

  it.each([
    ['pi.id_card', '身份证号 ', '37020/2195/4032/08106'], ['pi.bank_card', '我的卡号是', '62580/7861/97/00/93/1340'],
    ['vehicle.vin', '车架号 ', 'LSV AU218X N2183294'], ['pi.id_card', '身份证 ', '110105 1949 1231 002X'],
  ])('%s: after a label without a colon (%s%s)', (category, label, value) => {
    const text = `新员工下周入职，${label}${value} 麻烦查一下`;
    const at = text.indexOf(value);
    expect(covers(text, undefined, category, at, at + value.length)).toBe(true);
  });

  it.each([['请@18037880745 尽快联系', 2], ['@13912345678 请处理', 1]])('a mention: %j', (text, at) => {
    expect(covers(text, undefined, 'pi.phone', at, at + 11)).toBe(true);
  });
  it('an address before the @ still makes it part of an e-mail', () => {
    expect(covers('mail a@13912345678.com', undefined, 'pi.phone', 7, 18)).toBe(false);
  });

  it.each([
    ['pi.phone', 'mobile', '1391 - 2 - 345 - 67 - 8'], ['pi.phone', 'tel', '139123  45  678'], ['pi.phone', '手机号', '1381234 5678'],
    ['pi.id_card', 'idCard', '1101 0519 4912 3100 2X'], ['pi.bank_card', 'cardNo', '62220 20200 11223 0'], ['pi.device_id', 'imei', '4901 5420 3237 518'],
    ['org.uscc', 'uscc', '91350100-M000100Y-43'], ['vehicle.vin', 'vin', 'LSV AU218X N2183294'],
    ['pi.phone', 'mobile', '1803_4422_13_9'], ['pi.bank_card', 'cardNo', '6222_0202_0011_2230'], ['pi.phone', 'tel', '139/1234/5678'],
    ['pi.phone', 'mobile', '135|0109|2623'], ['pi.bank_card', 'cardNo', '6222，0202，0011，2230'], ['pi.phone', 'mobile', '138*1234*5678'],
    ['pi.bank_card', 'salaryCard', '6222 - 02 - 020 - 0112 - 230'], ['pi.bank_card', '还款账户', '6222 0202 0011 2230'],
  ])('%s split any way under %s: %j', (category, key, value) => {
    expect(covers(value, key, category, 0, value.length)).toBe(true);
  });

  it.each([
    ['pi.passport', 'passportNo', 'Ｅ１２３４５６７８'], ['pi.passport', 'passportNo', 'E1234\u200b5678'], ['pi.passport', '证件号码', 'Ｇ１２３４５６７８'],
    ['pi.name', 'realName', '张\u200b伟'], ['pi.name', 'name', '王\u2060芳'], ['pi.passport', 'passportNo', 'E1234 5678'],
    ['pi.passport', 'passport', 'E-1234-5678'], ['pi.name', 'realName', '张 伟'], ['pi.name', 'name', '欧阳\u3000娜娜'],
  ])('%s under %s written to evade: %j', (category, key, value) => {
    expect(covers(value, key, category, 0, value.length)).toBe(true);
  });

  it.each([
    ['pi.phone', '我的手机是 ', '1348 -3 -1 -87 -1 -65', '，谢谢'], ['pi.phone', '手机 ', '1 - 3 - 9 - 1234 - 56 - 7 - 8', ''],
    ['pi.bank_card', '卡号 ', '6 21 4 8 37 9 016 34 059', ' 谢谢'], ['pi.id_card', '身份证 ', '1101 01 1990 03 07 1233', ''],
  ])('%s: a label before a number split into more groups than any grouping has (%s%s)', (category, label, value, after) => {
    const text = `${label}${value}${after}`;
    expect(covers(text, undefined, category, label.length, label.length + value.length)).toBe(true);
    // Without the label the groups are just numbers.
    expect(classifier.classify([leaf(`共 ${value}${after}`)], NOW).filter((f) => f.category === category)).toEqual([]);
  });

  it('a list number in brackets glued to a phone stays apart from it', () => {
    for (const text of ['第(1)13912345678条', '(1)13912345678', '序号(12) 13912345678']) {
      const at = text.indexOf('139');
      expect(covers(text, undefined, 'pi.phone', at, at + 11)).toBe(true);
    }
    // A landline in brackets is no mobile.
    expect(classifier.classify([leaf('咨询电话(020) 6386 0323')], NOW)).toEqual([]);
  });

  it.each([['患者', '我 头疼'], ['passportExpiry', '2030-01-15'], ['realName', 'N/A']])('%s: %j is still nothing', (key, value) => {
    expect(classifier.classify([leaf(value, key)], NOW)).toEqual([]);
  });

  it('coordinates in full-width digits, as sibling fields and as a point array', () => {
    const at = (leaves: Leaf[]) => classifier.classify(leaves, NOW).filter((f) => f.category === 'pi.location').map((f) => f.location);
    expect(at([leaf('３１．２３０４１６', 'lat', { location: '/p/lat' }), leaf('１２１．４７３７０１', 'lng', { location: '/p/lng' })])).toEqual(['/p/lat', '/p/lng']);
    expect(at([leaf('31．230416', 'lat', { location: '/p/lat' }), leaf('121.473701', 'lng', { location: '/p/lng' })])).toEqual(['/p/lat', '/p/lng']);
    expect(at([leaf('１２１．４７３７０１', 'coordinates', { location: '/g/coordinates/0' }), leaf('３１．２３０４１６', 'coordinates', { location: '/g/coordinates/1' })])).toEqual(['/g/coordinates/0', '/g/coordinates/1']);
    // Outside China stays out, written either way.
    expect(at([leaf('４８．８５６６１３', 'lat', { location: '/p/lat' }), leaf('２．３５２２２２', 'lng', { location: '/p/lng' })])).toEqual([]);
  });

  // A label before ':' or '=' vouches for the value after it as a key would: any split, up to
  // the first char that is neither the identifier's nor a separator.
  it.each([
    ['pi.id_card', '身份证号：', '1101 0519 4912 3100 2X', '，请核对'], ['pi.id_card', 'id_no: ', '110105-1949-1231-002X', ' (verified)'],
    ['pi.bank_card', '卡号：', '62220 20200 11223 0', '。'], ['pi.device_id', 'IMEI: ', '4901 5420 3237 518', ''],
    ['org.uscc', '信用代码：', '9135 0100 M000 100Y 43', ' (已核验)'], ['vehicle.vin', 'vin: ', 'LSVA U218 XN21 8329 4', ' is the car'],
    ['pi.phone', 'phone=', '1391 2345 678', '&x=1'], ['pi.passport', '护照号：', 'E123 4567 8', '，请核对'],
    ['pi.passport', 'passport_no: ', 'E-1234-5678', ' is valid'], ['pi.passport', '护照：', 'Ｅ１２３４ ５６７８', ''],
    ['pi.passport', '港澳通行证：', 'H1234 5678 90', '。'], ['pi.passport', '护照号：', 'E1234\u200b5678', ''],
  ])('%s after the label %j, split: %j', (category, label, value, after) => {
    const text = `${label}${value}${after}`;
    const found = classifier.classify([leaf(text)], NOW).filter((f) => f.category === category);
    expect(found.map((f) => text.slice(f.start, f.end))).toEqual([value]);
  });

  it.each([
    ['vin: LSVAU218XN2183294X', 'a longer token than a VIN'], ['身份证号：1101 0519 4912 3100 2Y', 'the check char'],
    ['tel: 400-476-1359', 'a service number'], ['卡号：1234 5678', 'too short for a card'],
    ['passport: AB 123 456', 'a split foreign number: no shape to end on'], ['护照号：E1234 5678 90123', 'longer than any document'],
  ])('%j is nothing (%s)', (text) => {
    expect(classifier.classify([leaf(text)], NOW)).toEqual([]);
  });

  it('split digits in text need a label', () => {
    expect(covers('电话：1381234 5678', undefined, 'pi.phone', 3, 15)).toBe(true);
    expect(covers('见1381 234 5678', undefined, 'pi.phone', 1, 14)).toBe(false);
    expect(covers('电话：1381 234 5678', undefined, 'pi.phone', 3, 16)).toBe(true);
  });
});

// ---- property tests: valid identifiers planted in random text, with random evasions ----

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const REGIONS = ['110105', '310104', '440305', '510107', '330106', '420102', '650102', '460105', '540102'];
const idCard = fc
  .record({ region: fc.constantFrom(...REGIONS), y: fc.integer({ min: 1930, max: 2020 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), seq: digits(3) })
  .map(({ region, y, m, d, seq }) => makeIdCard(`${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`));
// 16 and 19 digits: an 18-digit 62… number can also read as a Gansu ID (region 62) and then
// rightly needs a card label.
const card = fc
  .tuple(fc.constantFrom('622202', '621700', '622848', '623668', '436742', '524091'), fc.constantFrom(16, 19))
  .chain(([p, len]) => digits(len - 7).map((mid) => p + mid + luhnDigit(p + mid)));
const phone = fc.tuple(fc.constantFrom('13', '14', '15', '16', '17', '18', '19'), digits(9)).map(([a, b]) => a + b);
const ORG = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const uscc = fc
  .tuple(fc.constantFrom('91', '92', '93', '12', '51', 'Y1', '11'), fc.constantFrom('110105', '310115', '440300', '510100'), fc.string({ unit: fc.constantFrom(...ORG), minLength: 8, maxLength: 8 }))
  .map(([h, r, o]) => makeUscc(h, r, o));
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const vin = fc
  .tuple(fc.constantFrom('LSV', 'LFV', 'LGB', 'WDD', '1HG', 'JTD'), fc.string({ unit: fc.constantFrom(...VIN_CHARS), minLength: 7, maxLength: 7 }), digits(6))
  .map(([w, mid, tail]) => makeVin(w + mid + tail));
const imei = fc.tuple(fc.constantFrom('35', '86', '01', '99', '49'), digits(12)).map(([a, b]) => a + b + luhnDigit(a + b));

const CASES: Array<[string, fc.Arbitrary<string>]> = [
  ['pi.id_card', idCard], ['pi.bank_card', card], ['pi.phone', phone], ['org.uscc', uscc], ['vehicle.vin', vin], ['pi.device_id', imei],
];

// Filler that cannot join an identifier: Han text, spaces and CJK punctuation.
const filler = fc.string({ unit: fc.constantFrom(...'的了在是我有和就人都一个上也很到说要去你会着没看好自己这么那里来 ，。！？、'), maxLength: 30 });

/** Full width for some chars, invisible chars between some. */
function evade(value: string, fw: boolean[], inv: number[]): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    out += fw[i % fw.length] ? fullWidth(value[i]!) : value[i]!;
    if (i < value.length - 1 && inv[i % inv.length]! > 0) out += INVISIBLE[inv[i % inv.length]! % INVISIBLE.length];
  }
  return out;
}

describe.each(CASES)('property: a valid %s planted in random text', (category, arb) => {
  it('is found, with full-width chars and invisible chars inside, and the span covers it all', () => {
    fc.assert(
      fc.property(arb, filler, filler, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 8 }), (id, before, after, fw, inv) => {
        const planted = evade(id, fw, inv.map((x) => (x > 20 ? x : 0)));
        const text = `${before} ${planted} ${after}`;
        const start = before.length + 1;
        return covers(text, undefined, category, start, start + planted.length);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});

const KEYS: Record<string, string> = {
  'pi.id_card': 'idCardNo', 'pi.bank_card': 'bankCardNo', 'pi.phone': 'mobile', 'org.uscc': 'creditCode', 'vehicle.vin': 'vin', 'pi.device_id': 'imei',
};
const SEPARATORS = ['', '', '', ' ', '-', '.', '  ', ' - ', '\u200b'];

describe.each(CASES)('property: a valid %s split any way under its field', (category, arb) => {
  it('is found and covered', () => {
    fc.assert(
      fc.property(arb, fc.array(fc.nat({ max: SEPARATORS.length - 1 }), { minLength: 1, maxLength: 20 }), (id, seps) => {
        let value = '';
        for (let i = 0; i < id.length; i++) value += (i > 0 ? SEPARATORS[seps[i % seps.length]!]! : '') + id[i];
        return covers(value, KEYS[category], category, 0, value.length);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});

describe('foldEvasions and nearLineStart', () => {
  it.each([
    ['扎西\u200b多吉', '扎西多吉'], ['１３９', '139'], ['张伟', '张伟'], ['abc', 'abc'], ['', ''],
  ])('foldEvasions(%j) → %j', (s, want) => expect(foldEvasions(s)).toBe(want));

  it('leaves Han text and CJK punctuation as they are; a full-width comma is an ASCII form', () => {
    expect(foldEvasions('王芳。上海市【收】')).toBe('王芳。上海市【收】');
    expect(foldEvasions('王芳，上海市')).toBe('王芳,上海市');
  });

  it.each([
    ['real_name\t', 9, 40, 9, 0], ['a\nreal_name\t', 11, 40, 9, 2], ['x\tname\t', 6, 40, 9, -1],
    [`${'a'.repeat(50)}\t`, 50, 40, 9, -1], [`\n${'a'.repeat(40)}\t`, 41, 40, 9, 1],
  ])('nearLineStart(%j, %i, %i) → %i', (s, end, max, stop, want) => expect(nearLineStart(s, end, max, stop)).toBe(want));
});
