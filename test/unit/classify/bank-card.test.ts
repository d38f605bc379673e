import { luhn } from '../../../src/classify/validators.js';
import { describe, expect, it } from 'vitest';
import {
  hasCardPrefix, isAccountNumber, isCardGrouping, isPaymentCardNumber, isRegisteredIban, isValidIban,
} from '../../../src/classify/detectors/bank-card.js';
import { found, texts } from './helpers.js';

describe('isPaymentCardNumber', () => {
  it.each([
    '6222020200112230', // DOMAIN §5
    '6217000000000000004', // DOMAIN §5, 19 digits
    '4111111111111111',
    '5555555555554444',
    '3530111333300000',
    '622848001234567894', // 18 digits
  ])('accepts %s', (d) => expect(isPaymentCardNumber(d)).toBe(true));

  it.each([
    ['6222020200112231', 'Luhn fails'],
    ['6217000000000000005', 'Luhn fails'],
    ['7111111111111111', 'prefix 7 (and Luhn)'],
    ['5611111111111116', 'prefix 56'],
    ['3411111111111111', 'prefix 34 (Amex is not listed)'],
    ['622202020011223', '15 digits'],
    ['62220202001122300000', '20 digits'],
    ['6222 020200112230', 'separators are the scanner’s business'],
  ])('rejects %s (%s)', (d) => expect(isPaymentCardNumber(d)).toBe(false));
});

describe('pieces', () => {
  it('luhn', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    expect(luhn('')).toBe(false);
    expect(luhn('7992739871a')).toBe(false);
  });

  it.each([
    ['62', true], ['61', false], ['4', true], ['51', true], ['55', true], ['50', false], ['56', false],
    ['35', true], ['36', false], ['9', false],
  ])('prefix %s → %s', (p, ok) => expect(hasCardPrefix(p + '00000000000000')).toBe(ok));

  it.each([
    [[16], true], [[4, 4, 4, 4], true], [[4, 4, 4, 4, 3], true], [[4, 4, 4, 4, 4], true],
    [[4, 4, 4, 3, 4], false], [[4, 12], false],
    // The issuer's six digits apart ("622202-8191733587199").
    [[6, 10], true], [[6, 13], true], [[6, 9], false], [[6, 14], false], [[6, 6, 7], false],
  ])('grouping %j → %s', (lens, ok) => expect(isCardGrouping(lens)).toBe(ok));

  it('account numbers are 12–25 digits', () => {
    expect(isAccountNumber('123456789012')).toBe(true);
    expect(isAccountNumber('1234567890123456789012345')).toBe(true);
    expect(isAccountNumber('12345678901')).toBe(false);
    expect(isAccountNumber('12345678901234567890123456')).toBe(false);
    expect(isAccountNumber('12345678901a')).toBe(false);
    // A date and time written as digits, which a card label sometimes heads in an export.
    expect(isAccountNumber('202509171605')).toBe(false);
    expect(isAccountNumber('20250917160530')).toBe(false);
    expect(isAccountNumber('202513171605')).toBe(true);
  });

  it.each([
    ['DE89370400440532013000', true],
    ['DE89 3704 0044 0532 0130 00', true],
    ['gb82west12345698765432', true],
    ['DE89370400440532013001', false],
    ['DE8937040044', false],
    ['1234567890123456', false],
  ])('iban %s → %s', (s, ok) => expect(isValidIban(s)).toBe(ok));
});

describe('IBANs in running text', () => {
  it.each([['DE89370400440532013000', true], ['GB82WEST12345698765432', true], ['SF3600163083907', false], ['DE8937040044053201300', false]])(
    '%s → %s', (s, ok) => expect(isRegisteredIban(s)).toBe(ok),
  );
});

describe('ID-shaped numbers are not cards without a card label', () => {
  // Luhn passes one number in ten: an ID shape with a day its month lacks (31 Feb) is a
  // mistyped or made-up ID, not a Mastercard or UnionPay number.
  it.each([['530102197102310346'], ['620102198802300016']])('%s', (d) => {
    expect(luhn(d)).toBe(true);
    expect(found(d, 'refNo')).toEqual([]);
    expect(found(`参考号 ${d}，请核对`)).toEqual([]);
    expect(found(d, 'cardNo').map(([c]) => c)).toEqual(['pi.bank_card']);
  });

  it('a reference label in text says what a Luhn-valid number is, as a reference field does', () => {
    expect(found('订单号 6222020200112230')).toEqual([]);
    expect(found('invoice 6222020200112230, paid')).toEqual([]);
    expect(found('卡号 6222020200112230').map(([c]) => c)).toEqual(['pi.bank_card']);
    expect(found('付款 6222020200112230').map(([c]) => c)).toEqual(['pi.bank_card']);
  });
});

describe('a card with its issuer digits apart', () => {
  it('in a refund notice and a log line, not under a reference key', () => {
    expect(texts('Refund will go to card 625965-6736763933 within 3-5 days', 'pi.bank_card')).toEqual(['625965-6736763933']);
    expect(texts('bind card 623668-0938039145190 for user', 'pi.bank_card')).toEqual(['623668-0938039145190']);
    expect(texts('622202-8191733587199', 'pi.bank_card', 'orderNo')).toEqual([]);
  });
});

describe('cards under pinyin keys', () => {
  // 还款卡号, 付款卡号: a card split to evade is read whole under its field.
  it.each([['6  2258  83203  14105  1', 'hkkh'], ['6222021234567890128', 'fkkh']])('%s under %s', (value, key) => {
    expect(texts(value, 'pi.bank_card', key)).toEqual([value]);
  });
});

describe('an account after its bank\'s name, as invoices and settlement forms write it', () => {
  it.each([
    ['开户行及账号：中国工商银行北京分行 0200004509089131550', ['0200004509089131550']],
    ['结算账户：浙江泰隆商业银行 33011500490425652', ['33011500490425652']],
    // A bank named in an address, with no account label before it.
    ['地址：北京市西城区招商银行大厦 33055906661034573498', []],
  ])('%s → %j', (text, want) => expect(texts(text, 'pi.bank_card')).toEqual(want));
  it.each([['中国建设银行营业部 33055906661034573498', 'salerAccount'], ['招商银行 571945981212039', 'buyerAccount']])('%s under %s', (value, key) => {
    expect(texts(value, 'pi.bank_card', key)).toEqual([value.split(' ')[1]]);
  });
});
