import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../../src/classify/matcher.js';
import { classifier, found, leaf, NOW } from './helpers.js';

describe('the leaf contract', () => {
  it('skips containers: their children carry the content, reported once', () => {
    const leaves = [
      leaf('eyJwaG9uZSI6IjEzODEyMzQ1Njc4In0=', 'sig', { location: '/sig', container: true }),
      leaf('13812345678', 'phone', { location: '/sig/phone', parent: 0, wrap: 'base64' }),
    ];
    expect(classifier.classify(leaves, NOW).map((f) => [f.leafIndex, f.category])).toEqual([[1, 'pi.phone']]);
    const json = [leaf('{"mobile":"13812345678"}', 'ext', { container: true }), leaf('13812345678', 'mobile', { parent: 0, wrap: 'json' })];
    expect(classifier.classify(json, NOW).map((f) => f.leafIndex)).toEqual([1]);
  });

  it('reads CSV cells by their column header', () => {
    const leaves = [
      leaf('studentName,dianhua\n施晓若,18976308664', undefined, { container: true }),
      leaf('施晓若', 'studentName', { parent: 0, wrap: 'csv', location: '/1/studentName' }),
      leaf('18976308664', 'dianhua', { parent: 0, wrap: 'csv', location: '/1/dianhua' }),
    ];
    expect(classifier.classify(leaves, NOW).map((f) => [f.category, f.rule])).toEqual([['pi.name', 'field.name'], ['pi.phone', 'phone.field']]);
  });

  it('takes grades from categoryGrades, new categories included', () => {
    const c = createClassifier(new Map([['pi.location', 'important' as const], ['org.uscc', 'pi' as const]]));
    const fs = c.classify([leaf('31.2304,121.4737 91350100M000100Y43')], NOW);
    expect(fs.map((f) => [f.category, f.grade])).toEqual([['org.uscc', 'pi'], ['pi.location', 'important']]);
  });
});

describe('field names lower findings', () => {
  it.each([
    ['6222020200112230', 'trackingNo'], ['6222020200112230', 'orderNo'], ['6222020200112230', 'waybill'], ['6222020200112230', 'sku'],
    ['13812345678', 'orderId'], ['490154203237518', 'serialNo'], ['LSVAU218XN2183294', 'sku'], ['31.2304,121.4737', 'ref'],
  ])('%s under %s is what the field says', (value, key) => expect(found(value, key)).toEqual([]));

  it('but checked identifiers of people still count there', () => {
    expect(found('11010519491231002X', 'orderNo').map(([c]) => c)).toEqual(['pi.id_card']);
  });

  it('a field name supports the same number', () => {
    expect(found('6222020200112230', 'bankCard').map(([, r]) => r)).toEqual(['bank_card.luhn']);
  });
});
