import { describe, expect, it } from 'vitest';
import {
  ageOn, chinaDate, hasRegionPrefix, idCardBirthDate, idCardCheckChar, isIdCardGrouping, isMinorOn,
  isRealDate, looksLikeIdCard, validateIdCard,
} from '../../../src/classify/detectors/id-card.js';

const today = { year: 2026, month: 3, day: 1 };

describe('validateIdCard', () => {
  it.each([
    ['11010519491231002X', 'id18', { year: 1949, month: 12, day: 31 }],
    ['11010519491231002x', 'id18', { year: 1949, month: 12, day: 31 }],
    ['110101199003071233', 'id18', { year: 1990, month: 3, day: 7 }],
    ['44030520150615042X', 'id18', { year: 2015, month: 6, day: 15 }],
    ['320106202002290018', 'id18', { year: 2020, month: 2, day: 29 }],
    ['810000199001011230', 'id18', { year: 1990, month: 1, day: 1 }],
    ['710000200001011232', 'id18', { year: 2000, month: 1, day: 1 }],
    ['110101900307123', 'id15', { year: 1990, month: 3, day: 7 }],
  ] as const)('accepts %s', (id, kind, birth) => {
    expect(validateIdCard(id, today)).toEqual({ kind, birth });
  });

  it.each([
    ['110101199003071230', 'wrong check char'],
    ['110101199002301239', '30 February'],
    ['110101199002301236', '30 February even with the right check char'],
    ['910000199001011234', 'region 91 is not a province'],
    ['000000199001011234', 'region 00'],
    ['110101203001011236', 'born in the future'],
    ['110101189912311231', 'born before 1900'],
    ['11010119900307123', '17 chars'],
    ['1101011990030712333', '19 chars'],
    ['11010119900307123Y', 'bad check char'],
    ['X10101199003071233', 'letter inside'],
    ['110101901307123', 'legacy month 13'],
    ['910101900307123', 'legacy bad region'],
    ['11010190030712X', 'legacy with X'],
    ['320106201902290019', '29 Feb of a non-leap year'],
  ])('rejects %s (%s)', (id) => {
    expect(validateIdCard(id, today)).toBeUndefined();
  });

  it('a birth date of today is valid, tomorrow is not', () => {
    const born = '1101012026030100';
    const ok = born + '1' + idCardCheckChar(born + '1');
    expect(validateIdCard(ok, today)?.kind).toBe('id18');
    expect(validateIdCard(ok, { year: 2026, month: 2, day: 28 })).toBeUndefined();
  });
});

describe('pieces', () => {
  it('check char follows GB 11643', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X');
    expect(idCardCheckChar('11010119900307123')).toBe('3');
    expect(idCardCheckChar('1101011990030712A')).toBeUndefined();
  });

  it.each([
    ['11', true], ['15', true], ['16', false], ['21', true], ['37', true], ['46', true], ['47', false],
    ['50', true], ['54', true], ['55', false], ['61', true], ['65', true], ['66', false], ['71', true],
    ['72', false], ['81', true], ['83', true], ['84', false], ['10', false], ['99', false],
  ])('region prefix %s → %s', (p, ok) => {
    expect(hasRegionPrefix(p + '0101199003071233')).toBe(ok);
  });

  it('extracts birth dates from both lengths', () => {
    expect(idCardBirthDate('44030520150615042X')).toEqual({ year: 2015, month: 6, day: 15 });
    expect(idCardBirthDate('110101900307123')).toEqual({ year: 1990, month: 3, day: 7 });
    expect(idCardBirthDate('110101199002301239')).toBeUndefined();
    expect(idCardBirthDate('1234')).toBeUndefined();
  });

  it('real dates', () => {
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(2024, 4, 31)).toBe(false);
    expect(isRealDate(2024, 12, 31)).toBe(true);
    expect(isRealDate(2024, 0, 1)).toBe(false);
  });

  it.each([
    [[18], true], [[15], true], [[6, 8, 4], true], [[6, 6, 3], true], [[17], false], [[6, 8, 3], false],
    // Four at a time as read out, or the date kept whole; a card's groups are not an ID's.
    [[4, 4, 4, 4, 2], true], [[6, 4, 4, 4], true], [[4, 4, 4, 4, 3], false], [[4, 4, 4, 4], false],
  ])('grouping %j → %s', (lens, ok) => {
    expect(isIdCardGrouping(lens)).toBe(ok);
  });

  it('an id-shaped number with a wrong check char still looks like an ID', () => {
    expect(looksLikeIdCard('110101199003071230', today)).toBe(true);
    expect(looksLikeIdCard('621700000000000004', today)).toBe(false);
    // A day the month lacks (31 Feb, 30 Feb) is still the shape of one.
    expect(looksLikeIdCard('530102197102310346', today)).toBe(true);
    expect(looksLikeIdCard('110101199002301239', today)).toBe(true);
    expect(looksLikeIdCard('110101199013011239', today)).toBe(false);
    expect(looksLikeIdCard('110101199012321239', today)).toBe(false);
    expect(looksLikeIdCard('110101189912311239', today)).toBe(false);
  });
});

describe('age and minors', () => {
  const birth = { year: 2015, month: 6, day: 15 };
  it.each([
    [{ year: 2026, month: 1, day: 1 }, 10, true],
    [{ year: 2029, month: 6, day: 14 }, 13, true],
    [{ year: 2029, month: 6, day: 15 }, 14, false],
    [{ year: 2040, month: 1, day: 1 }, 24, false],
  ])('on %j', (day, age, minor) => {
    expect(ageOn(birth, day)).toBe(age);
    expect(isMinorOn(birth, day)).toBe(minor);
  });

  it('a 29 February birthday comes on 1 March in common years', () => {
    const leapling = { year: 2012, month: 2, day: 29 };
    expect(isMinorOn(leapling, { year: 2026, month: 2, day: 28 })).toBe(true);
    expect(isMinorOn(leapling, { year: 2026, month: 3, day: 1 })).toBe(false);
  });

  it('today is the civil date in China (UTC+8)', () => {
    expect(chinaDate(new Date('2029-06-14T15:59:59Z'))).toEqual({ year: 2029, month: 6, day: 14 });
    expect(chinaDate(new Date('2029-06-14T16:00:00Z'))).toEqual({ year: 2029, month: 6, day: 15 });
  });
});
