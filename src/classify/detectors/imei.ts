/**
 * IMEI (3GPP TS 23.003): 15 digits, Luhn over all of them. The first two digits are the
 * reporting body of the type allocation code; a bare Luhn-valid 15-digit number needs one of
 * the bodies that actually issue codes, or field/label support, to count (one in ten random
 * 15-digit numbers passes Luhn).
 */
import { luhn } from '../validators.js';

// Reporting bodies: 01 PTCRB, 30 Iridium, 33 DGPT, 35/44/50 BABT, 45 NTA, 49 BNetzA,
// 51/52 Cetecom, 53 TÜV, 54 Phoenix, 86 TAF (China), 91 MSAI, 98 BABT, 99 GHA.
const BODIES = new Set(['01', '30', '33', '35', '44', '45', '49', '50', '51', '52', '53', '54', '86', '91', '98', '99']);

export function isImei(d: string): boolean {
  return d.length === 15 && luhn(d);
}

export function hasImeiReportingBody(d: string): boolean {
  return BODIES.has(d.slice(0, 2));
}

/** Unbroken, or the printed forms 2-6-6-1 (AA-BBBBBB-CCCCCC-D) and 8-6-1 (TAC-SNR-CD). */
export function isImeiGrouping(lens: readonly number[]): boolean {
  const k = lens.join(',');
  return k === '15' || k === '2,6,6,1' || k === '8,6,1' || k === '8,7';
}

/** What an IMEI field may hold besides a checked IMEI: IMEISV (16) or IMEI without check (14). */
export function isImeiFieldValue(d: string): boolean {
  return (d.length === 15 && luhn(d)) || d.length === 14 || d.length === 16;
}

const DEVICE_ID_SHAPE = /^(?:\d{14,16}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32,64})$/;

/** What device-id fields hold: IMEI/MEID/IMSI digits, Android ids, IDFA/OAID uuids. */
export function isDeviceIdValue(s: string): boolean {
  return s.length >= 14 && s.length <= 64 && DEVICE_ID_SHAPE.test(s) && !/^0+$/.test(s.replace(/-/g, ''));
}
