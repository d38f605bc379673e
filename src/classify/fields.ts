/**
 * The one field-name dictionary (English, pinyin, Chinese). Keys are normalised once so
 * camelCase, snake_case, kebab-case and spaced labels all meet, then looked up in a Map.
 * Compound keys ("emergencyContactPhone", "客户姓名") fall back to the longest known suffix;
 * only words specific enough to stand at the end of a compound are suffix entries, and
 * negative entries (category null) stop known false friends like "ipAddress" or "automobile".
 */
import type { CategoryId } from './taxonomy.js';

/** Pseudo-category of reference-number fields ("orderNo", "trackingNo", "sku"): not data to
 *  report, but what such a field holds is a code, so pattern-only findings are dropped there. */
export const REFERENCE = 'ref';

/** Weight of the role words ("applicant", "患者"): at most this, a Han value must read as a
 *  surname and given name to count as one. */
export const ROLE_WEIGHT = 0.8;
/** The weight of a bare "name": spans, services, products and people all have one. */
export const BARE_NAME_WEIGHT = 0.5;

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

/** A name's parts: one word each ("firstName": "Yuhua"), where a role's value must read as a whole name. */
const NAME_PART_KEYS = ['firstName', 'lastName', 'givenName', 'familyName', 'surname', 'middleName', 'surnameGiven', 'familyGivenName',
  'givenNames', 'familyNames', 'forename', 'forenames',
  // SuccessFactors' second script ("firstNameAlt1": "怡秋", "lastNameAlt1": "梁").
  'firstNameAlt', 'lastNameAlt', 'middleNameAlt',
  // A hotel's police registration of a foreign guest: 英文姓 and 英文名 in pinyin initials.
  'ywx', 'ywm'];
const NAME_PART_NORMS = NAME_PART_KEYS.map((k) => k.toLowerCase());

/** Whether a key names a part of a name ("legalName.firstName", "payer_surname"). */
export function namesPartOfName(key: string | undefined): boolean {
  if (key === undefined) return false;
  const norm = normalizeFieldName(key);
  return NAME_PART_NORMS.some((p) => norm.endsWith(p)) || NAME_PART_OF.has(norm);
}

const GROUPS: readonly Group[] = [
  { category: 'pi.phone', weight: 0.9,
    exact: ['telNo', 'telNum', 'cell', 'lxdh', 'sjh', 'sjhm', 'yddh', 'lxfs', 'lxrdh', 'jjlxrdh', 'lxrsj', 'jjlxrsj',
      // Pinyin initials of 收件人/寄件人/收货人/订购人/客户/业主 + 电话 or 手机, as courier and
      // property systems name columns.
      'sjrdh', 'sjrsj', 'jjrdh', 'jjrsj', 'shrdh', 'shrsj', 'dgrdh', 'dgrsj', 'khdh', 'khsj', 'yzdh', 'yzsj', 'lxsj',
      // IATA contact elements: CTCM a mobile, CTCT a telephone, CTCH home, CTCB business.
      'ctcm', 'ctct', 'ctch', 'ctcb',
      // A parent's, a guardian's, a family's phone in school and HR rosters (家长手机号 …).
      'jzsjh', 'jzdh', 'jzsj', 'jhrdh', 'jhrsj', 'jtdh', 'brsj', 'brdh',
      // A WeChat account given as digits is the phone it was opened with ("加微信 1673 017 0003"
      // in a game chat); a WeChat id of letters is no phone under any key.
      'wechat', 'weixin', 'vx', '微信', '微信号', '加微信', '加微'],
    // "tel" ends compounds too: payerTel, agentTel, emergency_tel (hotel and the like below).
    suffix: ['tel', 'phone', 'phoneNo', 'phoneNum', 'phoneNumber', 'mobile', 'mobileNo', 'mobileNum',
      'mobileNumber', 'mobilePhone', 'cellphone', 'cellPhoneNo', 'cellNumber', 'telephone',
      'contactTel', 'custTel', 'customerTel', 'userTel', 'buyerTel', 'receiverTel', 'linkTel',
      'telephoneNo', 'telephoneNumber', 'msisdn',
      // E.164 numbers ("phone_e164"); trailing digits are cut, so these read "phonee" and "mobilee".
      'phoneE164', 'mobileE164', 'shouji', 'shoujihao', 'shoujihaoma', 'dianhua',
      'dianhuahaoma', 'lianxidianhua', '手机', '手机号', '手机号码', '电话', '电话号码', '联系电话',
      '联系方式', '移动电话', '手提电话',
      // A messaging app's account is the phone number it was opened with ("whatsapp_number" must
      // not end in the passport's "ppNumber").
      'whatsapp', 'whatsappNo', 'whatsappNumber', 'whatsappPhone', 'telegramNumber', 'telegramPhone',
      'signalNumber', 'viberNumber',
      // As labels in text: "请拨打1917 6776 392联系", "回电1594.70.3304.9".
      '拨打', '回电', '致电', '来电'] },
  { category: null, weight: 0,
    suffix: ['headphone', 'microphone', 'earphone', 'megaphone', 'iphone', 'automobile', 'isMobile', 'hotel', 'motel',
      'hostel', 'intel', 'cartel', 'pastel'] },

  { category: 'pi.email', weight: 0.9,
    exact: ['mail', 'mailbox'],
    suffix: ['email', 'emailAddress', 'emailAddr', 'mailAddress', 'youxiang', 'dianziyouxiang',
      '邮箱', '电子邮箱', '邮件', '电子邮件', '邮箱地址', '电子邮件地址', 'email地址'] },

  { category: null, weight: 0, suffix: ['voicemail'] },
  // An app's screen in analytics events ("$screen_name": "HomeActivity"), not an English name
  // ("…enName").
  { category: null, weight: 0, suffix: ['screenName'] },
  // Diagnostics of machines (health.ts HEALTH_NEGATIVES, for labels).
  { category: null, weight: 0, suffix: ['车辆诊断', '故障诊断', '系统诊断', '网络诊断', '远程诊断', '自诊断', '设备诊断', '诊断码', '故障码', '车况诊断',
    // The same in English keys ("faultDiagnosis": "诊断结果：伺服电机编码器故障").
    'faultDiagnosis', 'deviceDiagnosis', 'machineDiagnosis', 'systemDiagnosis', 'vehicleDiagnosis', 'networkDiagnosis',
    'engineDiagnosis', 'selfDiagnosis', 'equipmentDiagnosis',
    // A learning platform's diagnostics of a pupil's mastery (health.ts LEARNING_DIAGNOSIS).
    '学情诊断', '知识点诊断', '学习诊断', '学科诊断', '能力诊断', '作业诊断', '错题诊断'] },

  { category: 'pi.id_card', weight: 0.9,
    exact: ['idNo', 'idNum', 'idNumber', 'certNo', 'certNum', 'certNumber', 'certificateNo', 'certificateNumber', 'personalId',
      'zjhm', 'zjh', 'sfz', 'sfzhm', 'gmsfhm', 'sfzjh', 'zjbh', 'sfzjhm', 'idLegacy', 'zhengjianhao', 'zhengjianhaoma',
      // A core banking system's "papers" (证件) number beside its CERT_TYPE.
      'papersNo', 'paperNo', 'papersNum',
      // The traffic police's 身份证明号码.
      'sfzmhm', '身份证明号码',
      // A credit report's earlier ID numbers (the 15-digit ones issued before 1999).
      ...['history', 'old', 'former', 'prev'].flatMap((when) => [`${when}CertNo`, `${when}CertNumber`]),
      // A person's ID number by role; not a suffix: "orderIdNo" is an order's.
      ...['old', 'history', 'former', 'prev', 'legacy', 'person', 'personal', 'buyer', 'payer', 'holder', 'applicant', 'patient', 'customer', 'cust',
        'insured', 'passenger', 'guest', 'driver', 'owner', 'member', 'employee', 'student', 'tenant', 'borrower', 'contact',
        'spouse', 'father', 'mother', 'parent', 'guardian', 'child', 'beneficiary', 'policyholder', 'invoice', 'user', 'real',
        'legal', 'lessee', 'lessor', 'debtor', 'guarantor', 'visitor', 'traveler', 'traveller', 'receiver', 'sender', 'agent']
        .flatMap((role) => [`${role}IdNo`, `${role}IdNumber`])],
    suffix: ['idCard', 'idCardNo', 'idCardNum', 'idCardNumber', 'identityCard', 'identityCardNo',
      'identityNo', 'identityNum', 'identityNumber', 'nationalId', 'nationalIdNo',
      'nationalIdNumber', 'residentId', 'residentIdNo', 'citizenId', 'citizenIdNo', 'citizenIdNumber', 'sfzh', 'shenfenzheng',
      'shenfenzhenghao', 'shenfenzhenghaoma', '身份证', '身份证号', '身份证号码', '证件号', '证件号码',
      '身份证件号码', '公民身份号码', '身份号码', 'docNo', 'docNumber', 'documentNo', 'documentNumber',
      'credentialNo', 'credentialNumber', 'identificationNo', 'identificationNumber', '证件', '证件编号'] },

  { category: 'pi.bank_card', weight: 0.85,
    // PAN: a card's primary account number, as payment APIs name it.
    // hkkh, fkkh, tkkh: pinyin initials of 还款卡号, 付款卡号, 退款卡号.
    exact: ['card', 'acctNo', 'acctNum', 'yhkh', '账号', 'skzh', 'fkzh', 'skkh', 'skzhh', 'khzh', 'pan', 'acct', 'settleAcct', 'settleAcctNo',
      'hkkh', 'fkkh', 'tkkh', 'hkzh',
      // 收款人账号 and 付款人账号 in pinyin initials.
      'skrzh', 'fkrzh'],
    suffix: ['accountNo', 'accountNum', 'accountNumber', 'payeeAcctNo', 'payerAcctNo', 'cardNo', 'cardNum', 'cardNumber', 'bankCard', 'bankCardNo', 'bankCardNumber',
      'bankAccount', 'bankAccountNo', 'bankAccountNumber', 'debitCard', 'creditCard',
      'creditCardNo', 'creditCardNumber', 'iban', 'yinhangka', 'yinhangkahao', 'kahao', '卡号',
      '银行卡', '银行卡号', '银行卡号码', '银行账号', '银行账户', '信用卡号', '借记卡号', '开户账号',
      '收款账号', '付款账号',
      // Cards and accounts by what they are for.
      'salaryCard', 'salaryAccount', 'payCard', 'payAccount', 'payeeAccount', 'payerAccount', 'payeeCard', 'payerCard', 'settleAccount', 'settlementAccount',
      'refundCard', 'refundAccount', 'repayCard', 'repaymentCard', 'repaymentAccount', 'withdrawCard', 'withdrawAccount',
      'yhzh', 'yhkzh', '还款账户', '还款卡号', '工资卡', '工资卡号', '结算账户', '结算账号', '收款账户', '付款账户',
      '退款账户', '退款账号', '提现账户', '提现账号', '银行账户号',
      // A company's account: 对公账号 on invoices and payment forms.
      '对公账号', '对公账户', '对公银行账号', '企业账号', '企业账户', '单位账号', '单位账户', 'corporateAccount',
      // A VAT invoice's seller and buyer: the bank, then the account ("开户行及账号：中国工商银行… 0200…").
      '开户行及账号', '开户行及帐号', '开户银行及账号', '开户行及账户', 'salerAccount', 'sellerAccount', 'buyerAccount', 'xfyhzh', 'gfyhzh',
      'corporateAccountNo', 'companyAccountNo'] },
  { category: null, weight: 0,
    suffix: ['memberCardNo', 'membershipCardNo', 'vipCardNo', 'giftCardNo', 'giftCardNumber',
      'simCardNo', 'libraryCardNo', 'userAccountNo', 'loginAccountNo', 'memberAccountNo', '会员卡号', '购物卡号', '礼品卡号'] },

  { category: 'pi.name', weight: BARE_NAME_WEIGHT, exact: ['name'] },
  // "xm" 姓名 and "hm" 户名 (a utility's or a bank's account holder) in pinyin initials.
  { category: 'pi.name', weight: 0.7, exact: ['xm', 'mingzi', 'hm'] },
  // A DICOM person name's three forms ({"vr": "PN", "Value": [{"Alphabetic": "ZHOU^TAOXIN"}]}).
  { category: 'pi.name', weight: 0.9, exact: ['Alphabetic', 'Ideographic', 'Phonetic'] },
  { category: 'pi.name', weight: 0.8,
    suffix: NAME_PART_KEYS },
  { category: 'pi.name', weight: 0.9,
    suffix: ['fullName', 'realName', 'customerName', 'custName', 'contactName', 'contactPerson',
      'personName', 'holderName', 'recipientName', 'receiverName', 'consigneeName', 'payerName',
      'payeeName', 'patientName', 'passengerName', 'guestName', 'applicantName', 'buyerName',
      'studentName', 'employeeName', 'legalName', 'chineseName', 'xingming', 'zhenshixingming',
      // A name in its local script or in pinyin beside it ("nameLocal", "nameInPinyin").
      'nameLocal', 'localName', 'nativeName', 'nameInPinyin', 'nameLatin', 'latinName', 'nameRoman', 'romanizedName',
      // Payment onboarding's representative in the local script ("full_name_kanji_or_local").
      'fullNameKanjiOrLocal', 'nameKanji', 'kanjiName', 'fullNameLocal',
      // SAP's contact person field in German installs.
      'ansprechpartner',
      'lianxiren', 'shoujianren', 'shouhuoren', '姓名', '真实姓名', '客户姓名', '联系人', '联系人姓名',
      '收件人', '收货人', '持卡人', '持卡人姓名', '患者姓名', '乘客姓名', '申请人', '紧急联系人', 'empName',
      'staffName', 'workerName', 'insuredName', 'insurantName', 'policyholderName', 'beneficiaryName',
      'travelerName', 'travellerName', 'driverName', 'ownerName', 'vehicleOwner', 'tenantName',
      'renterName', 'landlordName', 'doctorName', 'physicianName', 'teacherName', 'parentName',
      'guardianName', 'childName', 'spouseName', 'fatherName', 'motherName', 'signerName', 'signatoryName',
      'legalRepresentative', 'legalPerson', 'cnName', 'englishName', 'pinyinName', 'shipperName',
      'senderName', 'addresseeName', 'attendeeName', 'memberName', 'userRealName', 'accountHolder',
      'accountHolderName', 'cardholder', 'cardholderName', '员工姓名', '被保险人', '被保险人姓名', '投保人',
      '投保人姓名', '受益人', '受益人姓名', '乘车人', '乘机人', '旅客姓名', '入住人', '住客姓名', '学生姓名',
      '家长姓名', '监护人', '监护人姓名', '法定代表人', '法人代表', '负责人', '经办人', '收款人', '收款人姓名',
      '付款人', '付款人姓名', '户名', '开户名', '开户人', '车主', '车主姓名', '病人姓名', '医生姓名',
      '签收人', '寄件人', '寄件人姓名', '收件人姓名', '收货人姓名', '承租人', '借款人', '担保人', '配偶姓名',
      '父亲姓名', '母亲姓名', '中文名', '中文姓名', '发件人', '签名人', '作者姓名', '当事人', 'nameCn', 'nameZh', 'nameEn', 'nameChinese', 'nameEnglish',
      'zhName', 'enName', 'fullNameCn', 'realNameCn', 'nameInChinese', 'namePinyin',
      // Chinese-English API names: "linkman" (联系人), "legalRep" (法定代表人).
      'linkman', 'linkmanName', 'contactMan', 'legalRep', 'legalRepName', 'legalRepresentativeName',
      'legalPersonName', 'corporateRepresentative', 'faren', 'farendaibiao', 'fadingdaibiaoren', 'fddbr', 'lxr',
      'lxrmc', 'sjr', 'shr', 'debtorName', 'creditorName', 'candidateName', 'spouse', 'father', 'mother',
      '主治医师', '主治医生', '责任医生', '经治医生', '姓名拼音', '拼音姓名', '英文姓名',
      // Laboratory reports: who was tested, who sent the sample, who signed the report.
      '受检者', '受检人', '受检者姓名', '受检人姓名', '送检人', '送检医生', '送检医师', '样本提供者', '检测对象', '被检测人',
      '审核医师', '审核医生', '报告医师', '报告医生', '检验医师', '检验者', '申请医生', '申请医师', '开单医生', '主管医生',
      '签名医师', '医师签名', '医生签名', '签字医生',
      // 户名 in pinyin, on bank transfer forms.
      'huming', 'zhmc',
      // Bookings and pick-ups: "pax" is the travel trade's word for a passenger.
      'paxName', 'pax', 'bookerName', 'booker', 'checkinName', 'occupantName', 'pickupContact', 'pickupPerson',
      'pickupName', 'guarantorName', 'chikaren', 'chengcheren', 'chengjiren', 'ccr',
      // Airline records and cards: the passenger as the PNR writes it, the holder as embossed.
      'nameInPnr', 'pnrName', 'nameOnCard', 'nameOnPassport',
      // Pinyin initials of 收件人姓名, 寄件人姓名, 收货人姓名 (the generic "…xm" rule takes
      // only a plain Han name; these take any).
      'sjrxm', 'jjrxm', 'shrxm',
      // The name as the passport prints it, in pinyin or as a visa form asks for it.
      'xingmingPinyin', 'nameInPassport', 'passportName', 'nameAsInPassport',
      // 被保险人 and 法人代表 in pinyin; whom an approval or a timesheet is for.
      'beibaoxianren', 'toubaoren', 'frdb', 'submittedFor', 'requestedFor'] },
  // Role words that hold a person's name when the value is a string (an object under them is
  // not a leaf); too generic to trust at the end of a compound key. They double as speaker
  // tags ("患者：我头疼"), so a Han value must start with a surname (see ROLE_WEIGHT).
  { category: 'pi.name', weight: 0.8,
    exact: ['applicant', 'insured', 'insurant', 'policyholder', 'beneficiary', 'patient', 'passenger',
      'traveler', 'traveller', 'recipient', 'receiver', 'consignee', 'addressee', 'guardian', 'signatory',
      'emergencyContact', 'staff', 'employee', 'tenant', 'guest', 'buyer',
      'student', 'borrower', 'landlord', 'witness', 'doctor', 'physician', 'nurse', 'candidate', 'debtor', 'creditor',
      'teacher', 'interviewee', 'visitor', 'occupant', 'guarantor', 'consignor', 'surgeon', 'anesthetist', 'anaesthetist', 'pharmacist', 'editor', 'reviewer',
      'examiner', 'cashier', 'attendant', 'lawyer', 'attorney', 'counsel', 'cust', 'submitter', 'uploader', 'parent', 'emp',
      'interviewer', 'advisor', 'adviser', 'consultant', 'counselor', 'counsellor', 'referee', 'worker',
      // Who wears a child's smartwatch or a patient's monitor; a hotel's guest on a room list.
      'wearer', '佩戴者', '宾客', '咨询师', '心理咨询师', '治疗师', '心理治疗师',
      // Rentals: a car's or a flat's hirer ("renter": "刘娟子" in a rental's return event).
      'renter', 'lessee', 'hirer',
      // Minutes, courts, invoices and test reports; a CRM's customer and a club's member.
      'attendee', 'attendees', 'participant', 'participants', 'invitee', 'invitees', 'organizer', 'organiser',
      'judge', 'clerk', 'officer', 'drawer', 'tester', 'attending', 'inspector', 'donor', 'customer', 'member',
      // Pinyin of 受益人, 投保人, 被保险人, 求职者, 房东, 租客, 业主, 车主, 患者, 病人, 客户 as insurers',
      // agencies' and clinics' systems name them.
      'syr', 'tbr', 'bbxr', 'qzz', 'fangdong', 'zuke', 'yezhu', 'chezhu', 'huanzhe', 'bingren', 'kehu',
      // …and of 监护人, 旅客, 乘客, 骑手, 司机, 驾驶员.
      'jianhuren', 'lvke', 'chengke', 'qishou', 'siji', 'jiashiyuan',
      // …and of 入住人, 监护人, 寄件人, 收款人, 付款人, 经办人, 申请人; a receiver abbreviated.
      'rzr', 'jhr', 'jjr', 'skr', 'fkr', 'jbr', 'sqr', 'rcv', 'rcvr', 'recv',
      // …of 持卡人 and 签收人; a bank statement's other party.
      'ckr', 'qsr', 'counterparty', 'cpty',
      // How a form asks to address you ({"label": "您的称呼", "value": "卢浩振"}).
      '称呼', '您的称呼',
      // Pinyin initials of 当事人 and 现/原所有人 on traffic and vehicle-transfer forms; the social
      // insurance data standard's code for 姓名; a short-video shop's order recipient.
      'dsr', 'xsyr', 'ysyr', 'yzsyr', 'aac003', 'postReceiver',
      // An invoice's checker and a prescription's pharmacists; whose sample a genetic test read.
      'checker', '审方药师', '调配药师', '核对药师', '发药药师', '药师', 'sampleOwner', 'specimenOwner',
      // An insurer's underwriter, surveyor and adjuster; the attending doctor (主治医生 zzys).
      'underwriter', 'surveyor', 'adjuster', '核保员', '查勘员', '定损员', '理赔员', 'zzys',
      // Who ordered, sent, read, reported and reviewed a test (送检医生 sjys, 报告医生 bgys, 审核医生 shys).
      'orderingDoctor', 'orderingPhysician', 'referringDoctor', 'referringPhysician', 'readingPhysician', 'readingDoctor',
      'reportingDoctor', 'reportingPhysician', 'reviewingDoctor', 'sjys', 'bgys', 'shys',
      // A car sale's consultant (销售顾问 xsgw), a used car's appraiser (评估师), a roster's operator
      // (操作员 czy); an investigation's staff and a social-insurance filing's insured (参保人).
      'salesConsultant', 'xsgw', '销售顾问', '评估师', '鉴定评估师', '操作员', 'czy', '调查人员', '调查员', '参保人',
      // "审核：邹秀曦" at the foot of a report; as words in text they are verbs ("审核单据").
      '审核', '审批', '复核', '审核员', '值班人', '值班员', '审核人', '审批人', '对接人', '跟进人', '责任人', '客户', '乘客', '学生', '学员',
      '驾驶员', '驾驶人', '开方医生', '处方医生', '接诊医生', '快递员', '配送员', '骑手',
      // A discharge summary's signatures ("住院医师：东方晨兰"): as labels, a compound surname that
      // is also a word (东方) still reads as the name the "医师" trigger would not take past a colon.
      '住院医师', '住院医生', '主任医师', '副主任医师',
      '员工', '患者', '病人', '旅客', '住客', '租客', '业主', '房东', '名字', '司机', '房客', '医生', '护士',
      '医师', '处方医师', '开方医师',
      '家长', '配偶', '法人', '买家',
      // The parties of contracts, leases and cases ("乙方（劳动者）：", "被告（被申请人）：").
      '甲方', '乙方', '丙方', '出租方', '承租方', '原告', '被告', '第三人', '被申请人', '申请方', '劳动者', '相对方'] },

  // "dz": 地址 in pinyin initials, as CRM exports name it; a value must read as an address.
  // "zz" (住址) on a vehicle licence; ISO 20022's <PstlAdr><AdrLine>.
  { category: 'pi.address', weight: 0.6, exact: ['addr', 'dz', 'zz', 'AdrLine'] },
  { category: 'pi.address', weight: 0.7, suffix: ['address'] },
  { category: 'pi.address', weight: 0.85,
    suffix: ['homeAddress', 'homeAddr', 'mailingAddress', 'postalAddress', 'shippingAddress',
      'shipAddress', 'shipAddr', 'deliveryAddress', 'deliveryAddr', 'billingAddress',
      'residentialAddress', 'residenceAddress', 'streetAddress', 'contactAddress',
      'receiverAddress', 'consigneeAddress', 'permanentAddress', 'addressLine', 'dizhi',
      'jiatingdizhi', 'shouhuodizhi', 'zhuzhi', '地址', '住址', '家庭住址', '收货地址', '联系地址',
      '通讯地址', '详细地址', '户籍地址', '居住地址', '现住址', '送货地址', '寄件地址', '收件地址',
      'installAddress', 'installAddr', 'installationAddress', 'workAddress', 'workAddr',
      'companyAddr', 'contactAddr', 'receiverAddr', 'detailAddress', 'detailAddr', 'registeredAddress', 'registeredAddr',
      '安装地址', '装机地址', '工作地址', '单位地址',
      // Pinyin initials of 家庭住址, 居住地址, 户籍地址, 详细地址, 联系地址, 收货地址.
      'jtzz', 'jzdz', 'hjdz', 'xxdz', 'lxdz', 'shdz', 'sjrdz', 'jjrdz', 'shrdz',
      // 通讯地址 and 投保人地址 in pinyin initials; a policy applicant's and a mailing address.
      'txdz', 'tbrdz', 'applicantAddr', 'applicantAddress',
      // The address on an identity document (证件地址) as SIM registrations name it.
      'zjdz', 'certAddr', 'certAddress', 'postAddr',
      // The settlement list's current address (curr_addr); 现住址 in pinyin initials.
      'currAddr', 'currentAddress', 'xzz',
      // Where a property stands (房屋坐落 on certificates and leases, fwzl; 房屋地址 fwdz) and
      // where an insured accident happened (出险地点).
      '坐落', '房屋坐落', 'fwzl', 'fwdz', '出险地点', 'accidentAddr'] },
  { category: null, weight: 0,
    suffix: ['ipAddress', 'ipv4Address', 'ipv6Address', 'macAddress', 'serverAddress',
      'remoteAddress', 'localAddress', 'hostAddress', 'walletAddress', 'contractAddress',
      'bindAddress', 'listenAddress', 'proxyAddress', 'gatewayAddress', 'webAddress',
      'networkAddress', 'tokenAddress', 'baseAddress', 'memoryAddress', 'ip地址', 'mac地址',
      '网络地址', '钱包地址', '服务器地址', '服务地址'] },

  { category: 'pi.passport', weight: 0.9,
    // PPN: the passport's identifier type in HL7 v2 table 0203, which FHIR uses.
    // hxzh, tbzh: pinyin initials of 回乡证号 (Home Return Permit) and 台胞证号.
    // passNo: a permit's number beside its passType ("往来港澳通行证"); exact, "bypassNo" is none.
    exact: ['hzhm', 'hzh', 'permit', 'PPN', 'hxzh', 'hxzhm', 'tbzh', 'tbzhm', 'passNo', 'passNum', 'passNumber'],
    suffix: ['passport', 'passportNo', 'passportNum', 'passportNumber', 'huzhao', 'huzhaohao',
      '护照', '护照号', '护照号码', '通行证号', '通行证号码', '港澳通行证', '港澳通行证号', 'travelDocNo',
      'travelDocumentNo', 'travelDocumentNumber', 'travelDocument', 'permitNo', 'permitNumber',
      '港澳通行证号码', '台胞证', '台胞证号', '回乡证', '回乡证号', '旅行证件号',
      // The permits of DOMAIN §5 by their English and pinyin names.
      'hkMacauPermit', 'hkMacaoPermit', 'hkMacaoResidentPermit', 'hkMacauResidentPermit', 'hkmPermit', 'homeReturnPermit', 'mainlandTravelPermit',
      'taiwanPermit', 'twPermit', 'exitEntryPermit', 'gangaoPermit', 'gangaotongxingzheng',
      'huixiangzheng', 'taibaozheng', '往来港澳通行证', '往来台湾通行证', '出入境通行证',
      'travelPermit', 'travelPermitNo', 'hkPermit', 'mainlandPermit', 'exitPermit', 'entryPermit', 'txzh', 'txzhm',
      'tongxingzheng', 'travelDoc', 'gatxz', 'gatxzh', 'twtxz', '回乡证号码', '护照编号', '护照证号', '台胞证号码', 'passportId', 'ppNo', 'ppNumber',
      'hkMacauPassNo', 'hkMacaoPassNo', 'hkMacauPass', 'hkMacaoPass', 'eepNo', 'hrpNo', 'macauPermit', 'macaoPermit',
      'returnPermit', 'returnPermitNo',
      // "港澳居民来往内地通行证", "台湾居民来往大陆通行证": every permit's name ends so.
      '通行证'] },

  // Sensitive categories a field name alone establishes (DOMAIN §4).
  { category: 'pi.health', weight: 0.9,
    exact: ['rx', 'dx', 'icd', 'diag', 'zhenduan', 'bingli', 'bingshi', 'chufang', 'yizhu',
      'jibing', 'guominshi', 'medical', 'medicalInfo',
      // The national medical-insurance interface's disease fields (dise_codg, dise_name,
      // maindiag_code) and pinyin initials of 诊断结果, 诊断代码 and 疾病代码.
      'dise_codg', 'dise_name', 'maindiag_code', 'maindiag_name', 'zdjg', 'zddm', 'jbdm'],
    suffix: ['diagnosis', 'diagnose', 'diagnoses', 'diagnosisCode', 'diagnosisName', 'diagnosisResult',
      'icdCode', 'icd10Code', 'dxCode', 'dxName', 'diagCode', 'diagName', 'diseaseCode', 'prescription', 'prescriptions', 'medication', 'medications',
      'medicalHistory', 'medicalRecord', 'medicalRecords', 'medicalCondition', 'medicalConditions',
      'healthCondition', 'healthStatus', 'chiefComplaint', 'presentIllness', 'pastHistory',
      'pastMedicalHistory', 'familyHistory', 'allergy', 'allergies', 'allergyHistory', 'drugAllergy',
      'symptom', 'symptoms', 'disease', 'diseases', 'diseaseName', 'illness', 'illnessName',
      'surgeryHistory', 'operationHistory', 'labResult', 'labResults', 'labReport', 'pathology',
      'pathologyReport', 'caseSummary', 'caseHistory', 'clinicalNote', 'clinicalNotes', 'visitNote',
      'medicalNote', 'medicalNotes', 'doctorAdvice', 'doctorOrder', 'doctorOrders', 'treatmentPlan',
      'disability', 'pregnancyStatus', '诊断', '诊断结果', '诊断名称', '诊断信息', '初步诊断', '临床诊断',
      '出院诊断', '病历', '病历摘要', '病史', '既往史', '既往病史', '现病史', '家族史', '过敏史',
      '药物过敏', '处方', '处方信息', '医嘱', '主诉', '疾病', '疾病名称', '病名', '病情', '病情描述', '症状',
      '检验结果', '检查结果', '检验报告', '化验结果', '体检结果', '体检报告', '用药', '用药记录', '用药信息',
      '手术史', '手术记录', '手术名称', '健康状况', '身体状况', '病理', '病理诊断', '残疾类型', '残疾等级',
      '传染病史', 'medicine', 'medicines', 'medicineName', 'drug', 'drugs', 'drugName', 'dosage', 'surgery',
      'chronicDisease', 'mentalHealth', '药品', '药品名称', '药物', '用药情况', '慢性病', '既往疾病', '过敏原',
      'procedureName', 'surgeryName', 'zhusu', 'shoushu', 'jibingmingcheng', 'jianchajieguo',
      'jianyanjieguo', 'zhenduanjieguo', 'ICD编码', '疾病编码', '诊断编码', '检查所见', '检查结论', '影像所见', '护理等级',
      'nursingLevel', 'diagResult', 'clinicalDx', 'rxText', 'dxText',
      // A record's diagnoses by their rank or stage, lab panels, ECGs, and an insurance
      // application's health questions (whose answers are the applicant's conditions).
      'primaryDx', 'secondaryDx', 'principalDx', 'admitDx', 'admissionDx', 'dischargeDx', 'finalDx', 'workingDx',
      'meds', 'currentMeds', 'currentMedications', 'provisionalDx', 'letterDx', 'labValues', 'labFindings', 'ecg', 'ekg', 'ecgSummary', 'ecgResult', '心电图',
      'healthDeclaration', 'healthDeclarations', 'healthQuestionnaire', '健康告知',
      // Pinyin initials of 诊断编码, 疾病编码, 诊断名称, 疾病名称, as hospital systems name columns.
      'zdbm', 'jbbm', 'zdmc', 'jbmc',
      // A laboratory's or an examination's conclusion (检验结论, 检查结论) and its pinyin initials.
      '检验结论', '化验结论', 'jyjl', 'jcjl', 'labConclusion', 'testConclusion',
      // A report's line per test: "检验项目：TPPA 阳性".
      '检验项目', '化验项目', 'jyxm',
      // A check-up's or an underwriting report's abnormal findings, and ICD编码 in pinyin.
      'abnormalItems', 'abnormalFindings', 'abnormalResults', '异常项目', '异常指标', '异常结果', 'icdbm',
      // The national medical-insurance settlement list's operations (手术操作代码, 手术操作名称),
      // and its outpatient chronic and special diseases (门诊慢特病病种).
      'oprn_oprt_code', 'oprn_oprt_name', 'opsp_dise_code', 'opsp_dise_name',
      // Pharmacovigilance: adverse events and reactions, as MedDRA preferred terms.
      'adverseEvent', 'adverseEvents', 'adverseReaction', 'adverseReactions', 'adverseDrugReaction', 'reactionTerm',
      'preferredTerm', 'meddraTerm', 'meddraPt', 'eventTerm', 'aeTerm'] },
  { category: 'pi.religion', weight: 0.9,
    suffix: ['religion', 'religiousBelief', 'religiousAffiliation', 'faith', 'zongjiao', 'zongjiaoxinyang',
      '宗教', '宗教信仰', '信仰', 'zjxy'] },
  { category: 'pi.biometric', weight: 0.9,
    suffix: ['faceFeature', 'faceFeatures', 'faceTemplate', 'faceEmbedding', 'faceVector', 'faceData',
      'faceImage', 'facePhoto', 'facialFeatures', 'fingerprintTemplate', 'fingerprintData',
      'fingerprintImage', 'fingerprintFeature', 'fingerTemplate', 'fpTmp', 'fpTemplate', 'rlsj', 'rltz', 'voiceprint', 'voiceprintData', 'voiceprintSample',
      'voiceFeature', 'irisTemplate', 'irisCode', 'irisImage', 'irisData', 'palmprint', 'palmVein',
      'fingerVein', 'biometric', 'biometrics', 'biometricData', 'biometricTemplate', '人脸', '人脸特征',
      '人脸特征值', '人脸数据', '人脸图像', '人脸照片', '人脸模板', '面部特征', '指纹数据', '指纹模板', '指纹特征',
      '指纹图像', '声纹', '声纹特征', '声纹数据', '虹膜', '虹膜数据', '虹膜特征', '掌纹', '掌纹数据', '掌静脉',
      '指静脉', '步态特征', 'renlian', 'shengwen', 'hongmo', 'zhiwenmb', 'zhiwenmoban', 'renlianmb', 'renliantz'] },
  // "fingerprint" is more often a certificate or device hash: the value has to look like a template.
  { category: 'pi.biometric', weight: 0.5, suffix: ['fingerprint', 'zhiwen', '指纹'] },
  { category: null, weight: 0,
    suffix: ['deviceFingerprint', 'browserFingerprint', 'certFingerprint', 'certificateFingerprint',
      'keyFingerprint', 'publicKeyFingerprint', 'sslFingerprint', 'tlsFingerprint', 'sshFingerprint',
      'jsFingerprint', 'canvasFingerprint', '设备指纹', '浏览器指纹', '证书指纹'] },
  { category: 'important.genetic', weight: 0.9,
    exact: ['snp', 'rsid', 'rsids', 'snps', 'allele', 'alleles', 'marker', 'markers'],
    suffix: ['genotype', 'genotypes', 'snpId', 'rsNumber', 'geneSequence', 'dnaSequence', 'dnaSeq',
      'genomeSequence', 'geneMutation', 'mutationSite', '基因型', '基因序列', '测序数据', '位点', '基因位点',
      'snp位点', '等位基因', '基因检测结果', 'jiyinxing'] },
  { category: 'pi.device_id', weight: 0.9,
    exact: ['meid', 'imsi', 'idfa', 'oaid', 'androidId', '串号',
      // A call record's subscriber (3GPP TS 32.298 servedIMSI, servedIMEI).
      'servedImsi', 'servedImei'],
    suffix: ['imei', 'imeiNo', 'imeiNumber', 'deviceImei', 'phoneImei', 'imeiCode', 'imei号', '手机串号',
      '设备串号', 'IMEI码'] },
  { category: 'org.uscc', weight: 0.9,
    exact: ['usci', 'tyshxydm', 'shxydm', 'xydm'],
    suffix: ['uscc', 'creditCode', 'creditNo', 'socialCreditCode', 'unifiedSocialCreditCode',
      'unifiedCreditCode', 'taxpayerId', 'taxpayerNo', 'taxpayerNumber', 'taxNo', '统一社会信用代码',
      '社会信用代码', '信用代码', '纳税人识别号', '税号', '营业执照号', '营业执照号码', 'taxId', 'taxNumber',
      'enterpriseCode', 'businessLicenseNo', 'businessLicenseNumber', 'orgCreditNo', '企业信用代码',
      'companyCode', 'corpCode', 'unifiedCode', 'unifiedSocialCode', 'socialCode', 'licenseCode', 'nsrsbh', 'yyzzh',
      'tyxydm', '营业执照编号', '企业代码', '单位代码', '机构代码',
      // A company's registration number is its USCC (a booking's is "regNo", a reference).
      'registrationNo', 'registrationNumber', 'companyRegNo', 'businessRegNo', '注册号', '工商注册号',
      // A VAT registration in China is the taxpayer number, which is the USCC.
      'vatRegNo', 'vatNo', 'vatNumber', 'vatId', 'taxRegNo', 'taxRegistrationNo', 'taxRegistrationNumber',
      // An e-invoice's seller's and buyer's taxpayer numbers in pinyin initials (销方 / 购方识别号).
      'xfsbh', 'gfsbh', 'xfnsrsbh', 'gfnsrsbh',
      // An institution's code is its USCC: public hospitals and agencies register under it (12…).
      'hospitalCode', 'institutionCode', 'organizationCode', 'orgCode', '医院代码', '医院编码', '医疗机构代码',
      '机构编码', 'jgdm', 'yljgdm'] },
  { category: 'vehicle.vin', weight: 0.9,
    exact: ['vin', 'chejiahao', 'chassis', 'cjh', 'clsbdm'],
    suffix: ['vinNo', 'vinCode', 'vinNumber', 'chassisNo', 'chassisNumber', 'frameNo', 'frameNumber',
      'vehicleIdentificationNumber', 'vehicleVin', 'carVin', '车架号', '车辆识别代号', '车辆识别码', '车辆识别号',
      'vin码'] },
  { category: 'pi.plate', weight: 0.9,
    exact: ['plate', 'carNo', 'hphm', 'chepai', 'chepaihao'],
    suffix: ['plateNo', 'plateNumber', 'licensePlate', 'licensePlateNo', 'licensePlateNumber', 'carPlate',
      'vehiclePlate', 'plateNum', '车牌', '车牌号', '车牌号码', '号牌号码'] },

  // Reference numbers: what such a field holds is an order or a code, whatever its digits look
  // like, so pattern-only findings (a Luhn-valid 62… tracking number) are dropped under them.
  { category: REFERENCE, weight: 0,
    exact: ['id', 'uuid', 'guid', 'sku', 'spu', 'barcode', 'ean', 'upc', 'isbn', 'hash', 'checksum',
      'digest', 'md5', 'sha1', 'nonce', 'nonceStr', 'signature', 'sign', 'token', 'traceId', 'tn', 'qq', 'trace', 'ticket',
      'spanId', 'requestId', 'reqId', 'req', 'ts', 'timestamp', 'version', 'ver', 'build', 'invoice',
      'etag', 'captcha', 'order', 'tracking'],
    // "ref" as a suffix too: oldRef, txnRef, bizRef (and href, which holds no identifier).
    suffix: ['ref', 'orderNo', 'orderId', 'orderNumber', 'orderCode', 'trackingNo',
      'trackingNumber', 'trackingId', 'waybill', 'waybillNo', 'waybillNumber', 'expressNo',
      'logisticsNo', 'shipmentNo', 'parcelNo', 'invoiceNo', 'invoiceNumber', 'invoiceCode',
      'transactionId', 'transactionNo', 'txnId', 'tradeNo', 'outTradeNo', 'paymentId', 'refNo',
      'referenceNo', 'referenceNumber', 'serialNo', 'serialNumber', 'batchNo', 'lotNo', 'ticketNo',
      'claimNo', 'policyNo', 'couponCode', 'promoCode', 'skuId', 'skuCode', 'productCode', 'productId',
      'itemNo', 'itemId', 'partNo', 'partNumber', 'modelNo', 'goodsId', 'goodsNo', '订单号', '订单编号',
      '运单号', '快递单号', '物流单号', '流水号', '交易号', '交易流水号', '发票号', '发票号码', '发票代码',
      '商品编码', '条形码', '批次号', '保单号',
      // More business references: a 16-19 digit one passes Luhn one time in ten.
      'bizNo', 'traceNo', 'voucherNo', 'billNo', 'receiptNo', 'contractNo', 'caseNo', 'ticketId', 'docId',
      'msgId', 'messageId', 'eventId', 'sessionId', 'taskId', 'jobId', 'correlationId', 'qqNo', 'qqNumber', '单号',
      '工单号', '编号', '参考号', '业务单号', '凭证号', '合同号', '单据号', '案件号',
      // Registrations, bookings, batches and mail items: numbered by the business, not people.
      'regNo', 'confirmationNo', 'confirmationNumber', 'confirmationCode',
      'bookingNo', 'bookingId', 'bookingRef', 'reservationNo', 'reservationId', 'pnr', 'batchId', 'batch', 'bizId',
      'couponId', 'couponNo', 'activityId', 'activityNo', 'campaignId', 'promotionId', 'promoId', 'adId', 'creativeId',
      'shopId', 'storeId', 'merchantId', 'mchId', 'spuId', 'categoryId', 'brandId', 'skuNo', 'templateId', 'channelId',
      'mailNo', 'mailNumber', 'packageNo', 'deliveryNo', 'shipmentId', 'refundNo', 'refundId',
      'payNo', 'applyNo', 'applicationNo', 'recordNo', 'reportNo', 'orderSn', 'settlementNo', '订单', '运单', '预订号',
      '确认号', '登记号', '批次', 'claimNumber', 'claimId', 'ywlsh', 'lsh',
      // Part, model and licence codes: a 17-char one passes the VIN check one time in eleven.
      'mpn', 'itemCode', 'modelCode', 'partCode', 'licenseKey', 'productKey', 'activationCode', 'serialKey',
      // A recruiter's job requisition ("Requisition: 19815034939"); a workplace app's staff id,
      // 15 digits that pass Luhn one time in ten ("senderStaffId").
      'requisition', 'requisitionNo', 'requisitionId', 'reqNo', 'staffId', 'senderStaffId',
      // A return's authorisation number ("rmaNo": "RMA20250613053512").
      'rmaNo', 'rmaNumber', 'returnNo',
      '配件编号', '零件号', '物料编码', '物料号', '型号'] },
  // Quantities: an 11-digit byte count (17179869184 is 16 GiB) reads like a mobile number, and
  // only the field says it is a size. No generic suffix like "count", which "account" ends in.
  { category: REFERENCE, weight: 0,
    exact: ['size', 'mem', 'memory', 'disk', 'cnt', 'used', 'free', 'available', 'avail', 'length', 'len',
      'duration', 'elapsed', 'latency', 'amount', 'price', 'balance', 'fee', 'qty', 'quantity', 'counter',
      'offset', 'uptime', 'seq', 'seqNo', 'sequence', 'sequenceNo'],
    suffix: ['Bytes', 'ByteCount', 'SizeBytes', 'FileSize', 'TotalMem', 'FreeMem', 'UsedMem', 'AvailMem', 'MemTotal',
      'MemFree', 'MemUsed', 'HeapUsed', 'HeapTotal', 'HeapSize', 'DiskFree', 'FreeDisk', 'DiskUsed', 'UsedDisk',
      'DiskTotal', 'TotalDisk', 'DiskSize', 'FreeStorage', 'UsedStorage', 'TotalStorage', 'DurationMs', 'ElapsedMs', 'LatencyMs', 'Packets', 'TotalAmount',
      'Quota', 'Capacity', 'Fen', 'AmountFen', 'DurationNs', 'ElapsedNs', 'LatencyNs', 'RowsScanned', 'RowCount',
      'BytesTotal', 'Notional', 'Total', 'BytesSent', 'BytesReceived', 'BytesIn', 'BytesOut', 'BytesRead', 'BytesWritten',
      'MemorySize', 'MemSize', 'RamSize', 'StorageSize', 'DataSize', 'TotalSize', 'BodySize', 'ContentLength'] },
];

const ORDINALS = new Set([...'一二三四五甲乙丙丁'].map((c) => c.charCodeAt(0)));

/** Lower-case, drop `_ - . space`, form brackets ("contact[phone]"), a closing parenthetical
 *  ("联系电话（手机）", "phone (mobile)"), trailing digits ("contact_phone_2" → "contactphone")
 *  and a Chinese ordinal after a Han label ("监护人一"). */
export function normalizeFieldName(key: string): string {
  let s = key.toLowerCase();
  // Salesforce's custom fields: "National_ID__c", "Mobile__c".
  if (s.length > 3 && s.endsWith('__c')) s = s.slice(0, -3);
  const last = s.charCodeAt(s.length - 1);
  if (last === 0x29 || last === 0xff09) {
    const open = Math.max(s.lastIndexOf('('), s.lastIndexOf('（'));
    if (open > 0) s = s.slice(0, open);
  }
  s = s.replace(/[_\-. [\]]/g, '');
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) >= 48 && s.charCodeAt(end - 1) <= 57) end--;
  // …and a Chinese ordinal after a Han label: "监护人一", "当事人乙".
  if (end === s.length && end >= 3 && ORDINALS.has(s.charCodeAt(end - 1)) && s.charCodeAt(end - 2) >= 0x4e00) end--;
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
      // Normalising cuts trailing digits ("e164" → "e"): a suffix that short would end every key.
      if (suffix && norm.length < (norm.charCodeAt(0) < 0x80 ? 3 : 2)) throw new Error(`fields.ts: suffix "${word}" normalises to "${norm}", too short to match by`);
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
  for (const norm of exactMap.keys()) {
    if (norm.length === 1) tailOne.add(norm.charCodeAt(0));
    else if (norm.length > 1) tailTwo.add(norm.charCodeAt(norm.length - 2) * 0x10000 + norm.charCodeAt(norm.length - 1));
  }
}

/** Last char, and last two chars, of every normalised dictionary word: any match (whole or
 *  suffix) ends the normalised name with one of them, so most text before a colon or a number
 *  ("2025-01-01T12", "https") is turned away without building a string. */
const tailOne = new Set<number>();
const tailTwo = new Set<number>();
build();

function isNormDropped(c: number): boolean {
  return c === 95 || c === 45 || c === 46 || c === 32 || c === 91 || c === 93;
}

/** A code unit as normalizeFieldName leaves it, or -1 when that is not known without
 *  lower-casing a string (letters outside ASCII and Han). */
function normCode(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  return (c >= 0x3000 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ? c : -1;
}

/**
 * Whether s[start, end) can name a dictionary field at all, read from its last chars without
 * building a string. False means lookupField(s.slice(start, end)) is undefined; true means
 * nothing (look it up).
 */
export function mayBeField(s: string, start: number, end: number): boolean {
  let p = end - 1;
  // Trailing digits and the separators normalisation drops.
  while (p >= start) {
    const c = s.charCodeAt(p);
    if ((c >= 48 && c <= 57) || isNormDropped(c)) p--;
    else break;
  }
  if (p < start) return false;
  // A closing parenthetical is cut off by normalisation: the name before it decides; so is a
  // Chinese ordinal after a Han label ("监护人一").
  if (s.charCodeAt(p) === 0x29 || s.charCodeAt(p) === 0xff09) return true;
  if (p === end - 1 && p - start >= 2 && ORDINALS.has(s.charCodeAt(p)) && s.charCodeAt(p - 1) >= 0x4e00) return true;
  const last = normCode(s.charCodeAt(p));
  if (last < 0) return true;
  let q = p - 1;
  while (q >= start && isNormDropped(s.charCodeAt(q))) q--;
  if (q < start) return tailOne.has(last);
  const before = normCode(s.charCodeAt(q));
  if (before < 0) return true;
  return tailTwo.has(before * 0x10000 + last) || tailOne.has(last);
}

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
  let m = lookupNormalized(normalizeFieldName(key)) ?? null;
  // Form and config keys that carry their group: "passenger[hzhm]", "pay.yhkh", "geo[lat]".
  if (m === null) {
    const member = lastMember(key);
    if (member !== undefined) m = lookupNormalized(normalizeFieldName(member)) ?? null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, m);
  return m ?? undefined;
}

/** The last member of a grouped key ("a[b]" → "b", "a.b" → "b", "a[0][b]" → "b"). */
function lastMember(key: string): string | undefined {
  const end = key.endsWith(']') ? key.length - 1 : key.length;
  const start = Math.max(key.lastIndexOf('[', end - 1), key.lastIndexOf('.', end - 1)) + 1;
  if (start <= 0 || start >= end) return undefined;
  const member = key.slice(start, end);
  return /^\d+$/.test(member) ? undefined : member;
}

/** Keys that only hold a value for the object around them: {"passport": {"number": "E12345678"}},
 *  {"mobile": {"value": "138 0013 8000"}} (scanner.ts heldField). "id" and "code" are left out:
 *  they name records and codes far more often than they hold a document's number. */
const HOLDER_KEYS = new Set(['number', 'no', 'num', 'value', 'haoma', '号码', '编号', '号']);

export function isHolderKey(key: string): boolean {
  return key.length <= 6 && (HOLDER_KEYS.has(key) || HOLDER_KEYS.has(key.toLowerCase()));
}

/** Generic keys of an address's parts, normalised ("line1" → "line"): they say "address" only in
 *  an object an address field or a shipment's party holds: {"address": {"line1": …}},
 *  {"shipTo": {"street": …}}, FHIR's {"address": [{"text": …}]}. */
const ADDRESS_PART_KEYS = new Set(['line', 'street', 'streetline', 'detail', 'details', 'full', 'formatted', 'text', '详细', '街道',
  // OCR results: {"住址": {"words": "…", "location": {…}}}.
  'words']);
/** A shipment's or a bill's parties, whose objects hold an address's parts. */
const ADDRESS_HOLDERS = new Set([
  'shipto', 'billto', 'shipfrom', 'shipping', 'billing', 'delivery', 'deliverto', 'consignee', 'recipient', 'receiver',
  'sender', 'shipper', '收货人', '收件人', '寄件人', '收货信息', '收件信息', '配送信息',
]);
/** Generic keys of a biometric template's parts, normalised: {"voiceprint": {"template": …}}. */
const BIOMETRIC_PART_KEYS = new Set(['template', 'templatedata', 'feature', 'features', 'featuredata', 'vector', 'featurevector', 'embedding', 'minutiae']);

/** Generic keys of a name's parts, normalised: FHIR's {"name": [{"family": "Sun", "given":
 *  ["Zinan"]}]}. A whole name in a part ("text", "formatted") is scanner.ts heldByName's. */
const NAME_PART_OF = new Map([['family', 'familyName'], ['given', 'givenName']]);

/** Whether a normalised key is a part key (partOf), whose meaning depends on its holder. */
export function isPartKey(norm: string): boolean {
  return ADDRESS_PART_KEYS.has(norm) || BIOMETRIC_PART_KEYS.has(norm) || NAME_PART_OF.has(norm);
}

/** An address's part under an address or a shipment's party. */
const ADDRESS_PART: FieldMatch = { category: 'pi.address', weight: 0.8 };

/** What a part key's value is, given its normalised key and the key of the object holding it:
 *  a name's part under a name field (that part's own field), an address's part under an
 *  address or a shipment's party (the caller checks the value's markers), a template under a
 *  biometric field (that field's match). */
export function partOf(norm: string, holder: string): FieldMatch | undefined {
  const field = lookupField(holder);
  const namePart = NAME_PART_OF.get(norm);
  if (namePart !== undefined && field?.category === 'pi.name') return lookupField(namePart);
  if (ADDRESS_PART_KEYS.has(norm)) {
    return field?.category === 'pi.address' || ADDRESS_HOLDERS.has(normalizeFieldName(holder)) ? ADDRESS_PART : undefined;
  }
  return BIOMETRIC_PART_KEYS.has(norm) && field?.category === 'pi.biometric' ? field : undefined;
}

/** Holder keys that may hold a document's number beside its type ({"type": "PASSPORT",
 *  "number": "E12345678"}); "value" holds every kind of reading and is left out. */
export function isNumberHolderKey(key: string): boolean {
  return isHolderKey(key) && key.toLowerCase() !== 'value';
}

/** Every dictionary word with its category (null for negative entries), for docs and tests. */
export function fieldDictionaryEntries(): ReadonlyArray<readonly [string, CategoryId | null, 'exact' | 'suffix']> {
  const out: Array<readonly [string, CategoryId | null, 'exact' | 'suffix']> = [];
  for (const [norm, m] of exactMap) out.push([norm, m?.category ?? null, suffixMap.has(norm) ? 'suffix' : 'exact']);
  return out;
}
