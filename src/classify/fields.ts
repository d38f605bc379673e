/**
 * The one field-name dictionary (English, pinyin, Chinese). Keys are normalised once so
 * camelCase, snake_case, kebab-case and spaced labels all meet, then looked up in a Map.
 * Compound keys ("emergencyContactPhone", "客户姓名") fall back to the longest known suffix;
 * only words specific enough to stand at the end of a compound are suffix entries, and
 * negative entries (category null) stop known false friends like "ipAddress" or "automobile".
 */
import type { CategoryId } from './taxonomy.js';

export interface FieldMatch {
  readonly category: CategoryId;
  /** Confidence the name alone gives (used for name/address findings made by field name). */
  readonly weight: number;
}

interface Group {
  readonly category: CategoryId | null;
  readonly weight: number;
  /** Whole-key matches only: too generic to trust at the end of a compound key. */
  readonly exact?: readonly string[];
  /** Whole key or suffix of a compound key. */
  readonly suffix?: readonly string[];
}

const GROUPS: readonly Group[] = [
  { category: 'pi.phone', weight: 0.9,
    exact: ['tel', 'telNo', 'telNum', 'cell', 'lxdh', 'sjh', 'sjhm', 'yddh'],
    suffix: ['phone', 'phoneNo', 'phoneNum', 'phoneNumber', 'mobile', 'mobileNo', 'mobileNum',
      'mobileNumber', 'mobilePhone', 'cellphone', 'cellPhoneNo', 'cellNumber', 'telephone',
      'telephoneNo', 'telephoneNumber', 'msisdn', 'shouji', 'shoujihao', 'shoujihaoma', 'dianhua',
      'dianhuahaoma', 'lianxidianhua', '手机', '手机号', '手机号码', '电话', '电话号码', '联系电话',
      '联系方式', '移动电话', '手提电话'] },
  { category: null, weight: 0,
    suffix: ['headphone', 'microphone', 'earphone', 'megaphone', 'iphone', 'automobile', 'isMobile'] },

  { category: 'pi.email', weight: 0.9,
    exact: ['mail', 'mailbox'],
    suffix: ['email', 'emailAddress', 'emailAddr', 'mailAddress', 'youxiang', 'dianziyouxiang',
      '邮箱', '电子邮箱', '邮件', '电子邮件', '邮箱地址', '电子邮件地址', 'email地址'] },

  { category: null, weight: 0, suffix: ['voicemail'] },

  { category: 'pi.id_card', weight: 0.9,
    exact: ['idNo', 'idNum', 'idNumber', 'certNo', 'certNum', 'certificateNo', 'certificateNumber',
      'zjhm', 'zjh', 'sfz', 'sfzhm'],
    suffix: ['idCard', 'idCardNo', 'idCardNum', 'idCardNumber', 'identityCard', 'identityCardNo',
      'identityNo', 'identityNum', 'identityNumber', 'nationalId', 'nationalIdNo',
      'nationalIdNumber', 'residentId', 'residentIdNo', 'citizenId', 'sfzh', 'shenfenzheng',
      'shenfenzhenghao', 'shenfenzhenghaoma', '身份证', '身份证号', '身份证号码', '证件号', '证件号码',
      '身份证件号码', '公民身份号码', '身份号码'] },

  { category: 'pi.bank_card', weight: 0.85,
    exact: ['card', 'acctNo', 'acctNum', 'yhkh', '账号'],
    suffix: ['accountNo', 'accountNum', 'accountNumber', 'cardNo', 'cardNum', 'cardNumber', 'bankCard', 'bankCardNo', 'bankCardNumber',
      'bankAccount', 'bankAccountNo', 'bankAccountNumber', 'debitCard', 'creditCard',
      'creditCardNo', 'creditCardNumber', 'iban', 'yinhangka', 'yinhangkahao', 'kahao', '卡号',
      '银行卡', '银行卡号', '银行卡号码', '银行账号', '银行账户', '信用卡号', '借记卡号', '开户账号',
      '收款账号', '付款账号'] },
  { category: null, weight: 0,
    suffix: ['memberCardNo', 'membershipCardNo', 'vipCardNo', 'giftCardNo', 'giftCardNumber',
      'simCardNo', 'libraryCardNo', 'userAccountNo', 'loginAccountNo', 'memberAccountNo', '会员卡号', '购物卡号', '礼品卡号'] },

  { category: 'pi.name', weight: 0.5, exact: ['name', '名字'] },
  { category: 'pi.name', weight: 0.7, exact: ['xm', 'mingzi'] },
  { category: 'pi.name', weight: 0.8,
    suffix: ['firstName', 'lastName', 'givenName', 'familyName', 'surname', 'middleName'] },
  { category: 'pi.name', weight: 0.9,
    suffix: ['fullName', 'realName', 'customerName', 'custName', 'contactName', 'contactPerson',
      'personName', 'holderName', 'recipientName', 'receiverName', 'consigneeName', 'payerName',
      'payeeName', 'patientName', 'passengerName', 'guestName', 'applicantName', 'buyerName',
      'studentName', 'employeeName', 'legalName', 'chineseName', 'xingming', 'zhenshixingming',
      'lianxiren', 'shoujianren', 'shouhuoren', '姓名', '真实姓名', '客户姓名', '联系人', '联系人姓名',
      '收件人', '收货人', '持卡人', '持卡人姓名', '患者姓名', '乘客姓名', '申请人', '紧急联系人'] },

  { category: 'pi.address', weight: 0.6, exact: ['addr'] },
  { category: 'pi.address', weight: 0.7, suffix: ['address'] },
  { category: 'pi.address', weight: 0.85,
    suffix: ['homeAddress', 'homeAddr', 'mailingAddress', 'postalAddress', 'shippingAddress',
      'shipAddress', 'shipAddr', 'deliveryAddress', 'deliveryAddr', 'billingAddress',
      'residentialAddress', 'residenceAddress', 'streetAddress', 'contactAddress',
      'receiverAddress', 'consigneeAddress', 'permanentAddress', 'addressLine', 'dizhi',
      'jiatingdizhi', 'shouhuodizhi', 'zhuzhi', '地址', '住址', '家庭住址', '收货地址', '联系地址',
      '通讯地址', '详细地址', '户籍地址', '居住地址', '现住址', '送货地址', '寄件地址', '收件地址'] },
  { category: null, weight: 0,
    suffix: ['ipAddress', 'ipv4Address', 'ipv6Address', 'macAddress', 'serverAddress',
      'remoteAddress', 'localAddress', 'hostAddress', 'walletAddress', 'contractAddress',
      'bindAddress', 'listenAddress', 'proxyAddress', 'gatewayAddress', 'webAddress',
      'networkAddress', 'tokenAddress', 'baseAddress', 'memoryAddress', 'ip地址', 'mac地址',
      '网络地址', '钱包地址', '服务器地址', '服务地址'] },

  { category: 'pi.passport', weight: 0.9,
    suffix: ['passport', 'passportNo', 'passportNum', 'passportNumber', 'huzhao', 'huzhaohao',
      '护照', '护照号', '护照号码', '通行证号', '通行证号码', '港澳通行证', '港澳通行证号'] },
];

/** Lower-case, drop `_ - . space` and trailing digits ("contact_phone_2" → "contactphone"). */
export function normalizeFieldName(key: string): string {
  let s = key.toLowerCase().replace(/[_\-. ]/g, '');
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) >= 48 && s.charCodeAt(end - 1) <= 57) end--;
  if (end < s.length) s = s.slice(0, end);
  return s;
}

const exactMap = new Map<string, FieldMatch | null>();
const suffixMap = new Map<string, FieldMatch | null>();
let suffixLengths: readonly number[] = [];

function build(): void {
  const lengths = new Set<number>();
  for (const g of GROUPS) {
    const match = g.category === null ? null : Object.freeze({ category: g.category, weight: g.weight });
    const add = (word: string, suffix: boolean): void => {
      const norm = normalizeFieldName(word);
      if (exactMap.has(norm)) throw new Error(`fields.ts: duplicate dictionary entry "${word}"`);
      exactMap.set(norm, match);
      if (suffix) {
        suffixMap.set(norm, match);
        lengths.add(norm.length);
      }
    };
    for (const w of g.exact ?? []) add(w, false);
    for (const w of g.suffix ?? []) add(w, true);
  }
  // Longest first, so "idcardno" wins over "cardno" and "ipaddress" over "address".
  suffixLengths = [...lengths].sort((a, b) => b - a);
}
build();

/** Lookup of an already normalised name. */
export function lookupNormalized(norm: string): FieldMatch | undefined {
  const hit = exactMap.get(norm);
  if (hit !== undefined) return hit ?? undefined;
  for (const len of suffixLengths) {
    if (len >= norm.length) continue;
    const m = suffixMap.get(norm.slice(norm.length - len));
    if (m !== undefined) return m ?? undefined;
  }
  return undefined;
}

/** Whole-word lookup without the suffix fallback (for cutting a label off a value's end). */
export function lookupExact(word: string): FieldMatch | undefined {
  return exactMap.get(normalizeFieldName(word)) ?? undefined;
}

// Keys repeat across requests, so remember raw key → result; cleared when full to stay bounded.
const CACHE_LIMIT = 8192;
const cache = new Map<string, FieldMatch | null>();

/** Category a field name or label names, if any. */
export function lookupField(key: string): FieldMatch | undefined {
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const m = lookupNormalized(normalizeFieldName(key)) ?? null;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, m);
  return m ?? undefined;
}

/** Every dictionary word with its category (null for negative entries), for docs and tests. */
export function fieldDictionaryEntries(): ReadonlyArray<readonly [string, CategoryId | null, 'exact' | 'suffix']> {
  const out: Array<readonly [string, CategoryId | null, 'exact' | 'suffix']> = [];
  for (const [norm, m] of exactMap) out.push([norm, m?.category ?? null, suffixMap.has(norm) ? 'suffix' : 'exact']);
  return out;
}
