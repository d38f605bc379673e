import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { createClassifier, RULES } from '../../../src/classify/matcher.js';
import { NOW, classifier, leaf } from './helpers.js';

/** [category, rule, matched text] of each finding. */
function found(value: string, key?: string, now = NOW): Array<[string, string, string]> {
  return classifier.classify([leaf(value, key)], now).map((f) => [f.category, f.rule, value.slice(f.start, f.end)]);
}

describe('identity cards', () => {
  it.each([
    ['11010519491231002X', undefined, '11010519491231002X'],
    ['110101199003071233', undefined, '110101199003071233'],
    ['11010519491231002x', undefined, '11010519491231002x'],
    ['110105 19491231 002X', undefined, '110105 19491231 002X'],
    ['用户: 1101 0519 4912 3100 2X', undefined, '1101 0519 4912 3100 2X'],
    ['110105 1949 1231 002X', undefined, '110105 1949 1231 002X'],
    ['身份证：11010519491231002X，请核对', undefined, '11010519491231002X'],
    ['110101199003071233', 'idCard', '110101199003071233'],
    ['110101199003071233', 'phone', '110101199003071233'],
  ])('%s (key %s) is an ID and nothing else', (value, key, text) => {
    expect(found(value, key)).toEqual([['pi.id_card', 'id_card.checksum', text]]);
  });

  it('a child under 14 also yields pi.minor (DOMAIN §5 example, in 2026)', () => {
    expect(found('44030520150615042X')).toEqual([
      ['pi.id_card', 'id_card.checksum', '44030520150615042X'],
      ['pi.minor', 'minor.birthdate', '44030520150615042X'],
    ]);
  });

  it.each([
    ['2029-06-14T15:59:59Z', true],
    ['2029-06-14T16:00:00Z', false], // 00:00 on the 14th birthday in Beijing
    ['2040-01-01T00:00:00Z', false],
  ])('pi.minor relative to now=%s → %s', (now, minor) => {
    const cats = found('44030520150615042X', undefined, new Date(now)).map(([c]) => c);
    expect(cats.includes('pi.minor')).toBe(minor);
    expect(cats.includes('pi.id_card')).toBe(true);
  });

  it('an ID born after `now` is not an ID', () => {
    expect(found('44030520150615042X', undefined, new Date('2015-06-01T00:00:00Z'))).toEqual([]);
  });

  it.each([
    ['110101900307123', 'idNo'],
    ['110101900307123', 'sfzh'],
    ['身份证号：110101900307123', undefined],
    ['证件号码 110101 900307 123', undefined],
  ])('legacy 15-digit %s needs support (key %s)', (value, key) => {
    expect(found(value, key)).toEqual([['pi.id_card', 'id_card.legacy15', value.replace(/^[^0-9]*/, '')]]);
  });

  it('a bare legacy 15-digit number is not reported', () => {
    expect(found('110101900307123')).toEqual([]);
    expect(found('110101900307123', 'orderNo')).toEqual([]);
  });
});

describe('phones', () => {
  it.each([
    ['13812345678', undefined, 'phone.pattern', '13812345678', 0.6],
    ['138 1234 5678', undefined, 'phone.pattern', '138 1234 5678', 0.6],
    ['138-1234-5678', undefined, 'phone.pattern', '138-1234-5678', 0.6],
    ['+86 138 1234 5678', undefined, 'phone.pattern', '+86 138 1234 5678', 0.75],
    ['+86-13812345678', undefined, 'phone.pattern', '+86-13812345678', 0.75],
    ['+8613812345678', undefined, 'phone.pattern', '+8613812345678', 0.75],
    ['0086 13812345678', undefined, 'phone.pattern', '0086 13812345678', 0.75],
    ['8613812345678', undefined, 'phone.pattern', '8613812345678', 0.75],
    ['１３８１２３４５６７８', undefined, 'phone.pattern', '１３８１２３４５６７８', 0.6],
    ['138\u200b1234\u200b5678', undefined, 'phone.pattern', '138\u200b1234\u200b5678', 0.6],
    ['13812345678', 'mobile', 'phone.field', '13812345678', 0.95],
    ['13812345678', 'customer_phone', 'phone.field', '13812345678', 0.95],
    ['13812345678', '手机号', 'phone.field', '13812345678', 0.95],
    ['手机号：13812345678', undefined, 'phone.context', '13812345678', 0.9],
    ['我的电话是 138-1234-5678。', undefined, 'phone.context', '138-1234-5678', 0.9],
    ['{"tel":"+86 13812345678"}', undefined, 'phone.context', '+86 13812345678', 0.9],
    ['call me: 13812345678!', undefined, 'phone.pattern', '13812345678', 0.6],
  ])('%j (key %s) → %s', (value, key, rule, text, confidence) => {
    const fs = classifier.classify([leaf(value, key)], NOW);
    expect(fs.map((f) => [f.category, f.rule, value.slice(f.start, f.end), f.confidence])).toEqual([
      ['pi.phone', rule, text, confidence],
    ]);
  });

  it('finds several numbers separated by spaces', () => {
    expect(found('13812345678 13912345678')).toEqual([
      ['pi.phone', 'phone.pattern', '13812345678'],
      ['pi.phone', 'phone.pattern', '13912345678'],
    ]);
  });

  it('a JSON number leaf carries its digits in value', () => {
    const fs = classifier.classify([leaf('13812345678', 'phone', { isNumber: true })], NOW);
    expect(fs.map((f) => f.rule)).toEqual(['phone.field']);
  });
});

describe('e-mail', () => {
  it.each([
    ['zhang.san@example.com', undefined, 'zhang.san@example.com', 0.9],
    ['zhang.san@example.com', 'contactEmail', 'zhang.san@example.com', 0.98],
    ['邮箱：13812345678@163.com，谢谢', undefined, '13812345678@163.com', 0.9],
  ])('%s', (value, key, text, confidence) => {
    const fs = classifier.classify([leaf(value, key)], NOW);
    expect(fs.map((f) => [f.category, f.rule, value.slice(f.start, f.end), f.confidence])).toEqual([
      ['pi.email', 'email.pattern', text, confidence],
    ]);
  });
});

describe('bank cards', () => {
  it.each([
    ['6222020200112230', undefined, 'bank_card.luhn', '6222020200112230'],
    ['6222 0202 0011 2230', undefined, 'bank_card.luhn', '6222 0202 0011 2230'],
    ['6222-0202-0011-2230', undefined, 'bank_card.luhn', '6222-0202-0011-2230'],
    ['6217000000000000004', undefined, 'bank_card.luhn', '6217000000000000004'],
    ['6217 0000 0000 0000 004', undefined, 'bank_card.luhn', '6217 0000 0000 0000 004'],
    ['4111111111111111', undefined, 'bank_card.luhn', '4111111111111111'],
    ['卡号 6222020200112230 已绑定', undefined, 'bank_card.luhn', '6222020200112230'],
    ['6222020200112231', 'bankCard', 'bank_card.field', '6222020200112231'],
    ['6222020200112231', 'payee_account_no', 'bank_card.field', '6222020200112231'],
    ['1234 5678 9012 3456', 'cardNo', 'bank_card.field', '1234 5678 9012 3456'],
    ['银行卡号：6222020200112231', undefined, 'bank_card.context', '6222020200112231'],
    ['DE89 3704 0044 0532 0130 00', 'iban', 'bank_card.field', 'DE89 3704 0044 0532 0130 00'],
  ])('%s (key %s) → %s', (value, key, rule, text) => {
    expect(found(value, key)).toEqual([['pi.bank_card', rule, text]]);
  });

  it('a Luhn-valid card gains confidence from its field name', () => {
    const [bare] = classifier.classify([leaf('6222020200112230')], NOW);
    const [keyed] = classifier.classify([leaf('6222020200112230', 'bankCardNo')], NOW);
    expect(keyed!.confidence).toBeGreaterThan(bare!.confidence);
  });
});

describe('names, addresses and passports by field name', () => {
  it.each([
    ['张三', '姓名', 'pi.name', 'field.name'],
    ['John Smith', 'fullName', 'pi.name', 'field.name'],
    ['李四', 'customer_name', 'pi.name', 'field.name'],
    ['北京市朝阳区建国路88号', 'address', 'pi.address', 'field.name'],
    ['广东省深圳市南山区科技园1栋', 'shippingAddress', 'pi.address', 'field.name'],
    ['E12345678', 'passportNo', 'pi.passport', 'passport.field'],
  ])('%s in %s → %s', (value, key, category, rule) => {
    expect(found(value, key)).toEqual([[category, rule, value]]);
  });

  it.each([
    ['john', 'username'], ['bob_1990', 'userName'], ['10.0.0.1', 'ipAddress'], ['10.0.0.1', 'addr'],
    ['true', 'name'], ['550e8400-e29b-41d4-a716-446655440000', 'name'], ['https://x.example/a', 'address'],
    ['not a number', 'passport'], ['iPhone 15 Pro', 'name'], ['', '姓名'],
  ])('%j in %s → nothing', (value, key) => {
    expect(found(value, key)).toEqual([]);
  });

  it('a generic "name" key is weaker than a specific one, and a single word weaker still', () => {
    const conf = (value: string, key: string) => classifier.classify([leaf(value, key)], NOW)[0]!.confidence;
    expect(conf('John Smith', 'name')).toBeLessThan(conf('John Smith', 'realName'));
    // A bare "name" in Latin letters must read as a person's: spans, services and products
    // have one too.
    for (const thing of ['Widget', 'kafka.produce', 'Daily Backup', 'Grand Hyatt Shanghai', 'AirPods Pro']) {
      expect(classifier.classify([leaf(thing, 'name')], NOW)).toEqual([]);
    }
  });
});

describe('labels in free text', () => {
  it('name and phone in one line', () => {
    expect(found('姓名：张三，电话：13812345678')).toEqual([
      ['pi.name', 'context.label', '张三'],
      ['pi.phone', 'phone.context', '13812345678'],
    ]);
  });

  it.each([
    ['姓名:张三', 'pi.name', '张三'],
    ['客户姓名： 欧阳娜娜\n', 'pi.name', '欧阳娜娜'],
    ['name: John Smith', 'pi.name', 'John Smith'],
    ['Full Name: Jane Doe; age 30', 'pi.name', 'Jane Doe'],
    ['地址：北京市朝阳区建国路88号\n', 'pi.address', '北京市朝阳区建国路88号'],
    ['收货地址：上海市浦东新区世纪大道100号，请送到前台', 'pi.address', '上海市浦东新区世纪大道100号'],
    // A verb and its address, with a colon between.
    ['请寄到：上海市闵行区文一西路502号，谢谢', 'pi.address', '上海市闵行区文一西路502号'],
    ['Address: 1 Main Street, Springfield', 'pi.address', '1 Main Street'],
    ['护照号码：E12345678', 'pi.passport', 'E12345678'],
  ])('%j → %s %j', (value, category, text) => {
    const fs = found(value).filter(([c]) => c === category);
    expect(fs.map(([, , t]) => t)).toEqual([text]);
  });

  it.each([
    'user name: admin', 'file name: report.pdf', 'name: is required', '姓名：', '地址：北京', 'time=12:30:00',
    'https://example.com:8443/a?b=c', 'status: ok, code: 200',
  ])('%j → nothing', (value) => {
    expect(found(value)).toEqual([]);
  });

  it('a label inside a field already reported by name adds nothing', () => {
    // "姓名：张三" is not itself a name, so here the label is what finds it.
    expect(found('姓名：张三', 'contactName').map(([, r]) => r)).toEqual(['context.label']);
    expect(found('地址：北京市朝阳区建国路88号', 'address').map(([, r]) => r)).toEqual(['field.name']);
  });
});

describe('XML elements named like fields, and labels in markup', () => {
  // An XML or SOAP body is read as text; an element's name labels its text as a key would.
  it.each([
    ['<user><name>王建国</name></user>', 'pi.name', '王建国'],
    ['<ns1:custName>李娜</ns1:custName>', 'pi.name', '李娜'],
    ['<mobile>1391 2345 678</mobile>', 'pi.phone', '1391 2345 678'],
    ['<手机>139-1234-5678</手机>', 'pi.phone', '139-1234-5678'],
    ['<address>北京市朝阳区建国路88号</address><zip>100020</zip>', 'pi.address', '北京市朝阳区建国路88号'],
    ['<passportNo>E12345678</passportNo>', 'pi.passport', 'E12345678'],
    ['<name lang="zh">王建国</name>', 'pi.name', '王建国'],
    // A label in HTML: its value may follow a tag or two.
    ['<p><b>姓名：</b>王建国</p>', 'pi.name', '王建国'], ['<b>手机：</b><span>1391 2345 678</span>', 'pi.phone', '1391 2345 678'],
    ['地址：<span class="a">北京市朝阳区建国路88号</span>', 'pi.address', '北京市朝阳区建国路88号'],
    // A cell after a cell that holds a field's name.
    ['<tr><td>姓名</td><td>王建国</td></tr>', 'pi.name', '王建国'], ['<tr><td>手机</td> <td>1391 2345 678</td></tr>', 'pi.phone', '1391 2345 678'],
    ['<dl><dt>Name</dt><dd>Zhang Wei</dd></dl>', 'pi.name', 'Zhang Wei'],
  ])('%j → %s %j', (value, category, text) => {
    expect(found(value).filter(([c]) => c === category).map(([, , t]) => t)).toEqual([text]);
  });

  it.each([
    '<item><name>iPhone 15</name></item>', '<title>张三的博客</title>', '<p>a > b</p>', '</name>王建国',
    '<mobile>400-476-1359</mobile>', '<name/>王建国', '<!-- name -->王建国', 'x<name>y', '姓名：<', '姓名：<<<<王建国',
    // Rows of labels hold no values, and header cells are labels themselves.
    '<tr><td>姓名</td><td>性别</td><td>手机</td><td>地址</td><td>身份证号</td></tr>', '<tr><th>姓名</th><th>王建国</th></tr>',
    '<tr><td>Name</td><td>Phone</td><td>Email</td></tr>', '<tr><td>商品</td><td>张小泉剪刀</td></tr>',
  ])('%j → nothing', (value) => {
    expect(found(value)).toEqual([]);
  });
});

describe('near misses', () => {
  it.each([
    ['1712345678901', '13-digit millisecond timestamp'],
    ['1712345678', 'second timestamp'],
    ['2026031513812345678', 'phone inside a longer run'],
    ['99913812345678', 'phone inside a longer run'],
    ['13812345678901234', 'phone at the start of a 17-digit run'],
    ['138123456789', '12 digits'],
    ['12812345678', '12x is not a mobile range'],
    ['+13812345678', '+1 is not China'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['13812345-6781-1234-1234-138123456789', 'all-digit uuid groups'],
    ['a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'sha1'],
    ['ab13812345678cd', 'hex with a phone-shaped run'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
    ['MTM4MTIzNDU2Nzg=', 'base64'],
    ['ORD-13812345678', 'order id'],
    ['order_13812345678', 'order id'],
    ['SF1381234567890', 'tracking number'],
    ['138-1234-5678-9', 'dash-joined longer number'],
    ['2024-01-15 13:45:12', 'date time'],
    ['110101199003071230', 'ID with the wrong check char'],
    ['410102198507123453', 'ID-shaped, wrong check char, Luhn-valid with a Visa prefix'],
    ['202603011381234567', 'order number of ID length'],
    ['110101199002301239', '30 February'],
    ['6222020200112231', 'Luhn-failing 62 number'],
    ['6222 0202 0011 2231', 'Luhn-failing 62 number, grouped'],
    ['62220202001122300000', '20 digits'],
    ['7111111111111111', 'Luhn-valid, not a card prefix'],
    ['¥1380.00', 'price'],
    ['13812345.78', 'price'],
    ['0.13812345678', 'fraction digits'],
    ['116.3971281234567', 'coordinate'],
    ['13812345678.5', 'decimal'],
    ['1.38.12345678', 'version'],
    ['fe80::1', 'ipv6'],
    ['@types/node@20.1.0', 'package spec'],
  ])('%s (%s)', (value) => {
    expect(found(value)).toEqual([]);
  });

  it('the digits of an e-mail local part are the e-mail only', () => {
    expect(found('13812345678@163.com').map(([c]) => c)).toEqual(['pi.email']);
  });

  it('an ID in a bank-card field is still an ID, not a card', () => {
    expect(found('110101199003071233', 'bankCard').map(([c]) => c)).toEqual(['pi.id_card']);
  });
});

describe('the finding record', () => {
  it('carries location, leaf index, offsets and the grade from categoryGrades', () => {
    const c = createClassifier(new Map([['pi.id_card', 'pi' as const]]));
    const leaves = [leaf('nothing here', 'note'), leaf('ID 44030520150615042X ok', 'remark', { location: '/a/0/remark' })];
    expect(c.classify(leaves, NOW)).toEqual([
      { category: 'pi.id_card', grade: 'pi', rule: 'id_card.checksum', location: '/a/0/remark', leafIndex: 1, start: 3, end: 21, confidence: 0.97 },
      { category: 'pi.minor', grade: 'sensitive_pi', rule: 'minor.birthdate', location: '/a/0/remark', leafIndex: 1, start: 3, end: 21, confidence: 0.97 },
    ]);
  });

  it('names every rule it emits in RULES', () => {
    const one = (v: string, k?: string): Leaf[] => [leaf(v, k)];
    const requests: Leaf[][] = [
      one('11010519491231002X'), one('44030520150615042X'), one('110101900307123', 'idNo'), one('13812345678'),
      one('13812345678', 'phone'), one('手机：13812345678'), one('a@b.cn'), one('6222020200112230'),
      one('6222020200112231', 'cardNo'), one('卡号：6222020200112231'), one('E12345678', 'passport'), one('护照：E12345678'),
      one('张三', '姓名'), one('姓名：张三'), one('收件人李淑曦，请取件'), one('家住北京市朝阳区建国路88号'),
      one('91350100M000100Y43'), one('91350100M000100Y43', 'creditCode'), one('LSVAU218XN2183294'),
      one('LSVAU218XN2183294', 'vin'), one('490154203237518'), one('490154203237518', 'imei'), one('IMEI号：490154203237518'),
      one('a1b2c3d4e5f60718', 'androidId'), one('京A12345已驶离'), one('京A12345', 'plateNo'),
      one('31.2304,121.4737'), one('ACGT'.repeat(13)), one('>seq1\n' + 'ACGT'.repeat(6)), one('AG', 'genotype'),
      [leaf('rs12345', 'snp')], [leaf('rs4477212', 'variant', { location: '/v/0/variant' }), leaf('AG', 'gt', { location: '/v/0/gt' })], one('诊断：2型糖尿病'), one('既往高血压'), one('take 20mg qd'), one('Visit note: 痛风，M10.9'),
      one('痛风', 'diagnosis'), one('人脸特征值已上传'), one('x'.repeat(8), 'faceFeature'), one('宗教信仰：佛教'), one('IBAN DE89370400440532013000'),
      one('佛教', 'religion'), one('收件人：张伟。张伟，您好'),
      [leaf('31.2304', 'lat', { location: '/p/lat' }), leaf('121.4737', 'lng', { location: '/p/lng' })],
      [leaf('121.4737', 'coordinates', { location: '/g/coordinates/0' }), leaf('31.2304', 'coordinates', { location: '/g/coordinates/1' })],
    ];
    const rules = new Set(requests.flatMap((ls) => classifier.classify(ls, NOW).map((f) => f.rule)));
    expect([...rules].sort()).toEqual(Object.values(RULES).sort());
  });

  it('stays fast on large non-sensitive text', () => {
    const chunk = '{"id":"550e8400-e29b-41d4-a716-446655440000","ts":1712345678901,"price":"138.50","msg":"ok: done"} ';
    const big = chunk.repeat(20_000);
    const t0 = performance.now();
    expect(classifier.classify([leaf(big)], NOW)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
