/**
 * What only several leaves together show. A latitude and a longitude are separate leaves
 * ({"lat": 31.2304, "lng": 121.4737}, or [121.4737, 31.2304] under "coordinates") whose
 * locations share a parent pointer; neither number alone is a location. Likewise an rsID is
 * genetic data when a sibling leaf holds its genotype call ({"snp": "rs123", "call": "AG"}).
 */
import type { Leaf } from '../body/leaf.js';
import { isGenotypeCall } from './detectors/genetic.js';
import { chinaAxis, isChinaPair, isPointArrayKey, keyAxis, parseDecimal, type Axis, type Decimal } from './detectors/location.js';

/** The location one level up: "/a/b" → "/a", "?lat" → "?", "" → "". */
export function parentPointer(location: string): string {
  const slash = location.lastIndexOf('/');
  if (slash >= 0) return location.slice(0, slash);
  return location.startsWith('?') ? '?' : '';
}

function isIndexSegment(location: string): boolean {
  const slash = location.lastIndexOf('/');
  if (slash < 0 || slash === location.length - 1) return false;
  for (let i = slash + 1; i < location.length; i++) {
    const c = location.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

interface Point {
  readonly leaf: number;
  readonly axis: Axis;
  readonly decimal: Decimal;
}

export type CoordinateRule = 'fields' | 'array';

/** Leaves that hold one half of a precise coordinate pair inside China, with the rule. */
export function siblingCoordinates(leaves: readonly Leaf[], found: (leafIndex: number, rule: CoordinateRule) => void): void {
  let named: Map<string, Point[]> | undefined;
  let arrays: Map<string, Array<Point | undefined>> | undefined;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf.container || leaf.key === undefined || leaf.value.length > 24) continue;
    const declared = keyAxis(leaf.key);
    const pointArray = declared === undefined && isIndexSegment(leaf.location) && isPointArrayKey(leaf.key);
    if (declared === undefined && !pointArray) continue;
    const decimal = parseDecimal(leaf.value);
    const axis = decimal === undefined ? undefined : chinaAxis(decimal);
    const parent = parentPointer(leaf.location);
    if (declared !== undefined) {
      if (axis !== declared) continue;
      named ??= new Map();
      const list = named.get(parent) ?? [];
      list.push({ leaf: i, axis, decimal: decimal! });
      named.set(parent, list);
    } else {
      // Every item of a point array is kept (undefined when not precise) so [a, b, c, …] is
      // told apart from a pair.
      arrays ??= new Map();
      const list = arrays.get(parent) ?? [];
      list.push(axis === undefined ? undefined : { leaf: i, axis, decimal: decimal! });
      arrays.set(parent, list);
    }
  }
  for (const points of named?.values() ?? []) {
    const lat = points.find((p) => p.axis === 'lat');
    const lng = points.find((p) => p.axis === 'lng');
    if (lat !== undefined && lng !== undefined && isChinaPair(lat.decimal, lng.decimal)) {
      for (const p of points) found(p.leaf, 'fields');
    }
  }
  for (const items of arrays?.values() ?? []) {
    // [lng, lat] (GeoJSON) or [lat, lng], optionally with an altitude third.
    if (items.length < 2 || items.length > 3) continue;
    const [a, b] = items;
    if (a !== undefined && b !== undefined && isChinaPair(a.decimal, b.decimal)) {
      found(a.leaf, 'array');
      found(b.leaf, 'array');
    }
  }
}

/** Parents whose leaves include a genotype call ("AG", "A/G"). */
export function genotypeCallParents(leaves: readonly Leaf[]): Set<string> {
  const out = new Set<string>();
  for (const leaf of leaves) {
    if (!leaf.container && leaf.value.length <= 7 && isGenotypeCall(leaf.value)) out.add(parentPointer(leaf.location));
  }
  return out;
}
