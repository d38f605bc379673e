import { describe, expect, it } from 'vitest';
import { guessIdentifierCategories, individualHash, normaliseIdentifier } from '../../../src/audit/individual.js';

const KEY = Buffer.alloc(32, 1);

describe('individual hashes', () => {
  it('normalise phones: country prefixes, separators and full-width digits fold away', () => {
    const forms = ['13912345678', '+86 139 1234 5678', '0086-139-1234-5678', '86 13912345678', '139.1234.5678', '１３９１２３４５６７８', '139\u200B1234\u200C5678'];
    for (const form of forms) expect(normaliseIdentifier('pi.phone', form)).toBe('13912345678');
    const hashes = new Set(forms.map((f) => individualHash(KEY, 'pi.phone', f)));
    expect(hashes.size).toBe(1);
  });

  it('normalise ID numbers: upper-case X, no spaces or dashes', () => {
    expect(normaliseIdentifier('pi.id_card', '110105 19491231 002x')).toBe('11010519491231002X');
    expect(normaliseIdentifier('pi.id_card', '110105-19491231-002X')).toBe('11010519491231002X');
    expect(individualHash(KEY, 'pi.id_card', '11010519491231002x')).toBe(individualHash(KEY, 'pi.id_card', '11010519491231002X'));
  });

  it('normalise e-mail addresses to lower case', () => {
    expect(normaliseIdentifier('pi.email', '  Zhang.San@Example.COM ')).toBe('zhang.san@example.com');
  });

  it('is 16 hex characters, keyed, and never contains the identifier', () => {
    const h = individualHash(KEY, 'pi.phone', '13912345678');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(individualHash(Buffer.alloc(32, 2), 'pi.phone', '13912345678')).not.toBe(h);
    expect(h).not.toContain('1391234');
  });

  it('hashes the same digits differently under different categories, except a minor and their ID', () => {
    expect(individualHash(KEY, 'pi.bank_card', '6222020200112230')).not.toBe(individualHash(KEY, 'pi.device_id', '6222020200112230'));
    expect(individualHash(KEY, 'pi.minor', '44030520150615042X')).toBe(individualHash(KEY, 'pi.id_card', '44030520150615042X'));
  });

  it('guesses the categories an identifier may have been hashed under', () => {
    expect(guessIdentifierCategories('+86 139-1234-5678')).toEqual(['pi.phone']);
    expect(guessIdentifierCategories('11010519491231002x')).toEqual(['pi.id_card']);
    expect(guessIdentifierCategories('A@B.cn')).toEqual(['pi.email']);
    expect(guessIdentifierCategories('490154203237518')).toEqual(['pi.id_card', 'pi.device_id']);
    expect(guessIdentifierCategories('6222 0202 0011 2230')).toEqual(['pi.bank_card']);
    expect(guessIdentifierCategories('E12345678')).toEqual(['pi.passport']);
    expect(guessIdentifierCategories('LSVAU218XN2183294')).toEqual(['vehicle.vin']);
    expect(guessIdentifierCategories('hello')).toEqual([]);
  });
});
