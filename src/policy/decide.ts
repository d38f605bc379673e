import type { Finding } from '../classify/finding.js';
import { ACTION_RANK, type Action, type Mode, type Zone } from '../config/model.js';

export interface FindingDecision {
  readonly finding: Finding;
  readonly action: Action;
  /** Why: "category:pi.phone" or "grade:pi" or "default". */
  readonly basis: string;
}

export interface Decision {
  /** What the gateway does: in monitor mode always "allow". */
  readonly action: Action;
  /** What enforce mode would do. */
  readonly wouldBe: Action;
  readonly mode: Mode;
  readonly perFinding: readonly FindingDecision[];
}

/**
 * Precedence, documented in docs/policy.md: a category entry beats a grade entry, which beats
 * the zone's default; across findings the strictest action wins (block > redact > allow).
 */
export function decide(zone: Zone, findings: readonly Finding[]): Decision {
  const table = zone.actions;
  let wouldBe: Action = 'allow';
  const perFinding: FindingDecision[] = [];
  for (const finding of findings) {
    let action = table.byCategory.get(finding.category);
    let basis = `category:${finding.category}`;
    if (action === undefined) {
      action = table.byGrade.get(finding.grade);
      basis = `grade:${finding.grade}`;
    }
    if (action === undefined) {
      action = table.fallback;
      basis = 'default';
    }
    if (ACTION_RANK[action] > ACTION_RANK[wouldBe]) wouldBe = action;
    perFinding.push({ finding, action, basis });
  }
  const action: Action = zone.mode === 'monitor' ? 'allow' : wouldBe;
  return { action, wouldBe, mode: zone.mode, perFinding };
}

/** True when no finding could change what happens to a request for this zone: its body may be
 *  streamed without buffering. Monitor mode still inspects, to record what enforce would do. */
export function zoneNeedsInspection(zone: Zone): boolean {
  if (zone.actions.fallback !== 'allow') return true;
  for (const a of zone.actions.byGrade.values()) if (a !== 'allow') return true;
  for (const a of zone.actions.byCategory.values()) if (a !== 'allow') return true;
  return false;
}
