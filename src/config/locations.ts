/**
 * Field locations as a basis declares them (`bases[].locations`) and as the inventory and drift
 * events show them.
 *
 * A finding's location is a JSON Pointer into the body ("/customer/mobile", "/items/3/sku",
 * "/payload|json/user/phone" for a value nested in a string), a form field ("/name"), a query
 * parameter ("?mobile"), a header ("header:x-user-phone", "header:x-id[1]" when repeated) or ""
 * for a plain-text body.
 *
 * A pattern is matched segment by segment (split on "/"): a segment "*" matches any one segment;
 * a segment ending in "*" matches segments starting with what comes before it ("?*" any query
 * parameter, "header:x-user-*"); any other segment matches itself. So "/customers/*\/phone"
 * covers "/customers/0/phone" and "/customers/17/phone" but not "/customers/0/contact/phone".
 *
 * An object key that is itself a value ({"byPhone": {"13912345678": {...}}}) is found at its
 * member's location with "#key" appended: "/byPhone/13912345678#key". "*" covers it like any
 * segment; the segment "*#key" covers keys only.
 */
import { KEY_SUFFIX } from '../body/leaf.js';

/** What a pattern may look like: a JSON Pointer, a query parameter, a header, or "" (text). */
export const LOCATION_PATTERN = /^(?:|\/.*|\?.+|header:.+)$/;
export const LOCATION_PATTERN_HINT = 'must be a JSON Pointer ("/customer/*/phone"), a query parameter ("?mobile"), a header ("header:x-user-id") or "" for a plain-text body';

export interface LocationScope {
  /** As written in the policy. */
  readonly patterns: readonly string[];
  matches(location: string): boolean;
}

function segmentsOf(location: string): string[] {
  return location.startsWith('/') ? location.slice(1).split('/') : [location];
}

export function compileLocationScope(patterns: readonly string[]): LocationScope {
  const compiled = patterns.map((p) => ({ pointer: p.startsWith('/'), segments: segmentsOf(p) }));
  const segmentMatches = (pattern: string, segment: string): boolean => {
    if (pattern === '*') return true;
    if (pattern === ANY_KEY) return segment.endsWith(KEY_SUFFIX);
    if (pattern.endsWith('*')) return segment.startsWith(pattern.slice(0, -1));
    return pattern === segment;
  };
  return Object.freeze({
    patterns: Object.freeze([...patterns]),
    matches(location: string): boolean {
      const pointer = location.startsWith('/');
      // A repeated header is recorded with its index ("header:x-id[1]"): the name is what counts.
      const segments = segmentsOf(pointer ? location : location.replace(/\[\d+\]$/, ''));
      return compiled.some((p) => p.pointer === pointer && p.segments.length === segments.length && p.segments.every((s, i) => segmentMatches(s, segments[i]!)));
    },
  });
}

const ANY_KEY = `*${KEY_SUFFIX}`;

/** A key that is itself a value: an e-mail, a run of digits too long for an array index (a
 *  phone number, ID or card number used as a map key), an SNP id. It covers at least what
 *  looksLikeValueKey (body/leaf.ts) reports as a key leaf, so every such key is masked here. */
const VALUE_LIKE_KEY = /[@＠]|[\d０-９]{7}|[\d０-９][\d０-９\s-]{8,}[\d０-９]|(?:^|\/)rs\d+(?:#key)?(?:$|\/)/i;
const looksLikeValue = (segment: string): boolean => VALUE_LIKE_KEY.test(segment);
/** The segment with a value-like key replaced by "*", keeping a key leaf's "#key". */
const maskSegment = (segment: string): string => {
  if (!looksLikeValue(segment)) return segment;
  return segment.endsWith(KEY_SUFFIX) ? ANY_KEY : '*';
};

/**
 * A location as it may be written down (audit events, refusal bodies, logs, drift records):
 * object keys that look like values ({"13912345678": {...}}, {"a@b.cn": true}) become "*",
 * so a location never carries the identifier the body keyed its records by.
 */
export function publicLocation(location: string): string {
  if (location.startsWith('/')) {
    if (!VALUE_LIKE_KEY.test(location)) return location;
    return location.split('/').map(maskSegment).join('/');
  }
  if (location.startsWith('?') && VALUE_LIKE_KEY.test(location)) return '?*';
  return location;
}

/**
 * A location with what varies from record to record taken out: array indices become "*" and a
 * repeated header loses its index. "/customers/12/phone" → "/customers/*\/phone". The inventory
 * lists locations this way and drift events are told apart by it, so a bulk upload of 1,000
 * customers is one location, not 1,000.
 */
export function normaliseLocation(location: string): string {
  if (location.startsWith('/')) return location.split('/').map((s) => (/^\d+$/.test(s) ? '*' : maskSegment(s))).join('/');
  return location.replace(/\[\d+\]$/, '');
}
