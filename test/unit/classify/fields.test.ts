import { describe, expect, it } from 'vitest';
import {
  fieldDictionaryEntries, isHolderKey, lookupExact, lookupField, mayBeField, normalizeFieldName,
} from '../../../src/classify/fields.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, NOW } from './helpers.js';

describe('normalizeFieldName', () => {
  it.each([
    ['mobileNo', 'mobileno'], ['mobile_no', 'mobileno'], ['mobile-no', 'mobileno'], ['Mobile No', 'mobileno'],
    ['user.phone', 'userphone'], ['PHONE_2', 'phone'], ['address1', 'address'], ['身份证号', '身份证号'],
    ['Email地址', 'email地址'], ['contact[phone]', 'contactphone'], ['data[0][idCard]', 'data0idcard'],
    ['联系电话（手机）', '联系电话'], ['phone (mobile)', 'phone'], ['手机号码(必填)', '手机号码'], ['(备注)', '(备注)'], ['监护人一', '监护人'], ['当事人乙', '当事人'], ['甲方', '甲方'], ['统一', '统一'],
  ])('%s → %s', (raw, norm) => expect(normalizeFieldName(raw)).toBe(norm));
});

const cat = (key: string) => lookupField(key)?.category;

describe('lookupField: exact names in every spelling', () => {
  it.each([
    ['phone', 'pi.phone'], ['mobile', 'pi.phone'], ['mobileNo', 'pi.phone'], ['mobile_no', 'pi.phone'],
    ['MOBILE-NO', 'pi.phone'], ['tel', 'pi.phone'], ['payer_tel', 'pi.phone'], ['agentTel', 'pi.phone'], ['dgrdh', 'pi.phone'],
    ['CTCM', 'pi.phone'], ['sjrdz', 'pi.address'], ['phone_e164', 'pi.phone'], ['payeeAcctNo', 'pi.bank_card'], ['skrzh', 'pi.bank_card'],
    ['hkMacaoResidentPermit', 'pi.passport'], ['zhengjianhao', 'pi.id_card'], ['txdz', 'pi.address'], ['applicant_addr', 'pi.address'],
    ['abnormalItems', 'pi.health'], ['异常项目', 'pi.health'], ['icdbm', 'pi.health'], ['fpTmp', 'pi.biometric'],
    ['servedIMSI', 'pi.device_id'], ['zjxy', 'pi.religion'], ['curr_addr', 'pi.address'], ['房屋坐落', 'pi.address'], ['fwzl', 'pi.address'],
    ['出险地点', 'pi.address'], ['accident_addr', 'pi.address'], ['sfzmhm', 'pi.id_card'], ['rlsj', 'pi.biometric'], ['zz', 'pi.address'], ['AdrLine', 'pi.address'], ['certAddr', 'pi.address'], ['zjdz', 'pi.address'], ['dz', 'pi.address'], ['jyjl', 'pi.health'], ['检验结论', 'pi.health'], ['cert_number', 'pi.id_card'], ['personalId', 'pi.id_card'], ['cellphone', 'pi.phone'], ['cellPhone', 'pi.phone'],
    ['phone_number', 'pi.phone'], ['shouji', 'pi.phone'], ['shoujihao', 'pi.phone'], ['dianhua', 'pi.phone'],
    ['手机号', 'pi.phone'], ['手机号码', 'pi.phone'], ['电话', 'pi.phone'], ['联系电话', 'pi.phone'],
    ['email', 'pi.email'], ['e-mail', 'pi.email'], ['E_MAIL', 'pi.email'], ['mail', 'pi.email'],
    ['邮箱', 'pi.email'], ['电子邮箱', 'pi.email'],
    ['idCard', 'pi.id_card'], ['id_card', 'pi.id_card'], ['ID-Card', 'pi.id_card'], ['idNo', 'pi.id_card'],
    ['identityCard', 'pi.id_card'], ['idNumber', 'pi.id_card'], ['certNo', 'pi.id_card'], ['sfzh', 'pi.id_card'],
    ['shenfenzheng', 'pi.id_card'], ['shenfenzhenghao', 'pi.id_card'], ['身份证号', 'pi.id_card'],
    ['身份证号码', 'pi.id_card'], ['证件号码', 'pi.id_card'], ['oldIdNo', 'pi.id_card'], ['buyerIdNumber', 'pi.id_card'],
    ['buyer_id_no', 'pi.id_card'], ['港澳居民来往内地通行证', 'pi.passport'], ['台湾居民来往大陆通行证', 'pi.passport'],
    ['linkman', 'pi.name'], ['legal_rep', 'pi.name'],
    ['name', 'pi.name'], ['fullName', 'pi.name'], ['full_name', 'pi.name'], ['realName', 'pi.name'],
    ['customerName', 'pi.name'], ['xingming', 'pi.name'], ['xm', 'pi.name'], ['姓名', 'pi.name'],
    ['客户姓名', 'pi.name'], ['联系人', 'pi.name'],
    ['address', 'pi.address'], ['addr', 'pi.address'], ['homeAddress', 'pi.address'], ['home_address', 'pi.address'],
    ['dizhi', 'pi.address'], ['地址', 'pi.address'], ['住址', 'pi.address'], ['家庭住址', 'pi.address'],
    ['收货地址', 'pi.address'],
    ['bankCard', 'pi.bank_card'], ['bank_card_no', 'pi.bank_card'], ['cardNo', 'pi.bank_card'],
    ['accountNo', 'pi.bank_card'], ['iban', 'pi.bank_card'], ['IBAN', 'pi.bank_card'], ['yinhangka', 'pi.bank_card'],
    ['kahao', 'pi.bank_card'], ['银行卡号', 'pi.bank_card'], ['卡号', 'pi.bank_card'],
    ['passport', 'pi.passport'], ['passportNo', 'pi.passport'], ['passport_number', 'pi.passport'],
    ['护照号', 'pi.passport'], ['hkMacauPermit', 'pi.passport'], ['home_return_permit', 'pi.passport'],
    ['gangaotongxingzheng', 'pi.passport'], ['往来港澳通行证', 'pi.passport'],
    // Official pinyin abbreviations (公民身份号码, 联系方式, 开户账号), Salesforce custom fields, VAT numbers.
    ['gmsfhm', 'pi.id_card'], ['sfzjh', 'pi.id_card'], ['lxfs', 'pi.phone'], ['jjlxrdh', 'pi.phone'], ['khzh', 'pi.bank_card'],
    ['National_ID__c', 'pi.id_card'], ['Mobile__c', 'pi.phone'], ['vatRegNo', 'org.uscc'], ['taxRegNo', 'org.uscc'],
    ['adverseEvents', 'pi.health'], ['preferredTerm', 'pi.health'], ['PPN', 'pi.passport'], ['pan', 'pi.bank_card'], ['settleAcct', 'pi.bank_card'],
  ])('%s → %s', (key, category) => expect(cat(key)).toBe(category));
});

describe('lookupField: compound keys by suffix', () => {
  it.each([
    ['customer_phone', 'pi.phone'], ['emergencyContactPhone', 'pi.phone'], ['userMobile', 'pi.phone'],
    ['buyer-mobile-no', 'pi.phone'], ['contact_phone_2', 'pi.phone'], ['紧急联系人电话', 'pi.phone'],
    ['contactEmail', 'pi.email'], ['user_email_address', 'pi.email'], ['emailAddress', 'pi.email'],
    ['邮箱地址', 'pi.email'], ['applicantIdCardNo', 'pi.id_card'], ['holder_id_card', 'pi.id_card'],
    ['payerCardNo', 'pi.bank_card'], ['payee_account_no', 'pi.bank_card'], ['settlementBankAccount', 'pi.bank_card'], ['持卡人银行卡号', 'pi.bank_card'],
    ['cardHolderName', 'pi.name'], ['receiver_full_name', 'pi.name'], ['紧急联系人', 'pi.name'], ['持卡人姓名', 'pi.name'],
    ['shippingAddress', 'pi.address'], ['billing_address_line1', 'pi.address'], ['buyerAddress', 'pi.address'],
    ['用户收货地址', 'pi.address'], ['travelerPassportNo', 'pi.passport'],
  ])('%s → %s', (key, category) => expect(cat(key)).toBe(category));
});

describe('lookupField: look-alikes that are not PI fields', () => {
  it.each([
    'username', 'userName', 'user_name', 'loginName', 'nickname', 'filename', 'hostname', 'productName',
    'companyName', 'bankName', 'hotel', 'motel', 'hostel', 'intel', 'ipAddress', 'client_ip_address', 'ipv6Address', 'macAddress',
    'remoteAddr', 'walletAddress', 'microphone', 'headphone', 'automobile', 'isMobile', 'phoneType',
    'mobileOs', 'memberCardNo', 'giftCardNumber', '会员卡号', 'IP地址', 'userAccountNo', 'orderIdNo',
    'voicemail', 'emailVerified', 'idCardVerified', '',
    // GraphQL's, not a surgery's.
    'operationName',
  ])('%s → none', (key) => expect(cat(key)).toBeUndefined());

  it.each(['orderNo', 'activityId', 'campaign_id', 'shopId', 'order_id', 'id', 'timestamp', 'trackingNo', 'waybill', 'sku', '运单号', 'invoice', 'refNo',
    'regNo', 'confirmationNo', 'batchId', 'bizId', 'couponId', 'mailNo', 'pnr', '订单', 'mpn', 'licenseKey', '配件编号',
    'amount_fen', 'rows_scanned', 'rx_bytes_total', 'bytesSent', 'claimNumber', 'ywlsh', 'order', 'tracking', 'Requisition', 'free_storage', 'senderStaffId'])(
    '%s is a reference number (lowers pattern-only findings)', (key) => expect(cat(key)).toBe('ref'),
  );

  it('longest suffix wins', () => {
    expect(cat('idCardNo')).toBe('pi.id_card');
    expect(cat('userIdCardNo')).toBe('pi.id_card');
  });

  it('a generic "name" is weaker evidence than "fullName"', () => {
    expect(lookupField('name')!.weight).toBeLessThan(lookupField('fullName')!.weight);
  });

  it('exact lookup does not fall back to suffixes', () => {
    expect(lookupExact('电话')?.category).toBe('pi.phone');
    expect(lookupExact('三电话')).toBeUndefined();
  });

  it('is stable across repeated (cached) lookups', () => {
    for (let i = 0; i < 3; i++) {
      expect(cat('customer_phone')).toBe('pi.phone');
      expect(cat('username')).toBeUndefined();
    }
  });
});

describe('the dictionary itself', () => {
  it('covers every context and pattern category in English, pinyin and Chinese', () => {
    const entries = fieldDictionaryEntries();
    for (const category of ['pi.phone', 'pi.email', 'pi.id_card', 'pi.bank_card', 'pi.name', 'pi.address', 'pi.passport']) {
      const words = entries.filter(([, c]) => c === category).map(([w]) => w);
      expect(words.some((w) => /^[a-z]+$/.test(w)), category).toBe(true);
      expect(words.some((w) => /\p{Script=Han}/u.test(w)), category).toBe(true);
    }
  });

  it('does not contain "username" (a login, not a personal name)', () => {
    expect(fieldDictionaryEntries().some(([w, c]) => w === 'username' && c !== null)).toBe(false);
  });
});

describe('holder keys borrow the field of their object', () => {
  // Through the gateway's own path (parse with the pre-check, then classify), since the object
  // around the value is what decides.
  const inBody = (json: string) =>
    inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.map((f) => [f.category, f.rule, f.location]);

  it.each([
    ['{"passport":{"number":"E12345678","expiry":"2030-01-01"}}', 'pi.passport', 'passport.field', '/passport/number'],
    ['{"huzhao":{"haoma":"E12345678"}}', 'pi.passport', 'passport.field', '/huzhao/haoma'],
    ['{"passport":{"No":"E 1234 5678"}}', 'pi.passport', 'passport.field', '/passport/No'],
    ['{"passport":[{"value":"G12345678"}]}', 'pi.passport', 'passport.field', '/passport/0/value'],
    ['{"mobile":{"value":"138 0013 8000"}}', 'pi.phone', 'phone.field', '/mobile/value'],
    ['{"vin":{"value":"LSVAU218XN2183294"}}', 'vehicle.vin', 'vin.field', '/vin/value'],
    // A company's account number fails Luhn; the account field around it says what it is.
    ['{"bankAccount":{"no":"31050161393600001234"}}', 'pi.bank_card', 'bank_card.field', '/bankAccount/no'],
    ['{"对公账号":"31050161393600001234"}', 'pi.bank_card', 'bank_card.field', '/对公账号'],
    // Parts of an address, under an address or a shipment's party; parts of a template.
    ['{"address":{"line1":"广东省深圳市南山区科技园南路15号","city":"深圳"}}', 'pi.address', 'field.name', '/address/line1'],
    ['{"shipTo":{"street":"88 Century Avenue, Pudong"}}', 'pi.address', 'field.name', '/shipTo/street'],
    ['{"resourceType":"Patient","address":[{"text":"广州市天河区体育西路823号","city":"广州市"}]}', 'pi.address', 'field.name', '/address/0/text'],
    ['{"voiceprint":{"version":"2","template":"KMOvwrDCmsOJwrDCmsOJKQ=="}}', 'pi.biometric', 'biometric.field', '/voiceprint/template'],
    // Pinyin initials and compound keys hospital, telecom and device systems use.
    ['{"installAddr":"湖南省长沙市岳麓区东风路484号"}', 'pi.address', 'field.name', '/installAddr'],
    ['{"jtzz":"广州市天河区体育西路823号"}', 'pi.address', 'field.name', '/jtzz'],
    ['{"zdbm":"J18.900"}', 'pi.health', 'health.field', '/zdbm'],
    ['{"zhiwen_mb":"Rk1SACAyMAAAAAFiAAABAAGQAMUAxQEAAAAoQ4A"}', 'pi.biometric', 'biometric.field', '/zhiwen_mb'],
    // An ID number in a storage key or a file name, and a school roll number (a letter and the
    // pupil's ID number): found through the pre-check as the scanner finds them.
    ['{"key":"idcard/110101199003071233_front.jpg"}', 'pi.id_card', 'id_card.checksum', '/key'],
    ['{"obj":"kyc-11010519491231002X"}', 'pi.id_card', 'id_card.checksum', '/obj'],
    ['{"学籍号":"G110101201003071233"}', 'pi.id_card', 'id_card.checksum', '/学籍号'],
    // An HL7 v2 message inside JSON: the pre-check leaves it to the scanner.
    ['{"hl7":"PID|1||||陈志远||19900307|F"}', 'pi.name', 'name.context', '/hl7'],
  ])('%s → %s', (json, category, rule, location) => {
    expect(inBody(json)).toEqual([[category, rule, location]]);
  });

  it.each([
    '{"order":{"number":"E12345678"}}', // the object is no document
    '{"passport":{"id":"E12345678"}}', // "id" names records, it holds no document number
    '{"card":{"number":"6222020200112231"}}', // cards are not borrowed: a Luhn-failing number stays a code
    '{"phone":{"number":"12345"}}', // the value is still checked
    '{"document":{"kind":"invoice","number":"G12345678"}}',
    '{"subway":{"line":"2号线","station":"人民广场"}}', // "line" says "address" only under one
    '{"address":{"line1":"Suite B"}}', // no address markers: the part key alone says too little
    '{"product":{"features":"防水, 降噪"}}', '{"message":{"text":"上海市天气晴"}}',
    // Joined to words, only a checked ID number counts: a wrong check char, an order id.
    '{"key":"idcard/110101199003071230_front.jpg"}', '{"ref":"SO-13812345678"}', '{"sku":"G110101199003071230"}',
    '{"cache":"u_13628430782_v2"}',
  ])('%s → nothing', (json) => {
    expect(inBody(json)).toEqual([]);
  });

  it.each([['number', true], ['No', true], ['号码', true], ['id', false], ['code', false], ['phoneNumber', false]])(
    'isHolderKey(%s) → %s', (key, want) => expect(isHolderKey(key)).toBe(want),
  );
});

describe('keys in form, export and label spellings', () => {
  it.each([
    ['contact[phone]', 'pi.phone'], ['user[idCard]', 'pi.id_card'], ['cust_tel', 'pi.phone'], ['contactTel', 'pi.phone'],
    ['联系电话（手机）', 'pi.phone'], ['手机号码(必填)', 'pi.phone'], ['citizenIdNo', 'pi.id_card'], ['hotel', undefined],
    ['hotelName', undefined], ['(备注)', undefined], ['enterpriseCode', 'org.uscc'], ['tax_id', 'org.uscc'],
    ['businessLicenseNo', 'org.uscc'],
  ])('%s → %s', (key, category) => expect(cat(key)).toBe(category));

  it('mayBeField never rules out a name lookupField knows', () => {
    const words = fieldDictionaryEntries().map(([w]) => w);
    const spellings = words.flatMap((w) => [w, `${w}_2`, `x[${w}]`, `${w}（必填）`, `${w} (note)`, `${w.toUpperCase()}.`]);
    for (const k of spellings) if (lookupField(k) !== undefined) expect(mayBeField(k, 0, k.length), k).toBe(true);
  });
});
