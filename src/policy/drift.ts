import type { AuditDrift, DriftKind } from '../audit/event.js';
import { normaliseLocation } from '../config/locations.js';
import type { CompiledPolicy, Zone } from '../config/model.js';
import { isIpLiteral } from '../destination/host.js';
import { EgError } from '../errors.js';
import { CLAUSES } from './clauses.js';
import type { Decision, DecisionContext, Reason } from './decide.js';

/**
 * Scope drift. A filing (standard contract, certification, security assessment, or the record an
 * exemption rests on) describes an export: its recipients, the categories of data, the fields,
 * the purposes. When what an application sends moves beyond that, the filing is out of date
 * before anyone has decided anything. The decider answers "is this flow covered?"; this module
 * answers "has this flow changed since it was declared?". Four kinds:
 *
 *  - `location`: a finding covered by a basis that declares `locations`, at a location none of
 *    them matches (a new field under an existing basis);
 *  - `category`: a flow that relies on a basis carries personal or important data of a category
 *    none of the bases it relies on lists;
 *  - `domain`: personal or important data to a host of a known recipient (a destination naming a
 *    `recipient`) that is neither listed exactly in a destination's `hosts` for that recipient nor
 *    seen before by this process (a name matched by a `*.suffix` pattern for the first time);
 *  - `new_category`: in monitor mode, to a destination abroad with no basis relied on, a category
 *    this application had not sent to this recipient before ("crm-sync started sending
 *    pi.bank_card to Acme on 2026-03-02").
 *
 * Purposes are the bases' `scenarios`, and they already decide coverage: a flow outside a basis's
 * scenarios does not rely on it at all (its data is "no basis"). Destinations at home, refused
 * outright (judicial, restricted) or without a recipient for `domain` are out of scope.
 *
 * Each distinct drift (its `key`) is written once per process as a `kind: "drift"` audit record
 * and counted in egress_guard_drift_total{kind}. With `drift.action: refuse` every flow showing a
 * category, location or domain drift is refused (EG_SCOPE_DRIFT; in monitor mode it is recorded
 * as wouldBe block): the refusal follows from the policy alone, so it is the same for the first
 * flow and the thousandth, and a refused domain never becomes "seen".
 */

export const DRIFT_CLAUSE =
  'Standard Contract Measures Art. 8 and Security Assessment Measures Art. 14: a change in the scope, categories or recipients of personal information exported needs a new or supplemented filing';

export interface Drift {
  readonly kind: DriftKind;
  readonly key: string;
  readonly basis: string | null;
  readonly category: string | null;
  readonly location: string | null;
  readonly text: string;
  readonly clause: string | null;
}

export interface DriftInput {
  readonly ctx: DecisionContext;
  readonly decision: Decision;
  /** The normalised destination host. */
  readonly host: string;
  readonly application: string | null;
}

const UNIDENTIFIED = '(unidentified)';
const list = (items: readonly string[]) => items.join(', ');

/** The hosts listed exactly for each recipient, per compiled policy. */
const listedHosts = new WeakMap<CompiledPolicy, ReadonlyMap<string, ReadonlySet<string>>>();
function listedFor(policy: CompiledPolicy, recipient: string): ReadonlySet<string> | undefined {
  let map = listedHosts.get(policy);
  if (!map) {
    const byRecipient = new Map<string, Set<string>>();
    for (const zone of policy.destinations) {
      if (zone.recipient === null) continue;
      const hosts = byRecipient.get(zone.recipient) ?? new Set<string>();
      for (const h of zone.hosts) if (!h.startsWith('*.')) hosts.add(h);
      byRecipient.set(zone.recipient, hosts);
    }
    listedHosts.set(policy, (map = byRecipient));
  }
  return map.get(recipient);
}

/** True when `host` is listed exactly for `recipient` in the policy. */
export function hostListed(policy: CompiledPolicy, recipient: string, host: string): boolean {
  return listedFor(policy, recipient)?.has(host) ?? false;
}

function gradeClause(grade: string): string {
  return grade === 'important' ? CLAUSES.important : grade === 'sensitive_pi' ? CLAUSES.sensitivePi : CLAUSES.pi;
}

/**
 * Every drift one flow shows, at most one per key. `seenHost` says whether the recipient's host
 * was seen before (listed hosts are checked here).
 */
export function detectDrift(input: DriftInput, seenHost: (recipient: string, host: string) => boolean = () => false): Drift[] {
  const { ctx, decision, host } = input;
  const zone: Zone = ctx.zone;
  if (!zone.abroad || zone.hardBlock !== null || decision.hardBlock !== null) return [];
  const app = input.application ?? UNIDENTIFIED;
  const to = zone.recipient ?? zone.name;
  const drifts = new Map<string, Drift>();
  const add = (d: Drift) => {
    if (!drifts.has(d.key)) drifts.set(d.key, d);
  };
  const carried = decision.perFinding.filter((d) => d.grade !== 'general');

  for (const d of decision.perFinding) {
    const scope = d.basis?.locations;
    if (!d.basis || !scope || scope.matches(d.finding.location)) continue;
    const location = normaliseLocation(d.finding.location);
    add({
      kind: 'location',
      key: `location\0${app}\0${d.basis.id}\0${location}`,
      basis: d.basis.id,
      category: d.finding.category,
      location,
      text: `application ${app} sent ${d.finding.category} at ${location || '(text body)'} to ${to} under basis ${d.basis.id}, which declares the locations ${list(scope.patterns.map((p) => p || '(text body)'))}`,
      clause: DRIFT_CLAUSE,
    });
  }

  if (decision.bases.length > 0) {
    const first = decision.bases[0]!;
    for (const d of carried) {
      const category = d.finding.category;
      if (d.basis !== null || decision.bases.some((b) => b.categories.has(category))) continue;
      add({
        kind: 'category',
        key: `category\0${app}\0${first.id}\0${category}`,
        basis: first.id,
        category,
        location: null,
        text: `application ${app} sent ${category} to ${to} in a flow under basis ${first.id}, which does not list it (it lists ${list(first.categories.ids)})`,
        clause: DRIFT_CLAUSE,
      });
    }
  } else if (decision.mode === 'monitor') {
    for (const d of carried) {
      const category = d.finding.category;
      if (d.basis !== null) continue;
      add({
        kind: 'new_category',
        key: `new_category\0${app}\0${to}\0${category}`,
        basis: null,
        category,
        location: null,
        text: `application ${app} started sending ${category} to ${to} on ${ctx.date} (destination ${zone.name}, monitor mode, no basis)`,
        clause: gradeClause(d.grade),
      });
    }
  }

  const recipient = zone.recipient;
  if (recipient !== null && carried.length > 0 && !isIpLiteral(host) && !hostListed(ctx.policy, recipient, host) && !seenHost(recipient, host)) {
    add({
      kind: 'domain',
      key: `domain\0${recipient}\0${host}`,
      basis: decision.bases[0]?.id ?? null,
      category: null,
      location: null,
      text: `${host} is a new domain for recipient ${recipient} (destination ${zone.name}): not listed in its hosts and not seen before`,
      clause: DRIFT_CLAUSE,
    });
  }
  return [...drifts.values()];
}

/** What the drift check says about one request. */
export interface DriftOutcome {
  readonly drifts: readonly Drift[];
  /** The drifts that make the policy refuse the flow (drift.action refuse), as reasons. */
  readonly reasons: readonly Reason[];
  /** Set in enforce mode when the policy refuses the drift: the request is refused with it. */
  readonly refusal: EgError | null;
  /** The policy refuses the drift (in monitor mode: what enforce would do). */
  readonly wouldBlock: boolean;
}

export interface DriftRequest extends DriftInput {
  readonly decisionId: string;
  readonly clientAddress: string;
  readonly now: Date;
}

/** A Set that forgets its oldest entries past a bound: state kept per process stays bounded. */
class BoundedSet {
  readonly #items = new Set<string>();
  constructor(private readonly max: number) {}
  has(item: string): boolean {
    return this.#items.has(item);
  }
  add(item: string): void {
    if (this.#items.has(item)) return;
    if (this.#items.size >= this.max) this.#items.delete(this.#items.values().next().value!);
    this.#items.add(item);
  }
  get size(): number {
    return this.#items.size;
  }
}

export interface DriftTrackerOptions {
  /** Receives each distinct drift once (the gateway writes it to the trail and counts it). */
  readonly emit: (record: AuditDrift) => void;
  /** Distinct drifts and hosts remembered (default 100,000 each); past it the oldest are
   *  forgotten, and a forgotten drift may be written again. */
  readonly maxEntries?: number;
}

/**
 * The per-process drift state: the drifts already written and the hosts seen per recipient. One
 * per gateway process, kept across policy reloads (the listed hosts come from the policy each
 * request runs under).
 */
export class DriftTracker {
  readonly #emit: (record: AuditDrift) => void;
  readonly #fired: BoundedSet;
  readonly #seen: BoundedSet;

  constructor(options: DriftTrackerOptions) {
    this.#emit = options.emit;
    this.#fired = new BoundedSet(options.maxEntries ?? 100_000);
    this.#seen = new BoundedSet(options.maxEntries ?? 100_000);
  }

  /** Drifts written so far (bounded). */
  get recorded(): number {
    return this.#fired.size;
  }

  /** Hosts seen for a recipient by this process. */
  seen(recipient: string, host: string): boolean {
    return this.#seen.has(`${recipient}\0${host}`);
  }

  /** Checks one decided request: writes each drift not written before, and says whether the
   *  policy refuses the flow. Null when the flow shows no drift. */
  check(request: DriftRequest): DriftOutcome | null {
    const { ctx, decision, host } = request;
    const policy = ctx.policy;
    const drifts = detectDrift(request, (recipient, h) => this.seen(recipient, h));
    const refusing = policy.drift.action === 'refuse' ? drifts.filter((d) => d.kind !== 'new_category') : [];
    // A host becomes "seen" once data went to it without a domain drift refusal.
    const recipient = ctx.zone.recipient;
    if (recipient !== null && !refusing.some((d) => d.kind === 'domain') && decision.perFinding.some((d) => d.grade !== 'general')) {
      this.#seen.add(`${recipient}\0${host}`);
    }
    if (drifts.length === 0) return null;
    for (const d of drifts) {
      if (this.#fired.has(d.key)) continue;
      this.#fired.add(d.key);
      this.#emit(driftRecord(request, d, refusing.includes(d) ? 'refuse' : 'record'));
    }
    const reasons = refusing.map((d): Reason => ({ rule: `drift:${d.kind}`, text: d.text, clause: d.clause }));
    const refused = refusing.length > 0;
    return {
      drifts,
      reasons,
      refusal: refused && decision.mode === 'enforce' ? new EgError('EG_SCOPE_DRIFT', refusing.map((d) => d.text).join('; ')) : null,
      wouldBlock: refused,
    };
  }
}

export function driftRecord(request: DriftRequest, d: Drift, action: 'record' | 'refuse'): AuditDrift {
  const zone = request.ctx.zone;
  return {
    v: 1,
    kind: 'drift',
    drift: d.kind,
    key: d.key.replace(/\0/g, '|'),
    triggeredBy: request.decisionId,
    time: request.now.toISOString(),
    policyRevision: request.ctx.policy.revision,
    client: { address: request.clientAddress, application: request.application },
    destination: { host: request.host, zone: zone.name, jurisdiction: zone.jurisdiction, recipient: zone.recipient },
    basis: d.basis,
    category: d.category,
    location: d.location,
    action,
    text: d.text,
    clause: d.clause,
  };
}
