/**
 * A leaf is one scalar value found in a request: a JSON string or number, a form field value,
 * a query parameter value, or a whole text body. Parsers yield leaves; the classifier reads
 * `value`; redaction rewrites `rawStart..rawEnd` of the source buffer.
 */
export type LeafSource = 'json' | 'form' | 'query' | 'text';

export interface Leaf {
  /** Where the value sits: JSON Pointer for JSON ("/user/phone"), "/name" for form fields,
   *  "?name" for query parameters, "" for a whole text body. */
  readonly location: string;
  /** The nearest field name (JSON key, form or query name), undefined for array items at the top
   *  or text bodies. Array items inherit the key of the array that holds them. */
  readonly key: string | undefined;
  /** The decoded value (JSON escapes and percent-encoding resolved). */
  readonly value: string;
  /** Byte offsets, in the buffer the parser read, of the raw encoded value: for a JSON string
   *  the bytes between the quotes, for a JSON number its digits, for a form/query value the
   *  percent-encoded text after '='. rawEnd is exclusive. */
  readonly rawStart: number;
  readonly rawEnd: number;
  readonly source: LeafSource;
  /** For JSON numbers: true, so redaction knows to write a string (or keep digits) instead. */
  readonly isNumber?: boolean;
}
