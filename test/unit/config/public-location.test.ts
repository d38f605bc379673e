import { describe, expect, it } from 'vitest';
import { publicLocation } from '../../../src/config/locations.js';

// A location is written to audit events, refusal bodies and drift records: a map keyed by the
// identifier itself must not carry it there.
describe('publicLocation', () => {
  it.each([
    ['a phone number as a map key', '/byPhone/13912345678/name', '/byPhone/*/name'],
    ['a resident ID as a map key', '/people/11010519491231002X/address', '/people/*/address'],
    ['an e-mail address as a map key', '/subscribers/zhang.san@example.cn', '/subscribers/*'],
    ['a spaced card number as a key', '/cards/6222 0212 3456 7890/limit', '/cards/*/limit'],
    ['a value-like query parameter name', '?13912345678', '?*'],
    ['an SNP id as a map key, and its key leaf', '/genotypes/rs7412', '/genotypes/*'],
    ['an SNP id key leaf', '/genotypes/rs429358#key', '/genotypes/*#key'],
    ['a word that starts like one stays', '/rsvp/status', '/rsvp/status'],
    ['array indices stay', '/customers/12/phone', '/customers/12/phone'],
    ['ordinary keys stay', '/customer/mobile', '/customer/mobile'],
    ['nested-encoding markers stay', '/payload|json/user/phone', '/payload|json/user/phone'],
    ['short numeric codes stay', '/zip/100000', '/zip/100000'],
    ['headers stay', 'header:x-user-phone', 'header:x-user-phone'],
    ['a plain-text body stays', '', ''],
  ])('%s: %s → %s', (_what, location, expected) => {
    expect(publicLocation(location)).toBe(expected);
  });
});
