import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of identifiers: how the trail counts distinct individuals (DOMAIN §3) and how
 * `audit subject` finds a person's flows, without the trail ever holding an identifier. The
 * pipeline and the CLI must normalise identically, so both call individualHash here.
 */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SEPARATORS = /[\s\-.·()（）]/g;

/** Categories that name the same identifier share one hash space (a minor is found through
 *  the ID number that reveals the age). */
const SAME_IDENTIFIER: Readonly<Record<string, string>> = { 'pi.minor': 'pi.id_card' };

export function hashCategory(category: string): string {
  return SAME_IDENTIFIER[category] ?? category;
}

/** The form an identifier is hashed in. Evasions (full-width digits, zero-width characters,
 *  separators) fold away, so the same person hashes the same however the value was written. */
export function normaliseIdentifier(category: string, value: string): string {
  const folded = value.normalize('NFKC').replace(ZERO_WIDTH, '').trim();
  switch (hashCategory(category)) {
    case 'pi.id_card':
    case 'pi.passport':
    case 'vehicle.vin':
    case 'pi.plate':
    case 'org.uscc':
      return folded.replace(SEPARATORS, '').toUpperCase();
    case 'pi.phone': {
      const digits = folded.replace(SEPARATORS, '');
      if (digits.startsWith('+86')) return digits.slice(3);
      if (digits.startsWith('0086')) return digits.slice(4);
      if (/^86\d{11}$/.test(digits)) return digits.slice(2);
      return digits;
    }
    case 'pi.email':
      return folded.toLowerCase();
    case 'pi.bank_card':
    case 'pi.device_id':
      return folded.replace(SEPARATORS, '');
    default:
      return folded.replace(/\s+/g, ' ');
  }
}

/** HMAC-SHA256(key, "egress-guard/individual\0" ‖ category ‖ "\0" ‖ normalised), first 16 hex. */
export function individualHash(key: Buffer, category: string, value: string): string {
  const normalised = normaliseIdentifier(category, value);
  return createHmac('sha256', key)
    .update(`egress-guard/individual\0${hashCategory(category)}\0${normalised}`)
    .digest('hex')
    .slice(0, 16);
}

/** The categories an identifier given on the command line could have been hashed under,
 *  judged by its shape once normalised. Empty when it looks like none of them. */
export function guessIdentifierCategories(value: string): string[] {
  const found: string[] = [];
  if (normaliseIdentifier('pi.email', value).includes('@')) return ['pi.email'];
  if (/^1[3-9]\d{9}$/.test(normaliseIdentifier('pi.phone', value))) found.push('pi.phone');
  const upper = normaliseIdentifier('pi.id_card', value);
  if (/^\d{17}[\dX]$/.test(upper) || /^\d{15}$/.test(upper)) found.push('pi.id_card');
  if (/^(?:E[A-HJ-NP-Z\d]\d{7}|[GC]\d{8}|[HM]\d{8}(?:\d{2})?)$/.test(upper)) found.push('pi.passport');
  if (/^\d{16,19}$/.test(upper)) found.push('pi.bank_card');
  if (/^\d{15}$/.test(upper)) found.push('pi.device_id');
  if (/^[A-HJ-NPR-Z\d]{17}$/.test(upper) && /[A-Z]/.test(upper)) found.push('vehicle.vin');
  return found;
}
