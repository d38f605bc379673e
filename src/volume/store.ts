/**
 * Where the yearly counts of distinct individuals live (DOMAIN §3). A store holds, per calendar
 * year (Asia/Shanghai) and legal entity, named counters: each a set of keyed hashes of
 * individuals (never an identifier), plus how many were added per day (for the projected date
 * of crossing). Two implementations: SQLite (embedded, exact) and Redis (shared by a fleet,
 * exact up to a configured size, then HyperLogLog).
 *
 * Counter names: "N" (non-sensitive), "S" (sensitive), "X" (exempt flows, counted apart),
 * "r:N:<recipient>" / "r:S:…" / "r:X:…" (per recipient), "b:<basis id>" (per basis) and "b:"
 * (individuals whose data left under no basis).
 */

/** The year and legal entity a set of counters belongs to. */
export interface VolumeScope {
  readonly year: number;
  readonly entity: string;
}

/** Members to add to one counter. `limits[i]` is the most individuals the counter may hold once
 *  member i is in it (null: no limit); a limit applies only when member i is new. */
export interface CounterAdd {
  readonly counter: string;
  readonly members: readonly string[];
  readonly limits: readonly (number | null)[];
}

export interface CounterChange {
  readonly counter: string;
  readonly before: number;
  readonly after: number;
}

/** A refused add: nothing was written. `limit` is the smallest limit among the new members. */
export interface LimitHit {
  readonly counter: string;
  readonly count: number;
  readonly fresh: number;
  readonly limit: number;
}

export type AddResult = { readonly ok: true; readonly changes: readonly CounterChange[] } | { readonly ok: false; readonly hit: LimitHit };

export interface CounterCount {
  readonly counter: string;
  readonly count: number;
  /** True when the count is a HyperLogLog estimate (Redis past `exact_limit`). */
  readonly approximate: boolean;
}

export interface DailyCount {
  readonly counter: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  readonly day: string;
  readonly added: number;
}

export interface VolumeStore {
  readonly kind: 'sqlite' | 'redis' | 'memory';
  /** Path or URL (without credentials), for logs and `volume status`. */
  readonly description: string;
  /** For each member, whether the counter already holds it. */
  has(scope: VolumeScope, counter: string, members: readonly string[]): Promise<boolean[]>;
  /**
   * Adds every member to its counter in one atomic step. With `enforce`, the step is refused
   * (nothing written) when a counter would pass the smallest limit among its new members; two
   * gateways adding at once cannot both pass a limit.
   */
  add(scope: VolumeScope, day: string, adds: readonly CounterAdd[], enforce: boolean): Promise<AddResult>;
  counts(scope: VolumeScope): Promise<CounterCount[]>;
  /** Individuals added per counter and day, from `sinceDay` (inclusive). */
  daily(scope: VolumeScope, sinceDay: string): Promise<DailyCount[]>;
  /** False while the store cannot be reached: flows that need counting are then refused (or
   *  allowed, per `volume.on_store_failure`), never silently left uncounted. */
  healthy(): boolean;
  /** Resolves once the store can be used (Redis: connected), rejects after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The calendar year in Asia/Shanghai (UTC+8, no daylight saving): 2025-12-31T16:00Z is 2026. */
export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3_600_000).getUTCFullYear();
}

/** The smallest limit among the members that are new, or null when none applies. */
export function freshLimit(add: CounterAdd, isNew: (index: number) => boolean): { fresh: number; limit: number | null } {
  let fresh = 0;
  let limit: number | null = null;
  add.members.forEach((_, i) => {
    if (!isNew(i)) return;
    fresh += 1;
    const l = add.limits[i] ?? null;
    if (l !== null && (limit === null || l < limit)) limit = l;
  });
  return { fresh, limit };
}

/** Members listed once (a request may carry one person twice, under several counters). */
export function dedupeAdd(add: CounterAdd): CounterAdd {
  const seen = new Map<string, number>();
  const members: string[] = [];
  const limits: (number | null)[] = [];
  add.members.forEach((m, i) => {
    const l = add.limits[i] ?? null;
    const at = seen.get(m);
    if (at === undefined) {
      seen.set(m, members.length);
      members.push(m);
      limits.push(l);
    } else if (l !== null && (limits[at] === null || l < limits[at]!)) limits[at] = l;
  });
  return { counter: add.counter, members, limits };
}
