/**
 * Whether a value can be a personal name. Names have no format, so this only rules out what a
 * name field commonly holds instead (ids, flags, URLs, placeholders); the field name or label
 * is the real evidence.
 */
import { foldEvasions, isCjkCode } from '../chars.js';

const PLACEHOLDERS = new Set([
  'null', 'none', 'nil', 'undefined', 'unknown', 'test', 'admin', 'true', 'false', 'yes', 'no',
  'na', 'anonymous', 'guest', 'default', 'string', 'name', 'user', 'root', 'system',
]);

export function isNameDot(c: number): boolean {
  return c === 0xb7 || c === 0x2022 || c === 0x30fb || c === 0xff0e;
}

/** Han names: 2–4 ideographs, or minority/transliterated names joined by '·'. */
export function isCjkName(s: string): boolean {
  let han = 0;
  let dots = 0;
  let prevDot = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isCjkCode(c)) {
      han++;
      prevDot = false;
    } else if (isNameDot(c) && !prevDot) {
      dots++;
      prevDot = true;
    } else {
      return false;
    }
  }
  if (prevDot) return false;
  return dots === 0 ? han >= 2 && han <= 4 : s.length <= 20;
}

/** A name in 2–4 runs of at least two CJK characters joined by '·' ("阿卜杜·热合曼",
 *  "迈克尔·乔丹"); isCjkName also takes single-character runs, which product codes can have. */
/** The end of a transliterated name written with '·' at s[from] ("阿卜杜·库尔班先生"): runs of
 *  2–6 ideographs joined by name dots, cut before a title (先生, 女士…); 0 for none. */
function dottedNameEnd(s: string, from: number): number {
  let p = from;
  let runs = 0;
  for (;;) {
    const start = p;
    while (p < s.length && p - start < 6 && isCjkCode(s.charCodeAt(p)) && !isNameDot(s.charCodeAt(p))) p++;
    if (p - start < 2 && !(runs > 0 && p - start === 1)) return 0;
    // The first part ends at its dot: "尊敬的阿卜杜·…" is a greeting before the name.
    if (runs === 0 && (p - start > 5 || p >= s.length || !isNameDot(s.charCodeAt(p)))) return 0;
    runs++;
    if (p < s.length && isNameDot(s.charCodeAt(p)) && runs < 4) {
      p++;
      continue;
    }
    break;
  }
  if (runs < 2) return 0;
  // Places are written with dots too ("中国·北京·朝阳区").
  const text = s.slice(from, p);
  if (text.startsWith('中国') || DOTTED_PLACE.test(text)) return 0;
  // "…热依木女士您好": the name ends before a title inside its last part.
  let end = p;
  let lastDot = text.length - 1;
  while (lastDot > 0 && !isNameDot(text.charCodeAt(lastDot))) lastDot--;
  for (const title of NAME_SUFFIXES_ZH) {
    const at = text.indexOf(title, lastDot + 1);
    if (at > 0 && from + at < end) end = from + at;
  }
  return end - from > lastDot + 1 ? end : 0;
}
const DOTTED_PLACE = /[区市省县镇乡街路村]·|[区市省县镇乡街路村]$/;

export function isDottedCjkName(s: string): boolean {
  if (s.length > 20 || !isCjkName(s)) return false;
  let runs = 0;
  let run = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && !isNameDot(s.charCodeAt(i))) {
      run++;
      continue;
    }
    if (run < 2) return false;
    runs++;
    run = 0;
  }
  return runs >= 2 && runs <= 4;
}

function isLatinLetter(c: number): boolean {
  const l = c | 32;
  return (l >= 97 && l <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** Number of words if `s` is 1–5 Latin words (letters, inner ' ’ - .), else 0. */
export function latinNameWords(s: string): number {
  const words = s.split(/ +/);
  // "Wang, Wei": surname first, then a comma, as directories and airline records write it.
  if (words.length >= 2 && words[0]!.length > 2 && words[0]!.endsWith(',')) words[0] = words[0]!.slice(0, -1);
  if (words.length > 5) return 0;
  for (const w of words) {
    if (w.length === 0 || !isLatinLetter(w.charCodeAt(0))) return 0;
    for (let i = 1; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (!isLatinLetter(c) && c !== 39 && c !== 0x2019 && c !== 45 && c !== 46) return 0;
    }
  }
  if (words.length === 1 && (s.length < 2 || PLACEHOLDERS.has(s.toLowerCase()))) return 0;
  // "the order was shipped": prose, however name-like its letters are.
  if (words.length > 1 && words.some((w) => STOPWORDS.has(w.toLowerCase()))) return 0;
  // "Apple Inc.", "Acme Trading Ltd": an organisation, however name-like its words are.
  if (words.length > 1 && ORGANISATION_ENDINGS.has(words[words.length - 1]!.toLowerCase().replace(/\.$/, ''))) return 0;
  return words.length;
}

const STOPWORDS = new Set(['the', 'a', 'an', 'was', 'is', 'are', 'were', 'be', 'of', 'and', 'or', 'to', 'for', 'in', 'on', 'at', 'by', 'with', 'from', 'this', 'that', 'it', 'not', 'no']);

const ORGANISATION_ENDINGS = new Set([
  'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'llc', 'llp', 'plc', 'gmbh', 'ag',
  'bv', 'nv', 'pte', 'pty', 'kk', 'group', 'holdings', 'bank', 'trading', 'technologies', 'technology',
  'industries', 'partners', 'foundation', 'university', 'institute', 'hospital', 'clinic', 'school',
]);

/** Who signs, receives or pays when no person is named: the values of 签收人, 收件人 and 收款人
 *  in tracking feeds and invoices ("签收人：本人", "已由门卫代收", "收款人：财务部"). */
const NOT_PERSONS = new Set([
  '本人', '他人', '家人', '家属', '亲属', '同事', '朋友', '邻居', '门卫', '保安', '前台', '物业', '快递柜', '丰巢',
  '驿站', '菜鸟驿站', '代收点', '代收', '本人签收', '他人代收', '同事代收', '家人代收', '门卫代收', '前台代收',
  '物业代收', '快递员', '配送员', '骑手', '财务', '财务部', '出纳', '会计', '收发室', '传达室', '客服', '游客', '访客',
  '用户', '客户', '会员', '匿名', '匿名用户', '未知', '暂无', '无', '空', '测试', '系统', '管理员', '店长', '老板',
  '待定', '待分配', '系统自动', '自动', '值班经理', '值班人员', '负责人', '联系人',
  // A hotel's or an office's desks, as its contact name ("contactName": "总机").
  '总机', '总台', '大堂经理', '预订部', '销售部', '接待处',
  // Form placeholders.
  '未填写', '未提供', '必填', '选填', '待填写', '待补充', '不详', '保密', '未填', '请填写',
]);

/** The same desks in English, lower-cased ("Front Desk", "RECEPTION"). */
const NOT_PERSONS_LATIN = new Set(['front desk', 'reception', 'concierge', 'switchboard', 'operator', 'customer service',
  'guest services', 'front office', 'duty manager', 'reservations']);

/** What a form writes where a name's part would be: nobody's ("某", "无", "略"). */
const PLACEHOLDER_PARTS = new Set([...'某无空略未缺暂待同否是'].map((c) => c.charCodeAt(0)));

/** A Han name's part under its own key: one or two characters, whatever they are ("first_name":
 *  "伟", "军英"; "last_name": "张"), but a placeholder or a word that names nobody. */
export function isHanNamePart(value: string): boolean {
  const s = foldEvasions(value).trim();
  if (s.length === 0 || s.length > 2 || NOT_PERSONS.has(s) || PLACEHOLDER_PARTS.has(s.charCodeAt(0))) return false;
  return isCjkCode(s.charCodeAt(0)) && (s.length === 1 || isCjkCode(s.charCodeAt(1)));
}

/** Departments, shops, offices and a school's classes named where a person is expected
 *  ("客服部", "王府井店", "门卫代收", "学员：周末班"); no given name ends so. */
const ORG_VALUE_ENDINGS = /(?:部|店|中心|公司|集团|高科|科技|工作室|办公室|处|室|厅|局|仓|厂|代收|签收|组|团队|经理|主管|专员|总监|主任|大区|片区|站|珠宝|旗舰店|班)$/;

/** A name as tickets and passports' machine-readable lines write it: "ZHANG/WEI MR". */
const IATA_NAME = /^[A-Z]{2,20}\/[A-Z]{2,30}(?: [A-Z]{2,30})?(?: (?:MR|MS|MRS|MISS|MSTR|DR|CHD|INF))?$/;
// Not fare types ("ADT/CHD").
const IATA_NAME_AT = /^(?!(?:ADT|CHD|INF|YTH|SRC|STU|MIL)\/)[A-Z]{2,20}\/[A-Z]{2,30}(?=$|[^A-Za-z/])/;

/** A name as DICOM and HL7 write it, family name first, its components joined by carets:
 *  "ZHOU^TAOXIN", "Li^Na^^Dr". */
const CARET_NAME = /^[A-Za-z][A-Za-z'-]{0,29}\^[A-Za-z][A-Za-z' -]{0,29}(?:\^[A-Za-z. ]{0,20}){0,3}$/;
/** What scanners and test studies are named instead of a patient ("QA^PHANTOM", "TEST^PATIENT"). */
const CARET_PLACEHOLDER = /\b(?:phantom|test|qa|qc|anonymous|anon|anonymized|demo|sample|unknown|dummy|water|calibration)\b/i;

const NICKNAME_AFTER = /^(.{2,40}?)\s*[(（][A-Z][A-Za-z.' -]{0,30}[)）]$/;

/** 1 for a clear name, 0.6 for a single Latin word (product names look the same), 0 for none. */
export function nameConfidenceFactor(value: string): number {
  // Invisible characters pasted into a name to evade ("扎西\u200b多吉") are dropped.
  const s = foldEvasions(value).trim();
  if (s.length === 0 || s.length > 64) return 0;
  if (NOT_PERSONS.has(s) || (s.length <= 21 && NOT_PERSONS_LATIN.has(s.toLowerCase())) || (s.length <= 8 && isCjkCode(s.charCodeAt(0)) && ORG_VALUE_ENDINGS.test(s))) return 0;
  // "孙氏物流", "王氏宗祠": a family's business or hall, named by its surname and 氏.
  if (s.length >= 3 && s.charCodeAt(1) === 0x6c0f) return 0;
  if (isCjkName(s) || isSurnamelessName(s)) return 1;
  if (IATA_NAME.test(s) || (CARET_NAME.test(s) && !CARET_PLACEHOLDER.test(s))) return 1;
  // "Zhang Wei (Kevin)", "王芳（Fiona）": the name with an English nickname after it.
  const nick = NICKNAME_AFTER.exec(s);
  if (nick !== null) return nameConfidenceFactor(nick[1]!);
  const words = latinNameWords(s);
  if (words === 0 || isLatinOrgName(s)) return 0;
  return words === 1 ? 0.6 : 1;
}

// Common Han surnames (together the great majority of the population), single and compound.
// Left out: surnames that are also everyday function words (于 和 向 时 来 成 全 文 明 平 应 国
// 都 相 信 由 公 元 海 花 强…), which would read "患者于昨日入院" as a name.
const SURNAMES = new Set([...(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈' +
  '姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤' +
  '常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单' +
  '季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚' +
  '娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘' +
  '池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉郜阚屠萧' +
  // Rarer ones, none of which starts everyday words.
  '洪赖嵇邰郦芮糜郗逄濮扈郏宓庾晁訾乜蒯竺逯仝隗禤缑祢綦亓昝琚蓟茹宦戎邴桓' +
  '庹揭仉禚阙钮贲檀雍朴茅邸汝谯郇钭酆郄麴羿暴帖逢狄荀眭笪厍鄂咸籍伏禹璩蔚勾虢殳甯'
)].map((c) => c.charCodeAt(0)));
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '轩辕', '令狐', '端木', '独孤', '南宫', '西门', '百里', '呼延', '澹台', '公羊', '赫连', '万俟', '闻人',
  '东郭', '申屠', '淳于', '钟离', '宗政', '濮阳', '太史', '公冶', '鲜于', '闾丘', '拓跋', '左丘', '梁丘', '仲孙',
  '颛孙', '漆雕', '乐正', '谷梁', '完颜', '单于', '羊舌', '微生', '巫马', '段干', '司空', '司寇',
]);
// Two-char words that start with a surname character but follow name triggers as ordinary words.
const NOT_NAMES = new Set([
  '方式', '方面', '方法', '方便', '时间', '时候', '信息', '周末', '金额', '马上', '任何', '成功', '文件', '安全',
  '高级', '全部', '明天', '于是', '和你', '向您', '应该', '来自', '都是', '国家', '平台', '计划', '原因', '关于',
  '同意', '管理', '服务', '单位', '车辆', '申请', '信用', '资料', '电话', '手机', '地址', '姓名', '身份', '查询',
  '万元', '于此', '师傅', '常用', '党员', '海外', '华为', '宁可', '连续', '江湖', '余额', '东方', '元旦', '尚未',
  '段落', '毛病', '利息', '宣传', '应用', '支付', '支持', '费用', '席位', '师生', '包裹', '蓝牙', '强制', '明细',
  '程序', '顾客', '花费', '吉祥', '乐意', '和谐', '沙发', '冷静', '能否', '庞大', '时段', '商品', '商家', '项目',
  '满意', '关系', '关注', '关联', '经理', '车牌', '车型', '司机', '官方', '宫颈', '包括', '包含', '史上',
  '周期', '周边', '高铁', '高速', '金融', '马桶', '安装', '安排', '白天', '江苏', '黄金', '龙头', '雷达', '宋体',
  '唐朝', '韩国', '房间', '房屋', '房产', '章节', '路线', '路况', '邮件', '苏州', '杭州', '南京', '武汉', '温度',
  '康复', '齐全', '易于', '乔迁', '欧洲', '单价', '单号', '单独', '季度', '景区', '党建', '宫殿', '费率', 
  '米饭', '柏林', '师范', '商户', '沙龙', '荣誉', '官网', '封面', '谈判', '乐园', '楼层', '楼盘', '闻名', '卫生',
  '王府', '黄山', '申通', '中通', '圆通', '韵达', '汇通', '德邦', '邮政', '白金', '金卡', '钻石', '游客', '白银', '黄埔',
  '程度', '曹操', '钱包', '贾宝', '万一', '万达', '许可', '许多', '何时', '何况', '林业', '罗马', '秦朝', '汪汪',
  // Places, brands and days that start with a surname's character ("由郑州航空港…", "感谢金山云").
  '郑州', '马鞍', '张家', '杨浦', '周一', '周二', '周三', '周四', '周五', '周六', '周日', '金山', '高德', '苏宁', '华泰',
  '高温', '金牌', '常熟', '马甲', '华润', '华夏', '万科', '温州', '常州', '徐州', '宁波', '宁夏', '潘家', '黄浦', '徐汇',
  '石家', '唐山', '邯郸', '沈阳', '包头', '贵阳', '昆明', '江门', '岳阳', '洛阳', '安徽', '安庆', '龙华', '罗湖', '曲靖',
  '麻烦', '甘心', '危险', '司法', '景色', '景点', '乐器', '尤其', '余下', '谷歌', '查一', '查看', '查收', '查到', '查下',
  '付款', '路上', '甘愿', '付费', '付清', '李子', '杨梅', '龙眼', '桂圆', '周会', '周报', '周例', '金价', '房价', '车费',
  '黄历', '余量', '马拉', '高峰', '高考', '龙舟', '汤圆', '饶舌', '白班',
  // Who a notice addresses by condition or group ("高血压患者您好", "广大旅客").
  '高血', '高脂', '高危', '高龄', '高端', '广大',
  // Adverbs and adjectives that open what follows a title ("经理高兴地说", "主管严格要求").
  '高兴', '高度', '连忙', '严格', '严重', '严肃', '郑重', '包容', '安心', '安静', '宁愿', '宁静', '乐观', '乐于', '杜绝',
  '单纯', '尤为', '毕竟', '简单', '简直', '祝贺', '祝福', '纪念', '江南', '解决', '解释', '艾滋', '谢谢', '谢了', '包邮',
]);
// Chars that end a word rather than a given name ("许可证", "韩国队", "黄山市").
const WORD_ENDINGS = new Set([...'证书号费额期日时人们上下内外后前里码单卡表区市省县路街店厂院所部处室厅局队式类型版款价井城寺宫庙塔桥楼园云网员'].map((c) => c.charCodeAt(0)));

// Where a Han name usually ends in running text: the next word starts here ("客户王芳反映…",
// "张伟已签收"). Characters that also start given names are left out.
const NAME_FOLLOWERS = new Set([...'的已在于和与及等说先女同老医您你他她是将来去到从向把被给让对了吗呢啊反称表致投咨询购预办拨打留签取寄需想，。、；：'].map((c) => c.charCodeAt(0)));

/** Two-character words that follow a name, each of whose characters may also be in one
 *  (正, 师, 今 and 明 are given-name characters too, so NAME_FOLLOWERS cannot hold them). */
const FOLLOWER_WORDS = new Set([
  '正在', '师傅', '刚刚', '今天', '明天', '昨天', '现在', '马上', '目前', '一直', '经理', '主任', '总监', '老板', '阿姨', '叔叔',
  '经手', '负责', '办理', '签收', '签字', '确认', '审核', '审批', '提交', '填写', '代收', '收货', '取件', '处理', '接待',
  '陪同', '主持', '发起', '完成', '绑定', '注册', '登录', '下单', '购买', '申请', '预约', '反馈', '投诉', '咨询', '留言',
  // A call summary's request ("客户雷若要求变更收件地址").
  '要求',
  '来电', '退款', '付款', '支付', '领取', '修改', '更换', '取消', '认证', '实名', '电话', '手机', '身份', '地址', '邮箱',
  '微信', '联系', '下周', '下午', '上午', '中午', '晚上', '后天', '前天', '入职', '离职', '到岗', '报到', '上班', '下班',
  '最近', '确诊', '住院', '生病', '去世', '出院', '今年', '已经', '家长',
  // The document a traveller or a guest shows ("旅客雷颖持护照E709…", "同行人王芳持港澳通行证").
  '持有', '持护', '持证', '持港', '持台', '持往', '持回', '持身', '持外', '持中', '持因', '持普',
  // A hotline ticket's complaint ("老板秦轩拖欠三个月工资"); a case's cause after its parties
  // ("原告夏欣海与被告孟建民间借贷纠纷").
  '拖欠', '欠薪', '民间', '离婚', '借款', '纠纷',
]);

export function isHanSurnameAt(s: string, i: number): 0 | 1 | 2 {
  // Asked of every short value: most are not Han at all, and the slice below allocates.
  if (!isCjkCode(s.charCodeAt(i))) return 0;
  if (COMPOUND_SURNAMES.has(s.slice(i, i + 2))) return 2;
  return SURNAMES.has(s.charCodeAt(i)) ? 1 : 0;
}

/**
 * A Han name right at s[from] after a trigger word ("收件人李淑曦，", "我叫王芳"): a known surname
 * and one or two given-name characters, cut before the words that usually follow a name.
 */
export function hanNameAt(s: string, from: number, strict = false, introduced = false): { start: number; end: number } | undefined {
  const dotted = dottedNameEnd(s, from);
  if (dotted > 0) return { start: from, end: dotted };
  const surnameless = surnamelessNameEnd(s, from);
  if (surnameless > 0) return { start: from, end: surnameless };
  // After words that introduce a name ("我是于燕，", "我叫向秀子"), 于 and 向 are surnames, not
  // the function words of "患者于昨日入院" or "客户向我们反映"; the name must then stand alone.
  // After other triggers they must stand alone too ("收件人于丹，"), which "于昨日入院" does not.
  const valueSurname = isHanSurnameAt(s, from) === 0 && VALUE_SURNAMES.has(s.charCodeAt(from)) && !NOT_VALUE_NAMES.has(s.slice(from, from + 2)) &&
    (introduced || standsAlone(s, from));
  const sur = valueSurname ? 1 : isHanSurnameAt(s, from);
  if (sur === 0) return undefined;
  if (valueSurname) strict = true;
  // The surname itself may be a follower (于, 向): the given name's characters may not.
  let run = from + sur;
  while (run < s.length && run - from < 8 && isCjkCode(s.charCodeAt(run)) && !NAME_FOLLOWERS.has(s.charCodeAt(run))) run++;
  let len = run - from;
  // "用户董杰绑定手机", "收件人张伟电话…": a word that follows names ends the run there, so a
  // name before it stands alone.
  if (len > sur + 1 && FOLLOWER_WORDS.has(s.slice(from + sur + 1, from + sur + 3))) len = sur + 1;
  else if (len > sur + 2 && FOLLOWER_WORDS.has(s.slice(from + sur + 2, from + sur + 4))) len = sur + 2;
  // After a weak trigger ("我是") the name must stand alone: "我是王者荣耀玩家" is no name.
  if (len <= sur || (strict && len > sur + 2)) return undefined;
  // Given names are one or two characters; a longer run continues into the next word.
  let end = from + Math.min(len, sur + 2);
  // "王师傅已取件", "张伟正在配送": a word that follows names is no part of one.
  if (FOLLOWER_WORDS.has(s.slice(from + sur, from + sur + 2))) return undefined;
  if (end - from === sur + 2 && FOLLOWER_WORDS.has(s.slice(from + sur + 1, from + sur + 3))) end -= 1;
  if (end - from === 2 && NOT_NAMES.has(s.slice(from, end))) return undefined;
  // "韩国秋，", "许可欣": a word as surname and first given char, with one more standing alone,
  // is a name; "韩国队", "许可证" end in a char that makes them words.
  // After a strict trigger a common word opening the text is the next clause ("客户高兴地说").
  if (end - from === 3 && NOT_NAMES.has(s.slice(from, from + 2)) && (strict || len !== 3 || WORD_ENDINGS.has(s.charCodeAt(from + 2)))) return undefined;
  if (namesAnOrganisation(s, from + 1, end) || hidesGivenName(s, from + sur, end)) return undefined;
  if (end - from === sur + 1 && TITLE_CHARS.has(s.charCodeAt(end - 1))) return undefined;
  if (end - from === 3 && NOT_NAMES_WHOLE.has(s.slice(from, end))) return undefined;
  return { start: from, end };
}

/** Three-char words that read as a surname and a given name ("候选人是穆斯林"). */
const NOT_NAMES_WHOLE = new Set(['穆斯林']);

/** Titles a surname takes in speech, never a given name: "张总" (the boss), "王工" (the
 *  engineer), "李哥", "刘导". */
const TITLE_CHARS = new Set([...'总工哥姐导董局处科'].map((c) => c.charCodeAt(0)));
/** Of those, the ones no given name is: as a whole value "王科" or "刘董" may be a person's name. */
const VALUE_TITLE_CHARS = new Set([...'总工哥姐'].map((c) => c.charCodeAt(0)));
/** …and the two-char ones ("李师傅", "王经理"), as whole values. */
const TITLE_WORDS = new Set(['师傅', '经理', '老师', '主任', '总监', '老板', '医生', '护士', '阿姨', '叔叔', '先生', '女士', '小姐', '律师', '警官', '总工', '主管', '组长', '店长', '专员', '助理']);

/** Whether the Han text at `from` starts with a word that merely begins with a surname's
 *  character ("黄金周", "黄浦江", "金价"). */
export function startsWithCommonWord(s: string, from: number): boolean {
  return NOT_NAMES.has(s.slice(from, from + 2));
}

/** A Han name at `from` that is the whole Han run there and opens with no common word: what a
 *  context with no label vouches for (a mention, a chat header, a number beside it). */
export function hanNameStandingAlone(s: string, from: number): { start: number; end: number } | undefined {
  return startsWithCommonWord(s, from) ? undefined : hanNameAt(s, from, true);
}

/** "张某", "李某某", "王某某": judgments and news stories name parties so to keep them
 *  anonymous; such a name identifies no one. */
function hidesGivenName(s: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === MOU) return true;
  return false;
}
const MOU = 0x67d0;

/** Whether the Han run at `from` is two or three ideographs with no more after them. */
function standsAlone(s: string, from: number): boolean {
  let run = from;
  while (run < s.length && run - from < 4 && isCjkCode(s.charCodeAt(run))) run++;
  return run - from >= 2 && run - from <= 3;
}

/** Words that make the Han run a company, a place or a tier: "由申通快递揽收", "王府井仓发货",
 *  "尊敬的白金会员". */
const ORG_WORDS = [
  '快递', '物流', '集团', '公司', '旅游', '仓库', '商城', '超市', '银行', '酒店', '门店', '专卖', '旗舰', '科技', '有限', '会员',
  '仓', '店', '厂', '馆', '驿站', '站点', '网点', '地图', '客服', '证券', '预警', '农商', '商行', '航空', '政府', '分拨',
  '珠宝', '官方', '百货', '广场', '大区', '片区',
];
/** Whether an organisation word starts inside the name's span after its first char, or right
 *  after it. */
function namesAnOrganisation(s: string, from: number, end: number): boolean {
  for (let i = from; i <= end && i < s.length; i++) {
    for (const w of ORG_WORDS) if (s.startsWith(w, i)) return true;
  }
  return false;
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'madam', 'mme', 'sir']);
// Capitalised words that follow "Dear" and the like without being anyone's name.
const NOT_LATIN_NAMES = new Set([
  'customer', 'customers', 'sir', 'sirs', 'madam', 'user', 'users', 'team', 'valued', 'friend', 'friends',
  'colleague', 'colleagues', 'all', 'member', 'members', 'client', 'clients', 'partner', 'partners', 'hiring',
  'manager', 'applicant', 'patient', 'patients', 'recipient', 'guest', 'guests', 'everyone', 'support',
  'service', 'admin', 'administrator', 'owner', 'student', 'students', 'parent', 'parents', 'the', 'a', 'an',
  'this', 'your', 'our', 'my', 'we', 'you', 'i', 'it', 'thank', 'thanks', 'hello', 'hi', 'please', 're',
  'fwd', 'information', 'info', 'name', 'id', 'number', 'account', 'subscriber', 'reader', 'readers',
  'doctor', 'developer', 'developers', 'candidate', 'shareholder', 'shareholders', 'director', 'board',
  'committee', 'editor', 'officer', 'record', 'records', 'care', 'portal', 'data', 'no', 'with',
  'success', 'experience', 'relations', 'satisfaction', 'feedback', 'code', 'type', 'group', 'list',
  'order', 'orders', 'details', 'profile', 'center', 'centre', 'handbook', 'policy', 'benefits', 'room',
]);

// Pinyin (and common Cantonese/Wade-Giles) surnames: after a role word such as "patient" or
// "customer", capitalised words are a name only when one of them is a surname.
const LATIN_SURNAMES = new Set((
  'wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie ' +
  'song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye cheng su wei lu ding ' +
  'ren shen yao cui zhong tan fan jin shi jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei ' +
  'hou long tao mao hao gong shao wan qian dai mo kong xiang kang niu ge xing an qi qiao pang ni zhuang ' +
  'nie yue zhai zhan ou geng guan lan jiao zuo gan bao ning shang shu ruan ke ji mei tong ling bi shan ' +
  'pei huo tu miao gu sheng qu weng ran you xin chai hua pu teng rao mu ai nong si zhuo jian che lian mai ' +
  'chu lou dou cen jing dang fei bu leng xi mi zong gui zang min gou bian chou luan sui diao sha rong ' +
  'kou sang lang zhen cong ao she chi zha kuang ju hui le ban lao pi xian wen kan liao lyu lv yi ' +
  'ouyang sima shangguan zhuge dongfang huangfu murong situ xiahou ' +
  'yuwen nangong linghu gongsun zhangsun wenren duanmu baili helian huyan zhongli ximen chunyu shentu xuanyuan puyang ' +
  'wong chan cheung lee ho chow lau leung ng tsang yip kwok chiu tse lam fung yeung kwan lo mak poon siu ' +
  'tam yuen chang hsu tsai kuo chiang hsieh kao chung chao chou tsui'
).split(' '));

/** A pinyin (or Cantonese, Wade-Giles) surname, in any case. */
export function isLatinSurname(word: string): boolean {
  return LATIN_SURNAMES.has(word.toLowerCase());
}

/** A Latin name that reads as a Chinese person's: ticket style ("ZHANG/WEI"), or 2–4 words with
 *  a pinyin surname first or last ("Zhang Wei", "Wei ZHANG", "Wang, Wei"). */
export function isLatinPersonName(s: string): boolean {
  if (IATA_NAME.test(s)) return true;
  const nick = NICKNAME_AFTER.exec(s);
  const words = (nick === null ? s : nick[1]!).replace(/,/g, '').trim().split(/ +/);
  if (words.length < 2 || words.length > 4 || words.some(isLatinOrgWord) || LATIN_PLACES.has(words.join(' ').toLowerCase())) return false;
  return isLatinSurname(words[0]!) || isLatinSurname(words[words.length - 1]!) || GIVEN_NAMES.has(words[0]!.toLowerCase());
}

/** Places whose words are surnames too ("Hong Kong" reads as Hong and Kong). */
const LATIN_PLACES = new Set(['hong kong', 'long beach', 'mong kok', 'wan chai', 'sha tin', 'tai po', 'kwun tong', 'tsim sha tsui', 'sheung wan', 'tai wan']);

/** Words that make Latin words a company, a team or a place, whatever surname they start with:
 *  "Chen Holdings Pte. Ltd.", "Wong Brothers Trading", "Maersk Line", "Li Auto". */
const LATIN_ORG_WORDS = new Set((
  'holdings holding ltd limited inc incorporated co corp corporation company group trading logistics line lines ' +
  'bank technologies technology tech solutions services partners pte gmbh llc plc ag sa bv nv airlines airways ' +
  'shipping motors motor auto automotive brothers bros industries industrial international intl university ' +
  'college school hospital clinic team department dept support center centre capital ventures consulting ' +
  'systems labs enterprises enterprise studio studios foods pharma pharmaceutical pharmaceuticals express freight ' +
  'global worldwide store shop mall hotel hotels resort restaurant cafe office branch agency securities insurance ' +
  'electronics energy media network networks software semiconductor factory manufacturing development'
).split(' '));

function isLatinOrgWord(word: string): boolean {
  return LATIN_ORG_WORDS.has(word.replace(/[.,]+$/, '').toLowerCase());
}

/** Whether Latin words hold a word of a company's or a team's name. */
export function isLatinOrgName(s: string): boolean {
  return s.split(/[ ,]+/).some(isLatinOrgWord);
}

/** Common English given names, as Chinese staff and customers also take them ("Cindy Yu"). */
const GIVEN_NAMES = new Set((
  'james john robert michael william david richard joseph thomas charles christopher daniel matthew ' +
  'anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason ' +
  'jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel frank ' +
  'gregory raymond alexander patrick jack dennis jerry tyler aaron jose adam henry nathan douglas zachary ' +
  'peter kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean austin arthur ' +
  'lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph ' +
  'randy eugene vincent russell louis philip bobby johnny bradley mary patricia jennifer linda elizabeth ' +
  'barbara susan jessica sarah karen nancy lisa betty margaret sandra ashley kimberly emily donna michelle ' +
  'dorothy carol amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela ' +
  'helen anna brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn janet ' +
  'ruth maria heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith ' +
  'megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice jean alice ' +
  'madison doris abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie diana ' +
  'brittany natalie isabella charlotte rose alexis kayla jane tony leo sunny winnie cindy sherry lily lucy ' +
  'coco vivian jenny annie bella tina nina ivy iris ella fiona gina irene joy kitty mandy maggie penny ' +
  'queenie sally tracy wendy yvonne zoe alex allen andy bill ben bob calvin dave eddie felix harry ivan ' +
  'jay jimmy ken leon max mike nick oscar ray sam simon steve ted tom will ' +
  // European, Latin American, Japanese and Korean given names a bank's or an airline's foreign
  // customers carry ("LUCAS MUELLER", "Haruto Sato").
  'oliver amelia lucas lukas sophie mia liam elias finn jonas moritz maximilian sebastian julian tobias stefan ' +
  'andreas hans klaus lena lea hannah clara marco luca matteo alessandro francesco lorenzo giulia chiara martina ' +
  'sofia pierre camille hugo chloe manon louise isla freya harper aria ava mila olga dmitry sergei natalia anastasia ' +
  'carlos miguel diego pablo mateo lucia valentina isabel ahmed mohammed mohamed omar fatima raj priya arjun ' +
  'hiroshi haruto takashi kenji yuki sakura yuto hana minjun jiwoo seoyeon'
).split(' '));

/** "Wang, Wei" from s[p], where p is the end of a first word: a comma, one space and a
 *  capitalised word, after a pinyin surname. Returns where the given name starts, or -1. */
export function commaGivenNameAt(s: string, wordStart: number, p: number): number {
  if (s.charCodeAt(p) !== 44 || s.charCodeAt(p + 1) !== 32) return -1;
  const next = s.charCodeAt(p + 2);
  if (!(next >= 65 && next <= 90) || !isLatinSurname(s.slice(wordStart, p))) return -1;
  return p + 2;
}

// An initial and a final, or a final of its own (those starting with i, u or ü take y or w).
const PINYIN_SYLLABLE = '(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v)|ang|eng|ai|ao|an|ei|en|er|ou|a|e|o)';
const PINYIN_WORD = new RegExp(`^(?:${PINYIN_SYLLABLE}){1,3}$`, 'i');

/** Whether every word of a Latin name is one to three pinyin syllables ("Li Na", "Ouyang
 *  Xiaoming"), which English words and most places are not ("Long Beach"). */
export function isPinyinName(name: string): boolean {
  const words = name.split(/[ ,-]+/);
  return words.length >= 2 && words.every((w) => w.length <= 18 && PINYIN_WORD.test(w));
}

function hasLatinSurname(s: string, start: number, end: number): boolean {
  const words = s.slice(start, end).toLowerCase().replace(/,/g, '').split(' ');
  return LATIN_SURNAMES.has(words[0]!) || LATIN_SURNAMES.has(words[words.length - 1]!);
}

function latinWordEnd(s: string, p: number): number {
  let q = p;
  while (q < s.length && q - p < 30) {
    const c = s.charCodeAt(q);
    const l = c | 32;
    if ((l >= 97 && l <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || c === 39 || c === 0x2019 || c === 45) q++;
    else break;
  }
  return q;
}

/**
 * Capitalised Latin name words after a trigger ("Dear Mr. Smith", "patient Zhang Wei").
 * `single` allows a one-word name (after "Dear" or an honorific).
 */
export function latinNameAt(s: string, from: number, single: boolean): { start: number; end: number } | undefined {
  // An airline's "SURNAME/GIVEN" after "Passenger:" or "Dear", its title left out.
  const iata = IATA_NAME_AT.exec(s.slice(from, from + 52));
  if (iata !== null) return { start: from, end: from + iata[0].length };
  let p = from;
  let honorific = false;
  let end = from;
  let words = 0;
  let start = from;
  for (let k = 0; k < 5 && p < s.length; k++) {
    const c = s.charCodeAt(p);
    if (!(c >= 65 && c <= 90)) break;
    const q = latinWordEnd(s, p);
    const word = s.slice(p, q).toLowerCase();
    if (k === 0 && HONORIFICS.has(word)) {
      honorific = true;
      p = q;
      if (s.charCodeAt(p) === 46) p++;
      while (p < s.length && s.charCodeAt(p) === 32) p++;
      start = p;
      continue;
    }
    if (NOT_LATIN_NAMES.has(word) || q - p < 2 && !(q < s.length && s.charCodeAt(q) === 46)) break;
    words++;
    end = q;
    if (words >= 3) break;
    if (words === 1) {
      const given = commaGivenNameAt(s, p, q);
      if (given >= 0) {
        p = given;
        continue;
      }
    }
    if (s.charCodeAt(q) !== 32) break;
    p = q + 1;
  }
  if (words === 0 || (words === 1 && !single && !honorific)) return undefined;
  // "Customer Chen Holdings Pte. Ltd.": the words after the name may make it a company's.
  if (isLatinOrgName(s.slice(start, Math.min(s.length, end + 24)).split(/[\n;:]/)[0]!)) return undefined;
  if (!single && !honorific && !hasLatinSurname(s, start, end)) return undefined;
  return { start, end };
}

/**
 * The same person's name in the other script right after a name found at ..end: "黄丽 (Huang
 * Li)", "LIU Yang (刘洋)", "WANG Fang / 王芳", as bilingual records and letters write it.
 * `han` says which script the found name is in.
 */
export function otherScriptNameAfter(s: string, end: number, han: boolean): { start: number; end: number } | undefined {
  let p = end;
  while (p < s.length && s.charCodeAt(p) === 32) p++;
  const open = s.charCodeAt(p);
  const close = open === 0x28 ? 0x29 : open === 0xff08 ? 0xff09 : open === 0x2f ? -1 : 0;
  if (close === 0) return undefined;
  p++;
  while (p < s.length && s.charCodeAt(p) === 32) p++;
  const start = p;
  let q = p;
  if (han) {
    while (q < s.length && q - start <= 40 && isLatinNameCode(s.charCodeAt(q))) q++;
  } else {
    while (q < s.length && q - start <= 5 && (isCjkCode(s.charCodeAt(q)) || s.charCodeAt(q) === 0xb7)) q++;
  }
  const text = s.slice(start, q).trimEnd();
  const stop = start + text.length;
  if (text.length < 2 || (close > 0 && s.charCodeAt(q) !== close)) return undefined;
  if (han ? !isLatinPersonName(text) : !isPlainHanName(text)) return undefined;
  return { start, end: stop };
}

function isLatinNameCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32 || c === 45 || c === 39 || c === 46;
}

/** Words after which a Han name follows in running text ("收件人李淑曦", "我叫王芳", "患者张三"). */
export const NAME_TRIGGERS_ZH = [
  '收件人', '收货人', '寄件人', '联系人', '患者', '病人', '姓名', '我叫', '我的名字是', '申请人',
  '投保人', '被保险人', '被保人', '受益人', '持卡人', '乘客', '旅客', '住客', '租客', '承租人', '借款人',
  '担保人', '法定代表人', '法人代表', '负责人', '经办人', '签收人', '员工', '学生', '家长', '监护人',
  '紧急联系人', '尊敬的', '亲爱的', '户主', '车主', '业主', '房东', '主治医生', '医生', '医师', '用户名叫',
  '名叫', '叫做', '新生', '考生', '求职者', '候选人', '收款人', '付款人', '开户人', '户名', '账户名', '入住人',
  '联系', '请联系', '致电', '转告', '交给', '通知', '由', '经办', '感谢', '恭喜', '委托', '授权',
  '司机', '快递员', '配送员', '骑手', '护士', '班主任', '证人',
  // Agents and witnesses in leases, property management and case files ("置业顾问汪佳蕾",
  // "维修工仇鹏", "委托诉讼代理人：姜志飞"), and whom a chat forwards to ("帮我转给满知英、…").
  '置业顾问', '专属顾问', '经纪人', '维修工', '维修员', '维修师傅', '证明人', '转给', '发给', '转交给', '市民', '居民', '来电人',
  // Who a transfer pays ("转账给朱雪洁，收款卡号…").
  '转账给', '汇款给', '付款给', '打款给',
  // A vehicle's driver ("驾驶员 张伟").
  '驾驶员', '驾驶人',
  // Who authorised a credit check, assessed a claim, admitted a pupil, reviewed a report.
  '授权人', '定损员', '查勘员', '理赔员', '招生老师',
  // Lenders' staff in collection notes and loan files ("催收员：姚诺（工号 A50024）").
  '催收员', '催收专员', '外访员', '信贷员', '信贷经理', '审批员', '核保员', '贷后专员',
  // Family named in chats and orders ("是给我妈梁宸轩买的", "我老公郝思诗也是会员").
  '我妈', '我爸', '我妈妈', '我爸爸', '我母亲', '我父亲', '我老公', '我老婆', '我爱人', '我丈夫', '我妻子',
  '我儿子', '我女儿', '我哥', '我姐', '我弟', '我妹', '我奶奶', '我爷爷', '我外婆', '我姥姥',
  // A passport's or an ID card's bilingual label, as OCR reads it ("姓名/Name 史峰宇").
  '姓名/Name', '姓名/NAME', '姓名 Name',
  // Who travels or stays with the guest ("同行人司马刚"); who wears a child's smartwatch.
  '同行人', '同住人', '随行人员', '佩戴者',
  // An accident's injured ("伤者龙磊涛送医"); an investigation's and a hotline ticket's people
  // ("调查人员：胡磊", "老板秦轩拖欠工资", "参保人于国平").
  '伤者', '受伤人', '调查人员', '调查员', '老板', '参保人',
  // Counselling and therapy records ("咨询师：贺玉", "治疗师 方梓").
  '咨询师', '心理咨询师', '治疗师', '心理治疗师', '督导师', '来访者', '受检者', '受检人',
  // Role words of invoices, tickets, bookings and case files ("收票人余诗", "乘机人 郑红浩").
  '收票人', '开票人', '乘机人', '乘车人', '购票人', '订票人', '持证人', '办理人', '下单人', '订购人', '购买人',
  '取件人', '提货人', '送货人', '就诊人', '预约人', '报案人', '投诉人', '举报人', '来访人', '访客', '代理人',
  '委托人', '被委托人', '填表人', '登记人', '当事人', '被申请人', '被告人', '原告', '被告', '法人', '名字',
  '改名为',
  // Duty rosters, approvals and sales follow-ups ("值班人：刘嘉", "审核人 张伟").
  '值班人', '值班员', '审核人', '审批人', '复核人', '制单人', '收银员', '业务员', '对接人', '推荐人', '介绍人',
  '联络人', '接待人', '跟进人', '责任人', '维修人', '报修人', '销售顾问', '客户经理', '坐席',
  // Inspections, community work and case handling ("巡检员欧阳瀚已上报", "网格员李娜走访").
  '巡检员', '检查员', '质检员', '安全员', '网格员', '调解员', '书记员', '审判员', '民警', '辅警', '社工', '志愿者',
  // A judgment's bench ("审判长　岳远", "人民陪审员　殷晨嘉") and a family's children ("婚后生育一子倪飞").
  '审判长', '人民陪审员', '陪审员', '代理审判员', '法官助理', '生育一子', '生育一女', '育有一子', '育有一女',
  // The third parties of CRM notes ("推荐其同事魏伟军投保").
  '其同事', '其朋友', '其家属', '其妻', '其夫',
  // An English name beside the Han one ("侯诗英（英文名 Sophia Hou）"), and the Han one after a
  // request ("请帮侯诗英订机票"), a real name beside a nickname, a new colleague in minutes.
  '英文名', '英文名字', '请帮', '麻烦帮', '真名', '真实姓名', '本名', '同事', '新同事', '新员工',
  // Schools' notices to parents and timetables ("您的孩子吴丽雨（学号…）已报名", "授课老师 武梅").
  '您的孩子', '你的孩子', '贵子女', '任课老师', '授课老师', '主讲老师', '辅导老师', '带教老师', '班主任老师',
];
/** Headings a list of names follows ("参会人员：钟凤、秦嘉、熊思"). */
export const NAME_LIST_LABELS = ['参会', '参会人员', '参会人', '与会人员', '与会者', '出席人员', '出席人', '出席', '参与人员', '参与人', '列席', '抄送', '名单',
  '值班', '今日值班', '值班人员', '值班表',
  // Minutes and invitations in English list Han names too ("Attendees: 魏红, 彭梓浩").
  'attendees', 'participants', 'invitees'];

/** Triggers that are verbs, not roles: after a colon they introduce a message ("通知：车辆…",
 *  "感谢：…"), where a role word introduces its holder ("原告：丁嘉睿"). */
export const NAME_TRIGGER_VERBS: ReadonlySet<string> = new Set([
  '联系', '请联系', '致电', '转告', '交给', '通知', '由', '经办', '感谢', '恭喜', '委托', '授权', '转给', '发给', '转交给',
  '转账给', '汇款给', '付款给', '打款给',
  '我叫', '名叫', '叫做', '用户名叫', '我的名字是', '改名为', '我是',
]);

/** Triggers that introduce a name by construction ("我叫", "我是"): the surnames that are also
 *  function words (于, 向) count after them (hanNameAt `introduced`). */
export const NAME_INTRODUCERS: ReadonlySet<string> = new Set(['我是', '我叫', '名叫', '叫做', '我的名字是', '名字', '改名为']);

/** Triggers after which a name must stand alone (end of the Han run), being common words. */
export const NAME_TRIGGERS_ZH_STRICT = [
  '我是', '本人', '客户', '用户', '会员',
  // A vehicle licence's owner ("所有人 张超" on its scan), not everyone ("@所有人 请注意").
  '所有人',
  // A chat log's speaker by role, the name all that is in the brackets ("13:09:20 客户(谢东): …";
  // "用户(夏天的风)" is a nickname; keyword-pass.ts nameAfter).
  '客户(', '客户（', '用户(', '用户（', '买家(', '买家（', '顾客(', '顾客（',
  // …and a consultation's doctor ("医生（方慧）：结合症状…").
  '医生(', '医生（', '医师(', '医师（', '大夫(', '大夫（', '护士(', '护士（', '患者(', '患者（',
  // Titles and counterparts that head sentences as often ("主管高度重视", "对方账户"): "对方巩艳"
  // and "区域经理何国华" only when the name ends there.
  '顾问', '对方', '学员', '主管', '玩家', '经理', '店长', '主任', '组长', '专员',
  // Kin named in chats ("收件人写的是我妈妈董明敏，").
  '我妈妈', '我妈', '我爸爸', '我爸', '我老公', '我老婆', '我爱人', '我丈夫', '我妻子', '我儿子', '我女儿', '我朋友', '我同事',
  // …and in case notes ("其配偶何飞宁陪同", "患儿母亲王芳代诉").
  '配偶', '其配偶', '妻子', '丈夫', '女儿', '儿子', '母亲', '父亲',
  // A ticket's follow-up ("请跟进 公孙若 的退款申请").
  '跟进',
  // A class reminder's teacher and a driving school's coach ("明天11:00有课，老师：武梅"); "老师说"
  // and "教练车" name no one.
  '老师', '教练',
  // The greeting of a text message right after its 【signature】 ("【好运快递】王峰刚，您的包裹…").
  '】',
];

/** Words a Han name stands right before ("张伟先生", "李娜女士您好"). */
export const NAME_SUFFIXES_ZH = ['先生', '女士', '小姐', '同学', '老师', '医生', '护士', '师傅', '您好', '你好', '阿姨', '叔叔', '敬上', '谨上', '拜上',
  // A pupil's parent addressed through the pupil ("请叶一诺家长留个电话").
  '家长', '的家长',
  // Who follows a ticket up ("请 熊斌 跟进").
  '跟进',
  // Whose account money went to ("转出至雷婷名下账户").
  '名下',
  // Whose records these are ("端木彤的入职信息如下：身份证号…").
  '的身份证', '的手机号', '的手机', '的电话', '的银行卡', '的工资卡', '的入职信息', '的个人信息', '的联系方式', '的住址', '的家庭住址', '的档案', '的病历', '的护照',
  // A letter's greeting by title ("贺若平经理好："): the title alone would take "项目经理".
  '经理好', '老师好', '主任好', '总监好', '律师', '法官',
  // Who paid or received for someone else ("司徒欣洋代付" in a payment's memo).
  '代付', '代收', '代签', '代缴',
  // A chat export's system lines ("马勇磊共享了实时位置", "王伟撤回了一条消息") and a parcel's pickup
  // notice ("请许静凭取件码…").
  '共享了实时位置', '分享了实时位置', '分享了位置', '已离开电子围栏', '进入了电子围栏', '发起了位置共享', '撤回了一条消息', '加入了群聊', '拍了拍', '修改群名为', '发起了语音通话', '发起了视频通话',
  '领取了你的红包', '凭取件码',
  // Who sent an e-signature request or an invitation ("杨斌向您发起《劳动合同》签署").
  '向您发起', '邀请您', '向您发送',
  // Who took a collection or service call ("接通，林刚本人接听").
  '本人接听', '本人接的', '本人已接听',
  // A patient's or a candidate's sex and age in brackets after the name ("17床 杜洁（女，67岁）").
  // Full-width brackets only: a keyword that opens with an ASCII char other than a letter would
  // cost the walk its word-start reading of ASCII text (keywords.ts byWordStart).
  '（男，', '（女，', '（男,', '（女,', '（男）', '（女）', '，男，', '，女，'];

/** What follows the name a notice opens with, addressed by the role it is sent in: "【国航】廖航旅客，
 *  您预订的…", "赵淑珍患者您好", "卢海燕患者：随访提示", "李想小朋友的家长…". */
export const NAME_ADDRESSED_SUFFIXES_ZH = ['旅客', '乘客', '患者', '病人', '家属', '小朋友', '同学您好', '用户您好', '客户您好', '会员您好', '业主您好', '车主您好',
  // A property manager's and a garage's notices ("【悦居物业】顾翊蓉业主，您好").
  '业主', '车主'];

/** What an approval's title says its applicant did ("蒋宇提交的请假", "马倩发起的出差申请", as
 *  DingTalk and Feishu title them): the name opens the title. */
export const NAME_APPLICANT_SUFFIXES_ZH = ['提交的', '发起的', '申请的'];

/** What follows the name and its comma in a message that opens with them ("郑桐磊，您的外卖已送达"). */
export const NAME_GREETINGS_ZH = ['您的', '您已', '您在', '您有', '您于', '您预约', '您购买', '您申请', '您提交', '您办理', '你的',
  '您预订', '您订购', '您报名', '您报考', '您参加'];

/** Words of orders and forms whose last char is a surname's (单, 项): a name does not start there. */
const WORDS_ENDING_IN_SURNAME = new Set(['下单', '订单', '账单', '保单', '工单', '运单', '菜单', '清单', '名单', '买单', '接单', '派单', '表单', '面单', '提单', '抢单', '报单', '事项', '选项', '款项']);

/** A Han name (surname and one or two more characters) ending right before `end`; the longer
 *  reading wins, since most names have three characters. */
export function hanNameBefore(s: string, end: number): { start: number; end: number } | undefined {
  for (let len = 4; len >= 2; len--) {
    const start = end - len;
    if (start < 0) continue;
    let ok = true;
    for (let i = start; i < end && ok; i++) ok = isCjkCode(s.charCodeAt(i)) && !(i > start && NAME_FOLLOWERS.has(s.charCodeAt(i)));
    if (!ok) continue;
    const sur = isHanSurnameAt(s, start);
    if (sur === 0 || len - sur < 1 || len - sur > 2) continue;
    // "下单成功 电话 138…": the surname's char ends a word with the char before it; "乙方本人名下":
    // what follows the surname is no given name.
    if (start > 0 && WORDS_ENDING_IN_SURNAME.has(s.slice(start - 1, start + 1))) continue;
    if (NOT_PERSONS.has(s.slice(start + sur, end))) continue;
    if (NOT_NAMES.has(s.slice(start, start + 2)) || namesAnOrganisation(s, start + 1, end) || hidesGivenName(s, start + sur, end)) continue;
    // "由王经理跟进", "张总您好": a surname and a title.
    if (len - sur === 1 ? TITLE_CHARS.has(s.charCodeAt(end - 1)) : TITLE_WORDS.has(s.slice(start + sur, end))) continue;
    return { start, end };
  }
  return undefined;
}

/** A name of parts joined by '·' ending right before `end` ("新线索：帕提古丽·热合曼，手机…"). Its
 *  first part is cut to four characters when words run into it, as most such parts are. */
function dottedNameBefore(s: string, end: number): { start: number; end: number } | undefined {
  let start = end;
  let firstDot = -1;
  while (start > 0 && end - start < 20) {
    const c = s.charCodeAt(start - 1);
    if (isNameDot(c)) firstDot = start - 1;
    else if (!isCjkCode(c)) break;
    start--;
  }
  if (firstDot < 0) return undefined;
  if (firstDot - start > 4) start = firstDot - 4;
  const text = s.slice(start, end);
  return isDottedCjkName(text) && !text.startsWith('中国') && !DOTTED_PLACE.test(text) ? { start, end } : undefined;
}

/** A name of parts joined by '·' ("迪丽热巴·迪力木拉提") that opens its text and ends right
 *  before `end`, after an address word if any ("尊敬的阿卜杜·库尔班"). */
export function dottedNameOpening(s: string, end: number): { start: number; end: number } | undefined {
  let start = end;
  let dots = 0;
  while (start > 0 && end - start < 24) {
    const c = s.charCodeAt(start - 1);
    if (isNameDot(c)) dots++;
    else if (!isCjkCode(c)) break;
    start--;
  }
  if (dots === 0) return undefined;
  for (const word of SALUTATION_WORDS) {
    if (s.startsWith(word, start)) {
      start += word.length;
      break;
    }
  }
  return isDottedCjkName(s.slice(start, end)) ? { start, end } : undefined;
}
const SALUTATION_WORDS = ['尊敬的', '亲爱的', '致'];

/** Field names that may hold a login or a display name: a value that is plainly a Han name
 *  (surname + given name) under them is still a name. */
export const WEAK_NAME_KEYS = new Set([
  // "subject": a study's or a test's participant (subject=宋琳伟 in a FASTA header).
  'username', 'uname', 'nickname', 'displayname', 'user', 'owner', 'author', 'creator', 'operator', 'subject', 'actor',
  'handler', 'contact', 'holder', 'sender', 'receiver', 'signer', 'approver', 'assignee', 'reporter',
  'preferredname', 'requester', 'requestor', 'requestedby', 'approvedby', 'createdby', 'updatedby', 'modifiedby',
  'submittedby', 'assignedto', 'reportedby', 'payee', 'payer', 'attn', 'caller', 'agent', 'salesrep', 'accountmanager',
  '用户名', '昵称', '操作人', '创建人', '经手人', '审批人', '负责人姓名', '提交人', '填报人', '登记人',
  // "名称" names a company as often as a person: only a value that reads as a Han name counts.
  '客户名称', '用户名称', '会员名称', '联系人名称', '账户名称', '账户名',
  // ISO 20022 payment messages (SWIFT MX, CIPS): <Dbtr><Nm>…</Nm></Dbtr>.
  'nm',
  // Roles that hold a person's name or a thing's ("driver": "postgres", "shipper": "SF Express").
  'driver', 'shipper', 'courier', 'rider', 'attendingphysician', 'attendingdoctor', 'prescriber',
  // A visitor log's person visited ("host": "王娟颖"), a server as often.
  'host',
  // DingTalk's robot callback names its sender ("senderNick": "夏海桐").
  'sendernick',
  // SMS gateways' positional template parameters (Tencent Cloud's TemplateParamSet: ["廖丽", "342404"]).
  'templateparamset', 'templateparams', 'templateparam',
]);

/** A login, a display name or an unknown "…Name" field (normalised): a plain Han name under it
 *  is a person's. */
export function isNameishKey(norm: string): boolean {
  return WEAK_NAME_KEYS.has(norm) || SENDER_KEYS.has(norm) || isGenericNameKey(norm);
}

/** Who sent a chat message ({"from": "朱诗鹏", "to": "group_7691", "content": …}). Two
 *  characters there are as often a city ({"from": "兰州", "to": "西宁"}): only a longer name
 *  counts (nameishKeyTakes). */
const SENDER_KEYS = new Set(['from', 'fromuser', 'speaker', 'talker']);

export function isSenderKey(norm: string): boolean {
  return SENDER_KEYS.has(norm);
}

/** Whether a nameish key takes this value as a name, besides its reading as one. */
export function nameishKeyTakes(norm: string, value: string): boolean {
  if (!SENDER_KEYS.has(norm)) return true;
  const s = value.trim();
  return s.length >= 3 && !startsWithCommonWord(s, 0);
}

// "…Name" keys that name things, not people: a short Han value under them ("黄山", "金牛区")
// is a place, shop or product.
const THING_NAME_KEYS = /(?:city|district|county|province|region|area|street|road|dept|department|shop|store|product|goods|item|sku|company|corp|org|organization|bank|branch|brand|hotel|school|category|file|host|project|app|device|model|channel|team|group|tag|role|course|class|merchant|vendor|supplier|station|airport|airline|venue|building|room|event|activity|plan|package|service|business|module|table|field|column|key|type|domain|bucket|queue|topic|job|task|image|font|icon|theme|prod|dept|org|spec|warehouse|scenic|spot|scene|line|chain|hero|skin|sign|template|color|colour|size|style|flavor|flavour|series|level|grade|route|site|park|mall|game|map|server|zone|cluster|node|env|stage|step|menu|dish|album|song|movie|program|campaign|coupon|promotion|gift|prize|award|badge|title|unit|material|part|component|label|status|screen|page|view|fragment|widget|element|button|window|dialog|popup|banner|section)name$/;

const THING_NAME_KEYS_ZH = /(?:品|地|店|书|域|文件|别|课程|公司|单位|机构|菜|商品|产品|城市|省|市|区|县|项目|专业|学校|医院|银行|部门|岗位|职位|科室|法|机器)(?:名|人)$/;

/** Things that are never a person, unlike "items" (payroll lines) or "members": a Han name
 *  under them ({"scenic": {"name": "黄山"}}, {"brand": {"name": "李宁"}}) is the thing's. */
const NEVER_PERSON_PARENTS = /^(?:colou?rs?|specs?|sizes?|styles?|spots?|scenic|scenes?|heroe?s?|skins?|brands?|city|cities|districts?|county|counties|provinces?|regions?|areas?|streets?|roads?|company|companies|corps?|orgs?|banks?|branch(?:es)?|hotels?|schools?|categor(?:y|ies)|stations?|airports?|airlines?|buildings?|rooms?|shops?|stores?|warehouses?|lines?|chains?|series|models?|devices?|apps?|channels?|maps?|games?|movies?|songs?|albums?|products?|goods|skus?|tags?|themes?|fonts?|icons?|files?|merchants?|vendors?|suppliers?|商品|品牌|城市|景点|颜色|规格|门店|店铺|公司)$/;

/** What a list's key names without its container word ("productList" → "product"), or undefined. */
function listedThing(parent: string): string | undefined {
  const tail = LIST_TAILS.find((t) => parent.length > t.length + 1 && parent.endsWith(t));
  return tail === undefined ? undefined : parent.slice(0, -tail.length);
}
const LIST_TAILS = ['list', 'array', 'arr', '列表'];

export function isNeverPersonParent(parent: string): boolean {
  const listed = listedThing(parent);
  return NEVER_PERSON_PARENTS.test(parent) || BUSINESS_ENDINGS_ZH.test(parent) || (listed !== undefined && NEVER_PERSON_PARENTS.test(listed));
}

/** Businesses, whose address is their own, not a person's ({"hotel": {"address": …}},
 *  {"取车门店": {"地址": …}}); a scene's or a city's address may still be where someone is. */
export function isBusinessParent(parent: string): boolean {
  const listed = listedThing(parent) ?? parent;
  return BUSINESS_PARENTS.test(listed) || BUSINESS_ENDINGS_ZH.test(listed);
}
const BUSINESS_PARENTS = /^(?:company|companies|corps?|orgs?|organi[sz]ations?|banks?|branch(?:es)?|hotels?|shops?|stores?|merchants?|vendors?|suppliers?|warehouses?|outlets?|dealers?|dealerships?|carriers?|restaurants?|clinics?|hospitals?|pharmac(?:y|ies)|商户|商家|门店|店铺|公司|酒店|医院)$/;
/** Businesses by their Chinese ending ("取车门店", "入住酒店", "开户网点"). */
const BUSINESS_ENDINGS_ZH = /(?:门店|酒店|宾馆|公司|商户|商家|网点|营业厅|分行|支行)$/;

/** Whether an object whose normalised key is `parent` names a thing, so that a bare "name"
 *  member in it is the thing's ({"product": {"name": "Desk Lamp"}}, {"items": [{"name": …}]},
 *  {"商品": {"name": …}}) and not a person's. */
export function isThingParent(parent: string): boolean {
  if (parent.length < 2) return false;
  if (THING_NAME_KEYS.test(`${parent}name`) || THING_NAME_KEYS_ZH.test(`${parent}名`)) return true;
  // Lists by their container's name: "productList", "goodsArray", "商品列表".
  const listed = listedThing(parent);
  if (listed !== undefined) return isThingParent(listed);
  // Arrays of them: "items", "products", "categories".
  if (parent.endsWith('ies')) return THING_NAME_KEYS.test(`${parent.slice(0, -3)}yname`);
  return parent.endsWith('s') && THING_NAME_KEYS.test(`${parent.slice(0, -1)}name`);
}

/** Whether an otherwise unknown "…Name" key can hold a person's name ("operatorName",
 *  "kehu_name"): keys that name things are excluded. */
export function isGenericNameKey(norm: string): boolean {
  if (norm.length > 4 && norm.endsWith('name')) return !THING_NAME_KEYS.test(norm);
  // A list of them ({"names": ["方志强", …]}, "passengerNames"); "filenames" is files'.
  if (norm.length > 4 && norm.endsWith('names')) return norm === 'names' || isGenericNameKey(norm.slice(0, -1));
  // Chinese role keys end in 人 / 者 / 名 ("填表人", "投诉人", "申请者", "用户名"); pinyin
  // abbreviations of 姓名 end in "xm" ("khxm" 客户姓名, "hzxm" 患者姓名).
  const last = norm.charCodeAt(norm.length - 1);
  if (norm.length >= 2 && (last === 0x4eba || last === 0x8005 || last === 0x540d)) return !THING_NAME_KEYS_ZH.test(norm);
  // "jhr1xm": the first guardian's (监护人1) name on a school form.
  if (norm.length >= 3 && norm.length <= 14 && norm.endsWith('xm') && /^[a-z][a-z0-9]*$/.test(norm)) return true;
  // Waybills' "j_contact" / "d_contact" (寄件 / 到件 contact): a short prefix before "contact".
  if (norm.length > 7 && norm.length <= 10 && norm.endsWith('contact')) return true;
  // "khmc": 客户名称 in pinyin initials, which holds a person's name as often as a company's.
  if (norm.length >= 4 && norm.length <= 14 && norm.endsWith('khmc') && /^[a-z]+$/.test(norm)) return true;
  // "applicant_nm", "cust_nm": the common abbreviation of "name".
  return norm.length > 4 && norm.endsWith('nm') && !THING_NAME_KEYS.test(`${norm.slice(0, -2)}name`);
}

/** Last chars of districts, towns and premises that no given name ends in: "龙华区" or "石岩镇" as
 *  a place's name. */
const PLACE_ENDINGS = new Set([...'区市省县镇乡街巷店厂局厅馆港岛'].map((c) => c.charCodeAt(0)));

/** Common surnames left out of SURNAMES for being function words in running text ("患者于昨日
 *  入院", "向您致歉"): a whole value of two or three ideographs under a name field is a name. */
const VALUE_SURNAMES = new Set([...'于向文那区操幸战母盖晋容练帅应宣贝廉明满水花种过计时'].map((c) => c.charCodeAt(0)));
/** 和 joins names in text ("转给张伟和李娜"): a surname only as a whole value's first char. */
const WHOLE_VALUE_SURNAMES = new Set([...VALUE_SURNAMES, 0x548c]);
/** Words those surnames start that a name field may hold for no one ("向日葵" as a product). */
const NOT_VALUE_NAMES = new Set([
  '于是', '于此', '于今', '于昨', '于本', '于当', '于次', '于该', '于每', '于近', '于上', '于下', '于前', '于后',
  '计划', '计算', '计费', '计时', '计量', '计数', '计价', '计分', '计件', '计息', '计入', '计提', '计算机',
  '向日', '向导', '向量', '向上', '向下', '向前', '向后', '向往', '向阳', '向银', '向您', '向你', '向我', '向他', '向她', '向贵',
  '文件', '文本', '文章', '文档', '文字', '文化', '文具', '文案', '文明', '文学', '文艺', '文创', '文旅', '文博', '文体',
  '那里', '那个', '那些', '那边', '那天', '那时', '那么', '那样', '区域', '区号', '区县', '区间', '区块', '区别', '区分',
  '操作', '操场', '操控', '幸福', '幸运', '战略', '战斗', '战队', '战区', '战役', '战术', '母婴', '母亲', '母公', '母线',
  '母校', '盖章', '盖子', '晋升', '晋级', '容器', '容量', '容易', '容积', '练习', '帅哥', '帅气',
  '时间', '时候', '时长', '时段', '时效', '时尚', '时代', '时刻', '时期', '时区', '时速', '时差', '时光', '时空', '时装', '时事', '时政', '时令', '时髦',
  '应该', '应用', '应急', '应收', '应付', '应答', '应当', '应聘', '应届', '应缴', '宣传', '宣布', '宣言', '宣讲',
  '贝壳', '贝类', '贝斯', '廉价', '廉洁', '廉政', '明天', '明细', '明星', '明年', '明日', '明确', '明显', '明白',
  '明信', '明文', '明码', '明暗', '明亮', '满意', '满足', '满分', '满减', '满额', '满员', '满载', '满月', '满天', '满屏', '满级',
  '满仓', '满格', '满血', '满星', '满座', '满勤', '满期', '满包', '满洲', '满族', '满赠', '满送', '满返',
  '水果', '水电', '水费', '水平', '水印', '水泥', '水产', '水务', '水表', '水利', '水质', '水杯', '水壶', '水晶', '水管',
  '水滴', '水箱', '水库', '水位', '水量', '水流', '水面', '水墨', '水彩', '水性', '水乳', '水饺', '水煮', '水蜜',
  '花费', '花园', '花卉', '花店', '花束', '花生', '花茶', '花呗', '花椒', '花朵', '花样', '花纹', '花色', '花期', '花瓶',
  '花草', '花絮', '花销', '花钱', '花洒', '花甲', '花艺', '花篮', '花坛', '花灯',
  '种类', '种子', '种植', '种草', '种苗', '种族', '种群', '种养', '种地', '种田', '种树', '种菜', '种别',
  '和平', '和谐', '和解', '和睦', '和好', '和气', '和风', '和田', '和牛', '和服', '和式', '和声', '和弦', '和约', '和局',
  '和棋', '和煦', '和美', '和悦', '和顺', '和合', '和蔼', '和其', '和我', '和你', '和他', '和她', '和您', '和客', '和用',
  '过期', '过去', '过程', '过滤', '过户', '过敏', '过年', '过节', '过来', '过了', '过关', '过渡', '过往', '过夜', '过境', '过审',
  '过量', '过多', '过少', '过高', '过低', '过载', '过热', '过时', '过长', '过短', '过快', '过慢', '过于', '过后', '过道', '过桥',
]);

/** Whether the whole value is a Han name with a common surname ("张伟", "欧阳娜娜", "于芳"). */
export function isPlainHanName(value: string): boolean {
  const s = foldEvasions(value).trim();
  if (s.length > 4 && s.length <= MAX_SURNAMELESS && isSurnamelessName(s)) return true;
  // "班主任", "王府井店": a title or an office where a person is expected.
  if (NOT_PERSONS.has(s) || ORG_VALUE_ENDINGS.test(s)) return false;
  if (s.length < 2 || s.length > 4 || (s.length === 3 && PLACE_ENDINGS.has(s.charCodeAt(2)))) return false;
  const sur = isHanSurnameAt(s, 0);
  // "张总", "陈工", "李老师" under a contact or an approver key: a title, not a name; "陆某" hides one.
  if (sur > 0 && (s.length === sur + 1 ? VALUE_TITLE_CHARS.has(s.charCodeAt(sur)) : s.length === sur + 2 && TITLE_WORDS.has(s.slice(sur)))) return false;
  if (s.charCodeAt(s.length - 1) === 0x67d0) return false;
  const span = hanNameAt(s, 0);
  if (span !== undefined && span.end === s.length) return true;
  // A whole value is the name itself: the words that follow names in text ("喻刚刚", 刚刚 after a
  // name in "张伟刚刚到") do not cut it.
  if (sur > 0 && s.length - sur >= 1 && s.length - sur <= 2 && !(s.length === 2 && NOT_NAMES.has(s))) {
    let given = true;
    for (let i = sur; i < s.length && given; i++) given = isCjkCode(s.charCodeAt(i)) && !NAME_FOLLOWERS.has(s.charCodeAt(i));
    // "东方云" keeps its compound surname: only a one-char surname opening a word ("黄山城") is cut.
    if (given && !(sur === 1 && s.length === 3 && NOT_NAMES.has(s.slice(0, 2)) && WORD_ENDINGS.has(s.charCodeAt(2)))) return true;
  }
  if (isSurnamelessName(s)) return true;
  if (s.length > 3 || !WHOLE_VALUE_SURNAMES.has(s.charCodeAt(0)) || NOT_VALUE_NAMES.has(s.slice(0, 2))) return false;
  for (let i = 1; i < s.length; i++) if (!isCjkCode(s.charCodeAt(i)) || NAME_FOLLOWERS.has(s.charCodeAt(i))) return false;
  return true;
}

/** The end of a Tibetan or Mongolian name at s[from] that no more ideographs continue
 *  ("转给央金拉姆和…" stops at a follower; "乌兰察布" goes on), or 0. */
function surnamelessNameEnd(s: string, from: number): number {
  // Asked at every trigger and name candidate: most start with no such name's first char.
  if (!SURNAMELESS_FIRST.has(s.charCodeAt(from))) return 0;
  for (let len = MAX_SURNAMELESS; len >= 2; len--) {
    const end = from + len;
    if (end > s.length || !isSurnamelessName(s.slice(from, end))) continue;
    const next = s.charCodeAt(end);
    return end >= s.length || !isCjkCode(next) || NAME_FOLLOWERS.has(next) ? end : 0;
  }
  return 0;
}

/** Tibetan and Mongolian names, which have no surname: two Tibetan given-name words ("扎西多吉"),
 *  one standing alone ("巴桑"), a Mongolian name ("巴特尔", "其其格") or two of its parts
 *  ("乌云塔娜", "斯琴高娃"). */
function isSurnamelessName(s: string): boolean {
  if (MONGOLIAN_NAMES.has(s) || (s.length === 2 && TIBETAN_NAME_PARTS.has(s))) return true;
  if (s.length === 4 && YI_CLANS.has(s.slice(0, 2)) && isCjkCode(s.charCodeAt(2)) && isCjkCode(s.charCodeAt(3))) return true;
  if (s.length === 4 && TIBETAN_NAME_PARTS.has(s.slice(0, 2)) && TIBETAN_NAME_PARTS.has(s.slice(2))) return true;
  // "额尔敦巴雅尔": two Mongolian names of two to four characters each.
  for (let k = 2; k <= s.length - 2 && s.length <= MAX_SURNAMELESS; k++) {
    if (MONGOLIAN_NAMES.has(s.slice(0, k)) && MONGOLIAN_NAMES.has(s.slice(k))) return true;
  }
  return false;
}
const MAX_SURNAMELESS = 8;

const MONGOLIAN_NAMES = new Set([
  '巴特尔', '其其格', '乌云', '塔娜', '斯琴', '高娃', '额尔敦', '宝力德', '孟和', '巴雅尔', '朝鲁', '苏和', '图雅', '萨仁', '娜仁',
  '阿拉坦', '乌兰', '哈斯', '格日勒', '特木尔', '那顺', '巴图', '敖登', '呼和', '满都拉', '额尔德尼', '乌日娜', '其木格', '阿古拉',
  '毕力格', '布和', '德力格尔', '斯日古楞', '乌力吉', '宝音', '吉雅', '萨其拉', '阿如娜', '娜布其', '那日苏', '图门', '孟根',
  '赛音', '朝格图', '巴音', '苏德', '乌日根', '包勒尔', '阿木尔', '白音', '达赖', '格根', '哈达', '查干', '额日和木',
  '托娅', '托雅', '萨日娜', '苏日娜', '乌日汗', '阿荣', '巴根', '额尔登', '乌恩', '朝克', '格日勒图', '塔拉', '阿拉腾', '布仁',
  '阿木古楞', '特木热', '乌兰图雅', '图门吉日嘎拉', '吉日嘎拉', '巴特', '满达', '宝音图', '敖其尔', '呼斯楞',
]);

/** Yi family names (沙马, 吉克, 阿苏 …), which open a Yi name of four characters ("吉克曲布",
 *  "阿苏木呷"); a whole value only, as "阿苏" or "马海" open words too. */
const YI_CLANS = new Set([
  '吉克', '阿苏', '沙马', '曲比', '俄木', '吉伍', '海来', '瓦其', '阿牛', '倮伍', '勒格', '吉吉', '阿约', '俄的', '尔古',
  '日火', '木乃', '阿什', '苏呷', '瓦扎', '补约', '阿且',
]);

/** Tibetan names have no surname: two of these given-name words make one ("扎西多吉", "次仁卓玛"),
 *  written without the '·' that joins Uyghur names' parts. */
const TIBETAN_NAME_PARTS = new Set([
  '扎西', '达瓦', '次仁', '多吉', '多杰', '卓玛', '卓嘎', '格桑', '央金', '央宗', '央拉', '拉姆', '拉巴', '旦增', '丹增',
  '尼玛', '平措', '德吉', '德庆', '白玛', '边巴', '洛桑', '罗桑', '索朗', '索南', '普布', '群培', '曲珍', '措姆', '贡布',
  '贡嘎', '强巴', '顿珠', '罗布', '巴桑', '嘎玛', '桑珠', '次旦', '仁增', '益西', '晋美', '才让', '才旦', '米玛', '琼达',
  '斯朗', '旺堆', '旺姆', '嘉措', '加措', '欧珠', '土登', '玉珍', '白珍', '次珍', '仓决', '尼珍', '扎巴', '巴珠',
  '梅朵', '拉珍', '央措', '旺杰', '江村', '泽仁', '泽旺', '仁青', '格列', '多布', '达娃', '卓嘎', '次央', '桑吉',
]);
/** First characters of the names surnamelessNameEnd reads. */
const SURNAMELESS_FIRST: ReadonlySet<number> = new Set([...TIBETAN_NAME_PARTS, ...MONGOLIAN_NAMES].map((w) => w.charCodeAt(0)));

/** Latin triggers; `single` means a one-word name is enough after them, `hanOnly` that only a
 *  Han name is read after them, `pinyinOnly` that a Latin name must be written in pinyin
 *  (isPinyinName). */
export const NAME_TRIGGERS_EN: ReadonlyArray<readonly [string, boolean, boolean?, boolean?]> = [
  ['dear', true], ['patient', false], ['my name is', true], ['name is', true], ['recipient', false],
  ['attn', true], ['attention', false], ['passenger', false], ['applicant', false], ['insured', false],
  ['cardholder', false], ['contact person', false], ['signed by', false], ['mr', true], ['mrs', true],
  ['ms', true], ['dr', true], ['customer', false], ['consignee', false], ['guest', false], ['employee', false],
  // Where a Han name follows in English notes ("deliver to 龙强,", "report for 徐鑫:"); Latin words
  // after them are as often a place ("ship to Lee Garden"). Not the past tenses ("delivered to
  // the pickup point"), which log lines are full of: every value holding a trigger is read whole.
  ['deliver to', false, true], ['ship to', false, true], ['issued to', false, true], ['report for', false, true],
  ['booked by', false, true], ['called', false, true], ['spoke with', false, true], ['spoke to', false, true],
  ['contacted', false, true], ['met with', false, true],
  ['traveler', false], ['traveller', false],
  // Schools', clinics' and agencies' notes ("parent Mingxiao Song informed", "Client: Kexuan
  // Huang", "referee Yingtao Song", "handled by 侯宁", "Discharge summary for 毛玉兰").
  ['parent', false], ['student', false], ['client', false], ['referee', false], ['contact is', false],
  ['handled by', false], ['summary for', false, true], ['note for', false, true],
  // Travel requests and onboarding notes ("book the trip for Xie Shiyu", "New hire: Zhou Qiang").
  ['trip for', false], ['visa for', false], ['new hire', false], ['new joiner', false],
  // An English clinical note's patient ("Visit note — pt 唐海; dx …").
  ['pt', false, true],
  // A log line's holder of a card or an account ("callback error holder \"高婷芳\", cardNo: …").
  ['holder', false],
  // Tickets, CRM notes and approvals: a Latin name after them needs a surname (latinNameAt).
  ['caller', false], ['contact', false], ['driver', false], ['requester', false], ['reporter', false],
  ['legal representative', false, true], ['legal rep', false, true], ['account holder', false, true], ['spouse', false, true], ['guardian', false, true],
  ['booking for', false, true], ['pickup for', false, true], ['wire to', false, true], ['transfer to', false, true], ['paid to', false, true], ['payment to', false, true], ['remit to', false, true],
  ['requested by', false], ['reported by', false], ['assigned to', false], ['approved by', false],
  // A travel agent's request ("update the traveller profile for LU Peng (卢鹏)").
  ['profile for', false],
  // Insurance and ride-hailing tickets ("Refund for policy holder 白可馨", "Rider Li Langlin").
  ['policy holder', false], ['policyholder', false], ['rider', false],
  // Log lines naming whom a message or an action was for ("push failed for receiver 武文国",
  // "user 廖磊斌 bound card"): a Han name only, "user admin" is an account.
  ['receiver', false, true], ['user', false, true],
  // Calls and voicemail transcripts: "Hi, this is Li Na from sales". Places follow it as often
  // ("this is Long Beach"), hence pinyin only.
  ['this is', false, false, true],
];

/** A letter's closing and a chat's greeting, with the comma and the line break a name comes
 *  after ("Regards,\n谢强", "此致\n敬礼\n李明", "Hi 王芳,"); `hanOnly` as for NAME_TRIGGERS_EN
 *  ("Hi there"). */
export const NAME_SIGN_OFFS: ReadonlyArray<readonly [string, boolean]> = [
  ['regards', false], ['sincerely', false], ['敬礼', true], ['hi', true], ['hello', true], ['您好', true], ['你好', true],
  // A letter signed right under its 此致 ("此致\n徐娟\n销售部").
  ['此致', true],
  // Mails and memos signed after a thanks or a dash ("Thanks,\n钱静玉\nCredit Ops", "——王斌建"):
  // a Han name only, as "Thanks for" and "Best of" read on.
  ['thanks', true], ['thank you', true], ['best', true], ['cheers', true], ['——', true],
];

/** What may stand between a name and the number written after it: spaces, commas, slashes,
 *  brackets, colons ("郑红浩，139…", "董燕淑 (0086-…)", "郑磊（身份证号…"), and the '#' of a
 *  carrier's SMS command ("SQXZW#顾俊杰#110105…", a number-porting query). */
const NUMBER_GAP = new Set([...' \t\u3000,，、/|(（)）[]【】:：#'].map((c) => c.charCodeAt(0)));
const MAX_NUMBER_GAP = 3;
/** The labels of a phone or ID number that may stand between the name and the number. */
const NUMBER_LABELS = [
  '身份证号码', '身份证号', '身份证', '证件号码', '证件号', '手机号码是', '手机号码', '手机号是', '手机号', '手机是', '手机',
  '联系方式', '联系号码',
  '电话号码是', '电话号码', '电话是', '电话', '联系电话', '号码是', '号码', 'tel', 'Tel', 'TEL', 'phone', 'Phone', 'mobile', 'Mobile', 'ID', 'id',
];

/** The labels of a card number; only for a card ("支付宝账号 138…" names nobody). */
const CARD_LABELS = ['银行卡号', '银行卡', '收款卡号', '卡号', '收款账号', '账号'];

const COUNTRY_CODE_BEFORE = /(?:[(（]\+?86[)）]|\+86|0086)$/;

function skipGapBack(s: string, p: number): number {
  let q = p;
  while (q > 0 && p - q < MAX_NUMBER_GAP && NUMBER_GAP.has(s.charCodeAt(q - 1))) q--;
  return q;
}

/** A Han name standing alone right after a phone or ID number that ends at `numberEnd`, as chat
 *  replies and contact lists write them ("客户: 13926772433 江凤斌", "13926772433（江凤斌）"). */
export function hanNameAfterNumber(s: string, numberEnd: number): { start: number; end: number } | undefined {
  // "请联系她 13812345678（张伟）": the name in brackets, all of them.
  const open = s.charCodeAt(numberEnd);
  if (open === 40 || open === 0xff08) {
    const span = isCjkCode(s.charCodeAt(numberEnd + 1)) ? hanNameStandingAlone(s, numberEnd + 1) : undefined;
    const close = span === undefined ? -1 : s.charCodeAt(span.end);
    return close === 41 || close === 0xff09 ? span : undefined;
  }
  let p = numberEnd;
  while (p < s.length && p - numberEnd < 2 && AFTER_NUMBER_GAP.has(s.charCodeAt(p))) p++;
  if (p === numberEnd || p >= s.length || !isCjkCode(s.charCodeAt(p))) return undefined;
  return hanNameStandingAlone(s, p);
}
const AFTER_NUMBER_GAP = new Set([...' \t\u3000,，/'].map((c) => c.charCodeAt(0)));

const CLAUSE_OPENERS = new Set([...'\n\t ：:，,；;'].map((c) => c.charCodeAt(0)));

/**
 * A Han name written right before a phone or ID number that starts at `numberStart`, as
 * addresses are pasted ("郑红浩，13912345678，北京市…") and messages name their subject
 * ("郑磊（身份证号3502…）您好"): the number vouches for the name beside it. At most one label of
 * the number between them. `labelled` asks for a card's label, set apart from the name: the
 * words before a bare card or its label are the card's own ("储蓄卡 6222…", "万事达 5425…",
 * "支付宝账号 6222…").
 */
export function hanNameBeforeNumber(s: string, numberStart: number, labelled = false): { start: number; end: number } | undefined {
  let p = skipGapBack(s, numberStart);
  // A country code the number's span left out: "(+86)182…", "0086 139…".
  const code = COUNTRY_CODE_BEFORE.exec(s.slice(Math.max(0, p - 6), p));
  if (code !== null) p = skipGapBack(s, p - code[0].length);
  // Set when a label stood apart from what precedes it ("周丽辉：卡号…", not "储蓄卡号…").
  let labelApart = false;
  for (const word of labelled ? CARD_LABELS : NUMBER_LABELS) {
    if (p >= word.length && s.startsWith(word, p - word.length)) {
      const labelStart = p - word.length;
      // A signature: the name on its own line, the labelled number on the next ("宋峰诗\n电话: 199…").
      if (!labelled && s.charCodeAt(labelStart - 1) === 10) return nameLineBefore(s, labelStart - 1);
      p = skipGapBack(s, labelStart);
      labelApart = p < labelStart;
      break;
    }
  }
  if ((labelled && !labelApart) || p === numberStart || p < 2 || !isCjkCode(s.charCodeAt(p - 1))) return undefined;
  return hanNameBefore(s, p) ?? dottedNameBefore(s, p) ?? nameOpeningLineBefore(s, p);
}

/** The line ending at the line break `lf`, when the whole line is a Han name. */
function nameLineBefore(s: string, lf: number): { start: number; end: number } | undefined {
  const end = lf > 0 && s.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
  const start = s.lastIndexOf('\n', end - 1) + 1;
  if (end - start < 2 || end - start > 4) return undefined;
  return isPlainHanName(s.slice(start, end)) ? { start, end } : undefined;
}

const EMAIL_GAP = new Set([...' \t\u3000(（<＜"“:：,，'].map((c) => c.charCodeAt(0)));

/**
 * A Han name standing alone right before an email address: a mail header's display name
 * ("熊红 <xh@corp.cn>", "\"熊红\" <…>") or a list's ("please add 熊红 (xh@corp.cn)"). The whole
 * Han run must be the name, so "请发邮件至 xh@corp.cn" and "联系邮箱：…" name nobody.
 */
export function hanNameBeforeEmail(s: string, emailStart: number): { start: number; end: number } | undefined {
  let end = emailStart;
  while (end > 0 && emailStart - end < MAX_NUMBER_GAP && EMAIL_GAP.has(s.charCodeAt(end - 1))) end--;
  if (end === emailStart) return undefined;
  // A quoted display name closes its quote before the gap.
  if (end > 0 && (s.charCodeAt(end - 1) === 34 || s.charCodeAt(end - 1) === 0x201d)) end--;
  let start = end;
  while (start > 0 && end - start <= 4 && isCjkCode(s.charCodeAt(start - 1))) start--;
  if (end - start < 2 || end - start > 4) return undefined;
  if (start > 0) {
    // More Han characters before the run: it is the end of a longer word, not a name alone.
    const c = s.charCodeAt(start - 1);
    const lower = c | 32;
    if (isCjkCode(c) || (c >= 48 && c <= 57) || (lower >= 97 && lower <= 122)) return undefined;
  }
  return isPlainHanName(s.slice(start, end)) ? { start, end } : undefined;
}

/** A name that is all of its line before `end` ("于梓瑶 +86132…" in an emergency contact): its
 *  surname may then be one that is a word in running text (isPlainHanName). */
function nameOpeningLineBefore(s: string, end: number): { start: number; end: number } | undefined {
  let start = end;
  while (start > 0 && end - start <= 4 && isCjkCode(s.charCodeAt(start - 1))) start--;
  // …or a clause: "退回补正：区佳辉 身份证 52…", "，明沐宸 13912345678".
  if (start > 0 && !CLAUSE_OPENERS.has(s.charCodeAt(start - 1))) return undefined;
  return isPlainHanName(s.slice(start, end)) ? { start, end } : undefined;
}
