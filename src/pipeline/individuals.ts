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

/** One person a request carries: the keyed hash of their most stable identifier, and the
 *  findings that are theirs (every finding of their record; for an identifier in free text or a
 *  header, the identifier itself). */
export interface IndividualRecord {
  readonly hash: string;
  readonly findings: readonly Finding[];
}

/**
 * Keyed hashes of the distinct individuals a request carries: one per record, from its most
 * stable identifier. A heuristic (a record holding two people's numbers counts one), and a
 * conservative one for thresholds since every distinct identifier elsewhere counts.
 */
export function individualsIn(key: Buffer, parts: readonly { leaves: readonly Leaf[]; findings: readonly Finding[] }[]): string[] {
  return individualRecords(key, parts).map((r) => r.hash);
}

/** individualsIn with each person's findings, for the volume counters (what of theirs leaves,
 *  how sensitive it is, under which basis). */
export function individualRecords(key: Buffer, parts: readonly { leaves: readonly Leaf[]; findings: readonly Finding[] }[]): IndividualRecord[] {
  const best = new Map<string, { rank: number; category: string; value: string }>();
  const members = new Map<string, Finding[]>();
  const keyOf = (finding: Finding, value: string) => {
    // Free text and headers have no record structure: each identifier stands for itself.
    const structured = finding.location.startsWith('/') || finding.location.startsWith('?');
    return structured ? `r:${recordOf(finding.location)}` : `v:${finding.category}:${value}`;
  };
  for (const { leaves, findings } of parts) {
    for (const finding of findings) {
      const structured = finding.location.startsWith('/') || finding.location.startsWith('?');
      if (structured) {
        const recordKey = `r:${recordOf(finding.location)}`;
        members.set(recordKey, [...(members.get(recordKey) ?? []), finding]);
      }
      const rank = PREFERENCE[finding.category];
      if (rank === undefined) continue;
      const value = leaves[finding.leafIndex]?.value.slice(finding.start, finding.end);
      if (!value) continue;
      const recordKey = keyOf(finding, value);
      if (!structured) members.set(recordKey, [...(members.get(recordKey) ?? []), finding]);
      const current = best.get(recordKey);
      if (!current || rank < current.rank) best.set(recordKey, { rank, category: finding.category, value });
    }
  }
  const byHash = new Map<string, Finding[]>();
  for (const [recordKey, { category, value }] of best) {
    const hash = individualHash(key, category, value);
    byHash.set(hash, [...(byHash.get(hash) ?? []), ...(members.get(recordKey) ?? [])]);
  }
  return [...byHash].map(([hash, findings]) => ({ hash, findings }));
}
