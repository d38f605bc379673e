/**
 * Seeded, deterministic corpus of realistic outbound JSON bodies (no network, no files read).
 *
 * - Sizes: log-normal around a 2 KiB median, clamped to 200 B .. 64 KiB.
 * - Shapes: order events, log batches, analytics/telemetry, CRM syncs, vehicle telemetry;
 *   nested objects and arrays; 20 % pretty-printed.
 * - About 10 % of bodies carry sensitive values (every built-in category of DOMAIN §4 except
 *   the catalog-defined important.geo), with valid check digits made by the algorithms in
 *   checks.ts, under field names (English, pinyin, Chinese) or inside free text, and now and
 *   then written with one of DOMAIN's evasions (full-width digits, zero-width characters,
 *   separators, JSON inside a JSON string, base64, percent-encoding).
 * - Every body carries hard negatives: ID-shaped order ids with a wrong check char,
 *   Luhn-failing 62… numbers, UUIDs, ms timestamps, hex hashes, VIN-like SKUs with a wrong
 *   check digit.
 */
import { idCardCheck, luhnDigit, orgCodeCheck, USCC_ALPHABET, usccCheck, vinCheck } from './checks.js';

/** The bench's fixed "now": the classifier's minor rule and the generator's birth dates use it. */
export const BENCH_NOW = new Date('2026-03-01T04:00:00Z');

export interface CorpusBody {
  readonly body: Buffer;
  /** How many sensitive values were planted (0 for a clean body). */
  readonly planted: number;
}

export interface Corpus {
  readonly bodies: CorpusBody[];
  readonly bytes: number;
  readonly seed: number;
}

// ---------------------------------------------------------------- random numbers

/** sfc32: small, fast, good enough, and the same sequence on every machine. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + Math.floor(this.next() * 10));
    return s;
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]!;
    return s;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

// ---------------------------------------------------------------- identifiers

const REGIONS = ['110105', '110108', '120101', '130102', '210203', '310104', '310115', '320102', '330106', '350203', '370202', '410105', '420106', '430104', '440305', '440106', '500103', '510107', '610113', '650102'];
const pad2 = (n: number) => String(n).padStart(2, '0');

function birthDate(rng: Rng, fromYear: number, toYear: number): string {
  const y = rng.int(fromYear, toYear);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  return `${y}${pad2(m)}${pad2(d)}`;
}

export function idCard(rng: Rng, minor = false): string {
  const now = BENCH_NOW.getUTCFullYear();
  const first = rng.pick(REGIONS) + (minor ? birthDate(rng, now - 12, now - 2) : birthDate(rng, 1950, 2004)) + rng.digits(3);
  return first + idCardCheck(first);
}

/** ID-shaped, real date, wrong check char: an order id that happens to look like an ID. */
export function idCardWrongCheck(rng: Rng): string {
  const valid = idCard(rng);
  const wrong = '0123456789X'.replace(valid[17]!, '');
  return valid.slice(0, 17) + rng.pick([...wrong]);
}

export function phone(rng: Rng): string {
  return `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}`;
}

export function bankCard(rng: Rng): string {
  const body = rng.chance(0.7) ? `62${rng.digits(13)}` : `62${rng.digits(16)}`;
  return body + luhnDigit(body);
}

export function luhnFailing62(rng: Rng): string {
  const valid = bankCard(rng);
  const last = Number(valid[valid.length - 1]);
  return valid.slice(0, -1) + String((last + rng.int(1, 9)) % 10);
}

export function imei(rng: Rng): string {
  const body = `35${rng.digits(12)}`;
  return body + luhnDigit(body);
}

const ORG_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export function uscc(rng: Rng): string {
  const region = rng.pick(['310000', '350100', '110108', '440300', '330100', '320500']);
  const org8 = rng.chars(ORG_ALPHABET, 8);
  const first17 = `91${region}${org8}${orgCodeCheck(org8)}`;
  if (!/^[0-9A-Z]{17}$/.test(first17) || [...first17].some((c) => !USCC_ALPHABET.includes(c))) return uscc(rng);
  return first17 + usccCheck(first17);
}

const VIN_CHARS = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
export function vin(rng: Rng, chinese = true): string {
  const wmi = chinese ? rng.pick(['LSV', 'LFV', 'LGB', 'LHG', 'LVS', 'LBV']) : rng.pick(['1M8', 'WBA', 'JHM', '5YJ']);
  const draft = `${wmi}${rng.chars(VIN_CHARS, 5)}0${rng.chars('ABCDEFGHJKLMNPRSTVWXY123456789', 1)}${rng.chars(VIN_CHARS, 1)}${rng.digits(6)}`;
  return draft.slice(0, 8) + vinCheck(draft) + draft.slice(9);
}

/** 17 chars over the VIN alphabet with a wrong check char: a SKU or part number. */
export function vinLikeSku(rng: Rng): string {
  const valid = vin(rng, rng.chance(0.5));
  const wrong = '0123456789X'.replace(valid[8]!, '');
  return valid.slice(0, 8) + rng.pick([...wrong]) + valid.slice(9);
}

export function uuid(rng: Rng): string {
  const h = rng.chars('0123456789abcdef', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${rng.pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20)}`;
}

export function msTimestamp(rng: Rng): number {
  return 1_700_000_000_000 + rng.int(0, 80_000_000) * 1000 + rng.int(0, 999);
}

export function hexHash(rng: Rng): string {
  return rng.chars('0123456789abcdef', rng.pick([32, 40, 64]));
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建国志强文博浩然子涵欣怡梓轩雨泽思远';
export function hanName(rng: Rng): string {
  return rng.pick([...SURNAMES]) + rng.chars(GIVEN, rng.int(1, 2));
}

const CITIES = [
  ['上海市', '浦东新区', '世纪大道'], ['北京市', '朝阳区', '建国路'], ['广东省深圳市', '南山区', '科技园南路'],
  ['浙江省杭州市', '西湖区', '文三路'], ['四川省成都市', '武侯区', '人民南路'], ['江苏省南京市', '鼓楼区', '中山北路'],
] as const;
export function address(rng: Rng): string {
  const [city, district, road] = rng.pick(CITIES);
  return `${city}${district}${road}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(101, 2808)}室`;
}

export function email(rng: Rng): string {
  const user = rng.pick(['zhang.wei', 'li_na', 'wangfang88', 'chen.jie', 'liu.yang', 'huang.min', 'zhaolei2001']) + rng.int(1, 999);
  return `${user}@${rng.pick(['qq.com', '163.com', '126.com', 'gmail.com', 'sina.com', 'example.cn'])}`;
}

export function passport(rng: Rng): string {
  return rng.pick([() => `E${rng.digits(8)}`, () => `E${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}${rng.digits(7)}`, () => `G${rng.digits(8)}`, () => `H${rng.digits(8)}`, () => `C${rng.digits(8)}`])();
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export function plate(rng: Rng): string {
  const head = rng.pick([...PROVINCES]) + rng.chars(PLATE_LETTERS, 1);
  return rng.chance(0.3) ? `${head}${rng.pick(['D', 'F'])}${rng.chars('0123456789', 5)}` : `${head}${rng.chars('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}${rng.digits(4)}`;
}

export function coordinates(rng: Rng): [number, number] {
  const [lat, lng] = rng.pick([[31.2304, 121.4737], [39.9042, 116.4074], [22.5431, 114.0579], [30.5728, 104.0668], [30.2741, 120.1551]] as const);
  return [Number((lat + (rng.next() - 0.5) / 10).toFixed(6)), Number((lng + (rng.next() - 0.5) / 10).toFixed(6))];
}

export function dna(rng: Rng): string {
  return rng.chars('ACGT', rng.int(60, 160));
}

// ---------------------------------------------------------------- evasions

const FULLWIDTH = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const ZERO_WIDTH = (s: string) => [...s].map((c, i) => (i > 0 && i % 4 === 0 ? `\u200b${c}` : c)).join('');
const SEPARATED = (s: string) => s.replace(/(\d{3,4})(?=\d)/g, '$1 ').trim();

// ---------------------------------------------------------------- sensitive values

/** A sensitive value placed under a field name, or a sentence that carries one in free text. */
interface Planted {
  readonly key: string;
  readonly value: unknown;
}

type Maker = (rng: Rng) => { field: Planted; text: string; digits?: string };

const MAKERS: Record<string, Maker> = {
  'pi.name': (rng) => {
    const n = hanName(rng);
    return { field: { key: rng.pick(['customerName', 'realName', '姓名', 'xingming', 'receiverName', '收货人']), value: n }, text: `收货人：${n}，请于工作日派送。` };
  },
  'pi.id_card': (rng) => {
    const id = idCard(rng);
    return { field: { key: rng.pick(['idCard', 'idNo', 'sfzh', '身份证号', 'identityNumber']), value: id }, text: `客户身份证号 ${id} 已核验。`, digits: id };
  },
  'pi.minor': (rng) => {
    const id = idCard(rng, true);
    return { field: { key: rng.pick(['childIdCard', 'studentIdNo', '学生身份证号']), value: id }, text: `学生证件号码：${id}`, digits: id };
  },
  'pi.phone': (rng) => {
    const p = phone(rng);
    return { field: { key: rng.pick(['mobile', 'phone', 'shouji', '手机号', 'contactPhone']), value: p }, text: `请联系我，电话 ${p}，谢谢。`, digits: p };
  },
  'pi.email': (rng) => {
    const e = email(rng);
    return { field: { key: rng.pick(['email', 'contactEmail', '邮箱']), value: e }, text: `Please reply to ${e} before Friday.` };
  },
  'pi.address': (rng) => {
    const a = address(rng);
    return { field: { key: rng.pick(['shippingAddress', 'homeAddress', '收货地址', 'dizhi']), value: a }, text: `收货地址：${a}` };
  },
  'pi.passport': (rng) => {
    const p = passport(rng);
    return { field: { key: rng.pick(['passportNo', '护照号码', 'travelDocumentNo']), value: p }, text: `护照号码：${p}，有效期至2030年。` };
  },
  'pi.bank_card': (rng) => {
    const c = bankCard(rng);
    return { field: { key: rng.pick(['bankCardNo', 'cardNumber', '银行卡号', 'kahao']), value: c }, text: `退款将打到银行卡号 ${c}。`, digits: c };
  },
  'pi.location': (rng) => {
    const [lat, lng] = coordinates(rng);
    return { field: { key: rng.pick(['location', 'gps', 'position']), value: { lat, lng } }, text: `当前位置 ${lat},${lng}` };
  },
  'pi.health': (rng) => {
    const [dx, text] = rng.pick([['E11.9', '患者诊断为2型糖尿病，处方：二甲双胍 0.5g 每日两次。'], ['J45.0', '病史：哮喘多年，对青霉素过敏。'], ['I10', '体检报告显示高血压，建议住院观察。']] as const);
    return { field: { key: rng.pick(['diagnosis', 'icdCode', '诊断']), value: dx }, text };
  },
  'pi.biometric': (rng) => {
    const b64 = Buffer.from(rng.chars('abcdefghijklmnop', 48)).toString('base64');
    return { field: { key: rng.pick(['faceFeature', 'fingerprintTemplate', '人脸特征']), value: b64 }, text: '用户已完成人脸识别和指纹录入。' };
  },
  'pi.religion': (rng) => {
    const r = rng.pick(['佛教', '道教', '伊斯兰教', '天主教', '基督教']);
    return { field: { key: rng.pick(['religion', '宗教信仰']), value: r }, text: `宗教信仰：${r}` };
  },
  'pi.device_id': (rng) => {
    const i = imei(rng);
    return { field: { key: rng.pick(['imei', 'deviceImei', 'IMEI']), value: i }, text: `设备IMEI ${i} 已绑定。`, digits: i };
  },
  'pi.plate': (rng) => {
    const p = plate(rng);
    return { field: { key: rng.pick(['plateNo', 'licensePlate', '车牌号']), value: p }, text: `车牌号 ${p} 进入停车场。` };
  },
  'org.uscc': (rng) => {
    const u = uscc(rng);
    return { field: { key: rng.pick(['creditCode', 'uscc', '统一社会信用代码']), value: u }, text: `统一社会信用代码：${u}` };
  },
  'vehicle.vin': (rng) => {
    const v = vin(rng);
    return { field: { key: rng.pick(['vin', 'vinCode', '车架号']), value: v }, text: `车辆识别代号 ${v} 完成保养。` };
  },
  'important.genetic': (rng) => {
    const s = dna(rng);
    return rng.chance(0.5)
      ? { field: { key: 'sequence', value: s }, text: `>sample_${rng.int(1, 99)}\n${s}` }
      : { field: { key: 'genotype', value: `rs${rng.int(1000, 9999999)} AG` }, text: `基因检测：rs${rng.int(1000, 9999999)} 基因型 CT` };
  },
};
export const PLANTED_CATEGORIES = Object.keys(MAKERS);

/** Sets a sensitive value into `target`, maybe evaded. */
function plant(rng: Rng, target: Record<string, unknown>, category: string): void {
  const made = MAKERS[category]!(rng);
  const r = rng.next();
  if (r < 0.55) {
    // Field-named position, plain or with a character-level evasion.
    let value = made.field.value;
    if (typeof value === 'string' && made.digits !== undefined && rng.chance(0.25)) value = rng.pick([FULLWIDTH, ZERO_WIDTH, SEPARATED])(value);
    target[made.field.key] = value;
  } else if (r < 0.85) {
    // Free text.
    let text = made.text;
    if (made.digits !== undefined && rng.chance(0.25)) text = text.replace(made.digits, rng.pick([FULLWIDTH, ZERO_WIDTH, SEPARATED])(made.digits));
    target[rng.pick(['note', 'comment', 'remark', '备注', 'message'])] = text;
  } else {
    // Wrapped: JSON in a JSON string, base64, percent-encoding.
    const inner = JSON.stringify({ [made.field.key]: made.field.value });
    const kind = rng.int(0, 2);
    if (kind === 0) target['payload'] = inner;
    else if (kind === 1) target['blob'] = Buffer.from(inner).toString('base64');
    else target['query'] = `${encodeURIComponent(made.field.key)}=${encodeURIComponent(String(typeof made.field.value === 'object' ? JSON.stringify(made.field.value) : made.field.value))}&lang=zh-CN`;
  }
}

// ---------------------------------------------------------------- ordinary content

const WORDS_EN = 'the order was shipped from warehouse and delivered to the pickup point customer asked about invoice refund status retry later network timeout cache miss feature flag enabled rollout percent latency budget exceeded'.split(' ');
const SENTENCES_ZH = ['用户反馈页面加载缓慢，已转交技术团队处理。', '订单已出库，预计明天送达。', '活动库存不足，请补货。', '系统升级完成，请重新登录。', '本月报表已生成，请查收附件。', '商品评价：质量不错，物流很快。', '客服回访：问题已解决。'];
const PRODUCTS = ['无线耳机', '保温杯 500ml', 'USB-C 数据线', 'Running Shoes', 'Coffee Beans 1kg', '机械键盘', 'Desk Lamp', '蓝牙音箱'];

function prose(rng: Rng): string {
  if (rng.chance(0.5)) return rng.pick(SENTENCES_ZH) + (rng.chance(0.3) ? rng.pick(SENTENCES_ZH) : '');
  const n = rng.int(5, 18);
  const ws: string[] = [];
  for (let i = 0; i < n; i++) ws.push(rng.pick(WORDS_EN));
  return `${ws.join(' ')}.`;
}

/** One hard negative, under a neutral or reference-number key. */
function negative(rng: Rng): [string, unknown] {
  switch (rng.int(0, 5)) {
    case 0: return [rng.pick(['orderNo', 'orderId', 'bizNo', 'ref']), idCardWrongCheck(rng)];
    case 1: return [rng.pick(['txnRef', 'serialNo', 'voucherNo', 'traceNo']), luhnFailing62(rng)];
    case 2: return [rng.pick(['sku', 'partNo', 'itemCode']), vinLikeSku(rng)];
    case 3: return [rng.pick(['requestId', 'eventId', 'sessionId']), uuid(rng)];
    case 4: return [rng.pick(['ts', 'createdAt', 'updatedAtMs']), msTimestamp(rng)];
    default: return [rng.pick(['sha', 'etag', 'checksum']), hexHash(rng)];
  }
}

function header(rng: Rng, kind: number, small: boolean): Record<string, unknown> {
  // Every body: a ms timestamp, an ID-shaped order id with a wrong check char, a Luhn-failing
  // 62… number, a VIN-like SKU, a UUID; all but the smallest also a hex hash.
  const h: Record<string, unknown> = {};
  h['eventId'] = uuid(rng);
  h['ts'] = msTimestamp(rng);
  h['orderNo'] = idCardWrongCheck(rng);
  h['txnRef'] = luhnFailing62(rng);
  h['sku'] = vinLikeSku(rng);
  if (!small) h['sha'] = hexHash(rng);
  h['source'] = ['shop-api', 'log-shipper', 'analytics-sdk', 'crm-sync', 'tbox-gateway'][kind];
  return h;
}

function record(rng: Rng, kind: number): Record<string, unknown> {
  const [k, v] = negative(rng);
  switch (kind) {
    case 0:
      return { sku: vinLikeSku(rng), title: rng.pick(PRODUCTS), qty: rng.int(1, 5), price: Number((rng.next() * 500).toFixed(2)), attrs: { color: rng.pick(['black', 'white', '红色']), size: rng.pick(['S', 'M', 'L']) }, [k]: v };
    case 1:
      return { ts: msTimestamp(rng), level: rng.pick(['info', 'warn', 'debug', 'error']), msg: prose(rng), requestId: uuid(rng), durationMs: rng.int(1, 900), path: rng.pick(['/api/v1/orders', '/api/v2/cart', '/healthz']), [k]: v };
    case 2:
      return { event: rng.pick(['click', 'view', 'scroll', 'purchase']), ts: msTimestamp(rng), props: { screen: rng.pick(['home', 'detail', 'checkout']), sessionId: uuid(rng), build: hexHash(rng).slice(0, 12), ab: [rng.int(0, 9), rng.int(0, 9)] }, [k]: v };
    case 3:
      return { accountId: `AC${rng.digits(10)}`, tier: rng.pick(['gold', 'silver', 'basic']), tags: [rng.pick(['vip', 'new', 'churn-risk']), rng.pick(['wechat', 'app', 'web'])], lastLogin: msTimestamp(rng), prefs: { lang: rng.pick(['zh-CN', 'en-US']), marketing: rng.chance(0.5) }, note: prose(rng), [k]: v };
    default:
      return { ts: msTimestamp(rng), speedKmh: rng.int(0, 120), rpm: rng.int(700, 4000), odometerKm: rng.int(1000, 200000), batteryPct: rng.int(5, 100), dtc: rng.pick(['P0301', 'U0100', 'B1342', null]), fw: hexHash(rng).slice(0, 8), [k]: v };
  }
}

const KIND_KEYS = ['items', 'logs', 'events', 'accounts', 'samples'];

export interface BodyOptions {
  /** Probability that the body carries sensitive values. */
  readonly sensitiveRate?: number;
  /** Force pretty-printing on (true), off (false), or 20 % of bodies (undefined). */
  readonly pretty?: boolean;
}

/** One JSON body of about `target` bytes (at least the minimal header). */
export function makeBody(rng: Rng, target: number, options: BodyOptions = {}): CorpusBody {
  const kind = rng.int(0, 4);
  const root = header(rng, kind, target < 300);
  const records: Array<Record<string, unknown>> = [];
  root[KIND_KEYS[kind]!] = records;
  const pretty = options.pretty ?? rng.chance(0.2);
  const indentFactor = pretty ? 1.45 : 1;
  let size = Buffer.byteLength(JSON.stringify(root)) * indentFactor;
  while (size < target) {
    const r = record(rng, kind);
    const add = (Buffer.byteLength(JSON.stringify(r)) + 1) * indentFactor;
    if (size + add > target && records.length > 0 && size + add - target > target - size) break;
    records.push(r);
    size += add;
  }
  const serialise = () => (pretty ? JSON.stringify(root, null, 2) : JSON.stringify(root));
  // The indent estimate is rough: keep the largest bodies inside 64 KiB (room left to plant).
  if (target <= 65536 && size > 60000) while (records.length > 1 && Buffer.byteLength(serialise()) > 65536 - 1024) records.pop();
  let planted = 0;
  if (rng.chance(options.sensitiveRate ?? 0.1)) {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const holder = records.length > 0 && rng.chance(0.7) ? rng.pick(records) : root;
      // Vehicle and customer content usually sits in its own object.
      const into = rng.chance(0.5) ? ((holder['customer'] as Record<string, unknown> | undefined) ?? (holder['customer'] = {} as Record<string, unknown>)) : holder;
      plant(rng, into as Record<string, unknown>, rng.pick(PLANTED_CATEGORIES));
      planted++;
    }
  }
  return { body: Buffer.from(serialise()), planted };
}

/** A body with no sensitive value at all (hard negatives only): the gateway forwards it. */
export function cleanBody(seed: number, target: number): Buffer {
  return makeBody(new Rng(seed), target, { sensitiveRate: 0, pretty: false }).body;
}

/** A clean body plus one mobile number under "mobile" (grade pi): the default policy masks it
 *  abroad and forwards the request. */
export function redactableBody(seed: number, target: number): Buffer {
  const rng = new Rng(seed);
  const clean = JSON.parse(makeBody(rng, Math.max(200, target - 40), { sensitiveRate: 0, pretty: false }).body.toString('utf8')) as Record<string, unknown>;
  clean['contact'] = { mobile: phone(rng) };
  return Buffer.from(JSON.stringify(clean));
}

/** Log-normal size, median 2 KiB, clamped to 200 B .. 64 KiB. */
export function bodySize(rng: Rng): number {
  const s = Math.round(Math.exp(Math.log(2048) + 1.0 * rng.normal()));
  return Math.min(65536, Math.max(200, s));
}

/** At least `totalBytes` of bodies, same bytes for the same seed. */
export function generateCorpus(seed: number, totalBytes: number): Corpus {
  const rng = new Rng(seed);
  const bodies: CorpusBody[] = [];
  let bytes = 0;
  while (bytes < totalBytes) {
    const b = makeBody(rng, bodySize(rng));
    bodies.push(b);
    bytes += b.body.length;
  }
  return { bodies, bytes, seed };
}

/** One large JSON body of about `bytes` bytes (records of the usual kinds), for the size curve
 *  and the 16 MiB event-loop test; ~1 % of its records carry a sensitive value when asked. */
export function largeBody(seed: number, bytes: number, sensitive: boolean): Buffer {
  const rng = new Rng(seed);
  const parts: Buffer[] = [];
  let size = 2;
  const chunks: string[] = [];
  while (size < bytes) {
    const b = makeBody(rng, Math.min(4096, Math.max(200, bytes - size - 1)), { sensitiveRate: sensitive ? 0.1 : 0, pretty: false }).body.toString('utf8');
    chunks.push(b);
    size += Buffer.byteLength(b) + 1;
    if (chunks.length >= 256) {
      parts.push(Buffer.from(chunks.join(',')), Buffer.from(','));
      chunks.length = 0;
    }
  }
  if (chunks.length > 0) parts.push(Buffer.from(chunks.join(',')));
  else if (parts.length > 0) parts.pop();
  return Buffer.concat([Buffer.from('['), ...parts, Buffer.from(']')]);
}

// ---------------------------------------------------------------- documents of every content type

/** One document of the scan protocol (shared/tools/README.md). */
export interface ScanDocument {
  readonly id: string;
  readonly contentType: string;
  readonly body: string;
}

function plantedPair(rng: Rng, category: string): [string, string] {
  const made = MAKERS[category]!(rng);
  const v = made.field.value;
  return [made.field.key, typeof v === 'string' ? v : JSON.stringify(v)];
}

function plantedText(rng: Rng, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(rng.chance(0.5) ? MAKERS[rng.pick(PLANTED_CATEGORIES)]!(rng).text : prose(rng));
  return lines.join(rng.chance(0.5) ? '\n' : ' ');
}

/**
 * `count` documents of the content types the scorer sends, most with sensitive values, in
 * turn: JSON, NDJSON, a form, plain text, multipart with a field and a JSON file, CSV. The
 * build's training run for the code cache (scripts/code-cache.mjs) scans them, so that the
 * cache holds what reading each type and each detector compiles.
 */
export function mixedDocuments(seed: number, count: number): ScanDocument[] {
  const rng = new Rng(seed);
  const docs: ScanDocument[] = [];
  for (let i = 0; docs.length < count; i++) {
    const id = `t${i}`;
    switch (i % 6) {
      case 0:
        docs.push({ id, contentType: 'application/json', body: makeBody(rng, rng.int(300, 4000), { sensitiveRate: 0.7 }).body.toString('utf8') });
        break;
      case 1: {
        const lines = [0, 1, 2].map(() => makeBody(rng, rng.int(200, 1200), { sensitiveRate: 0.5, pretty: false }).body.toString('utf8'));
        docs.push({ id, contentType: 'application/x-ndjson', body: `${lines.join('\n')}\n` });
        break;
      }
      case 2: {
        const planted = Array.from({ length: rng.int(1, 4) }, () => plantedPair(rng, rng.pick(PLANTED_CATEGORIES)));
        const fields = [...planted, negative(rng), ['remark', prose(rng)]];
        docs.push({ id, contentType: 'application/x-www-form-urlencoded', body: fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') });
        break;
      }
      case 3:
        docs.push({ id, contentType: 'text/plain; charset=utf-8', body: plantedText(rng, rng.int(2, 6)) });
        break;
      case 4: {
        const boundary = `----train${rng.digits(12)}`;
        const file = makeBody(rng, rng.int(300, 1500), { sensitiveRate: 0.7, pretty: false }).body.toString('utf8');
        const body = [
          `--${boundary}\r\nContent-Disposition: form-data; name="comment"\r\n\r\n${plantedText(rng, 2)}\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.json"\r\nContent-Type: application/json\r\n\r\n${file}\r\n`,
          `--${boundary}--\r\n`,
        ].join('');
        docs.push({ id, contentType: `multipart/form-data; boundary=${boundary}`, body });
        break;
      }
      default: {
        // A table of three columns, each one category, its header the first row's field names.
        const columns = [0, 1, 2].map(() => rng.pick(PLANTED_CATEGORIES));
        const rows = [0, 1, 2, 3].map(() => columns.map((c) => plantedPair(rng, c)));
        const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
        const body = [rows[0]!.map(([k]) => csvCell(k)).join(','), ...rows.map((r) => r.map(([, v]) => csvCell(v)).join(','))].join('\n');
        docs.push({ id, contentType: 'text/csv', body: `${body}\n` });
      }
    }
  }
  return docs;
}
