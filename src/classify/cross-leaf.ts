/**
 * What only several leaves together show. A latitude and a longitude are separate leaves
 * ({"lat": 31.2304, "lng": 121.4737}, or [121.4737, 31.2304] under "coordinates") whose
 * locations share a parent pointer; neither number alone is a location. Likewise an rsID is
 * genetic data when a sibling leaf holds its genotype call ({"snp": "rs123", "call": "AG"}), or
 * when the request is about genetics at all; and a number under "证件号码" is a passport's when
 * a sibling says the document is a passport.
 */
import type { Leaf } from '../body/leaf.js';
import { foldEvasions } from './chars.js';
import { isGenotypeCall, isRsId, isVcfCallKey, isVcfGenotype } from './detectors/genetic.js';
import { axisKeyPrefix, chinaAxis, isChinaPair, isE7Key, isPointArrayKey, keyAxis, parseDecimal, parseScaledDegrees, type Axis, type Decimal } from './detectors/location.js';
import { isChineseTravelDocument, isPlausiblePassport } from './detectors/passport.js';
import { isNumberHolderKey, lookupField } from './fields.js';
import { RULES } from './rules.js';
import { GENETIC, HEALTH, ID_CARD, LOCATION, PASSPORT } from './scan-host.js';
import type { PendingRsid } from './scanner.js';
import type { CategoryId } from './taxonomy.js';

/** The location one level up: "/a/b" → "/a", "?lat" → "?", "" → "". */
export function parentPointer(location: string): string {
  const slash = location.lastIndexOf('/');
  if (slash >= 0) return location.slice(0, slash);
  return location.startsWith('?') ? '?' : '';
}

/** The array index the location ends in ("/coordinates/1" → 1), or -1. */
function arrayIndex(location: string): number {
  const slash = location.lastIndexOf('/');
  if (slash < 0 || slash === location.length - 1 || location.length - slash > 8) return -1;
  let n = 0;
  for (let i = slash + 1; i < location.length; i++) {
    const c = location.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

interface Point {
  readonly leaf: number;
  readonly axis: Axis;
  readonly decimal: Decimal;
}

export type CoordinateRule = 'fields' | 'array';

/** Whether a leaf (not a container) may hold half a coordinate pair: a short keyed number with
 *  a decimal point, a cheap test on its first chars before any key lookup. The classifier asks
 *  while it scans each leaf, so the request-level checks see the few candidates only. */
export function mayBeCoordinate(leaf: Leaf): boolean {
  const v = leaf.value;
  if (leaf.key === undefined || v.length > 24 || v.length < 3) return false;
  // Full-width digits and invisible characters are undone first, as parseDecimal does.
  const t = v.charCodeAt(0) < 0x80 && v.indexOf('．') < 0 ? v : foldEvasions(v);
  const c0 = t.charCodeAt(0);
  // A hemisphere letter may lead ("N39.414655"); an axis key's value may be an integer of
  // millionths or ten-millionths of a degree.
  const lead = c0 === 78 || c0 === 83 || c0 === 69 || c0 === 87 ? t.charCodeAt(1) : c0;
  if (!((lead >= 48 && lead <= 57) || lead === 45 || lead === 32)) return false;
  return t.indexOf('.') >= 0 || (t.length >= 6 && keyAxis(leaf.key) !== undefined);
}

/** Whether a leaf (not a container) may name a document type ("护照", "passport"). */
export function mayNameDocumentType(leaf: Leaf): boolean {
  const v = leaf.value;
  if (v.length > 24 || v.length < 1) return false;
  return startsLikePassportType(v.charCodeAt(0));
}

/** Whether a value whose first code unit is c0 may name a document type. */
export function startsLikePassportType(c0: number): boolean {
  return TYPE_FIRST.has(c0 | (c0 < 128 ? 32 : 0));
}

/** Indexes of the leaves that passed mayBeCoordinate and mayNameDocumentType. */
export interface CrossLeafCandidates {
  readonly coordinates: readonly number[];
  readonly documentTypes: readonly number[];
  /** Leaves keyed "system" whose value names ICD ({"system": "ICD-10", "code": …}). */
  readonly codingSystems: readonly number[];
}

/** Whether a leaf names the ICD as the code system of its object (FHIR's Coding and the like). */
export function namesIcdSystem(leaf: Leaf): boolean {
  const key = leaf.key;
  return key !== undefined && (key === 'system' || key === 'codeSystem' || key === 'codingSystem' || key === '编码体系') &&
    leaf.value.length <= 80 && /icd/i.test(leaf.value);
}
const CODED_MEMBERS = new Set(['code', 'display', 'text', 'name', 'description']);

/** Leaves that hold one half of a precise coordinate pair inside China, with the rule. */
export function siblingCoordinates(leaves: readonly Leaf[], candidates: readonly number[], found: (leafIndex: number, rule: CoordinateRule) => void): void {
  let named: Map<string, Point[]> | undefined;
  let arrays: Map<string, Point[]> | undefined;
  for (const i of candidates) {
    const leaf = leaves[i]!;
    if (leaf.key === undefined) continue;
    const declared = keyAxis(leaf.key);
    // A point is the first two items of an array ([lng, lat], [lat, lng], maybe an altitude).
    const index = declared === undefined ? arrayIndex(leaf.location) : -1;
    const pointArray = index >= 0 && index <= 1 && isPointArrayKey(leaf.key);
    if (declared === undefined && !pointArray) continue;
    const decimal = declared === undefined ? parseDecimal(leaf.value) : isE7Key(leaf.key) ? parseScaledDegrees(leaf.value, 7) : parseDecimal(leaf.value) ?? parseScaledDegrees(leaf.value, 6);
    const axis = decimal === undefined ? undefined : chinaAxis(decimal);
    const parent = declared !== undefined ? pointHolder(leaf) : parentPointer(leaf.location);
    if (declared !== undefined) {
      if (axis !== declared) continue;
      named ??= new Map();
      // Keyed by the parent and what the key names besides its axis, so from_lat pairs with
      // from_lng and not with to_lng.
      const point = `${parent}\u0000${axisKeyPrefix(leaf.key)}`;
      const list = named.get(point) ?? [];
      list.push({ leaf: i, axis, decimal: decimal! });
      named.set(point, list);
    } else if (axis !== undefined) {
      arrays ??= new Map();
      const list = arrays.get(parent) ?? [];
      list.push({ leaf: i, axis, decimal: decimal! });
      arrays.set(parent, list);
    }
  }
  // Halves whose prefix has no other half ("userLat" beside "lng") pair within their parent.
  let unpaired: Map<string, Point[]> | undefined;
  for (const [point, points] of named ?? []) {
    if (pairPoints(points, found)) continue;
    const parent = point.slice(0, point.indexOf('\u0000'));
    unpaired ??= new Map();
    unpaired.set(parent, [...(unpaired.get(parent) ?? []), ...points]);
  }
  for (const points of unpaired?.values() ?? []) pairPoints(points, found);
  for (const items of arrays?.values() ?? []) {
    const [a, b] = items;
    if (items.length === 2 && a !== undefined && b !== undefined && isChinaPair(a.decimal, b.decimal)) {
      found(a.leaf, 'array');
      found(b.leaf, 'array');
    }
  }
}

/** Where a point's named halves meet: their object, or for halves labelled by a key/value
 *  record ({"key": "geo.lat", "value": …}; OpenTelemetry's {"key": …, "value": {"doubleValue":
 *  …}}) the list of records, since each half has a record of its own. */
function pointHolder(leaf: Leaf): string {
  const parent = parentPointer(leaf.location);
  const token = leaf.location.slice(leaf.location.lastIndexOf('/') + 1);
  // A table's cell (its key the column's name) stays with its row.
  if (leaf.key === undefined || arrayIndex(leaf.location) >= 0 || token.replaceAll('~1', '/').replaceAll('~0', '~') === leaf.key) return parent;
  let record = parent;
  for (let up = 0; up < 2 && record !== '' && arrayIndex(record) < 0; up++) record = parentPointer(record);
  return arrayIndex(record) >= 0 ? parentPointer(record) : parent;
}

/**
 * Pairs the latitudes of a group with its longitudes in the order they come (a form repeats
 * "lat=…&lng=…" once per point, a coarse one maybe first) and reports every pair inside China.
 * Returns false when the group holds no half of one axis, to be paired more widely.
 */
function pairPoints(points: readonly Point[], found: (leafIndex: number, rule: CoordinateRule) => void): boolean {
  const lats = points.filter((p) => p.axis === 'lat');
  const lngs = points.filter((p) => p.axis === 'lng');
  if (lats.length === 0 || lngs.length === 0) return false;
  for (let i = 0; i < lats.length && i < lngs.length; i++) {
    if (!isChinaPair(lats[i]!.decimal, lngs[i]!.decimal)) continue;
    found(lats[i]!.leaf, 'fields');
    found(lngs[i]!.leaf, 'fields');
  }
  return true;
}

/** Parents whose leaves include a genotype call ("AG", "A/G"). */
export function genotypeCallParents(leaves: readonly Leaf[]): Set<string> {
  const out = new Set<string>();
  for (const leaf of leaves) {
    if (!leaf.container && leaf.value.length <= 7 && isCallLeaf(leaf)) out.add(parentPointer(leaf.location));
  }
  return out;
}

/** A genotype call: in bases ("AG", "C/T"), or as VCF's GT field writes it, allele indexes
 *  ("0/1", "1|1"), which only a "gt" key tells from a fraction. */
function isCallLeaf(leaf: Leaf): boolean {
  return isGenotypeCall(leaf.value) || (leaf.key !== undefined && isVcfCallKey(leaf.key) && isVcfGenotype(leaf.value));
}

const PASSPORT_TYPES = new Set([
  '护照', '普通护照', '因私护照', '外国护照', '港澳通行证', '往来港澳通行证', '台胞证', '台湾居民来往大陆通行证',
  '回乡证', '港澳居民来往内地通行证', 'passport', 'travel document', 'travel permit',
  // ICAO 9303's document codes, as airline records write them ({"type": "P", "number": …}), and
  // HL7's identifier type for a passport number (table 0203), which FHIR codes it by.
  'p', 'pp', 'ppn',
  // IATA NDC's identity document type code ({"type": "PT", "id": "E…"} in an order's passenger).
  'pt',
  // The permits of DOMAIN §5 as HR and visa systems name their types.
  'hk_macau_permit', 'hk_macao_permit', 'home_return_permit', 'mainland_travel_permit', 'taiwan_permit', 'exit_entry_permit', 'travel_permit',
  'foreign_passport', 'foreign passport', '外国人护照',
]);

const TYPE_FIRST = new Set([...PASSPORT_TYPES].map((t) => t.charCodeAt(0)));

/** Per UTF-8 length, 1 when a document type name has it: a value trimmed to any other length
 *  names none (lower-casing keeps the length of every name). A table, not a Set: the pre-check
 *  asks it of nearly every value. */
const TYPE_BYTE_LENGTH = new Uint8Array(Math.max(...[...PASSPORT_TYPES].map((t) => Buffer.byteLength(t))) + 1);
for (const t of PASSPORT_TYPES) TYPE_BYTE_LENGTH[Buffer.byteLength(t)] = 1;

export function isPassportTypeByteLength(n: number): boolean {
  return n < TYPE_BYTE_LENGTH.length && TYPE_BYTE_LENGTH[n] === 1;
}

/** Whether a value names the document type as a passport or permit ("护照", " Passport "). */
export function isPassportTypeName(v: string): boolean {
  return PASSPORT_TYPES.has(v.trim().toLowerCase());
}

/** Parents of leaves that name the document type as a passport or permit
 *  ({"证件类型": "护照", "证件号码": "…"}): the number beside them is that document's. Each maps
 *  to whether its type is coded FHIR's way, whose number stands under "value". */
export function passportTypeParents(leaves: readonly Leaf[], candidates: readonly number[]): Map<string, boolean> | undefined {
  let out: Map<string, boolean> | undefined;
  for (const i of candidates) {
    const leaf = leaves[i]!;
    if (!isPassportTypeName(leaf.value)) continue;
    out ??= new Map();
    const parent = parentPointer(leaf.location);
    if (!out.has(parent)) out.set(parent, false);
    // FHIR's Identifier codes its type ({"type": {"coding": [{"code": "PPN", "display": "护照"}]},
    // "value": "E…"}): the number stands beside "type", in the object that holds it.
    const typed = leaf.location.lastIndexOf('/type/');
    if (typed >= 0) out.set(leaf.location.slice(0, typed), true);
  }
  return out;
}

export type Report = (leafIndex: number, category: CategoryId, rule: string, start: number, end: number, confidence: number) => void;

/** Everything the leaves show together; `genetic` says whether the request mentions genetics. */
export function requestFindings(
  leaves: readonly Leaf[], candidates: CrossLeafCandidates, pendingRsids: readonly PendingRsid[], genetic: boolean, report: Report,
): void {
  if (candidates.coordinates.length > 0) {
    siblingCoordinates(leaves, candidates.coordinates, (i, rule) => {
      report(i, LOCATION, rule === 'fields' ? RULES.locationFields : RULES.locationArray, 0, leaves[i]!.value.length, 0.9);
    });
  }

  if (candidates.codingSystems.length > 0) {
    // The code and its display text beside an ICD system are a diagnosis, whatever the object.
    const parents = new Set(candidates.codingSystems.map((i) => parentPointer(leaves[i]!.location)));
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      if (leaf.container || leaf.key === undefined || !CODED_MEMBERS.has(leaf.key) || leaf.value.trim() === '') continue;
      if (parents.has(parentPointer(leaf.location))) report(i, HEALTH, RULES.healthField, 0, leaf.value.length, 0.85);
    }
  }

  const passports = candidates.documentTypes.length > 0 ? passportTypeParents(leaves, candidates.documentTypes) : undefined;
  if (passports !== undefined) {
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      const coded = leaf.container || leaf.key === undefined ? undefined : passports.get(parentPointer(leaf.location));
      if (coded === undefined) continue;
      // {"证件类型": "护照", "证件号码": "…"}, {"type": "PASSPORT", "number": "…"}.
      const number = foldEvasions(leaf.value).trim();
      // Under FHIR's "value" and an NDC document's "id" only a Chinese document's number, which
      // the pre-check keeps (plain.ts plainToken); a value of the generic shape there is left out
      // before this.
      const holds = lookupField(leaf.key!)?.category === ID_CARD || isNumberHolderKey(leaf.key!) ||
        (((coded && leaf.key === 'value') || leaf.key!.toLowerCase() === 'id') && isChineseTravelDocument(number));
      if (!holds || !isPlausiblePassport(number)) continue;
      report(i, PASSPORT, RULES.passportField, 0, leaf.value.length, 0.85);
    }
  }

  if (pendingRsids.length > 0) {
    const calls = genetic ? undefined : genotypeCallParents(leaves);
    for (const r of pendingRsids) {
      const leaf = leaves[r.leafIndex]!;
      // An rsID as a map key ({"rs4477212": "AA"}) counts when the request holds genetic data
      // (its own value's call does): a map of them with nothing genetic ({"rs232": "DB9"}) is
      // anything else.
      if (leaf.isKey === true ? !genetic : calls !== undefined && !calls.has(parentPointer(leaf.location))) continue;
      report(r.leafIndex, GENETIC, RULES.geneticRsid, r.start, r.end, 0.85);
    }
  }
  // The genotype beside its marker ({"rsid": "rs4477212", "gt": "AG"}) is the person's data,
  // whatever its key is called; under a genotype key the field rule has it already.
  if (pendingRsids.length > 0 || genetic) {
    const markers = markerParents(leaves);
    if (markers.size > 0) {
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i]!;
        if (leaf.container || leaf.value.length > 7 || !isCallLeaf(leaf) || !markers.has(parentPointer(leaf.location))) continue;
        if (leaf.key !== undefined && lookupField(leaf.key)?.category === GENETIC) continue;
        report(i, GENETIC, RULES.geneticCall, 0, leaf.value.length, 0.85);
      }
    }
  }
}

/** Parents of leaves whose whole value is an rsID: the objects that describe a marker. */
function markerParents(leaves: readonly Leaf[]): Set<string> {
  const out = new Set<string>();
  for (const leaf of leaves) {
    const v = leaf.value;
    // An rsID key describes its own value, not the object it stands in.
    if (leaf.container || leaf.isKey === true || v.length < 3 || v.length > 16 || (v.charCodeAt(0) | 32) !== 114) continue;
    if (isRsId(v.trim().toUpperCase())) out.add(parentPointer(leaf.location));
  }
  return out;
}
