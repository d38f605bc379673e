/**
 * Vehicle identification numbers (ISO 3779 / GB 16735): 17 chars without I, O, Q and a check
 * char at position 9. The check is what separates a VIN from a VIN-like SKU or part number, so
 * it is required everywhere; any WMI is accepted (imported cars are vehicles too). A field name
 * or label lets lower-case and all-digit forms through.
 */
import { vin } from '../validators.js';

/** 0.97 for a VIN in the usual upper-case form, 0.9 for other forms with support, else 0. */
export function vinConfidence(code: string, letters: number, upper: number, supported: boolean): number {
  if (code.length !== 17 || !vin(code)) return 0;
  // A VIN is printed in capitals and has letters in its WMI and its descriptor; a lower-case
  // or digits-only 17-char string, or a prefix letter and 16 digits ("T2603…", a trip's or an
  // order's id), is an id that happens to pass (1 in 11 do).
  if (letters >= 2 && upper === letters) return 0.97;
  return supported ? 0.9 : 0;
}
