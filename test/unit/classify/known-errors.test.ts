/**
 * Known false positives and negatives, fixed: each body goes through the JSON parser and the
 * classifier, and the table says which categories must (and must not) be reported where.
 */
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/body/parse.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, NOW } from './helpers.js';

/** "category@location" of the findings in a JSON body, each once. */
function report(body: unknown): string[] {
  const { leaves } = parseBody(Buffer.from(JSON.stringify(body)), 'application/json');
  return [...new Set(classifier.classify(leaves, NOW).map((f) => `${f.category}@${f.location}`))].sort();
}

describe('Latin health keywords inside codes', () => {
  it.each([
    [{ sku: 'SKU-ECG2231' }],
    [{ items: [{ sku: 'HPV16-2231', qty: 2 }, { sku: 'ECG2231' }] }],
    [{ partNo: '2231ECG', note: 'ref MRI7781-B' }],
    [{ sha: '0aa7ecg21fe9hpv0' }],
  ])('%j: nothing', (body) => {
    expect(report(body)).toEqual([]);
  });

  it.each([
    [{ note: 'ECG normal, HPV negative' }, ['pi.health@/note']],
    [{ notes: 'ordered an ECG (12-lead)' }, ['pi.health@/notes']],
  ])('%j: still health', (body, want) => {
    expect(report(body)).toEqual(want);
  });
});

describe('"name" of a thing is not a person', () => {
  it.each([
    [{ product: { name: 'Desk Lamp', price: 19.9 } }],
    [{ items: [{ name: 'Desk Lamp', qty: 1 }, { name: 'Office Chair', qty: 2 }] }],
    [{ order: { products: [{ name: 'Standing Desk' }] } }],
    [{ company: { name: 'Acme Trading Co' } }],
    [{ categories: [{ name: 'Home Office' }] }],
    [{ 商品: { name: '台灯' } }],
    [{ product: { name: { text: '黄山毛峰' } } }],
    // Things that are never people, whatever their name reads like.
    [{ scenic: { name: '黄山' }, color: { name: '白色' }, brand: { name: '李宁' }, hero: { name: '韩信' } }],
    [{ items: [{ title: { text: '王老吉' } }] }],
  ])('%j: nothing', (body) => {
    expect(report(body)).toEqual([]);
  });

  it.each([
    [{ customer: { name: 'John Smith' } }, ['pi.name@/customer/name']],
    [{ passengers: [{ name: '张伟' }] }, ['pi.name@/passengers/0/name']],
    [{ name: '李娜' }, ['pi.name@/name']],
    [{ product: { owner: { name: 'Mary Jones' } } }, ['pi.name@/product/owner/name']],
    // Payroll lines are "items" too: a Han personal name stays a name there.
    [{ items: [{ name: '陈静', amount: 8200 }] }, ['pi.name@/items/0/name']],
    // A structured name: FHIR's HumanName, a name object with its value.
    [{ resourceType: 'Patient', name: [{ use: 'official', text: '丁敏' }] }, ['pi.name@/name/0/text']],
    [{ name: { value: '张伟', lang: 'zh' } }, ['pi.name@/name/value']],
  ])('%j: a person', (body, want) => {
    expect(report(body)).toEqual(want);
  });
});

describe('genotype maps keyed by rsID', () => {
  it.each([
    // The keys are genetic data too, and masked in place (#key).
    [{ rs4477212: 'AA', rs3094315: 'AG' }, ['important.genetic@/rs3094315', 'important.genetic@/rs3094315#key', 'important.genetic@/rs4477212', 'important.genetic@/rs4477212#key']],
    [{ sample: 'S1', calls: { RS12564807: 'A/G' } }, ['important.genetic@/calls/RS12564807', 'important.genetic@/calls/RS12564807#key']],
  ])('%j: genetic', (body, want) => {
    expect(report(body)).toEqual(want);
  });

  it.each([
    [{ rs485: 'A', rs232: 'B' }],
    [{ rs4477212: 'yes' }],
    [{ rsvp: 'AG' }],
    [{ ports: { rs232: 'DB9' } }],
  ])('%j: nothing', (body) => {
    expect(report(body)).toEqual([]);
  });
});

describe('quantities that read like mobile numbers', () => {
  it.each([
    [{ totalMem: 17179869184, freeDisk: '14070313573', sizeBytes: 15203234209 }],
    [{ stats: { rx_bytes: 15203234209, amount: '13812345678' } }],
    [{ log: 'eth0 RX packets 1234 bytes 15234567890 (15.2 GB)' }],
    [{ log: 'iface stats rx_bytes=15203234209 tx_bytes=13312345678' }],
    [{ seq: '17566986575' }],
    // A device's memory size.
    [{ device: { memory_size: 13812345678 } }],
    // Business references whose digits pass a check by chance; QQ and tracking numbers.
    [{ voucherNo: '420321200509329742', traceNo: '6222020200112230', 工单号: '490154203237518' }],
    [{ qq: '13812345678', tn: '13912345678' }],
    [{ oldRef: '525001245345655670', txnRef: '6222020200112230' }],
    [{ log: 'ref 490154203237518; trace 6222020200112230' }],
    [{ ecu: { diag: '车辆诊断：发动机故障码 P0300 间歇性失火' } }],
  ])('%j: nothing', (body) => {
    expect(report(body)).toEqual([]);
  });

  it('a metrics API\'s sample, named by its record\'s "metric" (a label the body stage decodes)', () => {
    const body = '[{"metric":"net.rx_bytes","value":15912345678},{"metric":"user.mobile","value":"13912345678"}]';
    const found = inspectBody(classifier, Buffer.from(body), 'application/json', NOW).findings.map((f) => `${f.category}@${f.location}`);
    expect(found).toEqual(['pi.phone@/1/value']);
  });

  it('a mobile under an unknown key is still one', () => {
    expect(report({ contact: '13812345678' })).toEqual(['pi.phone@/contact']);
  });
});

describe('field names from other APIs', () => {
  it.each([
    [{ wd: 29.4556, jd: 106.5252 }, ['pi.location@/jd', 'pi.location@/wd']],
    // A city's coordinates jittered out to sea (off Sanya) are still China's.
    [{ lat: 18.0544, lon: 109.2246 }, ['pi.location@/lat', 'pi.location@/lon']],
    [{ pay_account: '6222 - 02 - 020 - 0112 - 230' }, ['pi.bank_card@/pay_account']],
    [{ travelPermit: 'M90595458' }, ['pi.passport@/travelPermit']],
    [{ companyCode: '91521809411823384A' }, ['org.uscc@/companyCode']],
    [{ salaryCard: '6222020200112230' }, ['pi.bank_card@/salaryCard']],
  ])('%j', (body, want) => {
    expect(report(body)).toEqual(want);
  });
});
