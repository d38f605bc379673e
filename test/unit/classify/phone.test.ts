import { describe, expect, it } from 'vitest';
import { isMainlandMobile, mobileNationalStart } from '../../../src/classify/detectors/phone.js';
import { texts } from './helpers.js';

describe('isMainlandMobile', () => {
  it.each(['13812345678', '13012345678', '15912345678', '16612345678', '17012345678', '19912345678'])(
    'accepts %s', (d) => expect(isMainlandMobile(d)).toBe(true),
  );
  it.each([
    '12812345678', // 12x is not a mobile range
    '11012345678',
    '1381234567', // 10 digits
    '138123456789', // 12 digits
    '23812345678',
    '1381234567a',
    '',
  ])('rejects %s', (d) => expect(isMainlandMobile(d)).toBe(false));
});

describe('mobileNationalStart', () => {
  it.each([
    ['13812345678', [11], false, 0],
    ['13812345678', [3, 4, 4], false, 0],
    ['8613812345678', [13], true, 2],
    ['8613812345678', [13], false, 2],
    ['8613812345678', [2, 11], true, 2],
    ['8613812345678', [2, 3, 4, 4], false, 2],
    ['008613812345678', [4, 11], false, 4],
    ['008613812345678', [15], false, 4],
    ['008613812345678', [4, 3, 4, 4], false, 4],
    ['13812345678', [3, 8], false, 0],
    ['13812345678', [7, 4], false, 0],
  ] as const)('%s grouped %j (plus %s) → %i', (d, lens, plus, at) => {
    expect(mobileNationalStart(d, lens, plus)).toBe(at);
  });

  it.each([
    ['13812345678', [11], true, '+ without 86 is another country'],
    ['008613812345678', [15], true, '+0086'],
    ['13812345678', [4, 3, 4], false, '4-3-4 grouping'],
    ['13812345678', [8, 3], false, '8-3 grouping'],
    ['13812345678', [3, 4, 2, 2], false, 'too many groups'],
    ['8613812345678', [1, 12], false, 'split prefix'],
    ['8612812345678', [13], false, '86 + non-mobile'],
    ['1712345678901', [13], false, 'ms timestamp'],
    ['138123456789', [12], false, '12 digits'],
  ] as const)('%s %j plus=%s rejected (%s)', (d, lens, plus, _why) => {
    expect(mobileNationalStart(d, lens, plus)).toBe(-1);
  });
});

describe('mobiles in text', () => {
  it.each([
    ['mobile +49 176 12345678', [], "another country's code before the digits"],
    ['mobilePhone: +1 415 5550123', [], 'a US number'],
    ['CN +86 138 1234 5678', ['+86 138 1234 5678'], "China's own code"],
    ['Order 15012345678 shipped', [], 'an order number'],
    ['请拨打1917 6776 392联系', ['1917 6776 392'], 'a call verb vouches for any split'],
    ['回电1594.70.3304.9', ['1594.70.3304.9'], 'a call verb vouches for any split'],
    ['OSI CA CTCT13108410239', ['13108410239'], "an airline record's contact element"],
    ['请回电 139|1234|5678 谢谢', ['139|1234|5678'], 'a call verb before a number split by pipes'],
    ['回电 18067_202477，谢谢', ['18067_202477'], 'a call verb before a number split by an underscore'],
    ['请拨打 95588 咨询，回电时间 2024/01/15', [], 'a service number, a date'],
    ['OSI CA CTCT4006439523', [], 'a service number in a contact element'],
    ['SKU ABCD13108410239', [], 'a code of the same shape'],
    ['http_requests_total{code="200",route="/api/v1/users"} 17194647526', [], "a metric's sample"],
    ['up{job="x"} 1\nnote 17194647526', ['17194647526'], 'a number after a metric line'],
  ])('%s → %j (%s)', (text, want) => expect(texts(text, 'pi.phone')).toEqual(want));
});

describe('mobiles by field', () => {
  it.each([
    ['135*0109*2623', 'mobile', ['135*0109*2623']],
    // Stars in a row mask digits: a privacy number and its extension hold no whole mobile.
    ['193****5202_2996', 'privacy_phone', []], ['138****5678', 'mobile', []],
    // A parent's phone in a school roster, split to evade; a WeChat account given as digits.
    ['18 0 536 991 41', 'jzsjh', ['18 0 536 991 41']], ['13812345678', 'weixin', ['13812345678']],
    ['wxid_8a7d6e5f4c', 'wechat', []], ['1673 017 0003', '加微信', ['1673 017 0003']],
  ])('%s under %s → %j', (value, key, want) => expect(texts(value, 'pi.phone', key)).toEqual(want));
});

describe('a mobile spelled out one digit at a time', () => {
  it.each([
    ['联系朋友赵芳涵（1 5 0 0 7 2 8 0 6 4 8），同意代为还款。', ['1 5 0 0 7 2 8 0 6 4 8']],
    ['1 3 8 1 1 6 0 9 2 0 5', ['1 3 8 1 1 6 0 9 2 0 5']],
    // Not a mobile's prefix; twelve digits; spaced unevenly; a row of scores.
    ['1 2 3 4 5 6 7 8 9 0 1', []], ['1 3 8 1 1 6 0 9 2 0 5 7', []], ['1 3 8  1 1 6 0 9 2 0 5', []], ['2 3 8 1 1 6 0 9 2 0 5', []],
  ])('%s → %j', (text, want) => expect(texts(text, 'pi.phone')).toEqual(want));
});
