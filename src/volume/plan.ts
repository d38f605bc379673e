import type { CompiledPolicy, LegalBasis, Zone } from '../config/model.js';
import { basisClause, CLAUSES } from '../policy/clauses.js';
import type { Decision, FindingDecision, Reason } from '../policy/decide.js';
import type { IndividualRecord } from '../pipeline/individuals.js';
import type { CounterAdd, CounterChange, LimitHit } from './store.js';

/**
 * What one request adds to the yearly counters, and the limits that apply (DOMAIN §3):
 *
 * - A person counts when any personal information of theirs leaves in a form that still
 *   identifies them: allowed, partially masked or pseudonymised (a full mask or a dropped field
 *   does not count), or anything in monitor mode, where the request is forwarded unchanged.
 * - Sensitive PI puts them in S, other PI in N (a person can be in both).
 * - Flows under the contract, HR, emergency, transit and FTZ exemptions (2024 Provisions
 *   Arts. 4-6) are counted apart (X) unless `count_exempt_flows`.
 * - Per recipient and per basis too; a basis's `max_individuals` limits its own counter.
 *
 * The limit for a new person in N or S comes from the weakest mechanism their data relies on:
 * no basis or the small-volume exemption → N below `non_sensitive` (100,000) and no S; a
 * standard contract or certification → N below 1,000,000 and S below 10,000; a security
 * assessment → none.
 */
export type Tier = 'none' | 'contract' | 'assessment' | 'exempt';

const COUNTED_APART = new Set(['contract_with_individual', 'hr_management', 'emergency', 'transit', 'ftz_negative_list']);

export function tierOf(basis: LegalBasis | null): Tier {
  if (basis === null) return 'none';
  if (basis.type === 'security_assessment') return 'assessment';
  if (basis.type === 'standard_contract' || basis.type === 'certification') return 'contract';
  return basis.exemption !== null && COUNTED_APART.has(basis.exemption) ? 'exempt' : 'none';
}

export interface VolumePlan {
  readonly adds: readonly CounterAdd[];
  /** Individuals of this request in each class. */
  readonly classes: { readonly nonSensitive: number; readonly sensitive: number; readonly exempt: number };
}

export interface PlanInput {
  readonly policy: CompiledPolicy;
  readonly zone: Zone;
  readonly decision: Decision;
  readonly people: readonly IndividualRecord[];
}

const minLimit = (a: number | null | undefined, b: number | null): number | null => (a === undefined || a === null ? b : b === null ? a : Math.min(a, b));

export function planVolume({ policy, zone, decision, people }: PlanInput): VolumePlan {
  const t = policy.volume.thresholds;
  const monitor = zone.mode === 'monitor';
  const byFinding = new Map(decision.perFinding.map((d) => [d.finding, d]));
  const carries = (d: FindingDecision): boolean => {
    if (d.grade !== 'pi' && d.grade !== 'sensitive_pi') return false;
    if (monitor || !d.enforced || d.action === 'allow') return true;
    return d.action === 'redact' && (d.redactMode === 'partial' || (d.redactMode === 'hash' && policy.redaction.hashKey !== null));
  };
  const limitN = (tier: Tier) => (tier === 'none' ? t.nonSensitive - 1 : tier === 'contract' ? t.nonSensitiveAssessment - 1 : null);
  const limitS = (tier: Tier) => (tier === 'none' ? 0 : tier === 'contract' ? t.sensitiveAssessment - 1 : null);
  const recipient = zone.recipient ?? zone.name;
  const counters = new Map<string, { members: string[]; limits: (number | null)[] }>();
  const push = (counter: string, hash: string, limit: number | null) => {
    const c = counters.get(counter) ?? { members: [], limits: [] };
    c.members.push(hash);
    c.limits.push(limit);
    counters.set(counter, c);
  };
  const classes = { nonSensitive: 0, sensitive: 0, exempt: 0 };
  for (const person of people) {
    const carried = person.findings.map((f) => byFinding.get(f)).filter((d): d is FindingDecision => d !== undefined && carries(d));
    if (carried.length === 0) continue;
    let n: number | null | undefined;
    let s: number | null | undefined;
    let inN = false;
    let inS = false;
    for (const d of carried) {
      const tier = tierOf(d.basis);
      if (tier === 'exempt' && !policy.volume.countExemptFlows) continue;
      // A rule rolled out in monitor mode lets its values through, so they count; but it does
      // not enforce, so it sets no limit either.
      const limited = d.enforced && tier !== 'exempt';
      if (d.grade === 'pi') {
        inN = true;
        n = minLimit(n, limited ? limitN(tier) : null);
      } else {
        inS = true;
        s = minLimit(s, limited ? limitS(tier) : null);
      }
    }
    if (inN) {
      classes.nonSensitive += 1;
      push('N', person.hash, n ?? null);
      push(`r:N:${recipient}`, person.hash, null);
    }
    if (inS) {
      classes.sensitive += 1;
      push('S', person.hash, s ?? null);
      push(`r:S:${recipient}`, person.hash, null);
    }
    if (!inN && !inS) {
      classes.exempt += 1;
      push('X', person.hash, null);
      push(`r:X:${recipient}`, person.hash, null);
    }
    const bases = new Set(carried.map((d) => d.basis));
    for (const b of bases) push(b === null ? 'b:' : `b:${b.id}`, person.hash, b?.maxIndividuals ?? null);
  }
  return { adds: [...counters].map(([counter, c]) => ({ counter, members: c.members, limits: c.limits })), classes };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Why a new person past a limit is refused, citing the article. */
export function limitReason(policy: CompiledPolicy, entity: string, hit: LimitHit): Reason {
  const t = policy.volume.thresholds;
  const threshold = hit.limit + 1;
  const since = 'since 1 January (Asia/Shanghai)';
  const more = `${hit.fresh} more would make ${fmt(hit.count + hit.fresh)}`;
  if (hit.counter === 'N') {
    const assessment = threshold !== t.nonSensitive;
    return {
      rule: 'volume.non_sensitive',
      text: `${entity} has sent non-sensitive personal information of ${fmt(hit.count)} individuals abroad ${since}; ${more}, reaching ${fmt(threshold)}, which ${assessment ? 'needs a security assessment' : 'the small-volume exemption does not cover (a standard contract, certification or security assessment is needed)'}`,
      clause: assessment ? CLAUSES.volumeAssessment : CLAUSES.volumeExemption,
    };
  }
  if (hit.counter === 'S') {
    const assessment = hit.limit > 0;
    return {
      rule: 'volume.sensitive',
      text: assessment
        ? `${entity} has sent sensitive personal information of ${fmt(hit.count)} individuals abroad ${since}; ${more}, reaching ${fmt(threshold)}, which needs a security assessment`
        : `sensitive personal information of individuals not yet counted would go abroad (${fmt(hit.count)} counted ${since}) with no standard contract, certification or security assessment covering it`,
      clause: assessment ? CLAUSES.volumeSensitiveAssessment : CLAUSES.volumeSensitive,
    };
  }
  const id = hit.counter.slice(2);
  const basis = policy.bases.find((b) => b.id === id);
  return {
    rule: `volume.basis:${id}`,
    text: `basis ${id} covers at most ${fmt(hit.limit)} individuals; ${fmt(hit.count)} are counted ${since} and ${more}`,
    clause: basis ? basisClause(basis.type, basis.exemption) : null,
  };
}

export interface ThresholdCrossing {
  /** "non_sensitive", "sensitive" or "basis:<id>". */
  readonly counter: string;
  /** "alert": the count reached `alert_fraction` of the threshold; "crossed": it reached it. */
  readonly level: 'alert' | 'crossed';
  readonly threshold: number;
  readonly count: number;
  readonly text: string;
  readonly clause: string | null;
}

/** The statutory thresholds of a counter (and a basis's filed figure), lowest first. */
export function thresholdsOf(policy: CompiledPolicy, counter: string): { label: string; values: number[] } | null {
  const t = policy.volume.thresholds;
  if (counter === 'N') return { label: 'non_sensitive', values: [t.nonSensitive, t.nonSensitiveAssessment] };
  if (counter === 'S') return { label: 'sensitive', values: [1, t.sensitiveAssessment] };
  if (counter.startsWith('b:') && counter.length > 2) {
    const max = policy.bases.find((b) => b.id === counter.slice(2))?.maxIndividuals ?? null;
    return max === null ? null : { label: `basis:${counter.slice(2)}`, values: [max] };
  }
  return null;
}

/** Thresholds and alert points a step of the counters went past. The store adds atomically,
 *  so across a fleet exactly one request sees each crossing. */
export function crossings(policy: CompiledPolicy, entity: string, changes: readonly CounterChange[]): ThresholdCrossing[] {
  const out: ThresholdCrossing[] = [];
  const fraction = policy.volume.thresholds.alertFraction;
  for (const c of changes) {
    if (c.after <= c.before) continue;
    const spec = thresholdsOf(policy, c.counter);
    if (!spec) continue;
    for (const threshold of spec.values) {
      const alertAt = Math.ceil(threshold * fraction);
      const what = spec.label === 'non_sensitive' ? "individuals' non-sensitive personal information" : spec.label === 'sensitive' ? "individuals' sensitive personal information" : `individuals under ${spec.label.replace(':', ' ')}`;
      const clause = spec.label === 'non_sensitive'
        ? threshold === policy.volume.thresholds.nonSensitive ? CLAUSES.volumeExemption : CLAUSES.volumeAssessment
        : spec.label === 'sensitive' ? (threshold === 1 ? CLAUSES.volumeSensitive : CLAUSES.volumeSensitiveAssessment) : null;
      if (c.before < threshold && c.after >= threshold) {
        out.push({ counter: spec.label, level: 'crossed', threshold, count: c.after, text: `${entity} has now sent ${fmt(c.after)} ${what} abroad this year, reaching ${fmt(threshold)}`, clause });
      } else if (threshold > 1 && alertAt < threshold && c.before < alertAt && c.after >= alertAt) {
        out.push({ counter: spec.label, level: 'alert', threshold, count: c.after, text: `${entity} has sent ${fmt(c.after)} ${what} abroad this year: ${Math.round((c.after / threshold) * 100)} % of ${fmt(threshold)}`, clause });
      }
    }
  }
  return out;
}
