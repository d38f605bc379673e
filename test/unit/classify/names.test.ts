import { describe, expect, it } from 'vitest';
import { hanNameAt, hanNameBefore, isGenericNameKey, isPinyinName, latinNameAt } from '../../../src/classify/detectors/name.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, NOW, texts } from './helpers.js';

const names = (value: string, key?: string) => texts(value, 'pi.name', key);
/** The locations of the names a whole body's inspection finds. */
const nameLocations = (body: string, type = 'application/json') =>
  inspectBody(classifier, Buffer.from(body), type, NOW).findings.filter((f) => f.category === 'pi.name').map((f) => f.location);

describe('Han names after a trigger', () => {
  const at = (s: string, strict = false) => {
    const m = hanNameAt(s, 0, strict);
    return m && s.slice(m.start, m.end);
  };
  it.each([
    ['李淑曦，取件码', '李淑曦'], ['王芳', '王芳'], ['张三的朋友', '张三'], ['欧阳娜娜您好', '欧阳娜娜'], ['王小明已签收', '王小明'],
    ['李娜反映', '李娜'], ['张伟明天到', '张伟'], ['张伟正在配送', '张伟'], ['刘洋今天到', '刘洋'], ['张正明已签收', '张正明'],
  ])('%s → %s', (s, want) => expect(at(s)).toBe(want));
  it.each(['已签收', '服务中心', '方式', '于昨日入院', '王', '信息', '余额', '王师傅已取件', '李经理说'])('no name in %s', (s) => expect(at(s)).toBeUndefined());
  it('a strict trigger wants the name to stand alone', () => {
    expect(at('王者荣耀玩家', true)).toBeUndefined();
    expect(at('孙杰平', true)).toBe('孙杰平');
  });
  it.each([['尊敬的张伟', '张伟'], ['谢谢张小明', '张小明'], ['给李娜', '李娜']])('before a suffix in %s → %s', (s, want) => {
    const m = hanNameBefore(s, s.length);
    expect(m && s.slice(m.start, m.end)).toBe(want);
  });
});

describe('Latin names after a trigger', () => {
  const at = (s: string, single: boolean) => {
    const m = latinNameAt(s, 0, single);
    return m && s.slice(m.start, m.end);
  };
  it.each([
    ['Zhang Wei was admitted', false, 'Zhang Wei'], ['John Smith, thanks', true, 'John Smith'], ['Mr. Smith', false, 'Smith'],
    ['Wang', true, 'Wang'], ['John Smith', false, undefined], ['Customer Service Team', true, undefined], ['Success Team', false, undefined],
    ['Zhang, Wei was admitted', false, 'Zhang, Wei'], ['Smith, John', false, undefined], ['Wang, then', false, undefined],
  ])('%s (single %s) → %s', (s, single, want) => expect(at(s, single)).toBe(want));
});

describe('names in running text', () => {
  it.each([
    ['【快递】您的包裹已到达，收件人李淑曦，取件码 175902。', ['李淑曦']],
    ['用户：你好，我叫李佑华，电话+86-132-0101-2259', ['李佑华']],
    ['您好，我是孙杰平，想咨询一下', ['孙杰平']],
    ['客户王芳反映快递未送达', ['王芳']],
    ['尊敬的张伟先生，您的订单已发货', ['张伟']],
    ['本次由李静明经手', ['李静明']],
    ['Dear Zhang Wei, your order has shipped.', ['Zhang Wei']],
    ['新员工王芳下周一入职，手机 13812345678。', ['王芳']],
    // Sign-offs and greetings.
    ['谢谢配合。\n—— 谭桂兰 敬上', ['谭桂兰']], ['签名医师：黄明磊', ['黄明磊']], ['Hi 王芳, your order shipped.', ['王芳']],
    ['Best regards,\nZhang Wei', ['Zhang Wei']], ['Regards, 谢强', ['谢强']], ['此致\n敬礼\n李明\n2024年5月1日', ['李明']],
    ['Customer: Pan Jing, issue with delivery.', ['Pan Jing']], ['Caller: Xiao Ting, callback later.', ['Xiao Ting']],
    ['Driver: MA Jun reported a flat tyre.', ['MA Jun']],
    // The name again in the other script, in brackets or after a slash.
    ['Patient: 黄丽 (Huang Li), MRN 12345678', ['黄丽', 'Huang Li']], ['New hire Ms. LIU Yang (刘洋), starting soon', ['LIU Yang', '刘洋']],
    ['Applicant: WANG Fang / 王芳', ['WANG Fang', '王芳']],
    // A mail header's display name.
    ['From: Zhang Wei <zhang.wei@example.com>', ['Zhang Wei']], ['To: "张伟" <wangfang88@163.com>', ['张伟']],
    ['Patient Wang Fang was admitted on Monday.', ['Wang Fang']],
    ['Hi, please call Mr. Chen at the desk.', ['Chen']],
    ['患者张三，男，45岁', ['张三']],
    ['【好运快递】王峰刚，您的包裹已到驿站。', ['王峰刚']],
    ['告警：接口异常\n值班人：刘嘉（人事专员）', ['刘嘉']],
    ['收件人写的是我妈妈董明敏，她电话不通', ['董明敏']],
    ['INFO createOrder userId=1 name=郭鑫 status=ok', ['郭鑫']],
    ['【邻里生鲜】亲爱的仉翊，您预约的商品已到店。', ['仉翊']],
    ['【优选商城】尊敬的阿卜杜·库尔班先生，您的订单已发货。', ['阿卜杜·库尔班']],
    ['郑桐磊，您的外卖已由骑手取餐', ['郑桐磊']], ['[ERROR] 实名认证成功, 姓名[艾力·吐尔洪], 身份证[略]', ['艾力·吐尔洪']],
    ['Called 丁鑫 at the office, left voicemail.', ['丁鑫']], ['访客: 侯骁倩，号码是166-3249-5992', ['侯骁倩']], ['提醒\n王芳, 您预约的体检在明天', ['王芳']],
    ['亲爱的古丽·阿不都·热依木女士您好', ['古丽·阿不都·热依木']],
    ['姓名：张三，电话：13812345678', ['张三']],
    ['Passenger: Wang, Wei; seat 32A', ['Wang, Wei']],
    ['姓名：Li, Ming；电话：13800138000', ['Li, Ming']],
    ['客户洪金宝反映快递未送达', ['洪金宝']],
    ['联系人：赖清德，电话13800138000', ['赖清德']],
    // Role words of invoices, tickets and case files.
    ['发票抬头：某某公司，收票人余诗，邮箱 a@b.com', ['余诗']],
    ['乘机人 郑红浩 证件 E12345678', ['郑红浩']],
    ['办理人龚志明，往来港澳通行证号码C44596589', ['龚志明']],
    ['改成0086-14585407861，名字诸葛涛秀不变', ['诸葛涛秀']],
    ['Order note: deliver to 吕建涵, tel 13912345678', ['吕建涵']],
    ['Genotyping report for 徐鑫: rs429358 C/T', ['徐鑫']],
    // A name pasted right before a phone or ID number, or its label.
    ['郑红浩 13912345678', ['郑红浩']],
    ['郑红浩，13912345678，北京市朝阳区建国路88号', ['郑红浩']],
    ['Shipment 75178908507425 to 董燕淑 (0086-13124739447) is out for delivery.', ['董燕淑']],
    ['预约提醒：司马萱霞（身份证号11010519491231002X）您好', ['司马萱霞']],
    ['收货信息：欧阳娜娜/手机 13800138000', ['欧阳娜娜']],
    ['Shipment 72288877340771 to 龙建梓 ((+86)18244732864) is out for delivery.', ['龙建梓']],
    ['Traveler 慕容欣秀 holds passport G75925638', ['慕容欣秀']],
    ['本次由李娜经手', ['李娜']],
    // Lists after a heading; a name before the verb that follows it.
    ['参会人员：钟凤、秦嘉、熊思', ['钟凤', '秦嘉', '熊思']], ['出席：张伟，李娜', ['张伟', '李娜']],
    ['用户董杰绑定手机13912345678', ['董杰']], ['收件人张伟电话13812345678', ['张伟']], ['[张伟] 13912345678', ['张伟']],
    ['随访 — 邓勇燕（（+86）19891252865）复诊', ['邓勇燕']],
    // Surname and first given char that happen to form a word, the name standing alone.
    ['你好，我叫许可欣，电话13812345678', ['许可欣']], ['收件人韩国秋，取件码 175902', ['韩国秋']], ['收件人于丹，取件码 155718', ['于丹']],
    ['收货人：林 峰，电话 13812345678', ['林 峰']], ['收货人：卢芳娟对吗？', ['卢芳娟']], ['姓名：买买提·艾力木江', ['买买提·艾力木江']], ['致 张伟 先生：您好', ['张伟']], ['姓名：王\u3000\u3000芳', ['王\u3000\u3000芳']],
    // 于 and 向 after words that introduce a name.
    ['用户：我是向秀子，退款一直没到账', ['向秀子']], ['你好，我叫于燕。', ['于燕']],
    // A letter's salutation: the name opens it, a comma before 您好.
    ['王浩然，您好：\n您的报销已通过。', ['王浩然']], ['Subject: 报销\n\n李秀英，你好！', ['李秀英']],
    ['迪丽热巴·迪力木拉提，您好：', ['迪丽热巴·迪力木拉提']], ['尊敬的阿卜杜·库尔班，您好', ['阿卜杜·库尔班']],
    // A call's or a voicemail's "this is".
    ['Hi, this is Li Na. Please call me back.', ['Li Na']], ['Hello, this is Zhang Xiaoming, calling about your order.', ['Zhang Xiaoming']],
    // XML elements: the text of a CDATA section, and a "…name" element holding a Han name.
    ['<xml><name><![CDATA[李秀英]]></name></xml>', ['李秀英']], ['<xml><true_name>王浩然</true_name></xml>', ['王浩然']],
    // ISO 20022 payment messages name the parties in <Nm>.
    ['<Dbtr><Nm>王丽华</Nm></Dbtr><Cdtr><Nm>ZHANG Wei</Nm></Cdtr><Cdtr><Nm>ACME Trading Ltd</Nm></Cdtr>', ['王丽华', 'ZHANG Wei']],
    // HL7 v2: the patient's name in PID-5, a next of kin's in NK1-2.
    ['MSH|^~\\&|HIS|H|LIS|L|202405011200||ADT^A01|1|P|2.5\rPID|1||X1^^^MR||陈志远||19900307|M\rNK1|1|ZHANG^WEI^^^MR|SPO', ['陈志远', 'ZHANG^WEI']],
    // A role word that is no field label, past its colon; the names listed after the first.
    ['原告：丁嘉睿，男，1991年3月18日出生。\n被告：巩英，住北京市。', ['丁嘉睿', '巩英']], ['委托诉讼代理人：姜志飞，律师。', ['姜志飞']],
    ['时间：7月12日 参会：闫鹏、区子辉、尹淑玲和禚柯', ['闫鹏', '区子辉', '尹淑玲', '禚柯']],
    ['不是，帮我转给满知英、央金拉姆和佘佳刚都行', ['满知英', '央金拉姆', '佘佳刚']], ['联系人张伟与李娜', ['张伟', '李娜']],
    // Agents, titles and counterparts; a greeting with an ASCII comma; a letter's greeting by title.
    ['置业顾问汪佳蕾负责带看', ['汪佳蕾']], ['维修工仇鹏，电话稍后发', ['仇鹏']], ['区域经理何国华，对方巩艳', ['何国华', '巩艳']],
    ['您好,昝思艳！', ['昝思艳']], ['贺若平经理好：附件是报表', ['贺若平']], ['谢思静律师 金额', ['谢思静']], ['司徒欣洋代付', ['司徒欣洋']],
    // Chats: a mention, a message's header lines (the time after the date, the name before or after).
    ['@滕芳  请处理', ['滕芳']], ['2024-09-01 14:59 邝洋\n收到\n邝洋 2024-09-01 15:02\n好的', ['邝洋', '邝洋']],
    ['[2024-09-01 14:59] 邝洋：收到', ['邝洋']],
    // A clause's subject dated with 于; a name before a number, opening its line or written with '·'.
    ['满子睿于6月9日来电', ['满子睿']], ['艾尔肯·吐尔洪于2月2日入职', ['艾尔肯·吐尔洪']], ['1. 邵春芳于3月21日跟进', ['邵春芳']],
    ['于梓瑶 13244804829', ['于梓瑶']], ['新线索：帕提古丽·热合曼，手机 13071174340', ['帕提古丽·热合曼']],
    ['[11:48] 客户: +86-167-6235-8350 薛梓华', ['薛梓华']],
    // Logins and "…name" keys written as labels in logs and text; role words before a colon.
    ['punch user=沈英 mobile=13914139323', ['沈英']], ['card bind failed holder=吕涵 trace=faef31bd', ['吕涵']],
    ['[receiver]\nrcv_nm=冯瑶\nusr_nm：孟磊\ncntct_nm: LIN Zixuan', ['冯瑶', '孟磊', 'LIN Zixuan']], ['user name: 张伟', ['张伟']],
    ['srcIp\t10.234.72.193\nreal_name\t田浩怡\ncard_holder\t龚浩燕', ['田浩怡', '龚浩燕']], ['客户: 眭雅辰，+8615210702237', ['眭雅辰']],
    ['征信查询授权人：郑子浩', ['郑子浩']], ['我爸钟文诺最近确诊', ['钟文诺']], ['市民罗兰懿来电反映', ['罗兰懿']], ['定损员：檀梦豪', ['檀梦豪']], ['招生老师芮静浩已初审', ['芮静浩']], ['审核：邹秀曦  打印时间', ['邹秀曦']],
    // Kin in clinic chats and case notes, a pupil's parent, inspectors, English role words.
    ['医生您好，我女儿侯静今年10岁，最近一直咳嗽', ['侯静']], ['其配偶何飞宁陪同', ['何飞宁']], ['请叶一诺家长留个电话', ['叶一诺']],
    ['巡检员欧阳瀚已上报', ['欧阳瀚']], ['legal representative 苏敏; invoice ref 123', ['苏敏']], ['审核：水文博', ['水文博']],
    // A scanned ID card spaces its two-char labels out; a dotted name greeted without a comma.
    ['姓  名：陶芳娜\n性  别：女    民族：回', ['陶芳娜']], ['迪力夏提·玉素甫您好：\n附件为报价单', ['迪力夏提·玉素甫']],
    ['From: 花琪文 <deng.li@example.com>', ['花琪文']],
    // A card number's label between a name and its number.
    ['周丽辉：卡号6258015435514711828，绑定手机+86-131-6048-1231', ['周丽辉']], ['张伟 卡号 6222020200112230', ['张伟']],
    // Minutes in English listing Han names.
    ['Attendees: 魏红, 彭梓浩, 刘蕾文, 令狐梅静', ['魏红', '彭梓浩', '刘蕾文', '令狐梅静']],
    // A notice addressed to a traveller or a patient; a ward's note of sex and age; a licence's
    // owner; tickets in English; an airline's SURNAME/GIVEN; a name in brackets after its number.
    ['【Cathay Pacific】邹福生旅客，您预订的CX375航班', ['邹福生']], ['【申康国际医疗部】赵淑珍患者您好', ['赵淑珍']],
    ['@all 内分泌科 17床 杜洁（女，67岁）原发性高血压', ['杜洁']], ['号牌号码 贵V85110\n所有人 张超\n住址 北京市', ['张超']],
    ['Refund for policy holder 白可馨: claim CLM2026', ['白可馨']], ['Rider Li Langlin says the driver was late', ['Li Langlin']],
    ['Passenger: DUAN/CHUNMEI   Passport: E73594322', ['DUAN/CHUNMEI']], ['Dear GUO/QIANG MR, your booking', ['GUO/QIANG']],
    ['请联系她 13812345678（张伟）', ['张伟']], ['您的家人 马文静 分享了实时位置', ['马文静']],
    // Log lines for a receiver or a user; a chat's speaker by role; a card's bold label over its
    // value's line; a driver; a patient's relative addressed.
    ['push failed for receiver 武文国 mobile=13812345678', ['武文国']], ['user 廖磊斌 bound card', ['廖磊斌']],
    ['2025-04-13 13:09:20 客户(谢东): 我的手机号是', ['谢东']], ['**收货人：**\n马晓桂', ['马晓桂']], ['驾驶员 张伟 车牌', ['张伟']],
    ['张伟家属您好，患者已出院', ['张伟']],
    // A chat export's system lines; a parcel's pickup notice.
    ['马勇磊共享了实时位置：40.056489, 116.28483', ['马勇磊']], ['王伟撤回了一条消息', ['王伟']], ['李娜邀请张伟加入了群聊', ['张伟']],
    ['【菜鸟驿站】请许静凭取件码962817取件', ['许静']],
    // A display name before an address outside a header.
    ['please add 熊红 (zhoujia2@corp-mail.cn) to the vendor list', ['熊红']], ['抄送：王芳 <wf@corp.cn>，李娜 <ln@corp.cn>', ['王芳', '李娜']],
    // A clause's name before an ID number; a ticket's follow-up; a colleague referred; whose
    // records follow; a study's subject.
    ['退回补正：区佳辉 身份证 11010519491231002X 照片不清晰', ['区佳辉']], ['用户留言：宋志桐，联系方式 18636860443', ['宋志桐']],
    // Whose passport, whom a transfer pays, for whom in English, who signs under 此致, who is on duty.
    ['林雪的护照E82712176已过期', ['林雪']], ['转账给朱雪洁，收款卡号6222020200112230', ['朱雪洁']], ['Booking for 徐国, 护照号码 E12345678', ['徐国']],
    ['pickup for 黄萍海 at gate 3', ['黄萍海']], ['此致\n徐娟\n销售部 | 经理', ['徐娟']], ['今日值班：史浩，姜波飞，刘洋', ['史浩', '姜波飞', '刘洋']], ['值班人：刘嘉', ['刘嘉']], ['@昝明轩 请跟进 公孙若 的退款申请', ['昝明轩', '公孙若']],
    ['推荐其同事魏伟军投保。', ['魏伟军']], ['端木彤的入职信息如下：身份证号 11010519491231002X', ['端木彤']],
    ['>S48628737 chr17:43044295-43125483 subject=宋琳伟\nCTGAGG', ['宋琳伟']],
    // Bot messages: DingTalk's quoted lines, Feishu's bold labels and mentions; WeChat Pay's attach.
    ['#### 新订单\n> 买家：周敏\n> 操作人：李师傅', ['周敏']], ['**客户姓名：**廖军\n**手机：**13812345678', ['廖军']],
    ['<at user_id="ou_8a9b">李宇轩</at> 请跟进', ['李宇轩']], ['rcv=雷欣怡;tel=17145764261', ['雷欣怡']],
    // Parties of contracts and cases, glossed in brackets or numbered; who follows a ticket up.
    ['甲方：黄梅霞', ['黄梅霞']], ['乙方（劳动者）：黄梅霞\n性别：女', ['黄梅霞']], ['被告（被申请人）：王芳', ['王芳']],
    ['监护人一：孔婧涛    关系：父亲', ['孔婧涛']], ['当事人乙：龙晓，女', ['龙晓']], ['客户 朱丹 预约明天上门安装，请 熊斌 跟进。', ['朱丹', '熊斌']],
    // An airline's DOCS element.
    ['SSR DOCS CA HK1 P/CHN/EQ7484745/CHN/23NOV79/F/16FEB28/DUAN/PENGRUI-1.1', ['DUAN/PENGRUI']],
  ])('%s', (value, want) => expect(names(value)).toEqual(want));

  it.each([
    '我是王者荣耀玩家', '尊敬的用户，您好', '联系方式：见附件', '客户服务中心', 'Dear Customer, thank you', 'Customer Success Team',
    'Patient Portal login', '患者于昨日入院', '收件人已签收', 'took 26 ms Total', '员工福利发放通知', '由于系统升级',
    '患者：我头疼三天了', '客户：你好，在吗', '用户：你好',
    // A number with no name before it.
    '手机号 13912345678', '联系电话：13912345678', '客服 13912345678', '收货信息 13912345678', '身份证号11010519491231002X',
    'order delivered to the pickup point', '名字不变', '客户向我们反映', '我是向您咨询一下', '本人于昨日到院', '您好，我是于是就来了',
    // Companies, places and tiers after a trigger; who signed when no one is named.
    '订单由王府井仓发货', '由黄山旅游集团提供服务', '快件已由申通快递揽收', '尊敬的白金会员您好', '尊敬的游客',
    'deliver to Wong Chuk Hang warehouse', '已签收，签收人：本人', '签收人：门卫代收', '收款人：财务部',
    '【好运快递】您的包裹已由江阴驿站代收。', '【活动】周末，全场五折', '【京东】王府井店今日开业', 'INFO job name=nightly status=ok',
    'a function called main', '姓名[略]', '姓名[张三丰收节',
    '您的快件已由郑州航空港分拨中心发出', '感谢金山云对本次活动的大力支持', '营业时间由周一至周五9:00-18:00', '【千帆】高温预警，请注意防暑',
    '项目负责人：待定；经办人：系统自动。', '客服：请提供信息。\n用户：单据编号：3568 1444 7779 5718', '用户：VIN码：LSVAU218XN2183294',
    '由中国·北京·朝阳区发出', '尊敬的会员·您好', '订单已发货，您的包裹正在路上', '感谢支持，您的反馈我们已收到', '请注意张贴，您的车辆',
    '参会人员：待定', '出席会议的人数很多', '由许可证管理处签发', '收件人韩国队', '客户向银行，', '客户于3月1日来电',
    // A role's label over words that are no person's name; a message's id in angle brackets.
    'Patient: Female, 54 years.', 'Guest: Marriott Bonvoy member.', 'Contact: Support Team', 'Message-ID: <5f3a9bc1e2@mail.example.cn>',
    '储蓄卡 6222020200112230', '储蓄卡号 6222020200112230', '支付宝账号 6222020200112230', '万事达 5425233430109903',
    '龙卡 6217000000000000004', '支付宝账号 13812345678', 'attendees: 3, participants: 12',
    '尊敬的广大旅客，您好', '高血压患者您好，请按时服药', '本次航班旅客请注意', '@所有人 请注意明天开会', '所有人都要参加',
    'Passenger: ADT/CHD', 'rider benefits apply', 'user 管理员 logged in', 'user guide 用户手册', '客户（VIP）投诉', '驾驶员培训通知',
    '[2025-04-23 22:50:08] 用户(夏天的风): 我的订单', '客户（女，35岁）', '电话 13812345678（工作日）',
    '对方撤回了一条消息', '你拍了拍自己', '请凭取件码962817取件', '群主修改群名为 项目组',
    'From: Support Team <support@example.com>', '请发邮件至 hr@corp.cn', '华为 hw@huawei.com', '客服 support@corp.cn',
    // Companies that start with a surname, and Han text after an English label.
    'Customer: Chen Holdings Pte. Ltd.', 'Driver: Wong Brothers Trading', 'Customer Li Auto signed the PO', 'Caller: 华东大区',
    '请查一下，身份证 110105 1949 1231 002X', '麻烦查收，手机 13812345678', 'Hi there, hello team', '客户：付款成功了吗',
    '负责人：周大福珠宝', '联系人: 李宁官方旗舰店', 'name：李子（5斤装）', '客户：路上堵车了', '向英雄敬礼，向他们学习',
    // A salutation to no one, or inside a sentence; "this is" before no person.
    '系统管理员，您好：', '各位同事，您好', 'Hi, this is Big Data team.', 'this is Long Beach harbour',
    '<xml><city_name>黄山</city_name><item_name><![CDATA[向日葵]]></item_name></xml>',
    'PID|1||12345||system^^', 'XPID|1||1||陈志远', 'OBX|1|ST|5||张伟',
    // Parties kept anonymous; titles that open a sentence, or a verb's colon that opens a message.
    '原告张某某与被告李某民间借贷纠纷一案，被告王某（身份证号略）', '主管高度重视此事', '经理高兴地说', '客户高兴地说',
    '主管：高度重视', '玩家：王者荣耀', '学员：周末班', '经理：钱包功能上线', '通知：车辆晋G·K72E1于收费站通行', '发给张总确认，抄送王工',
    // Mentions of groups, schedules without a date, lines after a date that are no names.
    '@所有人 今晚开会', '@黄金会员 注意', '10:00 周会\n16:00 黄金周', '2024-05-01 16:00 黄金周', '2024-05-01 09:00 系统维护',
    '该患者于3月2日入院，本公司于2024年成立，黄山市于2023年', '微信代付', '于是 13912345678',
    'user name: bob', 'user=admin owner=root agent: Mozilla/5.0', 'name\tage\ncity\tBeijing', 'status\tOK\nuser\tadmin', 'from=兰州', '审核单据已通过', '审核：通过', '13912345678 已登记', '请联系我，电话 13517760654，谢谢。',
    '收件人乌兰察布市', '个人：1000元',
    // Kin and roles as common words: holidays, notices, headings.
    '孩子的家长会在周五', '女儿节快乐', '母亲节礼物推荐', '丈夫出差了', '学生家长请注意', '民警到场处理', '本次志愿者招募', '联系人和电话：见附件',
    '用户留言：请尽快处理，联系方式 18636860443', '客户的手机号是多少', '公司的电话', 'Booking for 2 adults', 'transfer to savings account', '值班电话：13812345678', '今日值班安排已发布', '请跟进处理', '跟进客户需求', '我的身份证丢了', 'Subject: 会议纪要\n请查收', '过期的银行卡',
    '<at user_id="all">所有人</at> 注意', '备注：*无*',
    '甲方：北京某某科技有限公司', '金额（元）：1234', '北京市金杜律师事务所', '由王经理跟进', '客户跟进记录', 'path P/abc/def',
  ])('no name in %s', (value) => expect(names(value)).toEqual([]));

  it('a role label holds a name when the value reads as one', () => {
    expect(names('患者：张三，男')).toEqual(['张三']);
    expect(names('我头疼', '患者')).toEqual([]);
    expect(names('王芳', '患者')).toEqual(['王芳']);
  });
});

describe('names in objects and tables', () => {
  it("a Teams card's facts: the label in a sibling \"name\"", () => {
    const body = Buffer.from('{"facts":[{"name":"Customer","value":"夏琳"},{"name":"Status","value":"Open"}]}');
    const found = inspectBody(classifier, body, 'application/json', NOW).findings.filter((f) => f.category === 'pi.name');
    expect(found.map((f) => f.location)).toEqual(['/facts/0/value']);
  });

  it("OpenTelemetry's attributes: the record's key labels its typed value", () => {
    const body = Buffer.from('{"attributes":[{"key":"app.customer.name","value":{"stringValue":"陶强"}},{"key":"http.method","value":{"stringValue":"王府井"}}]}');
    const found = inspectBody(classifier, body, 'application/json', NOW).findings.filter((f) => f.category === 'pi.name');
    expect(found.map((f) => f.location)).toEqual(['/attributes/0/value/stringValue']);
  });

  it("a form widget's label beside its type, and such a form held as a JSON string (Feishu's approvals)", () => {
    const names = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings
      .filter((f) => f.category === 'pi.name').map((f) => f.location);
    expect(names('{"form":[{"id":"w1","name":"姓名","type":"input","value":"范刚轩"}]}')).toEqual(['/form/0/value']);
    expect(names(JSON.stringify({ form: JSON.stringify([{ id: 'w1', name: '姓名', type: 'input', value: '范刚轩' }]) }))).toEqual(['/form|json/0/value']);
    // A first label that names no field gives way to the next.
    expect(names('{"form":[{"type":"input","name":"姓名","value":"范刚轩"}]}')).toEqual(['/form/0/value']);
  });

  it('a name in its scripts ({"legalName": {"local": …, "latin": …}})', () => {
    const body = Buffer.from('{"legalName":{"local":"钟宏鹏","latin":"ZHONG HONGPENG"},"productName":{"zh":"红茶","en":"Black Tea"}}');
    const found = inspectBody(classifier, body, 'application/json', NOW).findings.filter((f) => f.category === 'pi.name');
    expect(found.map((f) => f.location)).toEqual(['/legalName/local', '/legalName/latin']);
  });

  it('a role object\'s short name key ({"rider": {"n": …}})', () => {
    const body = Buffer.from('{"rider":{"n":"孟皓钰","m":"8619769723643"},"node":{"n":"edge-43"},"city":{"n":"黄山"}}');
    const found = inspectBody(classifier, body, 'application/json', NOW).findings.filter((f) => f.category === 'pi.name');
    expect(found.map((f) => f.location)).toEqual(['/rider/n']);
  });
});

describe('names by field', () => {
  it.each([
    ['李娜', 'name_local'], ['李娜', 'nameLocal'], ['张伟', 'ANSPRECHPARTNER'], ['ZHANG/YUMEI', 'nameInPinyin'], ['Ruigang', 'givenNames'],
    // A Han name's part may be one character.
    ['伟', 'first_name'], ['张', 'last_name'], ['军英', 'first_name'],
    ['马桐', 'emp_name'], ['钱胜', 'insured_name'], ['杨珍', 'passenger'], ['章海', 'applicant'], ['周平', 'name_cn'],
    ['李静', 'staff'], ['谢秀', 'applicant_nm'], ['张伟', 'userName'], ['王芳', 'operatorName'], ['施晓若', 'studentName'],
    ['买买提·艾力', 'name'], ['阿卜杜·热合曼', 'name'], ['迈克尔·乔丹', 'passenger'], ['古丽·阿不都·热依木', 'patient'],
    ['张伟', 'buyer'], ['陈静', 'doctor'], ['刘洋', '司机'], ['赵敏', '法人'],
    ['Zhang Wei', 'guest'],
    ['Wang, Wei', 'name'], ['ZHANG, San', 'passengerName'], ['仝卓', 'name'], ['禤小玲', 'name'], ['赖清德', 'name'],
    // Surnames that are function words in running text, as whole values.
    ['于芳', 'name'], ['向东', 'name'], ['于晓燕', 'passenger'],
    // Padded to the width of three characters.
    ['姚  豪', '姓名'], ['王\u3000\u3000芳', 'name'],
    ['欧阳颖', 'linkman'], ['端木军', 'legalRep'], ['王五', 'legal_rep'], ['李四', 'linkmanName'],
    ['张伟', 'lxr'], ['李娜', 'candidate'], ['王芳', '主治医师'], ['柏林秋', 'applicant'], ['喻刚刚', 'xm'],
    // Rarer surnames, compound ones with two given chars, and common words' surnames as whole values.
    ['揭泽', 'name'], ['仉翊', 'consignee'], ['庹兰', 'name'], ['申屠晓明', 'name'], ['东郭雨', 'receiverName'], ['东方云', 'name'],
    ['于明', 'consignee'], ['那伟洋', 'emergencyContact'], ['操丽梓', 'borrowerName'], ['文静', 'name'],
    // Bookings: occupants, "pax", ticket-style names, nicknames.
    ['吕杰', 'surgeon'], ['Haitao Guo', 'surgeon'], ['胡宇航', 'editor'], ['张伟洋', 'occupant'], ['TANTAI NA', 'paxName'], ['GUO/BAI', 'passengerName'], ['ZHANG/WEI MR', 'paxName'],
    ['Zhang Wei (Kevin)', 'realName'],
    // Display names and people by role, in Latin letters when they read as a person's.
    ['Tony Dong', 'displayName'], ['Alan Dong', 'preferredName'], ['Zhao Tao', 'reporterName'], ['Li Na', 'approvedBy'], ['Chen Jing', 'owner'],
    // Laboratory reports and bank forms.
    ['吴文', '受检者'], ['郝英华', '审核医师'], ['谭强涵', 'hu_ming'], ['潘雨菊', 'yuangong_xm'],
    // Tibetan names, two given-name words without a surname; "名称" keys holding a person's name.
    ['扎西多吉', 'name'], ['次仁卓玛', 'patient'], ['许玉兰', '客户名称'], ['张伟', '联系人名称'],
    // Role nouns of prescriptions, rides and shipments; surnames that are everyday words too.
    ['陈志远', '开方医生'], ['王丽华', '驾驶员'], ['张婷', 'driver'], ['李强', 'shipper'], ['周敏', 'attendingPhysician'],
    ['刘晓东', '账户名称'], ['应婉燕', 'acctName'], ['宣海然', 'donorName'], ['狄青', 'name'], ['荀彧', 'name'],
    // Lawyers, call-centre customers, couriers' pinyin columns, airline records, chat senders.
    ['满德悦', 'name'], ['罗勇', 'lawyer'], ['仇琳', 'cust'], ['余慕明', 'submitter'], ['热依拉·买买提', 'khxm'],
    ['阿依古丽·吐尔逊', 'sjrxm'], ['格桑梅朵', 'ctc_name'], ['SUN/CHUNMEI', 'PSGR_NM'], ['LIANG/SHUTING', 'nameInPnr'],
    ['Tang, Siqi', 'surname_given'], ['朱诗鹏', 'from'],
    // Invisible characters pasted into a name to evade.
    ['扎西\u200b多吉', 'name'], ['冼\u2060平', 'emp_nm'],
    // Mongolian and Tibetan names, which have no surname; parents, employees, reviewers.
    ['其其格', 'xm'], ['乌云塔娜', 'name'], ['巴桑', 'name'], ['巴特尔', 'reviewer'], ['韦鹏', 'parent'], ['伊力哈木·肉孜', 'emp'],
    ['殳明', 'name'], ['甯志磊', '办事人'], ['额尔敦巴雅尔', 'realName'], ['虢轩远', 'userName'], ['宋桐诺', 'interviewer'], ['邓艳杰', 'syr'], ['胡桂悦', 'fangdong'], ['Xinyi Huang', 'HM'],
    // Surnames that are everyday words (水, 花, 种, 和) as whole values; a guardian's numbered
    // pinyin key, waybills' contacts, 入住人 in pinyin.
    ['水琴宇', 'xm'], ['花琪文', 'name'], ['种霞帆', 'jzxm'], ['和丽', 'xm'], ['吕丹丹', 'jhr1xm'], ['莫涵', 'j_contact'], ['莫涵', 'd_contact'], ['董倩', 'rzr'],
    // 过 as a surname; Yi names (a clan, then the given name) and more Mongolian name parts.
    ['过云辉', 'xm'], ['阿苏木呷', 'xm'], ['吉克曲布', 'name'], ['乌兰托娅', 'name'], ['宋琳伟', 'subject'],
    ['廖丽', 'TemplateParamSet'],
    // A CRM's customer, a club's member, those at a meeting, a court's judge and clerk; a name's
    // parts in pinyin.
    ['王建国', 'customer'], ['李娜', 'member'], ['顾佩', 'attendees'], ['孔俊', 'judge'], ['何玉', 'clerk'], ['Zhang Wei', 'submitter'],
    ['Yuhua', 'firstName'], ['LIAO XUANXIAO', 'name'], ['Zhitian Lyu', 'name'], ['王科', 'name'], ['肖远', 'khmc'], ['武浩', 'driverKhmc'], ['雷宏', 'chezhu'], ['闫凤', 'huanzhe'],
  ])('%s under %s', (value, key) => expect(names(value, key)).toEqual([value]));

  it.each([['故·宫', 'name'], ['A·B', 'name'], ['中国·北京·朝阳·望京·南湖', 'name']])(
    '%s under %s is not a name (single characters, or more runs than a name has)', (value, key) => expect(names(value, key)).toEqual([]),
  );

  it.each([
    ['黄山', 'cityName'], ['华为', 'companyName'], ['金牛区', 'districtName'], ['admin', 'userName'], ['abc', 'operatorName'],
    ['华为技术有限公司', '法人'], ['张记小吃', 'buyer'], ['Acme Trading Ltd', 'buyer'], ['postgres', 'driver'], ['Alipay', 'payer'],
    ['向日葵', 'name'], ['于是', 'name'], ['向导服务', 'name'], ['于', 'name'],
    ['the order was shipped', 'name'], ['王府井', 'userName'], ['白色', 'specName'], ['周大福', 'signName'], ['黄山', 'scenicName'], ['白虎志', 'skinName'], ['本人', '签收人'],
    ['财务部', '收款人'], ['门卫代收', '收件人'], ['客服部', 'contactName'], ['王府井店', 'applicantName'],
    ['招聘组', 'contactName'], ['值班经理', '联系人'], ['kafka.produce', 'name'], ['Payment Gateway', 'name'],
    ['龙华区', 'name'], ['石岩镇', 'name'], ['文件', 'name'], ['区域', 'name'],
    ['system', 'createdBy'], ['platform-team', 'owner'], ['Data Platform', 'assignee'], ['Support Team', 'displayName'],
    ['Maersk Line', 'customer_name'], ['Kerry Logistics', 'tenant'], ['Chen Holdings Ltd', 'customerName'],
    ['华东大区', '联系人'], ['未填写', '姓名'], ['必填', 'name'],
    ['深圳市腾飞科技有限公司', '客户名称'], ['扎西德勒', 'name'], ['应用中心', 'name'], ['明细', 'name'], ['宣传部', 'contactName'],
    // A chat's sender: two characters are as often a city; a place that opens with a common word.
    ['兰州', 'from'], ['黄浦江', 'from'], ['满意度', 'name'], ['node_12', 'parent'], ['华东大区', 'parent'], ['班主任', 'handler'], ['孙氏物流', 'customerName'], ['王氏宗祠', 'name'], ['黄山城', 'name'],
    // Titles a surname takes ("张总", "陈工"), and the everyday words those surnames open.
    ['张总', 'approver'], ['陈工', 'contact'], ['水费', 'name'], ['花园', 'name'], ['和平', 'name'], ['种子', 'name'],
    ['过期', 'name'], ['阿尔卑斯', 'name'], ['季度报告', 'subject'], ['李师傅', 'owner'], ['王经理', 'approver'], ['陆某', 'name'], ['342404', 'TemplateParamSet'],
    ['Data Platform', 'submitter'], ['Acme Ltd', 'customer'], ['Hong Kong', 'name'], ['李老师', 'contact'], ['深圳市腾飞科技有限公司', 'khmc'],
    // A form's placeholder where a name's part would be.
    ['某', 'first_name'], ['无', 'last_name'], ['管理员', 'name'], ['未知', 'first_name'], ['本人', 'givenName'],
  ])(
    '%s under %s is not a name', (value, key) => expect(names(value, key)).toEqual([]),
  );

  it.each([
    ['operatorname', true], ['kehuname', true], ['custnm', true], ['accountname', true], ['填表人', true], ['投诉人', true],
    ['申请者', true], ['khxm', true], ['jhr1xm', true], ['jcontact', true], ['emergencycontactphone', false], ['地名', false], ['法人', false], ['城市名', false], ['cityname', false], ['productname', false], ['name', false], ['html', false],
  ])(
    'generic name key %s → %s', (norm, ok) => expect(isGenericNameKey(norm)).toBe(ok),
  );
});

describe('pinyin names', () => {
  it.each([
    ['Li Na', true], ['Zhang Xiaoming', true], ['Ouyang Nana', true], ['WANG Jian-guo', true], ['Xi Er', true],
    ['Long Beach', false], ['Big Data', false], ['Li', false], ['Zhang Kevin', false], ['Wang Street', false],
  ])('%s → %s', (name, ok) => expect(isPinyinName(name)).toBe(ok));
});

describe('names in school notices, class reminders, SMS logs and English filings', () => {
  it.each([
    ['王女士您好：\n您的孩子吴丽雨（学号 S202482489）已成功报名', ['吴丽雨']],
    ['田璐同学明天11:00有课，老师：武梅', ['田璐', '武梅']],
    // A message addressed by name and comma opens after a log's "content=" or a label's colon.
    ['to=13283479165|content=庞浩然，您预订的酒店已确认', ['庞浩然']],
    ['短信内容：王浩然，您报名的课程明天开课', ['王浩然']],
    // An English trigger that takes Han names only reads past "as" / "is".
    ['The filing lists the legal representative as 雷霞, passport E10901308', ['雷霞']],
  ])('%s', (value, want) => expect(names(value)).toEqual(want));

  it.each(['老师说明天不上课', '请联系教练车管理处', '老师：请问明天上课吗', 'the contact person is Bob', '候选人是穆斯林，请安排清真餐', '诊断：高血压患者需低盐饮食'])(
    'no name in %s', (value) => expect(names(value)).toEqual([]),
  );

  it.each([['刘娟子', 'renter', ['刘娟子']], ['贺琳', 'lessee', ['贺琳']], ['lookup-service', 'renter', []],
    // Compound surnames in pinyin.
    ['YUWEN BINYU', 'name', ['YUWEN BINYU']], ['Nangong Bohua', 'name', ['Nangong Bohua']], ['Linghu Mingyong', 'patient', ['Linghu Mingyong']],
    // A name in Latin script beside the local one, a statement's other party, a card's holder
    // and a parcel's signer in pinyin initials, a prescription's doctor.
    ['XIE TONGLEI', 'nameLatin', ['XIE TONGLEI']], ['钱琳昊', 'counterparty', ['钱琳昊']], ['范秀英', 'ckr', ['范秀英']],
    ['贺婷晓', 'qsr', ['贺婷晓']], ['韩鹏璇', '医师', ['韩鹏璇']],
    // 计 as a whole value's surname, not as a word; a Mongolian name.
    ['计欣霖', '报修人', ['计欣霖']], ['计划中', '报修人', []], ['阿木古楞', 'name', ['阿木古楞']]])('%s under %s', (value, key, want) => {
    expect(names(value, key)).toEqual(want);
  });
});

describe('names listed under a plural key', () => {
  it('reads each string of a "names" array as a name', () => {
    expect(nameLocations('{"names":["方志强","诸葛淑珍"],"passengerNames":["袁德明"]}')).toEqual(['/names/0', '/names/1', '/passengerNames/0']);
  });
  it('not the files or hosts of "filenames" and "hostnames", nor words under "names"', () => {
    expect(nameLocations('{"filenames":["张伟.txt"],"hostnames":["db1"],"names":["config","main"]}')).toEqual([]);
  });
});

describe('a doctor in a consultation chat and a notice to an owner', () => {
  it.each([
    ['用户：大夫你好，孩子发烧39度。\n医生（方慧）：结合症状，建议就诊', ['方慧']],
    ['【悦居物业】顾翊蓉业主，您好，您的快递已到', ['顾翊蓉']],
  ])('%s', (value, want) => expect(names(value)).toEqual(want));
  it.each(['医生（主任）：建议复查', '业主，您好', '本小区业主，请注意'])('no name in %s', (value) => expect(names(value)).toEqual([]));
});

describe('a name in brackets after a trigger, and a name before the sex', () => {
  it.each([
    ['紧急联系人（龙明辉）电话 (86)18813946424', ['龙明辉']], ['推荐人（向霞）手机 +86 184 9751 6985', ['向霞']],
    ['紧急联系人（巴特尔）手机 17296478907', ['巴特尔']],
    // The sex after a labelled name is no part of it; a name spaced out still is one.
    ['患者：仇萱 女 4岁', ['仇萱']], ['患者：张伟 男 45岁', ['张伟']], ['姓名：林 峰', ['林 峰']],
  ])('%s', (value, want) => expect(names(value)).toEqual(want));
  it.each(['联系人(张三丰收节', '客户（VIP）投诉', '患者（女，35岁）'])('no name in %s', (value) => expect(names(value)).toEqual([]));
});

describe('names in vendor schemas, OCR results, lists, e-sign notices and airline records', () => {
  it('a name\'s parts under a name field (FHIR family/given, SCIM formatted), not a product\'s', () => {
    expect(nameLocations('{"name":[{"use":"usual","family":"Sun","given":["Zinan"]}]}')).toEqual(['/name/0/family', '/name/0/given/0']);
    expect(nameLocations('{"name":{"givenName":"Tingmin","familyName":"Wang","formatted":"Wang Tingmin"}}')).toEqual(['/name/givenName', '/name/familyName', '/name/formatted']);
    expect(nameLocations('{"product":{"name":{"text":"Blue Widget","formatted":"BW-1"}},"family":"Widgets","given":"2024"}')).toEqual([]);
  });
  it('the second script\'s parts and a local-script full name', () => {
    expect(nameLocations('{"firstNameAlt1":"怡秋","lastNameAlt1":"梁","full_name_kanji_or_local":"张艳豪"}')).toEqual(['/firstNameAlt1', '/lastNameAlt1', '/full_name_kanji_or_local']);
  });
  it('an OCR result\'s words under its label', () => {
    expect(nameLocations('{"words_result":{"姓名":{"location":{"top":1},"words":"林梓萍"},"所有人":{"words":"蔡明"}}}')).toEqual(['/words_result/姓名/words', '/words_result/所有人/words']);
    expect(nameLocations('{"words_result":{"标题":{"words":"欢迎使用"}}}')).toEqual([]);
  });
  it.each([
    // A list with titles and roles after its names, and a compound surname standing alone in it.
    ['参会人：莫雨婷总、曹睿（财务）、东方雨、姜秀', ['莫雨婷', '曹睿', '东方雨', '姜秀']],
    // Who sent an e-signature request; an English name beside the Han one.
    ['【易签】尊敬的姚凯立先生，杨斌向您发起《劳动合同》签署', ['姚凯立', '杨斌']],
    ['请帮侯诗英（英文名 Sophia Hou）订机票', ['侯诗英', 'Sophia Hou']],
    // A list's colleagues with the English names they go by; a new colleague before an address.
    ['参会人：苏振 Jack, 贾铭永, 段明（研发）', ['苏振', '贾铭永', '段明']],
    ['2. 新同事黄静萍（huang_jingping87@qq.com）本周入职', ['黄静萍']], ['客户：昵称叫老叶，真名叶轩国', ['叶轩国']],
    ['Please update the traveller profile for LU Peng (卢鹏): passport E25254825', ['LU Peng', '卢鹏']],
    ['summary: 客户雷若要求变更收件地址', ['雷若']], ['From: 艾力江·热合曼 <aylijiang1@example.com>', ['艾力江·热合曼']],
    // An airline's name element, repeating the name its DOCS element carries.
    ['1.1SUN/CHEN MS\n7 SSR DOCS SQ HK1 P/CHN/G65334170/CHN/10JAN73/F/07JUN28/SUN/CHEN/P1', ['SUN/CHEN', 'SUN/CHEN']],
    // Both scripts of an HL7 PID-5 name.
    ['PID|1||123^^^HOSP||LUO^JUN^^^^^L~罗^军^^^^^^^^^^C||19570619|M', ['LUO^JUN', '罗^军']],
  ])('%s', (value, want) => expect(names(value).sort()).toEqual([...want].sort()));
  it.each(['参会人员：东方红太阳升', '参会人：待定', '请帮我查一下', '同事们都说好', 'the profile for Marketing Team is ready', '客户要求退款'])('no name in %s', (value) => expect(names(value)).toEqual([]));
  it.each([['蔡涵秋', 'actor', ['蔡涵秋']], ['system', 'actor', []], ['卢浩振', '您的称呼', ['卢浩振']]])('%s under %s', (value, key, want) => expect(names(value, key)).toEqual(want));
});

describe('a table inside text, read by its header\'s labels', () => {
  it.each([
    // Tab-separated, its header not read as a key and its value.
    ['刘会计：\n\n以下人员工资补发，请核对：\n姓名\t银行账号\t金额\n梁薇英\t6217925072077930\t¥29556.38\n江琳梓\t6214837985683907\tCNY 46317.50\n\n谢谢',
      ['梁薇英', '江琳梓'], 'pi.bank_card', ['6217925072077930', '6214837985683907']],
    // Markdown, with a CRLF row.
    ['Hi team,\n\n| 姓名 | 身份证号 | 护照号 | 政治面貌 |\n|---|---|---|---|\n| 郭静豪 | 500103197302196542 | E28549017 | 中共党员 |\r\n| 向艳 | 410105199103297332 | G75692180 | 群众 |\n\nBest regards',
      ['郭静豪', '向艳'], 'pi.passport', ['E28549017', 'G75692180']],
  ])('%s', (text, people, category, values) => {
    expect(names(text)).toEqual(people);
    expect(texts(text, category)).toEqual(values);
  });
  it('a table whose second line is no rule is none', () => {
    expect(texts('| 护照号 | 备注 |\n| E28549017 | x |', 'pi.passport')).toEqual([]);
  });
});

describe('names in loan files, memos, clinical messages and family chats', () => {
  it.each([
    // Lenders' and counsellors' staff; a memo signed after a dash or a thanks.
    ['催收员：姚诺（工号 A50024）', ['姚诺']], ['咨询师：贺玉\n来访者：顾洋，女，55岁', ['贺玉', '顾洋']],
    // A clinician's rank is no health word, and still introduces its holder.
    ['主治医师：雷兰    住院医师：白宇娜', ['雷兰', '白宇娜']], ['住院医师白宇娜查房', ['白宇娜']],
    ['请风控复核。\n——王斌建', ['王斌建']], ['Please review.\n\nThanks,\n钱静玉\nCredit Ops', ['钱静玉']],
    // Family members named in a chat or an order.
    ['是给我妈梁宸轩买的，她有冠心病', ['梁宸轩']], ['我老公郝思诗也是会员', ['郝思诗']],
    // A passport's first machine-readable line; HL7's attending and ordering doctors.
    ['P<CHNXU<<SI<ZI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<', ['XU<<SI<ZI']],
    ['PV1|1|O|神经内科|||||4714^周远伟\rORC|NW|933042986206|||SC||||20260215212950|||5209^LI^NA', ['周远伟', 'LI^NA']],
    // No given name: the span stops before the empty components' carets.
    ['PV1|1|O|神经内科|||||4714^周远伟^^^^Dr', ['周远伟']],
  ])('%s', (value, want) => expect(names(value).sort()).toEqual([...want].sort()));
  it.each([['孔琪志', 'sampleOwner', ['孔琪志']], ['熊杰诗', '学员', ['熊杰诗']], ['顾颖霞', 'checker', ['顾颖霞']], ['孔晓轩', '审方药师', ['孔晓轩']], ['system', 'checker', []]])('%s under %s', (value, key, want) => expect(names(value, key)).toEqual(want));
  it.each([['HomeActivity', '$screen_name', []], ['Zhang Wei', 'enName', ['Zhang Wei']]])('%s under %s (an app\'s screen is no English name)', (value, key, want) => expect(names(value, key)).toEqual(want));
  it.each([['吐尔洪.司马义', 'name', ['吐尔洪.司马义']], ['文件.备份', 'name', []]])('%s under %s (a plain dot in a transliterated name)', (value, key, want) => expect(names(value, key)).toEqual(want));
  it.each([['麻烦帮我重开发票。\n\n宋峰诗\n电话: 19944027508', ['宋峰诗']], ['联系我们\n电话：13812345678', []], ['王府井店\n手机：13812345678', []]])(
    'a signature\'s name over its phone line: %s', (value, want) => expect(names(value)).toEqual(want));
  it.each(['活动时间——周末', '新品上市——张江店开业', 'Thanks for the update', '我妈说明天来，我爸很好', 'P<A12345', 'PV1|1|O|神经内科|||||4714'])(
    'no name in %s', (value) => expect(names(value)).toEqual([]));
  it('a DICOM person name in its alphabetic and ideographic forms, not a phantom\'s', () => {
    expect(nameLocations('{"00100010":{"vr":"PN","Value":[{"Alphabetic":"ZHOU^TAOXIN","Ideographic":"周涛欣"}]}}', 'application/dicom+json'))
      .toEqual(['/00100010/Value/0/Alphabetic', '/00100010/Value/0/Ideographic']);
    expect(nameLocations('{"00100010":{"vr":"PN","Value":[{"Alphabetic":"QA^PHANTOM"}]}}', 'application/dicom+json')).toEqual([]);
  });
  it('the counterparty column of a statement whose header follows its account lines', () => {
    expect(nameLocations('户名：吕军,账号：6216619090702976051\n日期,摘要,对方户名,对方账号\n2026-01-30,转账,姚超亮,6217994322812124048\n', 'text/csv'))
      .toEqual(['/0/0', '/2/对方户名']);
  });
  it('pinyin and standard-code keys; a product list\'s names are products\'', () => {
    expect(nameLocations('{"dsr":"卢瑶彬","aac003":"贺琪","post_receiver":"邹国涵","xsyr":"张伟"}', 'application/json')).toEqual(['/dsr', '/aac003', '/post_receiver', '/xsyr']);
    expect(nameLocations('{"productList":[{"name":"消费分期"},{"name":"车主贷"}],"goodsArray":[{"name":"金小宝"}]}', 'application/json')).toEqual([]);
  });
});


describe('names in bookings, school notes, approvals, claims and registrations', () => {
  it.each([
    // A companion after 同行人; the document the traveller holds ends the name before it.
    ['旅客雷颖持护照E70944581，同行人司马刚，港澳通行证M8771970816。', ['雷颖', '司马刚']],
    ['[SOS] 手表 佩戴者 董琪沐 于 08:12 触发求救', ['董琪沐']],
    // Pinyin names after the role words of school, clinic and recruiting notes.
    ['parent Mingxiao Song informed by phone', ['Mingxiao Song']], ['Main contact is Mingling Pan, mingling.pan@nfls.com.cn', ['Mingling Pan']],
    ['verified, referee Yingtao Song (18912345678)', ['Yingtao Song']], ['Client: Kexuan Huang (student no. 2021)', ['Kexuan Huang']],
    ['Incident report: student Wenming Zhou (ID 330106201610174077)', ['Wenming Zhou']], ['Ride complaint handled by 侯宁.', ['侯宁']],
    // An approval's title names its applicant.
    ['蒋宇提交的请假', ['蒋宇']], ['马倩发起的出差申请', ['马倩']],
    ['Please book the Singapore trip for Xie Shiyu, passport no. G11769081', ['Xie Shiyu']], ['content="SQXZW#顾俊杰#110105196212136197"', ['顾俊杰']],
    ['callback error holder "高婷芳", cardNo: 6259069641644042', ['高婷芳']], ['刘单 电话 13812345678', ['刘单']],
    ['18时许，高睿驾驶京P75755在望京西路追尾，伤者龙磊涛送医', ['龙磊涛']],
    // Minutes in Markdown, an AML case note, a hotline ticket, an English visit note.
    ['**参会**：熊桂鹏, 冯勇\n\n## 讨论', ['熊桂鹏', '冯勇']], ['调查人员：胡磊    结论：可疑', ['胡磊']], ['随后当日转出至雷婷名下账户', ['雷婷']],
    ['来电人称老板秦轩拖欠三个月工资', ['秦轩']], ['护照\n姓名/Name 史峰宇\n性别/Sex 女', ['史峰宇']], ['Visit note — pt 唐海; dx 慢性肾脏病', ['唐海']],
    ['Please process the Schengen visa for Fang Ma (passport E03196301).', ['Fang Ma']],
    // A judgment's bench and a family's child; a case's cause ends its party's name.
    ['审判长　岳远\n人民陪审员　【殷晨嘉】\n书记员　时勇勇', ['岳远', '殷晨嘉', '时勇勇']], ['婚后生育一子倪飞（2015年出生）', ['倪飞']],
    ['原告夏欣海与被告孟建民间借贷纠纷一案', ['夏欣海', '孟建']], ['Visit note for 钱佳萱 — diagnosis: Type 2 diabetes (E11.9)', ['钱佳萱']],
    // A chat export's senders in brackets; a SWIFT MT103's ordering customer and beneficiary.
    ['群：门店运营日报\n[尹燕伟] 已核实。\n[宋晓诗] 收到', ['尹燕伟', '宋晓诗']],
    [':20:REF123\n:50K:/6259110800492752718\nTANG JUNJIE\nNO.968 TIANFU AVE\n:59:/DE73500105175407324931\nAMELIA CLARKE\n:50F:/6222020200112230\n1/YANG XIN\n2/RM 732', ['TANG JUNJIE', 'AMELIA CLARKE', 'YANG XIN']], ['New hire: Zhou Qiang, personal email', ['Zhou Qiang']],
  ])('%s', (value, want) => expect(names(value).sort()).toEqual([...want].sort()));
  it.each(['发放至乙方本人名下账户', '[通知] 明天开会', '[系统消息]: 已同步', '老板很好', ':59:/DE7350010517\nACME TRADING GMBH\n:70:INVOICE 12', ':20:REF123\nTANG JUNJIE',
    '您提交的申请已通过', '财务部提交的报表', '系统发起的任务', '下单成功 电话 13812345678', '订单项目 手机 13812345678', 'parent company Alibaba Group', 'student ID 12345', 'client id web-portal'])(
    'no name in %s', (value) => expect(names(value)).toEqual([]));
  it.each([
    ['谢杰', 'beibaoxianren'], ['夏琳', 'frdb'], ['胡艳磊', '咨询师'], ['田睿辰', 'wearer'], ['Juan Song', 'submittedFor'], ['Lin Cai', 'worker'],
    ['金秀桂', 'underwriter'], ['毛英飞', 'surveyor'], ['于倩海', '查勘员'], ['尹胜涵', 'zzys'], ['LUO YANG', 'xingming_pinyin'],
    ['CHEN JING', 'name_in_passport'], ['PARK', 'ywx'], ['SEOYEON', 'ywm'], ['徐雨晓', '宾客'], ['江诗', 'jianhuren'], ['LIU JING', 'lvke'],
    ['诸葛雨婷', 'qishou'], ['蒋阳华', 'siji'], ['方伟婷', 'orderingDoctor'], ['周刚燕', 'sjys'], ['Luo Jie', 'readingPhysician'], ['祝晓', 'bgys'], ['周勇佳', 'salesConsultant'], ['朱敏磊', 'xsgw'], ['余静', 'czy'], ['王娟颖', 'host'], ['夏海桐', 'senderNick'], ['马梓平', '相对方'], ['时帆振', 'name'], ['LUCAS MUELLER', 'name'], ['Haruto Sato', 'name'],
  ])('%s under %s', (value, key) => expect(names(value, key)).toEqual([value]));
  it.each([['时间', 'name'], ['api.example.com', 'host'], ['worker-3', 'worker'], ['总机', 'contactName'], ['Front Desk', 'contactName'], ['RECEPTION', 'contactName']])(
    '%s under %s is no one', (value, key) => expect(names(value, key)).toEqual([]));
  it('the parts of a name as XML elements', () => {
    expect(names('<ResGuest><PersonName><GivenName>Jiaxue</GivenName><Surname>Zhu</Surname></PersonName></ResGuest>')).toEqual(['Jiaxue', 'Zhu']);
  });
  it('a payroll batch in text whose total line and batch number follow its rows', () => {
    const body = '序号,收款人姓名,收款卡号,收款行,金额,摘要\n1,孙峰颖,6227007778913248172,中国建设银行,55686.46,工资\n2,杨昊嘉,6217007939959079100,中国建设银行,34381.39,工资\n' +
      '3,徐娟玉,6212264771173665532,中国工商银行,52301.53,工资\n合计,,,,¥28,562.42,\n批次号:627936732553132672';
    expect(nameLocations(body, 'text/plain')).toEqual(['/1/收款人姓名', '/2/收款人姓名', '/3/收款人姓名']);
  });
  it("a bordereau sent as a CSV string in JSON is read by its columns", () => {
    const data = 'claim_no,insured_name,id_type,id_no\nPDAA2024310112022035,CAO MING,I,110101199003071233\nPDAA2024310112022036,谭雨,I15,110105560504854';
    expect(nameLocations(JSON.stringify({ format: 'csv', data }))).toEqual(['/data|csv/1/insured_name', '/data|csv/2/insured_name']);
  });
});
