import { describe, expect, it } from 'vitest';
import { idCardCheckChar } from '../../../src/classify/detectors/id-card.js';
import { luhn, mod11_2, mod11_2CheckChar, mod31, VALIDATORS, vin, vinBytes, vinCheckChar } from '../../../src/classify/validators.js';

describe('luhn', () => {
  it.each([['79927398713', true], ['490154203237518', true], ['6222020200112230', true], ['79927398710', false], ['', false], ['7992739871a', false]])(
    '%s → %s', (s, ok) => expect(luhn(s)).toBe(ok),
  );
});

describe('mod11-2 (ISO 7064, resident ID)', () => {
  it.each([['11010519491231002X', true], ['110101199003071233', true], ['44030520150615042X', true], ['11010519491231002x', true], ['110101199003071230', false], ['1', false]])(
    '%s → %s', (s, ok) => expect(mod11_2(s)).toBe(ok),
  );

  it('agrees with the ID card weights for every body', () => {
    for (let n = 0; n < 2000; n++) {
      const body = String(110101199001010000 + n * 7919).slice(0, 17);
      expect(mod11_2CheckChar(body)).toBe(idCardCheckChar(body + '0'));
    }
  });
});

describe('mod31 (GB 32100, USCC)', () => {
  it.each([['91350100M000100Y43', true], ['91310000MA1FL8XQ11', true], ['91350100M000100Y44', false], ['91350100M000100Y4', false], ['91350100I000100Y43', false]])(
    '%s → %s', (s, ok) => expect(mod31(s)).toBe(ok),
  );
});

describe('vin (ISO 3779)', () => {
  it.each([['LSVAU218XN2183294', true], ['1M8GDM9AXKP042788', true], ['LSVAU2180N2183294', false], ['LSVAU218XN218329', false], ['LSVAU218XN21832O4', false]])(
    '%s → %s', (s, ok) => expect(vin(s)).toBe(ok),
  );
  it('computes the check char', () => expect(vinCheckChar('1M8GDM9A0KP042788')).toBe('X'));
  it('vinBytes agrees with vin on every 17-char code, inside a larger buffer too', () => {
    // VIN characters, and one in four codes also with characters a VIN never has.
    const valid = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
    const wide = `${valid}IOQabc-`;
    let x = 7;
    const codes = ['LSVAU218XN2183294', '1M8GDM9AXKP042788', 'LSVAU2180N2183294', 'LSVAU218XN21832O4'];
    for (let n = 0; n < 3_000; n++) {
      const alphabet = n % 4 === 0 ? wide : valid;
      let code = '';
      for (let i = 0; i < 17; i++) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        code += alphabet[x % alphabet.length];
      }
      // Give every eleventh code its right check char, so that both answers occur.
      const check = vinCheckChar(code);
      codes.push(n % 11 === 0 && check !== undefined ? `${code.slice(0, 8)}${check}${code.slice(9)}` : code);
    }
    for (const code of codes) {
      const buf = Buffer.from(`"k":"${code}"`);
      expect(vinBytes(buf, 5)).toBe(vin(code));
    }
    expect(codes.filter((c) => vin(c)).length).toBeGreaterThan(200);
  });
});

describe('VALIDATORS', () => {
  it('names the four validators operator rules may use', () => {
    expect(Object.keys(VALIDATORS).sort()).toEqual(['luhn', 'mod11-2', 'mod31', 'vin']);
    expect(VALIDATORS.mod31('91350100M000100Y43')).toBe(true);
  });
});
