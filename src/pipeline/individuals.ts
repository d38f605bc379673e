import { individualHash } from '../audit/individual.js';
import type { Leaf } from '../body/leaf.js';
import type { Finding } from '../classify/finding.js';

/** Stable identifiers in order of preference (DOMAIN §3: ID number, else phone, else e-mail). */
const PREFERENCE: Readonly<Record<string, number>> = { 'pi.id_card': 0, 'pi.passport': 1, 'pi.phone': 2, 'pi.email': 3 };

/** The record a value belongs to: its location without the last step ("/rows/3/phone" →
 *  "/rows/3"; "?tel" and "/mobile" of a form → the whole request), so the ID and phone of one
 *  row count as one person. */
function recordOf(location: string): string {
  const cut = Math.max(location.lastIndexOf('/'), location.lastIndexOf('|'));
  return cut > 0 ? location.slice(0, cut) : '';
}

/**
 * Keyed hashes of the distinct individuals a request carries: one per record, from its most
 * stable identifier. A heuristic (a record holding two people's numbers counts one), and a
 * conservative one for thresholds since every distinct identifier elsewhere counts.
 */
export function individualsIn(key: Buffer, parts: readonly { leaves: readonly Leaf[]; findings: readonly Finding[] }[]): string[] {
  const best = new Map<string, { rank: number; category: string; value: string }>();
  for (const { leaves, findings } of parts) {
    for (const finding of findings) {
      const rank = PREFERENCE[finding.category];
      if (rank === undefined) continue;
      const value = leaves[finding.leafIndex]?.value.slice(finding.start, finding.end);
      if (!value) continue;
      // Free text and headers have no record structure: each identifier stands for itself.
      const structured = finding.location.startsWith('/') || finding.location.startsWith('?');
      const recordKey = structured ? `r:${recordOf(finding.location)}` : `v:${finding.category}:${value}`;
      const current = best.get(recordKey);
      if (!current || rank < current.rank) best.set(recordKey, { rank, category: finding.category, value });
    }
  }
  const hashes = new Set<string>();
  for (const { category, value } of best.values()) hashes.add(individualHash(key, category, value));
  return [...hashes];
}
