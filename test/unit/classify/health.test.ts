import { describe, expect, it } from 'vitest';
import { clauseSpan, doseBefore, isIcd10, isMedicalValue } from '../../../src/classify/detectors/health.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, leaf, NOW, texts } from './helpers.js';

const h = (value: string, key?: string) => texts(value, 'pi.health', key);

describe('health pieces', () => {
  it.each([['E11.9', true], ['I10', true], ['O24.4', true], ['Z21', true], ['F32.A1', true], ['U07.1', false], ['E1', false], ['E11.99999', false], ['11.9', false]])(
    'ICD-10 %s → %s', (code, ok) => expect(isIcd10(code)).toBe(ok),
  );
  it.each([['20mg qd', true], ['0.3g prn', true], ['8U 皮下注射 bid', true], ['2片 tid', true], ['1吸 bid', true], ['2喷 qd', true], ['the bid', false], ['SKU 12 bid', false]])(
    'dose before the sig in %j → %s', (s, ok) => expect(doseBefore(s, s.lastIndexOf(' ') + 1)).toBe(ok),
  );
  it('a clause stops at commas, sentence ends, money and other labels', () => {
    const span = (s: string, word: string, section: boolean) => {
      const i = s.indexOf(word);
      const c = clauseSpan(s, i, i + word.length, section, () => false);
      return s.slice(c.start, c.end);
    };
    expect(span('Visit note — 急性阑尾炎，K35.8; 处方 X', '阑尾炎', false)).toBe('急性阑尾炎');
    expect(span('处方 头孢呋辛 0.5g bid. Follow-up fee 645.50.', '处方', true)).toBe('处方 头孢呋辛 0.5g bid');
    expect(span('诊断：痛风 费用：30元', '诊断', true)).toBe('诊断：痛风');
    expect(span('处方 布洛芬 0.3g prn ¥30.00', '处方', true)).toBe('处方 布洛芬 0.3g prn');
  });
});

describe('medical content in values', () => {
  it("a bill's lines are no health data, the stay itself is", () => {
    expect(h('患者：张伟\n住院费用：RMB 22567.63\n门诊费用：¥200\n住院5天')).toEqual(['住院5天']);
  });

  it('an English prescription\'s dose and frequency, and "daily" in other senses', () => {
    expect(h('患者张伟，处方 Entecavir 0.5 mg daily')).toEqual(['处方 Entecavir 0.5 mg daily']);
    expect(h('Patient Zhang Wei: metformin 500 mg twice daily')).toEqual(['metformin 500 mg twice daily']);
    // The route between the dose and the frequency.
    expect(h('Current meds: Letrozole 2.5 mg PO daily')).toEqual(['Letrozole 2.5 mg PO daily']);
    expect(h('患者张伟：daily report sent, 20 GB daily quota')).toEqual([]);
  });

  it("a record's or a visit's number, its dates and department, a form's empty lines, an insurance product are no health data", () => {
    expect(h('病历号：9819192781\n科室：心内科')).toEqual([]);
    expect(h('患者：张伟\n入院日期：2024-06-18\n就诊科室：妇产科\n住院号：ZY17131280\n出院诊断：2型糖尿病')).toEqual(['出院诊断：2型糖尿病']);
    expect(h('学生：张伟\n既往病史：无\n过敏史：暂无')).toEqual([]);
    expect(h('投保险种：重大疾病保险\n被保险人：张伟')).toEqual([]);
    expect(h('患者龚一若，医嘱：阿莫西林胶囊 0.5g tid。就诊流水 20230826210447188')).toEqual(['医嘱：阿莫西林胶囊 0.5g tid']);
    expect(h('处方：硝苯地平控释片 30mg qd\n医师签名：____  就诊号：T250948162354867715')).toEqual(['处方：硝苯地平控释片 30mg qd']);
  });

  it('HIV written out in Chinese, in a laboratory conclusion', () => {
    // Health words name someone's health only beside a person (matcher.ts drops the others).
    expect(h('患者张伟，人类免疫缺陷病毒抗体初筛阳性，已送确证')).toEqual(['人类免疫缺陷病毒抗体初筛阳性']);
  });

  it.each([
    ['病历摘要：急性阑尾炎', ['病历摘要：急性阑尾炎']],
    ['处方 布洛芬缓释胶囊 0.3g prn', ['处方 布洛芬缓释胶囊 0.3g prn']],
    ['既往有2型糖尿病史，长期服用二甲双胍。', ['既往有2型糖尿病史', '长期服用二甲双胍']],
    ['患者确诊为乳腺癌，已行化疗', ['患者确诊为乳腺癌', '已行化疗']],
    ['Diagnosed with type 2 diabetes in 2019.', ['Diagnosed with type 2 diabetes in 2019']],
    ['He is HIV positive; follow-up in May.', ['He is HIV positive']],
    ['take 20mg qd', ['take 20mg qd']],
    ['妊娠期糖尿病（ICD-10: O24.4）', ['妊娠期糖尿病（ICD-10: O24.4）']],
    ['痛风，M10.9', ['痛风', 'M10.9']],
    ['ICD-10 E11.9 复查', ['E11.9']],
    ['Malignant neoplasm of breast, C50.9', ['Malignant neoplasm of breast', 'C50.9']],
    ['Patient: Fracture of lower end of radius', ['Fracture of lower end of radius']],
    // The clause reaches back a few words at most, and never starts inside one.
    ['Patient experienced grade 3 neutropenia on day 15.', ['experienced grade 3 neutropenia on day 15']],
    ['患者甲状腺功能亢进（E05.9）', ['患者甲状腺功能亢进（E05.9）']],
  ])('%s', (value, want) => expect(h(value)).toEqual(want));

  it('a disease word alone is health data only where the request is about someone', () => {
    // An ICD dictionary, an article, a drug catalogue: no person, no record.
    expect(h('Fracture of lower end of radius')).toEqual([]);
    // A drug's label and a pharmacy's terms speak to anyone ("其他" is no "他", 处方药 no prescription).
    expect(h('【禁忌】对本品及其他解热镇痛药过敏者禁用。')).toEqual([]);
    expect(h('阿莫西林胶囊 0.25g×24粒 处方药 须凭医师处方购买')).toEqual([]);
    expect(h('糖尿病是一组以高血糖为特征的代谢性疾病')).toEqual([]);
    const withPerson = classifier.classify([leaf('张伟', 'name', { location: '/name' }), leaf('2型糖尿病', 'title', { location: '/title' })], NOW);
    expect(withPerson.map((f) => f.category).sort()).toEqual(['pi.health', 'pi.name']);
  });

  it.each([
    '系统诊断完成，网络诊断正常', '请勿处方药混放：非处方药区', '病毒查杀完成', '炎热的夏天', 'the stroke-width is 2px',
    'diagnostic mode enabled', 'aids and hearing aids', 'Room B12, seat A10', 'SKU E11.9 in stock', '这个毛病要改', '懒癌晚期',
    'ICU 72.1 data files loaded', '咳嗽糖浆 买一送一', 'the rabies vaccine stock', 'Our lupus-themed wallpaper pack',
    '过敏原信息：含麸质、大豆', '全场打骨折', 'Allergy advice: contains nuts', '水稻病虫害防治', '车辆诊断：发动机故障码 P0300',
    'Rx: 60247 KB', 'Rx errors 0 dropped 12',
  ])('nothing in %j', (value) => expect(h(value)).toEqual([]));

  it('symptoms count next to other medical words', () => {
    expect(h('患者发烧三天，伴咳嗽')).toEqual(['发烧', '咳嗽']);
    expect(h('主诉：咳嗽三天')).toEqual(['主诉：咳嗽三天']);
    expect(h('咳嗽')).toEqual([]);
  });
});

describe('medical fields', () => {
  it.each([
    ['痛风，M10.9', 'case_summary'], ['急性阑尾炎', '诊断结果'], ['处方 胰岛素 8U 皮下注射 bid', 'rx'], ['E11.9', 'dx_code'],
    ['peanuts', 'allergies'], ['阿莫西林胶囊 0.5g tid', 'medication'], ['anything at all', 'diagnosis'],
    ['抑郁发作，规律服药', 'diag_result'], ['氨氯地平 5mg qd', 'rxText'],
    ['J45.9', 'primary_dx'], ['Letrozole 2.5 mg', 'meds'], ['Coronary artery disease', 'hospital_letter_dx'], ['窦性心律，ST段压低', 'ecg'],
  ])('%s under %s is one finding', (value, key) => expect(h(value, key)).toEqual([value]));

  it.each([['', 'diagnosis'], ['null', 'diagnosis'], ['无', '过敏史'], ['12345', 'rx'], ['0', 'dx']])('%j under %s is nothing', (value, key) => expect(h(value, key)).toEqual([]));

  it('a report line per test, and an ICD-9 code that is all digits but its point', () => {
    expect(h('TPPA 阳性', '检验项目')).toEqual(['TPPA 阳性']);
    expect(h('250.00', 'dx')).toEqual(['250.00']);
  });

  it('text under a medical object is medical, whatever its key', () => {
    const fs = classifier.classify([leaf('慢性胃炎，建议复查', 'notes', { location: '/medical/notes' }), leaf('¥320.00', 'fee', { location: '/medical/fee' })], NOW);
    expect(fs.filter((f) => f.category === 'pi.health').map((f) => [f.rule, f.leafIndex])).toEqual([['health.field', 0]]);
  });

  it("an insurance application's health questions, an ECG's summary; not a machine's self-check", () => {
    const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings
      .filter((f) => f.category === 'pi.health').map((f) => f.location);
    expect(found('{"healthDeclaration":[{"q":"是否正在服药？","a":"是，异烟肼+利福平 (2HRZE/4HR)"}]}')).toContain('/healthDeclaration/0/a');
    expect(found('{"ecg":{"summary":"窦性心律，ST段压低，提示心肌缺血"}}')).toEqual(['/ecg/summary']);
    expect(found('{"diagnosis":{"component":"network","result":"系统诊断：磁盘 I/O 正常"}}')).toEqual([]);
    expect(found('{"faultDiagnosis":"诊断结果：伺服电机编码器故障，建议更换"}')).toEqual([]);
    // Feature flags and experiments are no lab panel or treatment.
    expect(found('{"labs":"beta","treatment":"variant_b"}')).toEqual([]);
  });

  it('an ICD code after "dx" and the diagnosis in words', () => {
    expect(texts('Refund for policy holder 贾秀英: claim CLM2026, dx Coronary artery disease I25.1. Amount USD 70345.18.', 'pi.health')).toEqual(['I25.1']);
    expect(texts('DX cluster node B12 restarted', 'pi.health')).toEqual([]);
  });

  it('a record held as a JSON string is named by its key all the same', () => {
    const fs = classifier.classify([leaf('I10', 'ICD编码', { location: '/病历|json/诊断列表/0/ICD编码' })], NOW);
    expect(fs.map((f) => f.category)).toContain('pi.health');
  });

  it('a code and its display beside an ICD system are a diagnosis (FHIR Coding)', () => {
    const ls = [
      leaf('ICD-10', 'system', { location: '/assessment/0/system' }), leaf('J18.9', 'code', { location: '/assessment/0/code' }),
      leaf('Community-acquired pneumonia', 'display', { location: '/assessment/0/display' }), leaf('A12', 'code', { location: '/other/code' }),
    ];
    const fs = classifier.classify(ls, NOW).filter((f) => f.category === 'pi.health');
    expect([...new Set(fs.map((f) => f.leafIndex))].sort()).toEqual([1, 2]);
  });

  it('an ICD code under a medical object counts alone', () => {
    const fs = classifier.classify([leaf('B24', 'code', { location: '/diagnosis/code' })], NOW);
    expect(fs.map((f) => f.rule)).toEqual(['health.icd10']);
  });
});

describe('isMedicalValue', () => {
  it.each([
    ['60247 KB', false], ['12 packets', false], ['35 ms', false], ['20mg', true], ['120/80', true], ['6.5%', true],
    ['- kb', true], ['n/a', false], ['车辆诊断：发动机故障码 P0300', false], ['2型糖尿病', true],
  ])('%j → %s', (v, want) => expect(isMedicalValue(v)).toBe(want));
});

describe('lab results and the findings of medical examinations', () => {
  it.each([
    ['患者张伟\n结果：甲胎蛋白 420ng/mL', ['甲胎蛋白 420ng/mL']],
    ['患者张伟，肺功能检查提示轻度阻塞性通气障碍', ['肺功能检查提示轻度阻塞性通气障碍']],
    ['学生李娜，色觉检查：红绿色弱', ['红绿色弱']],
    ['检验报告单\n姓名：曾泽宇\n结果：HBsAg阳性', ['检验报告单', 'HBsAg阳性']],
    // Values in the units only lab results use; a wearable's suspected condition; a frequency in figures.
    ['患者张伟，尿酸 612μmol/L↑', ['尿酸 612μmol/L↑']], ['患者张伟，CA15-3 86 U/mL↑', ['CA15-3 86 U/mL↑']],
    ['患者张伟，夜间血氧饱和度低于88%，疑似睡眠呼吸暂停', ['疑似睡眠呼吸暂停']], ['患者张伟\n异烟肼片 10mg*30片 68.00', ['异烟肼片 10mg*30片 68.00']], ['患者张伟，阿昔洛韦片 0.4g 每日5次', ['阿昔洛韦片 0.4g 每日5次']],
  ])('%s', (value, want) => expect(h(value)).toEqual(want));

  it.each([
    // Advice to anyone, a ride's pickup point, a kit on sale.
    '健康科普：痛风患者应控制饮食，定期体检。', '人民医院门诊楼', 'HBsAg assay kit, 96 tests', '肌酐检测试剂盒促销',
    '葡萄糖溶液 5 mmol/L', '每日3次提醒',
    // A procedure's list of documents to bring.
    '医疗机构出具的受伤后诊断证明书或职业病诊断证明书', '首次就诊病历复印件',
    // A clinician's rank in a staff record.
    '住院医师', '副主任医师',
  ])('nothing in %s', (value) => expect(h(value)).toEqual([]));
  it.each([
    // A counselling note, a lab line, an exam's finding, a drug order, a genetic test's result.
    ['来访者顾洋，有被动自杀意念，无具体计划', ['有被动自杀意念']], ['患者张伟，丙氨酸氨基转移酶 193 U/L', ['丙氨酸氨基转移酶 193 U/L']],
    ['员工张伟：窦性心动过缓', ['窦性心动过缓']], ['收货人张伟：碳酸锂缓释片 2盒', ['碳酸锂缓释片 2盒']],
    ['受检者张伟：MTHFR C677T 纯合突变', ['MTHFR C677T 纯合突变']],
  ])('%s', (value, want) => expect(h(value)).toEqual(want));
  it.each([['N18.500', 'dise_codg'], ['慢性肾脏病5期', 'dise_name'], ['颅脑外伤伴硬膜下血肿（S06.5）', 'zdjg']])('%s under the insurance interface\'s %s', (value, key) => {
    expect(texts(value, 'pi.health', key)).toEqual([value]);
  });
});

describe('injuries, school absences, check-up remarks, learning diagnostics', () => {
  it.each([
    ['驾驶员张伟头部皮外伤，送医治疗。', ['驾驶员张伟头部皮外伤']], ['患者李娜：颈部软组织挫伤', ['颈部软组织挫伤']],
    ['Assessment: adjustment disorder with anxiety (F43.22).', ['adjustment disorder with anxiety (F43.22)']],
    ['candidate reported lumbar disc herniation (M51.2) under treatment', ['reported lumbar disc herniation (M51.2) under treatment']],
    ['受检者王芳，结论：TP53意义未明变异（VUS）', ['TP53意义未明变异（VUS）']],
  ])('%s', (value, want) => expect(h(value)).toEqual(want));
  it.each([['高度近视 -8.00D', 'tjbz'], ['谷丙转氨酶 86 U/L↑', 'abnormalItems'], ['S82.2', 'icdbm']])('%s under %s', (value, key) => {
    expect(inspectBody(classifier, Buffer.from(JSON.stringify({ name: '张伟', [key]: value })), 'application/json', NOW).findings
      .filter((f) => f.category === 'pi.health').map((f) => f.location)).toEqual([`/${key}`]);
  });
  it.each([
    ['底盘检测：正常', 'diag'], ['电池健康度SOH 93%', 'diag'], ['车辆年检合格', 'diag'], ['全车体检168项，无泡水无火烧', 'result'], ['车况诊断：前保险杠有修复痕迹', 'note'],
    ['学情诊断：掌握度 41%', 'diagnosis'], ['知识点诊断：薄弱', 'diagnosis'], ['诊断性测验 平均分 67', 'diagnosis'], ['薄弱', '学情诊断'], ['无异常', '告知结果'],
  ])('%s under %s is no one\'s health', (value, key) => expect(h(value, key)).toEqual([]));
  it.each([
    ['患者张伟，左乳肿块 BI-RADS 5类', ['左乳肿块 BI-RADS 5类']], ['患者张伟，T-SPOT.TB 阳性', ['T-SPOT.TB 阳性']],
    ['患者张伟，一直在吃多巴丝肼片', ['一直在吃多巴丝肼片']], ['患者张伟，行经皮冠状动脉支架置入术', ['行经皮冠状动脉支架置入术']],
  ])('imaging categories, lab tests, drugs and procedures: %s', (value, want) => expect(h(value)).toEqual(want));
  it.each([['F20.9', 'opsp_dise_code'], ['51.2300', 'oprn_oprt_code'], ['经皮冠状动脉支架置入术', 'oprn_oprt_name']])('%s under %s (the settlement list\'s operations)', (value, key) => expect(h(value, key)).toEqual([value]));
  it('a follow-up visit\'s fee after a prescription stays readable', () => {
    expect(h('门诊记录：高血压；处方：氨氯地平片 5mg qd；复诊费用 55576.84。')).toEqual(['门诊记录：高血压', '处方：氨氯地平片 5mg qd']);
  });
});
