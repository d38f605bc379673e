import type { Finding } from '../classify/finding.js';
import { normalizeFieldName } from '../classify/fields.js';
import { GRADE_RANK, type Grade } from '../classify/taxonomy.js';
import {
  ACTION_RANK,
  actionOf,
  type Action,
  type ActionTable,
  type CatalogEntry,
  type Client,
  type CompiledPolicy,
  type LegalBasis,
  type Mode,
  type RedactModeName,
  type Verdict,
  type Zone,
} from '../config/model.js';
import { basisClause, CLAUSES } from './clauses.js';

/** Why a finding (or the request) got its action. */
export interface Reason {
  /** Stable id: "hard-block.judicial", "core", "basis:<id>", "no-basis", "catalog:<c>/<e>",
   *  "non-important", "category:<id>", "grade:<grade>", "default", "always:category:<id>". */
  readonly rule: string;
  /** One sentence for people; names no detected value. */
  readonly text: string;
  readonly clause: string | null;
}

export interface FindingDecision {
  readonly finding: Finding;
  /** The grade after catalogs and whitelists. */
  readonly grade: Grade;
  /** What the rules in enforce mode decide for it. */
  readonly action: Action;
  /** What every rule, monitored ones included, would decide. */
  readonly wouldBe: Action;
  /** How a redact is done; null unless action is redact. */
  readonly redactMode: RedactModeName | null;
  /** False when a rule in monitor mode (a detection rule or a catalog entry) made a difference:
   *  `wouldBe` then records what it would have done. */
  readonly enforced: boolean;
  /** The basis that covered the finding, if one did. */
  readonly basis: LegalBasis | null;
  /** The deciding reason first. */
  readonly reasons: readonly Reason[];
}

export interface Decision {
  /** What the gateway does: in monitor mode always "allow". */
  readonly action: Action;
  /** What enforce mode (and every rule enforced) would do. */
  readonly wouldBe: Action;
  readonly mode: Mode;
  readonly perFinding: readonly FindingDecision[];
  /** Set when the destination refuses every request (judicial body, restricted recipient). */
  readonly hardBlock: Reason | null;
  /** Bases that covered at least one finding, in policy order. */
  readonly bases: readonly LegalBasis[];
  /** True when personal or important data for a destination abroad met no basis. */
  readonly basisMissing: boolean;
}

export interface DecisionContext {
  readonly policy: CompiledPolicy;
  readonly zone: Zone;
  readonly client: Client | null;
  readonly scenario: string | null;
  /** The day of the request, YYYY-MM-DD in Asia/Shanghai: bases are valid by calendar day. */
  readonly date: string;
}

/**
 * The decider. Precedence, the same list as README "Decisions":
 *
 *  1. A destination that is a foreign judicial or law-enforcement body, or a restricted
 *     recipient (PIPL Art. 42), refuses the whole request.
 *  2. Catalogs set a finding's grade: an important-catalog entry raises it to important or core;
 *     a scenario general-data list lowers it to general (never below an important grade); a
 *     destination's non-important whitelist lowers an important grade to general.
 *  3. Core data is blocked. Nothing overrides this.
 *  4. Abroad, personal and important data need a basis in force on the day that covers the
 *     recipient, the category, the scenario and the client, of a type able to carry the grade
 *     (important: security assessment only; small-volume exemption: non-sensitive PI only; a
 *     CIIO: security assessment or an Art. 4-6 exemption other than small volume; FTZ
 *     exemption: data not on its negative list). Covered → allow.
 *  5. Otherwise (no basis; general data; any domestic flow) the destination's `actions` table:
 *     a category entry beats a grade entry, which beats the default.
 *  6. The destination's `always` table tightens the result whatever the basis.
 *  7. Across findings the strictest action wins (block > redact > allow). Rules in monitor mode
 *     (detection rules, catalog entries) count for `wouldBe` only: what is done is decided as if
 *     they were absent. In monitor mode (global or per destination) the request is forwarded
 *     unchanged and `wouldBe` records what enforce would have done.
 */
export function decide(ctx: DecisionContext, findings: readonly Finding[]): Decision {
  const { zone, policy } = ctx;
  if (zone.hardBlock !== null) {
    const reason: Reason = {
      rule: `hard-block.${zone.hardBlock}`,
      text: zone.hardBlock === 'judicial'
        ? `destination ${zone.name} is a foreign judicial or law-enforcement body`
        : `recipient ${zone.recipient ?? zone.name} is on the restriction list`,
      clause: zone.hardBlock === 'judicial' ? CLAUSES.judicial : CLAUSES.restricted,
    };
    const perFinding = findings.map((finding) => ({ finding, grade: finding.grade, action: 'block' as const, wouldBe: 'block' as const, redactMode: null, enforced: true, basis: null, reasons: [reason] }));
    return { action: zone.mode === 'monitor' ? 'allow' : 'block', wouldBe: 'block', mode: zone.mode, perFinding, hardBlock: reason, bases: [], basisMissing: false };
  }

  const present = new Set<string>();
  for (const f of findings) present.add(f.category);
  let wouldBe: Action = 'allow';
  let enforcedAction: Action = 'allow';
  let basisMissing = false;
  const bases: LegalBasis[] = [];
  const perFinding = findings.map((finding): FindingDecision => {
    const graded = gradeOf(ctx, finding, present);
    const full = judge(ctx, finding, graded.grade, graded.reasons);
    // What the rules in force alone decide: a finding of a monitored detection rule would not
    // exist; a monitored catalog entry would not have changed the grade.
    const detectedByMonitoredRule = policy.monitorRules.has(finding.rule);
    const enforcedJudgement = detectedByMonitoredRule
      ? null
      : graded.enforcedGrade === graded.grade
        ? full
        : judge(ctx, finding, graded.enforcedGrade, graded.enforcedReasons);
    const action = enforcedJudgement ? actionOf(enforcedJudgement.verdict) : 'allow';
    const findingWouldBe = actionOf(full.verdict);
    if (ACTION_RANK[findingWouldBe] > ACTION_RANK[wouldBe]) wouldBe = findingWouldBe;
    if (ACTION_RANK[action] > ACTION_RANK[enforcedAction]) enforcedAction = action;
    const applied = enforcedJudgement ?? full;
    if (enforcedJudgement?.basis && !bases.includes(enforcedJudgement.basis)) bases.push(enforcedJudgement.basis);
    if (enforcedJudgement) basisMissing ||= enforcedJudgement.basisMissing;
    const verdict = applied.verdict;
    const redactMode: RedactModeName | null = action !== 'redact' ? null : verdict === 'redact' ? policy.redaction.defaultMode : (verdict as RedactModeName);
    return {
      finding,
      grade: graded.grade,
      action,
      wouldBe: findingWouldBe,
      redactMode,
      enforced: enforcedJudgement === full,
      basis: enforcedJudgement?.basis ?? null,
      reasons: full.reasons,
    };
  });
  const action: Action = zone.mode === 'monitor' ? 'allow' : enforcedAction;
  return { action, wouldBe, mode: zone.mode, perFinding, hardBlock: null, bases, basisMissing };
}

interface Graded {
  /** With every catalog entry. */
  readonly grade: Grade;
  readonly reasons: readonly Reason[];
  /** With the entries in enforce mode only. */
  readonly enforcedGrade: Grade;
  readonly enforcedReasons: readonly Reason[];
}

/** Step 2 of the precedence: catalogs and the destination's non-important whitelist. */
function gradeOf(ctx: DecisionContext, finding: Finding, present: ReadonlySet<string>): Graded {
  const apply = (withMonitored: boolean): [Grade, Reason[]] => {
    let grade = finding.grade;
    const reasons: Reason[] = [];
    for (const catalog of ctx.policy.catalogs) {
      if (catalog.kind === 'negative_list') continue;
      for (const entry of catalog.entries) {
        if (!withMonitored && entry.mode === 'monitor') continue;
        if (!entryMatches(entry, finding, ctx.scenario, present)) continue;
        if (catalog.kind === 'important' && GRADE_RANK[entry.treatment] > GRADE_RANK[grade]) {
          grade = entry.treatment;
          reasons.push({ rule: `catalog:${entry.rule}`, text: `catalog entry ${entry.rule} makes ${finding.category} ${entry.treatment} data`, clause: null });
        } else if (catalog.kind === 'general' && GRADE_RANK[grade] < GRADE_RANK.important && grade !== 'general') {
          grade = 'general';
          reasons.push({ rule: `catalog:${entry.rule}`, text: `general data list entry ${entry.rule} covers ${finding.category} in scenario ${ctx.scenario ?? '(any)'}`, clause: CLAUSES.generalList });
        }
      }
    }
    if (grade === 'important' && ctx.zone.nonImportant?.has(finding.category)) {
      grade = 'general';
      reasons.push({ rule: 'non-important', text: `${finding.category} is certified non-important for ${ctx.zone.name}`, clause: CLAUSES.nonImportant });
    }
    return [grade, reasons];
  };
  const [grade, reasons] = apply(true);
  const hasMonitored = ctx.policy.catalogs.some((c) => c.entries.some((e) => e.mode === 'monitor'));
  const [enforcedGrade, enforcedReasons] = hasMonitored ? apply(false) : [grade, reasons];
  return { grade, reasons, enforcedGrade, enforcedReasons };
}

interface Judgement {
  readonly verdict: Verdict;
  readonly basis: LegalBasis | null;
  readonly basisMissing: boolean;
  /** The deciding reason first, then those that set the grade. */
  readonly reasons: readonly Reason[];
}

/** Steps 3 to 6 of the precedence for one finding at a given grade. */
function judge(ctx: DecisionContext, finding: Finding, grade: Grade, gradeReasons: readonly Reason[]): Judgement {
  const { zone, policy } = ctx;
  let verdict: Verdict;
  let basis: LegalBasis | null = null;
  let basisMissing = false;
  let deciding: Reason;
  if (grade === 'core') {
    verdict = 'block';
    deciding = { rule: 'core', text: `${finding.category} is core data`, clause: CLAUSES.core };
  } else if (!zone.abroad || grade === 'general') {
    const [v, rule] = lookup(zone.actions, finding.category, grade);
    verdict = v;
    // Lowered by a list or whitelist: the reason that lowered it carries the clause.
    const lowered = finding.grade !== 'general' && gradeReasons.length > 0;
    deciding = {
      rule,
      text: zone.abroad ? `${finding.category} is general data${lowered ? ' here' : ''}: ${rule} says ${v}` : `domestic destination: ${rule} says ${v}`,
      clause: zone.abroad && !lowered ? CLAUSES.general : null,
    };
  } else {
    const found = findBasis(ctx, finding, grade);
    if (found.basis) {
      basis = found.basis;
      verdict = 'allow';
      deciding = {
        rule: `basis:${basis.id}`,
        text: `covered by ${basis.id}${basis.reference ? ` (${basis.reference})` : ''}, valid ${basis.validFrom} to ${basis.validTo ?? 'open'}`,
        clause: basisClause(basis.type, basis.exemption),
      };
    } else {
      const [v, rule] = lookup(zone.actions, finding.category, grade);
      verdict = v;
      // Partial masks and keyed hashes still carry personal information (pseudonymised data
      // is PI under PIPL Art. 73(3)); full masks and drops do not.
      basisMissing = v === 'allow' || v === 'partial' || v === 'hash' || (v === 'redact' && (policy.redaction.defaultMode === 'partial' || policy.redaction.defaultMode === 'hash'));
      const why = found.near.length > 0 ? `; ${found.near.join('; ')}` : '';
      deciding = {
        rule: 'no-basis',
        text: `no basis covers ${finding.category} (${grade}) to ${zone.recipient ?? zone.name}${why}; ${rule} says ${v}`,
        clause: grade === 'important' ? CLAUSES.important : policy.handler.ciio ? CLAUSES.ciio : grade === 'sensitive_pi' ? CLAUSES.sensitivePi : CLAUSES.pi,
      };
    }
  }
  const reasons = [deciding, ...gradeReasons];
  if (zone.always && grade !== 'core') {
    const [v, rule] = lookup(zone.always, finding.category, grade);
    if (ACTION_RANK[actionOf(v)] > ACTION_RANK[actionOf(verdict)]) {
      verdict = v;
      reasons.unshift({ rule: `always:${rule}`, text: `the destination's always table says ${v} whatever the basis`, clause: null });
    }
  }
  return { verdict, basis, basisMissing, reasons };
}

function lookup(table: ActionTable, category: string, grade: Grade): [Verdict, string] {
  const byCategory = table.byCategory.get(category);
  if (byCategory !== undefined) return [byCategory, `category:${category}`];
  const byGrade = table.byGrade.get(grade);
  if (byGrade !== undefined) return [byGrade, `grade:${grade}`];
  return [table.fallback, 'default'];
}

/** The first basis (in policy order) that covers the finding, or why the near misses did not. */
function findBasis(ctx: DecisionContext, finding: Finding, grade: Grade): { basis: LegalBasis | null; near: string[] } {
  const { zone, policy } = ctx;
  const near: string[] = [];
  for (const b of policy.bases) {
    if (!(b.recipients.has(zone.name) || (zone.recipient !== null && b.recipients.has(zone.recipient)))) continue;
    if (!b.categories.has(finding.category)) continue;
    if (ctx.date < b.validFrom) {
      near.push(`basis ${b.id} is not valid until ${b.validFrom}`);
      continue;
    }
    if (b.validTo !== null && ctx.date > b.validTo) {
      near.push(`basis ${b.id} expired on ${b.validTo}`);
      continue;
    }
    if (b.scenarios !== null && (ctx.scenario === null || !b.scenarios.has(ctx.scenario))) {
      near.push(`basis ${b.id} covers scenario ${[...b.scenarios].join(', ')}, not ${ctx.scenario ?? '(none declared)'}`);
      continue;
    }
    if (b.clients !== null && (ctx.client === null || !b.clients.has(ctx.client.id))) {
      near.push(`basis ${b.id} covers client ${[...b.clients].join(', ')}, not ${ctx.client?.id ?? '(unidentified)'}`);
      continue;
    }
    const unfit = unfitFor(b, grade, policy.handler.ciio, finding, ctx);
    if (unfit !== null) {
      near.push(`basis ${b.id}: ${unfit}`);
      continue;
    }
    return { basis: b, near };
  }
  return { basis: null, near };
}

/** Why a basis of this type cannot carry data of this grade, or null when it can. */
function unfitFor(b: LegalBasis, grade: Grade, ciio: boolean, finding: Finding, ctx: DecisionContext): string | null {
  if (grade === 'important' && b.type !== 'security_assessment') return 'important data needs a security assessment';
  if (ciio && (b.type === 'standard_contract' || b.type === 'certification')) return 'a CIIO needs a security assessment for personal information';
  if (b.exemption === 'small_volume') {
    if (ciio) return 'the small-volume exemption does not apply to a CIIO';
    if (grade !== 'pi') return 'the small-volume exemption covers non-sensitive personal information only';
  }
  if (b.exemption === 'ftz_negative_list' && b.negativeList !== null) {
    const listed = b.negativeList.entries.find((e) => entryMatches(e, finding, ctx.scenario, new Set()));
    if (listed) return `${finding.category} is on negative list entry ${listed.rule}`;
  }
  return null;
}

function entryMatches(entry: CatalogEntry, finding: Finding, scenario: string | null, present: ReadonlySet<string>): boolean {
  if (entry.scenario !== null && entry.scenario !== scenario) return false;
  if (entry.unless !== null) for (const c of present) if (entry.unless.has(c)) return false;
  if (entry.categories?.has(finding.category)) return true;
  if (entry.fields !== null) {
    const field = fieldOf(finding.location);
    if (field !== undefined && entry.fields.has(normalizeFieldName(field))) return true;
  }
  if (entry.paths !== null && finding.location.startsWith('/')) {
    const segs = finding.location.slice(1).split('/');
    for (const p of entry.paths) if (p.length === segs.length && p.every((s, i) => s === '*' || s === segs[i])) return true;
  }
  return false;
}

/** The field name a location ends in: "/user/phone" → "phone", "/items/3/sku" → "sku",
 *  "/tags/0" → "tags", "?mobile" → "mobile", "/raw|json/id" → "id". */
function fieldOf(location: string): string | undefined {
  const parts = location.split(/[/?|]/).filter((p) => p !== '' && p !== 'json' && p !== 'base64' && p !== 'pct');
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i]!)) return parts[i];
  return undefined;
}

/** True when no finding could change what happens to a request for this zone: its body may be
 *  streamed without buffering. Monitor mode still inspects, to record what enforce would do. */
export function zoneNeedsInspection(zone: Zone): boolean {
  if (zone.inspect !== 'auto') return zone.inspect === 'always';
  if (zone.hardBlock !== null) return false;
  for (const table of zone.always ? [zone.actions, zone.always] : [zone.actions]) {
    if (table.fallback !== 'allow') return true;
    for (const a of table.byGrade.values()) if (a !== 'allow') return true;
    for (const a of table.byCategory.values()) if (a !== 'allow') return true;
  }
  // Core data is blocked whatever the tables say.
  return zone.abroad;
}
