/**
 * Vehicle identification numbers (ISO 3779 / GB 16735): 17 chars without I, O, Q and a check
 * char at position 9. The check is what separates a VIN from a VIN-like SKU or part number, so
 * it is required everywhere; any WMI is accepted (imported cars are vehicles too). A field name
 * or label lets lower-case and all-digit forms through.
 */
import { vin } from '../validators.js';

const DIGITS_AFTER_WMI = /^.{3}\d{14}$/;

/** 0.97 for a VIN in the usual upper-case form, 0.9 for other forms with support, else 0. */
export function vinConfidence(code: string, letters: number, upper: number, supported: boolean): number {
  if (code.length !== 17 || !vin(code)) return 0;
  // A VIN is printed in capitals and has letters in its WMI and its descriptor; a lower-case
  // or digits-only 17-char string, a prefix letter and 16 digits ("T2603…", a trip's id), or
  // three letters and 14 digits ("RMA20250613053512", a return's number) is an id that happens
  // to pass (1 in 11 do).
  if (letters >= 2 && upper === letters && !DIGITS_AFTER_WMI.test(code)) return 0.97;
  return supported ? 0.9 : 0;
}
