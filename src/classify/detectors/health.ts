/**
 * Medical content (PIPL Art. 28 "medical health"). There is no format to check, so this is a
 * dictionary: section words that introduce medical content (诊断, 处方, diagnosis…), terms that
 * are medical on their own (diseases, procedures, common drugs), dosage sigs, and ICD-10 codes,
 * which only count with medical support (a medical field name or ancestor, an "ICD" label, or
 * a medical word close by). A finding covers the clause the word stands in, so the drug and
 * dose after 处方 are masked with it, while what follows the next clause stop survives.
 */
import { isAsciiLetterCode, isCjkCode, isSpaceCode } from '../chars.js';
import type { Span } from './email.js';

/** Words that head medical content; the finding runs to the end of the sentence. */
export const HEALTH_SECTIONS_ZH = [
  '病历', '病史', '既往史', '现病史', '家族史', '过敏史', '诊断', '确诊', '处方', '医嘱', '主诉',
  '检验报告', '检查报告', '化验单', '化验结果', '检验结果', '体检报告', '体检结果', '出院小结',
  '出院记录', '病程记录', '手术记录', '用药记录', '治疗方案', '病理报告', '影像报告', '门诊记录',
  '就诊记录', '病情', '症状', '病因', '病程',
];
export const HEALTH_SECTIONS_EN = [
  'diagnosis', 'diagnosed', 'diagnoses', 'prescription', 'prescriptions', 'prescribed',
  'medical record', 'medical records', 'medical history', 'clinical history', 'chief complaint',
  'discharge summary', 'lab report', 'lab results', 'pathology report', 'treatment plan',
  'clinical note', 'clinical notes', 'progress note', 'visit note', 'symptoms', 'medication list',
];

/** Medical on their own: conditions, procedures, care settings, drugs. */
export const HEALTH_TERMS_ZH = [
  // infectious and sexually transmitted
  '艾滋病', '人类免疫缺陷病毒', '传染病', '性病', '乙肝', '丙肝', '肝炎', '梅毒', '淋病', '结核', '肺结核', '尖锐湿疣',
  '疱疹', 
  // chronic and cardiovascular
  '糖尿病', '高血压', '低血压', '高血脂', '高血糖', '低血糖', '冠心病', '心脏病', '心肌梗死', '心梗',
  '心衰', '心力衰竭', '心律失常', '房颤', '脑梗', '脑梗死', '脑卒中', '中风', '脑出血', '动脉硬化',
  '哮喘', '慢阻肺', '肾病', '肾衰竭', '尿毒症', '肝硬化', '脂肪肝', '肝病', '痛风', '贫血', '甲亢',
  '甲减', '骨质疏松', '骨折', '椎间盘突出', '红斑狼疮', '银屑病', '牛皮癣', '白癜风', '湿疹', '荨麻疹',
  '甲状腺功能亢进', '甲状腺功能减退', '甲状腺功能', '新型冠状病毒感染', '注意缺陷多动障碍', '酒精依赖', '药物依赖', '早孕',
  '慢性病', '遗传病', '罕见病', '血友病', '地中海贫血', '职业病', '尘肺', '综合征', '偏头痛', '癫痫',
  '帕金森', '阿尔茨海默', '老年痴呆', '脑瘫', '结节', '息肉', '囊肿',
  // cancer
  '癌', '肿瘤', '白血病', '淋巴瘤', '黑色素瘤', '骨髓瘤', '肉瘤', '癌症', '化疗', '放疗', '靶向治疗',
  // mental health
  '抑郁', '抑郁症', '焦虑症', '焦虑障碍', '精神障碍', '睡眠障碍', '认知障碍', '人格障碍', '进食障碍',
  '应激障碍', '情感障碍', '发育障碍', '功能障碍', '躁郁症', '双相情感障碍', '精神分裂', '精神病', '精神疾病', '自闭症',
  '孤独症', '多动症', '强迫症', '创伤后应激', '心理咨询', '心理治疗', '精神科', '自杀倾向',
  // reproductive
  '怀孕', '妊娠', '孕周', '孕期', '产检', '流产', '人流', '堕胎', '分娩', '剖宫产', '剖腹产', '早产',
  '不孕', '不育', '试管婴儿', '月经不调', '痛经', '更年期', '阳痿', '早泄', '勃起功能障碍',
  // care and procedures
  '住院', '出院', '入院', '门诊', '急诊', '手术', '术后', '麻醉', '透析', '器官移植', '输血', '重症监护',
  '康复治疗', '体检', '过敏', '残疾', '失明', '耳聋', '病危', '病逝', '戒毒', '吸毒', '药物滥用', '酗酒',
  '皮下注射', '静脉注射', '肌肉注射', '静脉滴注', '雾化吸入', '炎', '炎症', '发炎', '消炎', '瘤', '症', '癌',
  '患有', '罹患', '确诊为', '发病', '患病', '就诊', '就医', '复诊', '化验', '活检', '胃镜', '肠镜',
  'B超', '彩超', '核磁共振', '心电图', '血常规', '尿常规', '肝功能', '肾功能', '糖化血红蛋白', '转氨酶',
  // Lab results and the findings of medical examinations ("结果：甲胎蛋白 420ng/mL", "色觉检查：红绿色弱").
  '乙肝表面抗原', '梅毒螺旋体', '甲胎蛋白', '癌胚抗原', '肿瘤标志物', '肌酐', '肺功能', '色弱', '色盲', '听力障碍',
  '听力损失', '视力障碍', '通气障碍', '睡眠呼吸暂停', '呼吸暂停综合征',
  // Units that only lab results are given in ("尿酸 612μmol/L↑", "CA15-3 86U/mL↑").
  'mmol/L', 'μmol/L', 'umol/L', 'ng/mL', 'pg/mL', 'U/mL', 'IU/mL', 'mIU/mL', 'mg/dL',
  '病', '尿路感染', '肺部感染', '上呼吸道感染', '细菌感染', '真菌感染', '术后感染', '幽门螺杆菌', '结石', '白内障', '青光眼', '痔疮', '颈椎病', '腰椎病', '溃疡', '失眠', '偏瘫', '风湿',
  '烧伤', '耳鸣', '弱视', '斜视', '疝气', '紫癜', '黄疸', '水肿',
  // operations by their endings, and nursing orders
  '切除术', '置换术', '内固定术', '成形术', '吻合术', '修补术', '移植术', '消融术', '搭桥术', '支架植入', '腹腔镜',
  '一级护理', '二级护理', '特级护理', '绝对卧床', '流行性感冒',
  // drugs that name their condition
  '胰岛素', '二甲双胍', '降压药', '降糖药', '抗抑郁药', '抗生素', '抗病毒药', '抗逆转录病毒',
  '化疗药', '安眠药', '镇静剂', '阿莫西林', '头孢', '布洛芬', '阿司匹林', '华法林', '他汀', '激素治疗',
  '对乙酰氨基酚', '阿托伐他汀', '氨氯地平', '硝苯地平', '缬沙坦', '奥美拉唑', '左甲状腺素', '舍曲林', '氟西汀',
  '帕罗西汀', '泼尼松', '地塞米松', '青霉素', '阿奇霉素', '甲硝唑', '格列美脲', '非布司他', '别嘌醇', '秋水仙碱',
  '沙丁胺醇', '孟鲁司特', '奥司他韦', '恩替卡韦', '替诺福韦', '拉米夫定', '多奈哌齐', '左旋多巴', '卡马西平',
  '丙戊酸', '奥氮平', '利培酮', '喹硫平', '阿普唑仑', '艾司唑仑', '吗啡', '曲马多', '美沙酮',
  '利伐沙班', '甲氨蝶呤', '达格列净', '西格列汀', '氯吡格雷', '瑞舒伐他汀', '厄贝沙坦', '美托洛尔', '呋塞米',
  // Tuberculosis and cancer drugs, as an invoice's OCR lists them ("异烟肼片 10mg*30片").
  '异烟肼', '利福平', '吡嗪酰胺', '乙胺丁醇', '他莫昔芬', '来曲唑', '阿那曲唑', '卡培他滨', '奥沙利铂', '顺铂', '紫杉醇',
  // Mood stabilisers and antidepressants a pharmacy order names ("碳酸锂缓释片").
  '碳酸锂', '拉莫三嗪', '阿立哌唑', '文拉法辛', '艾司西酞普兰', '西酞普兰', '米氮平', '氯硝西泮', '劳拉西泮', '度洛西汀',
  // Eating disorders and risk in counselling notes ("有被动自杀意念").
  '神经性厌食', '厌食症', '神经性贪食', '暴食症', '自杀意念', '自杀未遂', '自伤行为', '自残',
  // Lab analytes of HL7 OBX lines and check-up reports ("丙氨酸氨基转移酶^LN||193|U/L").
  '丙氨酸氨基转移酶', '天门冬氨酸氨基转移酶', '谷丙转氨酶', '谷草转氨酶', '肌酸激酶', '尿素氮', '总胆红素', '直接胆红素',
  '低密度脂蛋白', '高密度脂蛋白', '甘油三酯', '血红蛋白', '白细胞计数', '血小板计数', '中性粒细胞', 'C反应蛋白', '降钙素原',
  '空腹血糖', '餐后血糖',
  // Signs and ECG findings ("咳嗽3周，痰中带血", "窦性心动过缓").
  '痰中带血', '咯血', '咳血', '便血', '血尿', '蛋白尿', '心动过缓', '心动过速', '早搏', '传导阻滞', '心律不齐',
  // A genetic test's finding about its subject ("MTHFR C677T 纯合突变").
  '纯合突变', '杂合突变', '致病突变', '致病性变异', '意义未明变异',
  // Injuries in a claim's accident narrative ("驾驶员头部皮外伤", "颈部软组织挫伤"), a
  // gaokao check-up's eyesight, a school's absence reasons, a delivery note's intolerance.
  '挫伤', '皮外伤', '擦伤', '软组织损伤', '高度近视', '诺如病毒', '疑似流感', '乳糖不耐受',
  // Stents, imaging signs and lab tests of discharge and imaging reports; drugs for Parkinson's,
  // HIV, diabetes, lung cancer, asthma and arthritis, as prescriptions name them.
  '支架置入', '置入术', '斑片状影', '条索状影', '磨玻璃影', '薄壁空洞', '淀粉酶', '缺失突变',
  '多巴丝肼', '比克恩丙诺', '司美格鲁肽', '奥希替尼', '沙美特罗替卡松', '塞来昔布',
];
/** Symptoms and dosage forms: medical only next to other medical words or under a medical
 *  field ("咳嗽糖浆" is a product, "患者咳嗽三天" is a record). */
export const HEALTH_WEAK_ZH = [
  '新冠', '流感', '狂犬病', '手足口病', '麻疹', '水痘', '疟疾', '霍乱', '鼠疫', '感染', '出血', '中毒', '休克', '增生',
  '梗阻', '眩晕', '瘫痪', '复查', '穿刺', '焦虑', '发烧', '发热', '咳嗽', '腹泻', '呕吐', '头晕', '头痛', '胸闷', '心悸', '乏力', '疼痛', '胶囊', '缓释', '注射液',
  '口服', '剂量', '用法用量', '血压', '血糖', '血脂', '胆固醇', '尿酸', '体温', '心率',
];
export const HEALTH_WEAK_EN = [
  'fever', 'cough', 'nausea', 'headache', 'dizziness', 'fatigue', 'tablet', 'tablets', 'capsule', 'capsules', 'dose', 'dosage',
  // Conditions that name vaccines, products and news as often as anyone's record.
  'lupus', 'psoriasis', 'eczema', 'hernia', 'concussion', 'malaria', 'dengue', 'measles', 'chickenpox', 'rabies', 'cholera',
];
export const HEALTH_TERMS_EN = [
  'diabetes', 'diabetic', 'hypertension', 'asthma', 'pneumonia', 'bronchitis', 'hepatitis',
  'cirrhosis', 'tuberculosis', 'syphilis', 'gonorrhea', 'chlamydia', 'herpes', 'cancer', 'tumor',
  'tumour', 'carcinoma', 'leukemia', 'leukaemia', 'lymphoma', 'melanoma', 'sarcoma', 'metastasis',
  'metastatic', 'chemotherapy', 'radiotherapy', 'dialysis', 'depressive disorder', 'major depression',
  'clinical depression', 'anxiety disorder', 'panic disorder', 'bipolar disorder', 'schizophrenia',
  'autism', 'dementia', "alzheimer's", 'alzheimer', "parkinson's", 'epilepsy', 'seizures',
  'heart attack', 'myocardial infarction', 'heart failure', 'arrhythmia', 'angina', 'gout', 'migraine',
  'arthritis', 'osteoporosis', 'appendicitis', 'gastritis', 'colitis', 'pancreatitis', 'covid-19',
  'sars-cov-2', 'influenza', 'pregnancy', 'pregnant', 'miscarriage', 'abortion', 'infertility',
  'allergy', 'allergies', 'allergic', 'anaphylaxis', 'anemia', 'anaemia', 'hypothyroidism',
  'hyperthyroidism', 'insulin', 'metformin', 'antidepressant', 'antidepressants', 'antiretroviral',
  'opioid', 'opioids', 'surgery', 'surgical', 'hospitalized', 'hospitalised', 'hospitalization',
  'hospitalisation', 'inpatient', 'outpatient', 'intensive care', 'blood test', 'blood pressure',
  'blood glucose', 'blood sugar', 'kidney disease', 'liver disease', 'heart disease', 'mental illness',
  'psychiatric', 'psychotherapy', 'hiv-positive', 'hiv positive', 'stds', 'sexually transmitted',
  'kidney stones', 'cataract', 'glaucoma', 'hemorrhoids', 'insomnia', 'stroke patient', 'ibuprofen',
  'amoxicillin', 'paracetamol', 'acetaminophen', 'atorvastatin', 'lisinopril', 'amlodipine', 'omeprazole',
  'levothyroxine', 'sertraline', 'fluoxetine', 'paroxetine', 'prednisone', 'warfarin', 'morphine',
  'methadone', 'oseltamivir', 'diagnosed with', 'suffers from', 'biopsy', 'mri scan', 'ct scan', 'ecg',
  'hba1c', 'postpartum', 'prenatal', 'gestational',
  // ICD-10 chapter vocabulary, as coded diagnoses write it ("Malignant neoplasm of breast, C50.9").
  'neoplasm', 'neoplasms', 'adenocarcinoma', 'hepatocellular', 'cardiomyopathy', 'nephropathy', 'neuropathy',
  'retinopathy', 'ischemic', 'ischaemic', 'hypertensive', 'hyperlipidemia', 'hyperlipidaemia', 'hyperglycemia',
  'hypoglycemia', 'osteoarthritis', 'rheumatoid', 'dermatitis', 'sepsis', 'peptic ulcer', 'gastric ulcer',
  'cholecystitis', 'thalassemia', 'thalassaemia', 'hemophilia', 'haemophilia', 'urinary tract infection',
  'sinusitis', 'otitis', 'tonsillitis', 'conjunctivitis', 'fracture of', 'dislocation of',
  // operations and conditions as records name them
  'cholecystectomy', 'appendectomy', 'mastectomy', 'hysterectomy', 'arthroplasty', 'angioplasty', 'laparoscopic',
  'atrial fibrillation', 'obstructive pulmonary', 'sleep apnea', 'sleep apnoea', 'gastroenteritis', 'bipolar affective',
  'tenofovir', 'quetiapine', 'rivaroxaban', 'methotrexate', 'clopidogrel', 'rosuvastatin', 'metoprolol',
  // Adverse events as pharmacovigilance reports name them (MedDRA preferred terms).
  'neutropenia', 'thrombocytopenia', 'leukopenia', 'agranulocytosis', 'acute kidney injury', 'renal failure',
  'hepatotoxicity', 'liver injury', 'anaphylactic', 'stevens-johnson', 'pulmonary embolism', 'deep vein thrombosis',
  "crohn's disease", 'crohn disease', 'ulcerative colitis', 'interstitial lung disease', 'pancytopenia',
  // Diagnoses as English notes and claims write them beside their ICD code ("adjustment
  // disorder with anxiety (F43.22)", "lumbar disc herniation (M51.2)"), and a reliever inhaler.
  'adjustment disorder', 'depressive episode', 'disc herniation', 'herniated disc', 'salbutamol', 'albuterol',
  'thyroidectomy', 'nephrectomy', 'colectomy', 'gastrectomy', 'lobectomy', 'prostatectomy', 'stemi', 'nstemi',
];
/** Acronyms: exact case only ("aids" and "ICU"-like words are common in other senses). */
export const HEALTH_ACRONYMS = ['HIV', 'AIDS', 'HPV', 'COPD', 'ADHD', 'PTSD',
  // Imaging reports' categories ("BI-RADS 5类") and a tuberculosis test, a kidney's filtration rate.
  'BI-RADS', 'TI-RADS', 'LI-RADS', 'PI-RADS', 'T-SPOT', 'eGFR',
  // Hepatitis B and syphilis markers, as lab reports write them ("结果：HBsAg阳性").
  'HBsAg', 'HBeAg', 'TPPA'];
/** Words that make a value medical without being medical content themselves ("患者发烧三天"). */
export const HEALTH_CONTEXT = ['患者', '病人', '医院', '医生', '诊所', '病房', '卫生院', 'patient', 'hospital', 'clinic', 'physician'];
/** Acronyms with other senses too ("ICU" is also a Unicode library): weak, exact case. */
export const HEALTH_WEAK_ACRONYMS = ['ICU', 'CT', 'MRI'];
/** Section acronyms, exact case. */
export const HEALTH_SECTION_ACRONYMS = ['Rx', 'Dx'];
/** Labels that vouch for a nearby ICD-10 code without being medical content themselves. */
export const ICD_LABELS = ['ICD-10', 'ICD10', 'ICD-10-CM', 'ICD'];

/** Longer phrases that contain a health word but are not about anyone's health. */
export const HEALTH_NEGATIVES = [
  '故障诊断', '系统诊断', '网络诊断', '远程诊断', '自诊断', '车辆诊断', '诊断工具', '诊断日志', '诊断接口',
  '诊断模式', '诊断码', '故障码', '非处方', '处方药', '炎热', '炎炎', '炎黄', '炎帝', '炎凉', '炎夏',
  // A car's condition, as used-car reports and telematics give it (MACHINE_DIAGNOSIS below).
  '车况诊断', '全车体检', '车辆年检', '电池健康',
  // A learning platform's diagnostics of a pupil's mastery (LEARNING_DIAGNOSIS below).
  '学情诊断', '知识点诊断', '学习诊断', '学科诊断', '能力诊断', '作业诊断', '错题诊断', '诊断性测验', '诊断性测试', '诊断性评估',
  '体检中心', '体检套餐', '体检机构', '防过敏', '手术刀', '癌变率', '懒癌', '拖延症', '选择困难症',
  // Buildings, as a ride's pickup point names them ("人民医院门诊楼").
  '门诊楼', '门诊大楼', '住院楼', '住院大楼', '急诊楼', '医技楼',
  '结节点', '门诊部', '住院部', '急诊科', '手术室', '症结', '对症', '瘤胃', '感染力', '感染者数', '出血点',
  '增生产', '中毒性', '发病率', '化验室', '血压计', '血糖仪', '体温计', '口服液', '毛病', '通病', '弊病', '语病',
  '诟病', '病毒', '病句', '心病', '病娇', '通病性',
  // A clinician's own rank, as a staff record gives it ("title": "住院医师").
  '住院医师', '住院医生', '主治医师', '主任医师', '副主任医师', '住院总医师',
  // Documents a procedure asks for, named in its list of materials, not anyone's record.
  '诊断证明书', '职业病诊断证明书', '病历复印件', '就诊病历复印件',
  // A record's number, not its content.
  '病历号', '病历编号', '病历卡号', '就诊号', '就诊卡号', '就诊卡', '就诊编号', '复诊号', '住院号', '住院号码', '门诊号', '就诊流水',
  // …and when and where it was kept: a form's dates and its department.
  '入院日期', '出院日期', '入院时间', '出院时间', '就诊日期', '就诊时间', '住院日期', '就诊科室',
  // Insurance products, not anyone's illness.
  '重大疾病保险', '重大疾病险', '疾病保险', '疾病险',
  // Food labels, sales slang, insurance products, crops, pets: commerce, not anyone's health.
  '过敏原', '致敏原', '骨折价', '打骨折', '强迫症福音', '防癌险', '重疾险', '医疗险', '住院医疗险', '住院医疗保险', '住院津贴', '住院险', '门诊险', '意外险',
  '病虫害', '病虫', '处方粮', '网站体检', '系统体检', '安全体检', '手机体检', '车辆体检', 'allergen', 'allergens',
  'allergy advice', 'allergy information',
  // A bill's lines: what a stay or a visit cost, not what it was for.
  '住院费用', '住院费', '门诊费用', '门诊费', '医疗费用', '医疗费', '手术费', '检查费', '治疗费', '诊疗费', '挂号费',
  '复诊费用', '复诊费', '就诊费用', '药费',
];

/** Dosage frequencies ("20mg qd", "0.3g prn"): medical only right after a dose. */
export const DOSAGE_SIGS = ['qd', 'bid', 'tid', 'qid', 'prn', 'qn', 'qhs', 'qod', 'q4h', 'q6h', 'q8h', 'q12h', '每日一次', '每日两次', '每日三次', '一日三次', '一日两次', '一日一次', '每天一次', '每天两次', '每天三次',
  // …and in figures ("阿昔洛韦片 0.4g 每日5次").
  ...[1, 2, 3, 4, 5, 6].flatMap((n) => [`每日${n}次`, `一日${n}次`, `每天${n}次`]),
  // Written out in English prescriptions ("Entecavir 0.5 mg daily"); a dose must come first.
  'daily', 'once daily', 'twice daily', 'three times daily', 'nightly', 'at bedtime'];

// A dose right before the sig, maybe with a route between: "20mg qd", "8U 皮下注射 bid",
// "2.5 mg PO daily" (by mouth; IV, IM, SC, SL, inhaled and the like in English).
const DOSE_BEFORE = /\d(?:\.\d+)?\s*(?:mg|g|ml|mcg|ug|μg|iu|u|片|粒|支|袋|吸|喷|揿|滴|贴|丸|毫克|毫升|单位|克)(?![a-z])(?:[\s\u4e00-\u9fff]{0,8}|\s+(?:po|iv|im|sc|sq|sl|pr|inh|oral(?:ly)?|by mouth)\s+)$/i;

/** Whether a dose ends within a few chars before `pos`. */
export function doseBefore(s: string, pos: number): boolean {
  return DOSE_BEFORE.test(s.slice(Math.max(0, pos - 20), pos));
}

/** ICD-10 code shape: letter (not U), two digits, optional ".x" with up to 4 more chars. */
export function isIcd10(code: string): boolean {
  return /^[A-TV-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?$/.test(code);
}

// Money is never medical: a fee after a prescription stays readable.
const STRONG_STOPS = new Set([...'\n\r。；;！!？?|¥￥$€£'].map((c) => c.charCodeAt(0)));
const CLAUSE_STOPS = new Set([...'，,'].map((c) => c.charCodeAt(0)));
const LEFT_STOPS = new Set([...'：:—–'].map((c) => c.charCodeAt(0)));
const MAX_SECTION = 160;
const MAX_CLAUSE_RIGHT = 80;
const MAX_CLAUSE_LEFT = 24;

/** A '.' that ends a sentence (not "0.3", not "e.g"): followed by white space or the end. */
function isSentenceDot(s: string, p: number): boolean {
  if (s.charCodeAt(p) !== 46) return false;
  const next = p + 1 < s.length ? s.charCodeAt(p + 1) : 32;
  return next === 32 || next === 10 || next === 13 || next === 9;
}

function isLabelChar(c: number): boolean {
  return isAsciiLetterCode(c) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** A colon whose label is not medical ends a section: "诊断：痛风 费用：¥30" keeps the fee. */
function labelStartBeforeColon(s: string, from: number, colon: number): number {
  let p = colon;
  while (p > from && isSpaceCode(s.charCodeAt(p - 1))) p--;
  if (p > from && isCjkCode(s.charCodeAt(p - 1))) {
    while (p > from && colon - p < 6 && isCjkCode(s.charCodeAt(p - 1))) p--;
  } else {
    // "ICD-10", "lab_result": letters, digits and joiners.
    while (p > from && colon - p < 24 && isLabelChar(s.charCodeAt(p - 1))) p--;
  }
  while (p > from && isSpaceCode(s.charCodeAt(p - 1))) p--;
  return p;
}

/** How far right a medical span may run from `from`: the next comma or sentence end, a
 *  currency sign, or the label of something else ("诊断：痛风 费用：30"). A section ("处方",
 *  "诊断") may run longer than a term's clause. */
export function medicalSpanEnd(s: string, from: number, clause: boolean, isMedicalLabel: (a: number, b: number) => boolean): number {
  const limit = Math.min(s.length, from + (clause ? MAX_CLAUSE_RIGHT : MAX_SECTION));
  let p = from;
  while (p < limit) {
    const c = s.charCodeAt(p);
    if (STRONG_STOPS.has(c) || isSentenceDot(s, p) || CLAUSE_STOPS.has(c)) break;
    if ((c === 58 || c === 0xff1a) && p > from) {
      const label = labelStartBeforeColon(s, from, p);
      if (label > from && !isMedicalLabel(label, p)) {
        p = label;
        break;
      }
    }
    p++;
  }
  while (p > from && isSpaceCode(s.charCodeAt(p - 1))) p--;
  return p;
}

/** How far left a medical term's clause reaches ("急性阑尾炎" from "阑尾炎"). */
export function medicalSpanStart(s: string, at: number): number {
  const limit = Math.max(0, at - MAX_CLAUSE_LEFT);
  let p = at;
  while (p > limit) {
    const c = s.charCodeAt(p - 1);
    if (STRONG_STOPS.has(c) || CLAUSE_STOPS.has(c) || LEFT_STOPS.has(c) || (p >= 2 && isSentenceDot(s, p - 1))) break;
    p--;
  }
  // Cut short inside a word ("Patient experienced …"): the clause starts at the next word.
  if (p === limit && p > 0 && isAsciiLetterCode(s.charCodeAt(p - 1))) while (p < at && isAsciiLetterCode(s.charCodeAt(p))) p++;
  while (p < at && isSpaceCode(s.charCodeAt(p))) p++;
  return p;
}

export function clauseSpan(s: string, start: number, end: number, section: boolean, isMedicalLabel: (a: number, b: number) => boolean): Span {
  const from = section ? start : medicalSpanStart(s, start);
  return { start: from, end: Math.max(end, medicalSpanEnd(s, end, !section, isMedicalLabel)) };
}

const PLACEHOLDERS = new Set(['', 'null', 'undefined', 'none', 'nil', 'n/a', 'na', '-', '--', '无', '暂无', 'true', 'false', '0', '[]', '{}', '否', '不详', '没有', '未见', '无特殊',
  // A health declaration's answer when there is nothing to declare.
  '无异常', '未见异常']);

/** "无", "暂无", "N/A": what a form writes where it has nothing to say. */
export function isPlaceholderValue(value: string): boolean {
  return PLACEHOLDERS.has(value.trim().toLowerCase());
}

/** A count of data or time ("60247 KB", "12 packets", "35 ms"): what "Rx:" labels in network
 *  statistics. A dose ("20mg", "8U") and a reading ("120/80", "6.5%") are medical. */
const DATA_COUNT = /^[\d\s.,:/+-]+(?:[kmgt]i?b|bytes?|packets?|pkts|ms|kbps|mbps)$/i;

/** Whether a value under a medical field name says something (not a placeholder, a flag or a
 *  data count). */
export function isMedicalValue(value: string): boolean {
  const v = value.trim().toLowerCase();
  // One class then the unit: a pattern with \d between two such classes backtracks
  // quadratically over a long run of digits.
  return !PLACEHOLDERS.has(v) && !(DATA_COUNT.test(v) && /\d/.test(v)) && !MACHINE_DIAGNOSIS.test(v) && !LEARNING_DIAGNOSIS.test(v) && !DIGITS_ONLY.test(v);
}

/** A bare number under "rx" or "dx" is a count, a hotline or a code of the form's own, not a
 *  record ("250.00", an ICD-9 code, keeps its point). */
const DIGITS_ONLY = /^[\d\s-]+$/;

/** A learning platform's "diagnosis" of what a pupil has mastered ("学情诊断：掌握度 41%",
 *  "知识点诊断：薄弱", "诊断性测验 平均分 67"). */
const LEARNING_DIAGNOSIS = /^(?:学情|知识点|学习|学科|能力|作业|错题)诊断|诊断性(?:测验|测试|评估|考试)|掌握度/;

/** "车辆诊断：发动机故障码 P0300" under "diag", "系统诊断：磁盘 I/O 正常" under a "diagnosis"
 *  object, "伺服电机编码器故障", "底盘检测：正常", "电池健康度SOH 93%": a machine's or a car's
 *  diagnosis (a person's illness is no 故障). */
const MACHINE_DIAGNOSIS = /^(?:车辆|故障|系统|网络|远程|设备|发动机|整车|电池|自检|车况)诊断|故障|\bobd\b|\bdtc\b|底盘|车况|年检|电池健康|全车/;
