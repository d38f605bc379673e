import { describe, expect, it } from 'vitest';
import {
  addressSpanAfter, labelAtColon, labelBefore, nameSpanAfter, valueStartAfter,
} from '../../../src/classify/context.js';

describe('labelBefore (numeric candidates)', () => {
  const at = (s: string, needle: string) => labelBefore(s, s.indexOf(needle))?.category;
  it.each([
    ['手机：13812345678', 'pi.phone'], ['手机号是13812345678', 'pi.phone'], ['电话 13812345678', 'pi.phone'],
    ['联系电话: 13812345678', 'pi.phone'], ['tel:13812345678', 'pi.phone'], ['phone = 13812345678', 'pi.phone'],
    ['"mobile":"13812345678"', 'pi.phone'], ['Contact phone: 13812345678', 'pi.phone'],
    ['please call my mobile 13812345678', 'pi.phone'], ['a very long introduction, then phone: 13812345678', 'pi.phone'], ['身份证号：110101900307123', 'pi.id_card'],
    ['卡号(6222020200112231)', 'pi.bank_card'],
    // A quantity's label says what the number is not (fields.ts REFERENCE).
    ['amount 13812345678', 'ref'], ['rx_bytes=15203234209', 'ref'],
  ])('%s → %s', (s, category) => expect(at(s, s.match(/\d/)![0])).toBe(category));

  it.each([
    '13812345678', 'x  :  : 13812345678',
    'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnphone:13812345678',
  ])(
    'no label in %s', (s) => expect(at(s, '138')).toBeUndefined(),
  );

  it('a reference-number label is known as such (it lowers pattern findings)', () => {
    expect(at('订单号：13812345678', '138')).toBe('ref');
  });
});

describe('labelAtColon and the values after it', () => {
  const name = (s: string) => {
    const k = s.search(/[:：=]/);
    const span = nameSpanAfter(s, valueStartAfter(s, k));
    return span && s.slice(span.start, span.end);
  };
  const address = (s: string) => {
    const k = s.search(/[:：=]/);
    const span = addressSpanAfter(s, valueStartAfter(s, k));
    return span && s.slice(span.start, span.end);
  };

  it.each([
    ['姓名：张三', 'pi.name'], ['姓名:张三', 'pi.name'], ['Name: John', 'pi.name'], ['full name: x', 'pi.name'],
    ['"name": "x"', 'pi.name'], ['地址：x', 'pi.address'], ['收货地址：x', 'pi.address'], ['护照号：E1', 'pi.passport'],
    ['Passport on file: G1', 'pi.passport'], ['Mobile on record: 1', 'pi.phone'],
  ])('label of %s → %s', (s, category) => expect(labelAtColon(s, s.search(/[:：]/))?.category).toBe(category));

  it.each(['file name: a.txt', 'time: 12:30', 'https://x.y', '性别：男'])(
    'no name/address label in %s', (s) => {
      const c = labelAtColon(s, s.search(/[:：]/))?.category;
      expect(c === 'pi.name' || c === 'pi.address').toBe(false);
    },
  );

  it.each([
    ['姓名：张三', '张三'], ['姓名: 欧阳娜娜，男', '欧阳娜娜'], ['姓名：张三性别：男', '张三'],
    ['姓名：张三电话：138', '张三'], ['姓名：李四联系电话：138', '李四'], ['name: John Smith, age 30', 'John Smith'],
    ['Name: John Smith Phone: 138', 'John Smith'], ['"name": "Jane Doe"', 'Jane Doe'], ['name: john', undefined],
  ])('name after label in %s → %s', (s, want) => expect(name(s)).toBe(want));

  it.each([
    ['地址：北京市朝阳区建国路88号\n电话', '北京市朝阳区建国路88号'],
    ['地址：北京市朝阳区建国路88号，邮编100000', '北京市朝阳区建国路88号'],
    ['住址：上海市浦东新区世纪大道1号 电话：13812345678', '上海市浦东新区世纪大道1号'],
    ['Address: 1 Main St; phone', '1 Main St'],
    ['地址：' + '很'.repeat(500), '很'.repeat(120)],
    ['地址：', undefined],
  ])('address after label in %s', (s, want) => expect(address(s)).toBe(want));
});
