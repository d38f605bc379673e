import type { CategoryId, Grade } from './taxonomy.js';

/** One detected item. Never holds the detected value itself. */
export interface Finding {
  readonly category: CategoryId;
  readonly grade: Grade;
  /** Stable rule id, e.g. "id_card.checksum", "field.name", "phone.context". */
  readonly rule: string;
  /** The leaf location (JSON Pointer, form field, "?query", "" for text). */
  readonly location: string;
  /** Index into the leaves array passed to the classifier. */
  readonly leafIndex: number;
  /** Character offsets (UTF-16, as JS strings) of the match inside the leaf's decoded value;
   *  end exclusive. A finding made by field name alone spans the whole value. */
  readonly start: number;
  readonly end: number;
  /** 0..1 */
  readonly confidence: number;
}
