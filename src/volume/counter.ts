import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { AuditVolume } from '../audit/event.js';
import { shanghaiDate } from '../config/compile-legal.js';
import type { CompiledPolicy, VolumeStoreSettings, Zone } from '../config/model.js';
import { EgError } from '../errors.js';
import type { Decision, Reason } from '../policy/decide.js';
import type { IndividualRecord } from '../pipeline/individuals.js';
import { crossings, limitReason, planVolume, type ThresholdCrossing } from './plan.js';
import { DEFAULT_ENTITY } from './settings.js';
import { shanghaiYear, type CounterChange, type VolumeScope, type VolumeStore } from './store.js';

export interface VolumeAlert extends ThresholdCrossing {
  readonly year: number;
  readonly entity: string;
  readonly decisionId: string;
}

export interface VolumeAdmission {
  /** Set when the request must be refused (EG_VOLUME_LIMIT or EG_VOLUME_UNAVAILABLE). */
  readonly refusal: EgError | null;
  /** Reasons to record: the refusal's, or what enforce would have refused (monitor mode,
   *  action_over_limit: allow, on_store_failure: allow). */
  readonly reasons: readonly Reason[];
  /** True when enforce mode would refuse the request. */
  readonly wouldBlock: boolean;
  readonly audit: AuditVolume | null;
}

export interface AdmitInput {
  readonly policy: CompiledPolicy;
  readonly zone: Zone;
  readonly decision: Decision;
  readonly people: readonly IndividualRecord[];
  readonly now: Date;
  readonly decisionId: string;
}

export type VolumeState = 'off' | 'ok' | 'unavailable';

export interface VolumeCounterOptions {
  readonly log: Logger;
  /** Opens the store a policy names (serve: openVolumeStore; evaluation: memory). */
  readonly open: (settings: VolumeStoreSettings) => VolumeStore;
  /** Called once per crossing of an alert point or threshold. */
  readonly onAlert?: (alert: VolumeAlert) => void;
  /** Called when a flow needing counts met an unreachable store. */
  readonly onStoreError?: () => void;
}

const NONE: VolumeAdmission = Object.freeze({ refusal: null, reasons: [], wouldBlock: false, audit: null });

/**
 * The yearly volume counters as the pipeline sees them: which store (opened lazily, swapped when
 * a reloaded policy names another), a local LRU of (year, entity, counter, individual) entries
 * known to be counted — a request whose individuals are all known makes no store call — and the
 * admission of a request before anything leaves.
 */
export class VolumeCounter {
  readonly #options: VolumeCounterOptions;
  #store: VolumeStore | null = null;
  #storeKey: string | null = null;
  #openError: string | null = null;
  #cache: LRUCache<string, true> | null = null;
  #cacheSize = -1;
  /** Latest counts of the current scope, for gauges. */
  #scope: string | null = null;
  #totals = new Map<string, number>();
  #approximate = new Set<string>();

  constructor(options: VolumeCounterOptions) {
    this.#options = options;
  }

  /** Opens the store the policy names when it needs counting (at start and on every reload).
   *  A store that fails to open is logged and left for `admit` to retry; never throws. */
  async configure(policy: CompiledPolicy, readyTimeoutMs = 2_000): Promise<void> {
    const v = policy.volume;
    if (v.cacheSize !== this.#cacheSize) {
      this.#cacheSize = v.cacheSize;
      this.#cache = v.cacheSize > 0 ? new LRUCache<string, true>({ max: v.cacheSize }) : null;
    }
    if (!v.needed && this.#store === null) return;
    const store = this.#ensure(policy);
    if (store && !store.healthy()) {
      await store.ready(readyTimeoutMs).catch((err: unknown) => {
        this.#options.log.error({ store: store.description, err: (err as Error).message }, 'volume store not reachable: flows that need counting are refused until it is (volume.on_store_failure)');
      });
    }
  }

  #ensure(policy: CompiledPolicy): VolumeStore | null {
    const settings = policy.volume.store;
    const key = JSON.stringify(settings);
    if (this.#storeKey === key && this.#store !== null) return this.#store;
    const previous = this.#store;
    try {
      this.#store = this.#options.open(settings);
      this.#storeKey = key;
      this.#openError = null;
      if (settings.kind === 'memory') this.#options.log.warn('volume counts are kept in memory only (volume.store.memory): they restart from zero with the process');
      this.#options.log.info({ store: this.#store.kind, at: this.#store.description }, 'volume store opened');
    } catch (err) {
      this.#store = null;
      this.#storeKey = null;
      const message = (err as Error).message;
      if (this.#openError !== message) this.#options.log.error({ store: settings.kind, err: message }, 'volume store cannot be opened: flows that need counting are refused until it can (volume.on_store_failure)');
      this.#openError = message;
    }
    if (previous !== null && previous !== this.#store) {
      // Requests in flight may still use it for a moment; counts are not copied across stores.
      this.#options.log.warn({ previous: previous.description }, 'volume store changed: the new store starts from its own counts');
      setTimeout(() => void previous.close().catch(() => {}), 5_000).unref();
      this.#cache?.clear();
      this.#totals.clear();
    }
    return this.#store;
  }

  /** 'off' when no store is needed yet, 'unavailable' while the store cannot be used. */
  state(policy: CompiledPolicy): VolumeState {
    if (this.#store === null) return policy.volume.needed || this.#openError !== null ? 'unavailable' : 'off';
    return this.#store.healthy() ? 'ok' : 'unavailable';
  }

  /** Ready unless the store is unavailable and the policy refuses flows then. */
  ready(policy: CompiledPolicy): boolean {
    return this.state(policy) !== 'unavailable' || policy.volume.onStoreFailure === 'allow';
  }

  /** The counting year and entity of `now`; known totals are dropped when they change (1 January
   *  in Shanghai, or a policy naming another handler). */
  #enterScope(policy: CompiledPolicy, now: Date): { scope: VolumeScope; scopeKey: string } {
    const scope: VolumeScope = { year: shanghaiYear(now), entity: policy.handler.entity ?? DEFAULT_ENTITY };
    const scopeKey = `${scope.year}\u0000${scope.entity}`;
    if (this.#scope !== scopeKey) {
      this.#scope = scopeKey;
      this.#totals = new Map();
      this.#approximate = new Set();
    }
    return { scope, scopeKey };
  }

  /** Decides whether the request's individuals may be added to the counters, and adds them. */
  async admit(input: AdmitInput): Promise<VolumeAdmission> {
    const { policy, zone, now } = input;
    const plan = planVolume(input);
    if (plan.adds.length === 0) return NONE;
    const { scope, scopeKey } = this.#enterScope(policy, now);
    const audit = { year: scope.year, entity: scope.entity, ...plan.classes, added: { nonSensitive: 0, sensitive: 0, exempt: 0 } };
    const cacheKey = (counter: string, member: string) => `${scopeKey}\u0000${counter}\u0000${member}`;
    const cache = this.#cache;
    if (cache !== null && plan.adds.every((a) => a.members.every((m) => cache.has(cacheKey(a.counter, m))))) return { ...NONE, audit };

    const enforce = zone.mode === 'enforce';
    const store = this.#store ?? this.#ensure(policy);
    try {
      if (store === null) throw new Error(this.#openError ?? 'no volume store');
      if (!store.healthy()) throw new Error(`${store.description} is not reachable`);
      const day = shanghaiDate(now);
      let result = await store.add(scope, day, plan.adds, true);
      let reasons: Reason[] = [];
      if (!result.ok) {
        const reason = limitReason(policy, scope.entity, result.hit);
        if (enforce && policy.volume.actionOverLimit === 'block') {
          return { refusal: new EgError('EG_VOLUME_LIMIT', reason.text), reasons: [reason], wouldBlock: true, audit };
        }
        reasons = [reason];
        result = await store.add(scope, day, plan.adds, false);
        if (!result.ok) throw new Error('the store refused an unenforced add');
      }
      if (cache !== null) for (const a of plan.adds) for (const m of a.members) cache.set(cacheKey(a.counter, m), true);
      for (const c of result.changes) this.#totals.set(c.counter, c.after);
      audit.added = { nonSensitive: grew(result.changes, 'N'), sensitive: grew(result.changes, 'S'), exempt: grew(result.changes, 'X') };
      for (const crossing of crossings(policy, scope.entity, result.changes)) {
        this.#options.onAlert?.({ ...crossing, year: scope.year, entity: scope.entity, decisionId: input.decisionId });
      }
      return { refusal: null, reasons, wouldBlock: reasons.length > 0, audit };
    } catch (err) {
      this.#options.onStoreError?.();
      const where = store?.description ?? policy.volume.store.kind;
      const reason: Reason = {
        rule: 'volume.unavailable',
        text: `the volume store (${where}) cannot be reached: the individuals of this flow cannot be counted (${(err as Error).message})`,
        clause: null,
      };
      if (policy.volume.onStoreFailure === 'refuse') {
        if (enforce) return { refusal: new EgError('EG_VOLUME_UNAVAILABLE', `volume store ${where}`), reasons: [reason], wouldBlock: true, audit };
        return { refusal: null, reasons: [reason], wouldBlock: true, audit: { ...audit, uncounted: true } };
      }
      this.#options.log.warn({ store: where }, 'volume store unreachable: flow allowed uncounted (volume.on_store_failure: allow)');
      return { refusal: null, reasons: [reason], wouldBlock: false, audit: { ...audit, uncounted: true } };
    }
  }

  /** Counts of the current year for gauges, refreshed from the store (other gateways add too);
   *  the last known counts when the store does not answer within `timeoutMs`. */
  async totals(policy: CompiledPolicy, now: Date, timeoutMs = 500): Promise<{ scope: VolumeScope; counts: ReadonlyMap<string, number>; approximate: ReadonlySet<string> }> {
    const { scope, scopeKey } = this.#enterScope(policy, now);
    const store = this.#store;
    if (store !== null && store.healthy()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      const counts = await Promise.race([store.counts(scope).catch(() => null), timeout]);
      clearTimeout(timer);
      if (counts !== null && this.#scope === scopeKey) {
        for (const c of counts) {
          this.#totals.set(c.counter, c.count);
          if (c.approximate) this.#approximate.add(c.counter);
        }
      }
    }
    return { scope, counts: this.#totals, approximate: this.#approximate };
  }

  /** The store in use (for `volume status` in process), or null. */
  get store(): VolumeStore | null {
    return this.#store;
  }

  async close(): Promise<void> {
    const store = this.#store;
    this.#store = null;
    this.#storeKey = null;
    await store?.close();
  }
}

function grew(changes: readonly CounterChange[], counter: string): number {
  const c = changes.find((x) => x.counter === counter);
  return c ? c.after - c.before : 0;
}
