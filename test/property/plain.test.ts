/**
 * Property: the JSON parser's pre-check (classify/plain.ts) never costs a finding. For generated
 * values built from the pieces the classifier acts on (valid and near-valid identifiers, their
 * evasions and groupings, labels, keywords in Latin and Han, plates, coordinates, nested
 * documents, base64, genotype calls, document-type names) and from ordinary text around them,
 * a body parsed with the pre-check yields exactly the findings of the same body parsed without
 * it. The same holds over the benchmark's corpus generator, whose bodies carry every category
 * and the hard negatives (order numbers with a wrong check char, Luhn-failing numbers, VIN-like
 * SKUs, UUIDs, timestamps, digests) the pre-check is built to pass over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeBody, Rng } from '../../bench/corpus.js';
import { parseBody } from '../../src/body/parse.js';
import type { Finding } from '../../src/classify/finding.js';
import { createClassifier } from '../../src/classify/matcher.js';
import type { PlainFilter } from '../../src/classify/plain.js';
import { inspectBody } from '../../src/pipeline/inspect.js';
import { idCheckChar, identifierArb, luhnCheckDigit } from './identifiers.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 300);
const NOW = new Date('2026-03-01T04:00:00Z');
const classifier = createClassifier(new Map());

const describeFinding = (f: Finding) => `${f.category} ${f.rule} ${f.location} ${f.start}-${f.end} ${f.confidence}`;

/** The findings of a body parsed without the pre-check, and as the gateway inspects it (with
 *  the pre-check, and read again whole when a name it found repeats in a leaf left out), as
 *  comparable lists. */
function bothWays(body: Buffer, type = 'application/json'): { full: string[]; filtered: string[]; kept: number; all: number } {
  const all = parseBody(body, type, { columnName: classifier.isFieldName });
  const kept = parseBody(body, type, { filter: classifier.leafFilter!(NOW), columnName: classifier.isFieldName });
  return {
    full: classifier.classify(all.leaves, NOW).map(describeFinding).sort(),
    filtered: inspectBody(classifier, body, type, NOW).findings.map(describeFinding).sort(),
    kept: kept.leaves.length,
    all: all.leaves.length,
  };
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const idWrongCheck = digits(17).map((d) => d + ((Number(idCheckChar(d) === 'X' ? 10 : idCheckChar(d)) + 1) % 10));
const cardWrongCheck = digits(15).map((d) => `62${d}${(Number(luhnCheckDigit(`62${d}`)) + 3) % 10}`);

/** Pieces a value is made of. */
const piece = fc.oneof(
  identifierArb.map((i) => i.written),
  fc.constantFrom(
    '110101199003074514', '11010119900307451X', '440524188001010014', '6222020200112233445', '4367421234567890123',
    '13912345678', '+86 139 1234 5678', '139-1234-5678', '8613912345678', '35-209900-176148-1', '352099001761481',
    '91350100M000100Y43', '914403001000791900', 'LSVAU2180N2183294', 'WVWZZZ1JZXW000001', 'LSVAU2180N2183295',
    'E12345678', 'G12345678', 'rs4477212', 'AG', 'A/G', 'DD', '--', 'E11.9', 'I10', 'N31.2304', '121.4737E',
    '31.2304, 121.4737', '39.9042,116.4074', 'zhang.wei@example.com', 'a@b', '京A12345', '粤B·D12345', '沪AD12345',
    'zhang.wei＠example.com', 'ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ', 'li\u200bna@example.com', '＠', '３１．２３０４１６', '31．2304',
    '１２１．４７３７', 'Ｅ１２３４５６７８', 'E1234\u200b5678', '张\u200b伟', '买买提·艾力', 'E1234 5678', '张 伟',
    'ACGTACGTACGTACGTACGTAAACCCGGGTTT', '>seq1', '护照', 'passport', ' Passport ', '港澳通行证', 'DE89370400440532013000',
    '+86 (135) 8828-4945', '（１３５）', '(020) 6386 0323', '1399/0733/937', '6222_0202_0011_2230', '530102197102310346',
    '93110105JCY8JM4H0L', '15\u2060\u200d617176963', '郑红浩，', '郑磊（', '收票人', 'deliver to ', '港澳居民来往内地通行证：',
    // Chats and records: a mention, a message's header, a dated clause, an airline contact element.
    '@滕芳 ', '@所有人', '2024-09-01 14:59 ', '14:59', ' 邝洋', '于9月7日', '陶娟于', 'CTCT13108410239', 'CTCT', '原告：', '丁嘉睿',
    '、', '和', '央金拉姆', '代付', '张某某',
    // Credentials in their scheme, document codes, labels in Markdown, mentions in Feishu's markup.
    'Bearer eyJhbGciOiJub25lIn0.eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0.c2ln', 'eyJ', 'W3s', 'P', '**客户姓名：**', '<at user_id="ou_1">', '</at>',
    '193****5202_2996', 'rcv=', '买家：', '姓  名：', 'subject=', '的入职信息', '其同事', '巡检员', 'twice daily', '0.5 mg ',
    // A coded passport type and a permit's number; a machine-readable name line; a mobile spelled
    // out; coordinates between XML axis elements; a dash's signature; a call's taker.
    'PPN', 'C04938563', 'P<CHNSONG<<HUI<<<<<<', '1 3 8 1 2 3 4 5 6 7 8', '<lat>', '</Location_X><Location_Y>', '——', '本人接听', '我妈',
    'ZHOU^TAOXIN', '| 姓名 | 护照号 |\n|---|---|\n| ', ' |\n', 'N39.414655', '120.586736E', '开户行及账号：中国工商银行北京分行 ',
    // An NDC document type and its number; a table held as a string; an approval's applicant;
    // prefixed axes in a query; a companion; a hotel's desk.
    'PT', 'EJ8617171', '姓名,手机\n', ',', '\n', '提交的请假', '&from_lng=', 'from_lat=', '同行人', '总机', 'Front Desk', 'wearer ',
    // A SWIFT party's tag and its lines, a chat export's bracketed sender, a bold Markdown label.
    ':50K:', ':59:/DE73500105', ':50F:', '1/', 'TANG JUNJIE', '[尹燕伟] ', '**参会**：', 'payload=', '#',
  ),
  fc.constantFrom(
    '姓名：', '姓名:', 'Name: ', '手机号', '电话 ', 'tel ', 'phone=', '身份证号 ', 'ID no. ', 'card ', '银行卡号', '车架号 ',
    'VIN ', '统一社会信用代码：', '地址：', 'address: ', '护照号码：', 'passport no: ', '诊断：', '宗教信仰：', 'IMEI ',
    '患者', '糖尿病', 'diabetes', 'HIV', '佛教', 'fingerprint', '人脸识别', 'genotype', '基因', '过敏', '高血压',
  ),
  fc.constantFrom(
    'shop-api', 'info', 'the order was shipped', '订单已出库，预计明天送达。', '系统升级完成', '无线耳机', 'USB-C 数据线',
    '550e8400-e29b-41d4-a716-446655440000', '3fa9c0d1e2b3a4958677a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293',
    '1732681234567', '2024-01-15', '2024.01.15', 'v2.10.3', '12.50', 'AC0123456789', 'P0301', 'zh-CN', '/api/v1/orders',
    ' ', ', ', '-', '.', '_', '/', '#', '+', '(', ')', '·', '，', '。', '：', '\u3000', '\u00a0', '\u200b', '０１２', 'Ａ',
  ),
  idWrongCheck,
  cardWrongCheck,
  digits(11),
  digits(13),
  fc.string({ maxLength: 6 }),
  fc.constant('{"phone":"13912345678"}'),
  fc.constant(Buffer.from('{"idCard":"110101199003074514"}').toString('base64')),
  fc.constant(` ${Buffer.from('{"realName":"张伟"}').toString('base64')} `),
  fc.constant('%E6%89%8B%E6%9C%BA%3D13912345678'),
);
const valueArb = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
const keyArb = fc.constantFrom(
  'note', 'msg', 'sku', 'orderNo', 'ts', 'title', 'x', 'items', 'data', 'phone', 'lat', 'userName', 'rs123', 'coordinates', 'path', 'gps',
  'linkman', 'oldIdNo', 'name', 'type', 'value', 'display', 'passNo', 'Alphabetic', 'latitudeE7', 'lng', 'certType',
  'id', 'worker', 'hotel', 'address', 'contactName',
);
/** Numbers that may be half of a point inside China, or not. */
const coordinateArb = fc.oneof(
  fc.constantFrom(116.4074, 39.9042, 121.4737, 31.2304, 12.5, 3, -0.25, 22547202, 113929849, 298613470, 1215105970),
  fc.double({ min: -180, max: 180, noNaN: true }).map((x) => Math.round(x * 1e4) / 1e4),
);

describe('the pre-check leaves out no leaf with a finding', () => {
  it('in generated values, as strings, array items, numbers, coordinate arrays and nested objects', () => {
    fc.assert(
      fc.property(keyArb, valueArb, valueArb, coordinateArb, coordinateArb, (key, a, b, x, y) => {
        const num = a.replace(/[^0-9]/g, '').slice(0, 25);
        const doc: Record<string, unknown> = { [key]: a, other: [b, { inner: a }], meta: { [key]: b }, pts: { [key]: [x, y], n: [[x, y]] }, axes: { lat: x, lng: y, latitudeE7: x, longitudeE7: y } };
        if (num.length > 0) doc['n'] = Number.isSafeInteger(Number(num)) ? Number(num) : num;
        const { full, filtered } = bothWays(Buffer.from(JSON.stringify(doc)));
        expect(filtered).toEqual(full);
        const nd = bothWays(Buffer.from(`${JSON.stringify({ v: a })}\n${JSON.stringify({ w: [b] })}\n`), 'application/x-ndjson');
        expect(nd.filtered).toEqual(nd.full);
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  // A run glued to a token on its left (a UUID's middle, "ORD-2024…") is passed over when only
  // single dashes and dots join its groups: the scanner opens no window in it.
  it('in digit runs glued to a token, whatever joins their groups', () => {
    const glue = fc.constantFrom('ab-', 'x', 'ORD-', 'v1.', 'a.', 'a_', '9f3c-', '张', '张-', '张.', 'Ａ', '，', '+', 'x+', '', ' ', '@');
    const group = fc.oneof(digits(3), digits(4), digits(8), digits(11), fc.constantFrom('139', '1234', '5678', '13912345678', '110101', '19900307', '451X', '86'));
    const gap = fc.constantFrom('-', '.', ' ', '--', '- ', '.-', '+', '(', ')', '\u3000', '\u200b', '—', '');
    const tail = fc.constantFrom('', 'f', '-9a', ' ', '.5', '-', 'X', '@x.cn', 'E');
    const runArb = fc.tuple(glue, fc.array(fc.tuple(gap, group), { minLength: 1, maxLength: 5 }), tail)
      .map(([g, groups, t]) => g + groups.map(([sep, d], k) => (k === 0 ? d : sep + d)).join('') + t);
    fc.assert(
      fc.property(keyArb, runArb, (key, v) => {
        const { full, filtered } = bothWays(Buffer.from(JSON.stringify({ [key]: v, note: `单号 ${v}` })));
        expect(filtered).toEqual(full);
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  // A canonical UUID is judged whole (plainUuid) rather than token by token: the verdict must be
  // the walk's own, with the built-in keywords and with operator keywords spelt in hex letters.
  it('in UUIDs, whose shortcut gives the walk\'s own verdict', () => {
    const hexKeywords = createClassifier(new Map(), [{ id: 'hexwords', category: 'pi.name', keywords: ['face', 'cafe', 'decade', 'bead'] }]);
    const filters = [classifier.leafFilter!(NOW), hexKeywords.leafFilter!(NOW)] as PlainFilter[];
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
    const group = (n: number) => fc.oneof(
      fc.string({ unit: hex, minLength: n, maxLength: n }),
      digits(n),
      fc.string({ unit: fc.constantFrom(...'acAC'), minLength: n, maxLength: n }),
      fc.constantFrom('face', 'cafe', 'FACE', 'decade', 'bead', 'bea', 'fac', 'face0', '1face', '139', '1391', '13912345').map((w) => `${w}${'0'.repeat(n)}`.slice(0, n)),
    );
    fc.assert(
      fc.property(group(8), group(4), group(4), group(4), group(12), (a, b, c, d, e) => {
        const uuid = Buffer.from(`${a}-${b}-${c}-${d}-${e}`);
        for (const filter of filters) expect(filter.plainValue(uuid, 0, 36), uuid.toString()).toBe(filter.walkValue(uuid, 0, 36));
        const { full, filtered } = bothWays(Buffer.from(JSON.stringify({ id: uuid.toString(), note: `trace ${uuid.toString()}` })));
        expect(filtered).toEqual(full);
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  it('over the benchmark corpus generator, most bodies with sensitive values, while most leaves are left out', () => {
    const rng = new Rng(20261127);
    let kept = 0;
    let all = 0;
    for (let i = 0; i < 400; i++) {
      const { body } = makeBody(rng, 200 + rng.int(0, 8000), { sensitiveRate: 0.8 });
      const r = bothWays(body);
      expect(r.filtered, body.toString()).toEqual(r.full);
      kept += r.kept;
      all += r.all;
    }
    // What the pre-check is for: ordinary records are not read leaf by leaf.
    expect(kept / all).toBeLessThan(0.2);
  });
});
