import type { AuditEvent, AuditFinding } from '../audit/event.js';
import { readEvents, type EventFilter, type Progress, type ReadStats } from '../audit/read.js';
import type { Finding } from '../classify/finding.js';
import type { Grade } from '../classify/taxonomy.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { ACTION_RANK, type Action, type CompiledPolicy } from '../config/model.js';
import { decide, zoneNeedsInspection, type Decision } from './decide.js';

/**
 * What-if replay: every recorded request decision recomputed under a candidate policy, from what
 * the trail holds — the findings (category, grade, location, rule), the destination (host and
 * dialled address, looked up in the candidate), the client (its application id, else its
 * address), the scenario and the day (the event's time, Asia/Shanghai) — and compared with what
 * was decided. No value is needed: decisions depend on categories, locations and rules only.
 *
 * Compared are decisions, not what happened after them: a refusal made after the decision
 * (volume limits, scope drift, an unwritable trail, an upstream failure) is not replayed, and the
 * recorded side is what the recorded findings' actions say (monitor mode: everything allowed).
 *
 * Not replayable, and counted as such rather than dropped: CONNECT tunnels; events whose findings
 * were not listed (`findingsOmitted`, allowed domestic flows at `audit.domestic_detail: summary`);
 * events refused before a decision (bad request, unresolved or forbidden destination, ...);
 * bodies that could not be inspected; bodies streamed unread (their destination needed no
 * inspection) to a destination the candidate would inspect; and requests refused before their
 * body was read (judicial or restricted recipient) that the candidate would let through. A
 * candidate's new detection rules cannot be replayed (the trail holds no values); findings of
 * operator rules the candidate no longer has are dropped and counted.
 *
 * Changes are grouped by kind × recipient × category; the recipient is the one the candidate
 * names for the destination (else the candidate's destination name, "unknown" for none), so a
 * renamed recipient shows under its new name.
 */

export const CHANGE_KINDS = [
  'newly_blocked',
  'unblocked',
  'redaction_added',
  'redaction_removed',
  'basis_missing',
  'basis_added',
  'basis_changed',
  'newly_would_block',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  readonly change: ChangeKind;
  readonly category: string;
  readonly location: string | null;
  /** Before and after: actions, or basis ids. */
  readonly from: string | null;
  readonly to: string | null;
}

export interface ChangedFlow {
  readonly decisionId: string;
  readonly time: string;
  readonly application: string | null;
  readonly host: string;
  readonly recipient: string;
  readonly changes: readonly Change[];
}

export interface ReplayGroup {
  readonly change: ChangeKind;
  readonly recipient: string;
  readonly category: string;
  /** Flows with this change, each counted once. */
  readonly flows: number;
  readonly findings: number;
  readonly decisionIds: readonly string[];
}

export interface ReplayReport {
  readonly candidate: { readonly revision: string; readonly source: string };
  /** Request and connect events read. */
  readonly events: number;
  readonly replayed: number;
  readonly unchanged: number;
  readonly changed: number;
  /** Replayed flows the candidate would refuse that were let through (allowed or redacted). */
  readonly newlyBlocked: number;
  /** Reason → events. */
  readonly notReplayable: Readonly<Record<string, number>>;
  /** Findings of operator rules the candidate no longer has. */
  readonly findingsDropped: number;
  readonly groups: readonly ReplayGroup[];
  readonly flows: readonly ChangedFlow[];
}

/** Errors raised after the decision: the decision itself is on record. Every upstream failure
 *  (EG_UPSTREAM_*) happens after it, since nothing is dialled before the decision. */
const AFTER_DECISION = new Set([
  'EG_BLOCKED_BY_POLICY',
  'EG_VOLUME_LIMIT',
  'EG_VOLUME_UNAVAILABLE',
  'EG_AUDIT_UNAVAILABLE',
  'EG_SCOPE_DRIFT',
  'EG_CLIENT_ABORTED',
]);
const decidedBefore = (code: string): boolean => AFTER_DECISION.has(code) || code.startsWith('EG_UPSTREAM_');
const UNINSPECTABLE = new Set(['EG_BODY_UNINSPECTABLE', 'EG_BODY_TOO_LARGE', 'EG_ENCODING_UNSUPPORTED']);

export const NOT_REPLAYABLE = {
  connect: 'CONNECT tunnel',
  omitted: 'findings not listed (findingsOmitted)',
  uninspectable: 'body could not be inspected',
  unread: 'body not inspected when recorded',
  refusedUnread: 'refused before its body was read',
  noDecision: (code: string) => `refused before a decision (${code})`,
} as const;

const strictest = (actions: Iterable<Action>): Action => {
  let out: Action = 'allow';
  for (const a of actions) if (ACTION_RANK[a] > ACTION_RANK[out]) out = a;
  return out;
};

export interface ReplayOptions {
  /** Decide every event as on this day (YYYY-MM-DD) instead of its own. */
  readonly asOf?: string;
}

export class Replayer {
  readonly #policy: CompiledPolicy;
  readonly #asOf: string | undefined;
  readonly #rules: ReadonlySet<string>;
  #events = 0;
  #replayed = 0;
  #newlyBlocked = 0;
  #dropped = 0;
  readonly #notReplayable = new Map<string, number>();
  readonly #groups = new Map<string, { change: ChangeKind; recipient: string; category: string; flows: Set<string>; findings: number }>();
  readonly #flows: ChangedFlow[] = [];

  constructor(candidate: CompiledPolicy, options: ReplayOptions = {}) {
    this.#policy = candidate;
    this.#asOf = options.asOf;
    this.#rules = new Set(candidate.customRules.map((r) => `custom.${r.id}`));
  }

  #skip(reason: string): void {
    this.#notReplayable.set(reason, (this.#notReplayable.get(reason) ?? 0) + 1);
  }

  add(e: AuditEvent): void {
    this.#events += 1;
    if (e.kind !== 'request') return this.#skip(NOT_REPLAYABLE.connect);
    if ((e.findingsOmitted ?? 0) > 0) return this.#skip(NOT_REPLAYABLE.omitted);
    if (e.error !== null && UNINSPECTABLE.has(e.error)) return this.#skip(NOT_REPLAYABLE.uninspectable);
    const restricted = e.error === 'EG_RECIPIENT_RESTRICTED';
    if (e.error !== null && !restricted && !decidedBefore(e.error)) return this.#skip(NOT_REPLAYABLE.noDecision(e.error));

    const policy = this.#policy;
    const zone = policy.lookupZone(e.destination.host, e.destination.ip ?? undefined);
    const recipient = zone.recipient ?? zone.name;
    if (restricted) {
      // Refused before the body was read: nothing to decide on unless the candidate refuses too.
      if (zone.hardBlock === null) return this.#skip(NOT_REPLAYABLE.refusedUnread);
      this.#replayed += 1;
      return;
    }
    const streamedUnread = e.timings !== undefined && e.timings.parseMs === null && e.bytes.requestIn > 0;
    if (streamedUnread && zoneNeedsInspection(zone)) return this.#skip(NOT_REPLAYABLE.unread);

    const client = policy.clientFor(e.client.application ?? undefined, e.client.address);
    const scenario = e.scenario ?? client?.scenario ?? zone.scenario;
    const date = this.#asOf ?? shanghaiDate(new Date(e.time));
    const kept: { recorded: AuditFinding; finding: Finding }[] = [];
    for (const f of e.findings) {
      if (f.rule.startsWith('custom.') && !this.#rules.has(f.rule)) {
        this.#dropped += 1;
        continue;
      }
      const grade = (policy.categoryGrades.get(f.category) ?? f.grade) as Grade;
      kept.push({ recorded: f, finding: { category: f.category, grade, rule: f.rule, location: f.location, leafIndex: 0, start: 0, end: 0, confidence: f.confidence } });
    }
    const decision = decide({ policy, zone, client, scenario, date }, kept.map((k) => k.finding));
    this.#replayed += 1;

    const portRefused = zone.ports !== null && !zone.ports.has(e.destination.port);
    const recordedAction: Action = e.mode === 'monitor' ? 'allow' : strictest(e.findings.map((f) => f.action));
    const recordedWouldBe: Action = strictest(e.findings.map((f) => f.wouldBe ?? f.action));
    const action: Action = portRefused ? 'block' : decision.action;
    const wouldBe: Action = portRefused ? 'block' : decision.wouldBe;
    const changes: Change[] = [];
    const push = (change: ChangeKind, category: string, location: string | null, from: string | null, to: string | null) => changes.push({ change, category, location, from, to });

    if (recordedAction !== 'block' && action === 'block') {
      for (const category of blockingCategories(decision, portRefused)) push('newly_blocked', category, null, recordedAction, 'block');
    } else if (recordedAction === 'block' && action !== 'block') {
      const was = [...new Set(e.findings.filter((f) => f.action === 'block').map((f) => f.category))];
      for (const category of was.length > 0 ? was : ['(refused destination)']) push('unblocked', category, null, 'block', action);
    } else if (action !== 'block') {
      kept.forEach((k, i) => {
        const before: Action = e.mode === 'monitor' ? 'allow' : k.recorded.action;
        const after: Action = decision.mode === 'monitor' ? 'allow' : decision.perFinding[i]!.action;
        if (before === 'allow' && after === 'redact') push('redaction_added', k.recorded.category, k.recorded.location, before, after);
        if (before === 'redact' && after === 'allow') push('redaction_removed', k.recorded.category, k.recorded.location, before, after);
      });
      if (recordedWouldBe !== 'block' && wouldBe === 'block') {
        for (const category of blockingCategories(decision, portRefused, true)) push('newly_would_block', category, null, recordedWouldBe, 'block');
      }
    }
    if (decision.hardBlock === null) {
      kept.forEach((k, i) => {
        if (k.recorded.basis === undefined) return;
        const before = k.recorded.basis;
        const after = decision.perFinding[i]!.basis?.id ?? null;
        if (before === after) return;
        const kind: ChangeKind = after === null ? 'basis_missing' : before === null ? 'basis_added' : 'basis_changed';
        push(kind, k.recorded.category, k.recorded.location, before, after);
      });
    }
    if (changes.length === 0) return;
    if (changes.some((c) => c.change === 'newly_blocked')) this.#newlyBlocked += 1;
    this.#flows.push({ decisionId: e.decisionId, time: e.time, application: e.client.application ?? null, host: e.destination.host, recipient, changes });
    for (const c of changes) {
      const id = JSON.stringify([c.change, recipient, c.category]);
      let g = this.#groups.get(id);
      if (!g) this.#groups.set(id, (g = { change: c.change, recipient, category: c.category, flows: new Set(), findings: 0 }));
      g.flows.add(e.decisionId);
      if (c.location !== null) g.findings += 1;
    }
  }

  finish(): ReplayReport {
    const order = (k: ChangeKind) => CHANGE_KINDS.indexOf(k);
    const groups = [...this.#groups.values()]
      .map((g) => ({ change: g.change, recipient: g.recipient, category: g.category, flows: g.flows.size, findings: g.findings, decisionIds: [...g.flows] }))
      .sort((a, b) => order(a.change) - order(b.change) || a.recipient.localeCompare(b.recipient) || a.category.localeCompare(b.category));
    return {
      candidate: { revision: this.#policy.revision, source: this.#policy.source },
      events: this.#events,
      replayed: this.#replayed,
      unchanged: this.#replayed - this.#flows.length,
      changed: this.#flows.length,
      newlyBlocked: this.#newlyBlocked,
      notReplayable: Object.fromEntries([...this.#notReplayable.entries()].sort(([a], [b]) => a.localeCompare(b))),
      findingsDropped: this.#dropped,
      groups,
      flows: this.#flows,
    };
  }
}

/** The categories that make the candidate refuse a flow (or would, `wouldBe`). */
function blockingCategories(decision: Decision, portRefused: boolean, wouldBe = false): string[] {
  if (portRefused) return ['(port not accepted)'];
  if (decision.hardBlock) return [`(${decision.hardBlock.rule})`];
  const categories = new Set(decision.perFinding.filter((d) => (wouldBe ? d.wouldBe : d.action) === 'block').map((d) => d.finding.category));
  return categories.size > 0 ? [...categories] : ['(none)'];
}

export async function replayTrail(files: readonly string[], candidate: CompiledPolicy, filter: EventFilter, options: ReplayOptions = {}, progress?: Progress): Promise<ReplayReport & { skippedLines: number }> {
  const stats: ReadStats = { chainRecords: 0, skipped: 0 };
  const replayer = new Replayer(candidate, options);
  for await (const { event } of readEvents(files, filter, stats, progress)) replayer.add(event);
  return { ...replayer.finish(), skippedLines: stats.skipped };
}

/** Threshold on newly blocked flows: a count, or a share of the replayed flows. */
export interface BlockThreshold {
  readonly maxNewBlocks?: number;
  readonly maxNewBlocksRatio?: number;
}

export interface ThresholdVerdict {
  readonly passed: boolean;
  readonly text: string;
}

/** Null without a threshold; `passed` true when the newly blocked flows exceed it. */
export function checkThreshold(report: ReplayReport, threshold: BlockThreshold): ThresholdVerdict | null {
  const n = report.newlyBlocked;
  if (threshold.maxNewBlocks !== undefined) {
    const passed = n > threshold.maxNewBlocks;
    return { passed, text: `${n} newly blocked flows ${passed ? '>' : '<='} --max-new-blocks ${threshold.maxNewBlocks}` };
  }
  if (threshold.maxNewBlocksRatio !== undefined) {
    const ratio = report.replayed === 0 ? 0 : n / report.replayed;
    const passed = ratio > threshold.maxNewBlocksRatio;
    return { passed, text: `${n} of ${report.replayed} replayed flows newly blocked (${ratio.toFixed(4)}) ${passed ? '>' : '<='} --max-new-blocks-ratio ${threshold.maxNewBlocksRatio}` };
  }
  return null;
}

export function formatReplay(report: ReplayReport, verdict: ThresholdVerdict | null): string {
  const out: string[] = [`candidate ${report.candidate.source} (revision ${report.candidate.revision})`];
  const skipped = Object.values(report.notReplayable).reduce((a, b) => a + b, 0);
  out.push(`events ${report.events}: replayed ${report.replayed}, not replayable ${skipped}`);
  for (const [reason, count] of Object.entries(report.notReplayable)) out.push(`  not replayable: ${reason}: ${count}`);
  const pct = report.replayed === 0 ? '0.0' : ((report.newlyBlocked / report.replayed) * 100).toFixed(1);
  out.push(`changed flows ${report.changed}, unchanged ${report.unchanged}; newly blocked ${report.newlyBlocked} (${pct} % of replayed)`);
  if (report.findingsDropped > 0) out.push(`findings of operator rules the candidate no longer has: ${report.findingsDropped} (left out of the replay)`);
  if (report.groups.length > 0) {
    const header = ['change', 'recipient', 'category', 'flows', 'findings', 'decision ids'];
    const rows = report.groups.map((g) => [
      g.change,
      g.recipient,
      g.category,
      String(g.flows),
      String(g.findings),
      g.decisionIds.slice(0, 3).join(', ') + (g.decisionIds.length > 3 ? `, +${g.decisionIds.length - 3} more` : ''),
    ]);
    const table = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
    out.push('', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  } else {
    out.push('', 'no decision would change');
  }
  if (verdict) out.push('', `${verdict.passed ? 'FAIL' : 'ok'}: ${verdict.text}`);
  return `${out.join('\n')}\n`;
}
