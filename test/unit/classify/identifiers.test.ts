import { describe, expect, it } from 'vitest';
import { hasImeiReportingBody, isImei, isImeiGrouping } from '../../../src/classify/detectors/imei.js';
import { matchPlateAt } from '../../../src/classify/detectors/plate.js';
import { hasUsccStructure, isOrgCode, usccConfidence } from '../../../src/classify/detectors/uscc.js';
import { vinConfidence } from '../../../src/classify/detectors/vin.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, found, fullWidth, leaf, makeUscc, makeVin, NOW, texts } from './helpers.js';

describe('USCC detector', () => {
  it.each([
    ['91350100M000100Y43', 0.97], ['91310000MA1FL8XQ11', 0.97], [makeUscc('Y1', '500817', 'FYAB3FAK'), 0.97],
    [makeUscc('12', '110105', '40000013'), 0.97], [makeUscc('91', '100000', '10000396'), 0.97],
  ])('%s → %s', (code, conf) => expect(usccConfidence(code, false)).toBe(conf));

  it.each([
    ['91350100M000100Y44', 'check char'], ['01350100M000100Y43', 'authority 0'], ['94350100M000100Y43', 'type 4 for authority 9'],
    ['91990100M000100Y43', 'region 99'], ['202403151234567890', 'an order number'],
  ])('rejects %s (%s)', (code) => expect(usccConfidence(code, true)).toBe(0));

  it('with letters in its organisation code, a code whose organisation check fails still counts', () => {
    // DOMAIN §5 names only the mod-31 check: codes made by it alone are codes to a reader.
    expect(isOrgCode('JCY8JM4H0')).toBe(false);
    expect(usccConfidence('93110105JCY8JM4H0L', false)).toBe(0.85);
    expect(usccConfidence('93110105JCY8JM4H0L', true)).toBe(0.9);
    expect(texts('所属企业 上海星辰医药有限公司（93110105JCY8JM4H0L） 固件', 'org.uscc')).toEqual(['93110105JCY8JM4H0L']);
    // One letter is not enough: an ID-shaped reference ends in X.
    const oneLetter = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].map((c) => `9111010512345678A${c}`).find((c) => usccConfidence(c, true) > 0)!;
    expect(isOrgCode(oneLetter.slice(8, 17))).toBe(false);
    expect(usccConfidence(oneLetter, false)).toBe(0);
  });

  it('a company name right before a code in brackets vouches for it', () => {
    const broken = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].map((c) => `13360702577815641${c}`).find((c) => usccConfidence(c, true) > 0)!;
    expect(isOrgCode(broken.slice(8, 17))).toBe(false);
    expect(texts(`owner 湖北华信咨询有限公司 (${broken}).`, 'org.uscc')).toEqual([broken]);
    expect(texts(`owner 湖北华信咨询有限公司（${broken}）`, 'org.uscc')).toEqual([broken]);
    expect(texts(`订单 (${broken}) 已发货`, 'org.uscc')).toEqual([]);
  });

  it('an all-digit organisation code needs support when its check fails', () => {
    const code = makeUscc('91', '110105', '40000013');
    const broken = code.slice(0, 16) + (code[16] === '1' ? '2' : '1');
    // Re-seal mod 31 over the broken organisation code.
    const resealed = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].map((c) => broken.slice(0, 17) + c).find((c) => usccConfidence(c, true) > 0)!;
    expect(isOrgCode(resealed.slice(8, 17))).toBe(false);
    expect(usccConfidence(resealed, false)).toBe(0);
    expect(usccConfidence(resealed, true)).toBe(0.9);
  });

  it('structure', () => {
    expect(hasUsccStructure('91350100M000100Y43')).toBe(true);
    expect(hasUsccStructure('9A350100M000100Y43')).toBe(false);
  });

  it.each([
    ['统一社会信用代码：91350100M000100Y43。', 'uscc.field'], ['owner (91310000MA1FL8XQ11).', 'uscc.checksum'],
    ['914403001000791900', 'uscc.checksum'], ['９１３５０１００Ｍ０００１００Ｙ４３', 'uscc.checksum'], ['91350100M000\u200b100Y43', 'uscc.checksum'],
  ])('in a value: %s', (value, rule) => {
    expect(found(value).filter(([c]) => c === 'org.uscc').map(([, r]) => r)).toEqual([rule]);
  });

  it.each([['91350100M000100Y44'], ['ORD-91350100M000100Y43'], ['x91350100M000100Y43'], ['91350100m000100y43']])('no USCC in %s', (value) => {
    expect(texts(value, 'org.uscc')).toEqual([]);
  });

  it('a USCC field reads a spaced or dashed code as one', () => {
    expect(texts('9135 0100 M000 100Y 43', 'org.uscc', 'creditCode')).toEqual(['9135 0100 M000 100Y 43']);
  });
});

describe('VIN detector', () => {
  it.each([
    ['LSVAU218XN2183294', 0.97], ['1M8GDM9AXKP042788', 0.97], [makeVin('WDD2050461A12345'), 0.97],
  ])('%s → %s', (code, conf) => expect(vinConfidence(code, 5, 5, false)).toBe(conf));

  it('lower case or digits only need support', () => {
    expect(vinConfidence('LSVAU218XN2183294', 9, 0, false)).toBe(0);
    expect(vinConfidence('LSVAU218XN2183294', 9, 0, true)).toBe(0.9);
  });

  it.each([
    ['VIN LSVAU218XN2183294 入库', ['LSVAU218XN2183294']], ['车架号：ＬＳＶＡＵ２１８ＸＮ２１８３２９４', ['ＬＳＶＡＵ２１８ＸＮ２１８３２９４']],
    ['LSV\u200bAU218XN2183294', ['LSV\u200bAU218XN2183294']], ['LSVAU2180N2183294', []], ['SKU-LSVAU218XN2183294', []],
    ['LSVAU218XN21832940', []], ['JTD7DAL3XS9226802', []],
  ])('%s', (value, want) => expect(texts(value, 'vehicle.vin')).toEqual(want));

  it('a prefix letter and 16 digits that pass the check are an id, unless a VIN field says so', () => {
    const trip = makeVin('T260315123456789');
    expect(texts(trip, 'vehicle.vin', 'tripId')).toEqual([]);
    expect(texts(`trip ${trip} done`, 'vehicle.vin')).toEqual([]);
    expect(texts(trip, 'vehicle.vin', 'vin')).toEqual([trip]);
    const rma = makeVin('RMA20250613053512'.slice(0, 8) + '53512'.padStart(8, '0'));
    expect(texts(`return ${rma} accepted`, 'vehicle.vin')).toEqual([]);
    expect(texts(rma, 'vehicle.vin', 'vin')).toEqual([rma]);
  });

  it('a valid VIN under a reference field (sku) is the SKU it says it is', () => {
    expect(texts('LSVAU218XN2183294', 'vehicle.vin', 'sku')).toEqual([]);
    expect(texts('lsvau218xn2183294', 'vehicle.vin', 'vin')).toEqual(['lsvau218xn2183294']);
  });
});

describe('IMEI detector', () => {
  it.each([['490154203237518', true], ['356938035643809', true], ['490154203237519', false], ['49015420323751', false]])('%s → %s', (d, ok) => {
    expect(isImei(d)).toBe(ok);
  });
  it.each([[[15], true], [[2, 6, 6, 1], true], [[8, 6, 1], true], [[5, 5, 5], false]])('grouping %j → %s', (lens, ok) => {
    expect(isImeiGrouping(lens)).toBe(ok);
  });
  it('reporting bodies', () => {
    expect(hasImeiReportingBody('86')).toBe(true);
    expect(hasImeiReportingBody('20')).toBe(false);
  });

  it.each([
    ['IMEI: 490154203237518', ['490154203237518']], ['imei 35-209900-176148-1', ['35-209900-176148-1']],
    ['35209900-176148-1', ['35209900-176148-1']], ['356938035643809', ['356938035643809']],
    ['202403151234569', []], ['490154203237519', []],
  ])('%s', (value, want) => expect(texts(value, 'pi.device_id')).toEqual(want));

  it.each([['490154203237518', 'imei'], ['A0000012345678', 'meid'], ['6d92078a-8246-4ba4-ae5b-76104861e7dc', 'idfa']])('%s under %s', (value, key) => {
    expect(texts(value, 'pi.device_id', key)).toEqual([value]);
  });

  it('a UUID under a plain id field is nothing', () => {
    expect(found('6d92078a-8246-4ba4-ae5b-76104861e7dc', 'id')).toEqual([]);
    expect(found('6d92078a-8246-4ba4-ae5b-76104861e7dc', 'deviceId')).toEqual([]);
  });
});

describe('licence plates', () => {
  const plate = (s: string) => {
    const i = [...s].findIndex((ch) => /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]/.test(ch));
    const m = matchPlateAt(s, i);
    return m && s.slice(m.start, m.end);
  };
  it.each([
    ['京A12345', '京A12345'], ['车牌沪B·C8868已驶离', '沪B·C8868'], ['粤BD12345', '粤BD12345'], ['粤B12345D', '粤B12345D'],
    ['川A 8U8U8', '川A 8U8U8'], ['湘A1234学', '湘A1234学'], ['京Ａ１２３４５', '京Ａ１２３４５'],
  ])('%s → %s', (s, want) => expect(plate(s)).toBe(want));

  it.each([['京I12345'], ['京O12345'], ['京A1234'], ['京A1234567'], ['京ABCDEF'], ['京A12345X9'], ['京东'], ['沪a12345'], ['粤B123456']])('no plate in %s', (s) => {
    expect(plate(s)).toBeUndefined();
  });

  it('in a value, and loosened by a plate field', () => {
    expect(texts('车辆京A12345违停', 'pi.plate')).toEqual(['京A12345']);
    expect(texts('京a12345', 'pi.plate', 'plateNo')).toEqual(['京a12345']);
  });
});

describe('full-width letters', () => {
  it('fold in USCC, VIN and ID check chars', () => {
    expect(texts(fullWidth('91350100M000100Y43'), 'org.uscc')).toHaveLength(1);
    expect(texts(fullWidth('11010519491231002X'), 'pi.id_card')).toHaveLength(1);
  });
});

describe('permits and legacy IDs by label and field', () => {
  it('a permit named in full labels its number', () => {
    expect(texts('港澳居民来往内地通行证：H59023391，持证人张三', 'pi.passport')).toEqual(['H59023391']);
    // An English label with its verb before the number; "the code is …" names no passport.
    expect(texts('My passport number is EU7288803, please use it', 'pi.passport')).toEqual(['EU7288803']);
    expect(texts('the code is EU7288803', 'pi.passport')).toEqual([]);
  });
  it.each([
    ['回乡证号码 H21398265，请回电', 'H21398265'], ['护照编号：E12345678', 'E12345678'], ['HK/Macau permit H21398265 attached', 'H21398265'],
    ['证件类型：护照 证件号码：G-3524 7988', 'G-3524 7988'],
  ])('labelled in text: %s', (text, want) => expect(texts(text, 'pi.passport')).toEqual([want]));
  it.each([['E12345678', 'passport_id'], ['G12345678', 'ppNo'], ['C12345678', 'hkMacauPassNo'], ['H21398265', '回乡证号码'], ['G24566330', 'passenger[hzhm]'], ['C21688583', 'gatxz'], ['H71708430', 'hxzh'], ['H71708430', 'tbzh']])(
    '%s under %s', (value, key) => expect(texts(value, 'pi.passport', key)).toEqual([value]),
  );
  it("an airline record's document by its ICAO code, its digits full-width or broken by invisible chars", () => {
    const passports = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.passport').map((f) => f.location);
    expect(passports('{"document":{"type":"P","number":"EV3979072","nationality":"CN"}}')).toEqual(['/document/number']);
    expect(passports('{"document":{"type":"P","number":"E２７０８３７４０"}}')).toEqual(['/document/number']);
    expect(passports('{"document":{"type":"P","number":"G0023183\u20603"}}')).toEqual(['/document/number']);
    expect(passports('{"document":{"type":"P","number":"ABC123"}}')).toEqual([]);
    // A permit's type as HR systems spell it.
    expect(passports('{"doc":{"type":"HK_MACAU_PERMIT","number":"C12345678"}}')).toEqual(['/doc/number']);
  });
  it("an airline's DOCS element: a passport's number, not another document's", () => {
    expect(texts('P/CHN/G94283433/CHN/21AUG98/M/22SEP29/HOU/YANGPING', 'pi.passport')).toEqual(['G94283433']);
    expect(texts('I/CHN/G94283433/CHN/21AUG98/M/22SEP29/HOU/YANGPING', 'pi.passport')).toEqual([]);
  });
  it('the number of a passport in its machine-readable zone, by its check digit', () => {
    expect(texts('E311447077CHN7610237F3010105<<<<<<<<<<<<<<0', 'pi.passport')).toEqual(['E31144707']);
    expect(texts('E311447078CHN7610237F3010105<<<<<<<<<<<<<<0', 'pi.passport')).toEqual([]);
  });
  it("a messaging app's number is a phone's, not a passport's (\"whatsapp_number\" ends in \"ppNumber\")", () => {
    expect(texts('13812345678', 'pi.phone', 'whatsapp_number')).toEqual(['13812345678']);
    expect(texts('13812345678', 'pi.passport', 'whatsapp_number')).toEqual([]);
  });
  it.each([['91350203MANAT9BR1W', 'registrationNo'], ['91350100M000100Y43', '注册号'], ['91350100M000100Y43', 'xfsbh'],
    // An institution's code, digits only in its organisation part and that part's own check off.
    ['312105122846245336', 'hospital_code'], ['312105122846245336', '医疗机构代码']])('%s under %s is a USCC', (value, key) => {
    expect(texts(value, 'org.uscc', key)).toEqual([value]);
  });
  it('a pattern inside the digits of the field\'s identifier is part of it', () => {
    expect(classifier.classify([leaf('6201 0419 7907 0388 4X', 'identityNo')], NOW).map((f) => f.category)).toEqual(['pi.id_card']);
  });
  it('labels inside JSON escaped in a log line', () => {
    expect(texts('INFO 回调报文 {"attach":"{\\"huzhao\\":\\"E34743672\\"}"}', 'pi.passport')).toEqual(['E34743672']);
  });
  it('a VIN-valid part code after a part-number label is no VIN', () => {
    expect(texts('配件编号 AC7L1X9U3HKH83WVL 已出库', 'vehicle.vin')).toEqual([]);
    expect(texts('车架号 LSVAU218XN2183294 已登记', 'vehicle.vin')).toEqual(['LSVAU218XN2183294']);
  });
  it('a legacy 15-digit ID under a role-prefixed ID field', () => {
    expect(texts('130102790215071', 'pi.id_card', 'oldIdNo')).toEqual(['130102790215071']);
    expect(texts('640104780825038', 'pi.id_card', 'spouseIdNo')).toEqual(['640104780825038']);
    expect(texts('530402761229973', 'pi.id_card', 'passengers[0].idNo')).toEqual(['530402761229973']);
    expect(texts('140105341103772', 'pi.id_card', 'PAPERS_NO')).toEqual(['140105341103772']);
  });
});

describe('documents by their holder and type', () => {
  const passports = (body: string) => inspectBody(classifier, Buffer.from(body), 'application/json', NOW).findings.filter((f) => f.category === 'pi.passport').map((f) => f.location);
  it('a credit report\'s earlier 15-digit ID number', () => {
    expect(texts('370202520910478', 'pi.id_card', 'historyCertNo')).toEqual(['370202520910478']);
    expect(texts('370202520910478', 'pi.id_card', 'formerCertNo')).toEqual(['370202520910478']);
  });
  it('a permit\'s number under passNo; "bypassNo" is none', () => {
    expect(texts('C04938563', 'pi.passport', 'passNo')).toEqual(['C04938563']);
    expect(texts('C04938563', 'pi.passport', 'bypassNo')).toEqual([]);
  });
  it('an NDC order\'s identity document: a Chinese passport\'s number under "id" beside type PT', () => {
    expect(passports('{"identityDoc":{"type":"PT","id":"EJ8617171","issuingCountry":"CN"},"pax":{"type":"ADT","id":"PAX1"}}')).toEqual(['/identityDoc/id']);
    expect(passports('{"doc":{"type":"PT","id":"DOC-000123"}}')).toEqual([]);
  });
  it('a foreign passport by its type code', () => {
    expect(passports('{"name":"Mateo Rossi","certType":"FOREIGN_PASSPORT","certNo":"657430976"}')).toEqual(['/certNo']);
  });
  it('a FHIR identifier whose coded type is a passport: a Chinese document\'s number under "value"', () => {
    expect(passports('{"identifier":[{"type":{"coding":[{"code":"PPN","display":"护照"}]},"value":"E88336446"},{"type":{"text":"病案号"},"value":"E88336447"}]}'))
      .toEqual(['/identifier/0/value']);
    // The generic shape the pre-check leaves out under "value" is left out by the full read too.
    expect(passports('{"identifier":[{"type":{"coding":[{"code":"PPN"}]},"value":"X1234567"}]}')).toEqual([]);
  });
});
