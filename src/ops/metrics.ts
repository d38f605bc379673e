import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEvent } from '../audit/event.js';
import { shanghaiDate } from '../config/compile-legal.js';
import type { CompiledPolicy } from '../config/model.js';
import { ERRORS, type ErrorCode } from '../errors.js';
import { bodyBudgetReservedBytes, bodyBudgetWaiting } from '../pipeline/body-budget.js';

/**
 * Every metric the gateway exports, declared here and nowhere else. Label values come from
 * closed sets only: actions, modes, grades, the policy's own destination and category ids, the
 * error-code registry. Never a host the client chose, a path, or a detected value.
 *
 * Request metrics are derived from the audit event of each request (the record that is written
 * anyway), so the figures and the trail cannot disagree.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** One audit event → requests, findings, bytes, stage latencies, upstream errors. */
  observe(event: AuditEvent): void;
  /** The audit sink failed to write (disk full, permission, backlog past its bound). */
  auditWriteFailed(code: string | undefined): void;
  /** A yearly volume counter reached an alert point or a threshold (README "Volume thresholds"). */
  volumeThreshold(counter: string, level: 'alert' | 'crossed'): void;
  /** A flow that needed counting met an unreachable volume store. */
  volumeStoreError(): void;
  /** A distinct scope drift was recorded (once per drift per process: src/policy/drift.ts). */
  drift(kind: 'category' | 'location' | 'domain' | 'new_category'): void;
  /** The listener refused a connection or bytes that never became a request (no audit event). */
  listenerRefused(code: ErrorCode): void;
}

/** The yearly volume counters at scrape time. */
export interface VolumeSnapshot {
  /** Labels from the policy's closed sets: non_sensitive, sensitive, exempt, basis:<id>,
   *  recipient:<name>:<class>; ratio against the next threshold, null when none applies. */
  readonly counters: readonly { readonly label: string; readonly individuals: number; readonly ratio: number | null }[];
  /** 1 reachable, 0 not, null when the policy needs no store. */
  readonly storeUp: 0 | 1 | null;
}

export interface MetricsSources {
  /** Records what the gateway has not yet recorded (its audit events are recorded once per
   *  event-loop turn: src/pipeline/turn-batch.ts); called before the request counters are read. */
  readonly settle?: () => void;
  /** The running policy, read at scrape time (bases' days left). */
  readonly policy: () => CompiledPolicy;
  /** Reload counters of the policy holder. */
  readonly reloads?: () => { ok: number; failed: number };
  /** Audit sink backlog and drops, when the sink reports them. */
  readonly auditStatus?: () => { pendingBytes: number; dropped: number } | undefined;
  /** The yearly volume counters, read at scrape time. */
  readonly volume?: () => Promise<VolumeSnapshot>;
  /** Include process and event-loop metrics (off in tests that build many registries). */
  readonly defaultMetrics?: boolean;
}

const PREFIX = 'egress_guard_';
const STAGES = ['parse', 'classify', 'decide', 'forward'] as const;
const ERROR_CODES = new Set(Object.keys(ERRORS));
/** What src/server/http-limits.ts and the draining gateway answer without an audit event. */
const LISTENER_CODES = ['EG_BAD_REQUEST', 'EG_REQUEST_FRAMING', 'EG_HEADERS_TOO_LARGE', 'EG_REQUEST_TIMEOUT', 'EG_TOO_MANY_CONNECTIONS', 'EG_SHUTTING_DOWN'] as const satisfies readonly ErrorCode[];

export function createMetrics(sources: MetricsSources, registry: Registry = new Registry()): GatewayMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: 'Requests and CONNECT tunnels decided, by action, mode, destination, jurisdiction and kind',
    labelNames: ['action', 'would_be', 'mode', 'destination', 'jurisdiction', 'kind'] as const,
    registers,
    // The first metric registered: its collect runs before any other is read.
    collect() {
      countPending();
    },
  });
  const findings = new Counter({
    name: `${PREFIX}findings_total`,
    help: 'Findings by category, grade and the action taken on them',
    labelNames: ['category', 'grade', 'action'] as const,
    registers,
  });
  const bytes = new Counter({
    name: `${PREFIX}bytes_total`,
    help: 'Body bytes by direction: received from clients (inspected or streamed), sent upstream, relayed back',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      countPending();
    },
  });
  const stage = new Histogram({
    name: `${PREFIX}stage_duration_seconds`,
    help: 'Time per pipeline stage',
    labelNames: ['stage'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const errors = new Counter({
    name: `${PREFIX}errors_total`,
    help: 'Requests answered with an EG_ error code (upstream faults, refusals, limits), by code',
    labelNames: ['code'] as const,
    registers,
  });
  const individuals = new Counter({
    name: `${PREFIX}individuals_forwarded_abroad_total`,
    help: 'Individuals (per request, not deduplicated across requests) in flows forwarded abroad',
    registers,
  });
  const auditFailures = new Counter({
    name: `${PREFIX}audit_write_failures_total`,
    help: 'Audit trail write failures (disk full, permission, backlog past its bound), by code',
    labelNames: ['code'] as const,
    registers,
  });
  const auditRefusals = new Counter({
    name: `${PREFIX}audit_refusals_total`,
    help: 'Flows abroad refused because the audit trail could not be written (EG_AUDIT_UNAVAILABLE)',
    registers,
  });
  new Gauge({
    name: `${PREFIX}body_budget_reserved_bytes`,
    help: 'Request body bytes reserved in the in-memory body budget (limits.body_budget_bytes)',
    registers,
    collect() {
      this.set(bodyBudgetReservedBytes());
    },
  });
  new Gauge({
    name: `${PREFIX}body_budget_waiting`,
    help: 'Requests waiting, paused, for room in the body budget',
    registers,
    collect() {
      this.set(bodyBudgetWaiting());
    },
  });
  new Gauge({
    name: `${PREFIX}audit_pending_bytes`,
    help: 'Audit bytes accepted but not yet on disk',
    registers,
    collect() {
      this.set(sources.auditStatus?.()?.pendingBytes ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}audit_dropped_events`,
    help: 'Audit events dropped since start because the backlog was past its hard bound',
    registers,
    collect() {
      this.set(sources.auditStatus?.()?.dropped ?? 0);
    },
  });
  new Counter({
    name: `${PREFIX}policy_reloads_total`,
    help: 'Policy reloads by result',
    labelNames: ['result'] as const,
    registers,
    // Across cluster workers: the primary counts every reload it attempted, a worker only those
    // it applied, so the largest count is the number of reloads (a sum would count each N times).
    aggregator: 'max',
    collect() {
      const counts = sources.reloads?.() ?? { ok: 0, failed: 0 };
      this.reset();
      this.inc({ result: 'ok' }, counts.ok);
      this.inc({ result: 'failed' }, counts.failed);
    },
  });
  new Gauge({
    name: `${PREFIX}legal_basis_days_left`,
    help: 'Days until each legal basis ends (negative once expired; absent for open-ended bases)',
    labelNames: ['basis', 'type'] as const,
    registers,
    // Every process of a cluster reports the same figure: never add them up.
    aggregator: 'min',
    collect() {
      this.reset();
      const policy = sources.policy();
      const types = new Map(policy.bases.map((b) => [b.id, b.exemption ?? b.type]));
      for (const e of policy.basisExpiries(shanghaiDate(new Date()))) {
        if (e.daysLeft !== null) this.set({ basis: e.id, type: types.get(e.id) ?? 'unknown' }, e.daysLeft);
      }
    },
  });
  new Gauge({
    name: `${PREFIX}policy_info`,
    help: 'The running policy revision (value 1)',
    labelNames: ['revision', 'mode'] as const,
    registers,
    // 1 per revision running anywhere in the cluster: two series mean the workers disagree.
    aggregator: 'max',
    collect() {
      this.reset();
      const policy = sources.policy();
      this.set({ revision: policy.revision, mode: policy.mode }, 1);
    },
  });
  // Yearly volume thresholds (2024 Provisions Arts. 5, 7, 8). The operations alert rule reads
  // egress_guard_volume_ratio (≥ 0.8 warns); both gauges are read from the store at scrape time.
  let volumeScrape: Promise<VolumeSnapshot | undefined> | undefined;
  const volumeSnapshot = () => {
    // One store read per scrape, shared by the gauges below.
    volumeScrape ??= (sources.volume?.() ?? Promise.resolve(undefined)).finally(() => setImmediate(() => (volumeScrape = undefined)));
    return volumeScrape;
  };
  new Gauge({
    name: `${PREFIX}volume_individuals`,
    // Cluster workers read the same shared store: the figure, not N times it.
    aggregator: 'max',
    help: 'Distinct individuals whose personal information went abroad this year (Asia/Shanghai), per counter: non_sensitive, sensitive, exempt, basis:<id>, recipient:<name>:<class>',
    labelNames: ['counter'] as const,
    registers,
    async collect() {
      const snap = await volumeSnapshot();
      this.reset();
      for (const c of snap?.counters ?? []) this.set({ counter: c.label }, c.individuals);
    },
  });
  new Gauge({
    name: `${PREFIX}volume_ratio`,
    aggregator: 'max',
    help: 'Each volume counter against the next threshold it has not reached (statutory, or a basis max_individuals); alerts fire at 0.8',
    labelNames: ['counter'] as const,
    registers,
    async collect() {
      const snap = await volumeSnapshot();
      this.reset();
      for (const c of snap?.counters ?? []) if (c.ratio !== null) this.set({ counter: c.label }, c.ratio);
    },
  });
  new Gauge({
    name: `${PREFIX}volume_store_up`,
    // Down if any worker cannot reach it.
    aggregator: 'min',
    help: 'Whether the volume store can be reached (absent when the policy needs no store)',
    registers,
    async collect() {
      const snap = await volumeSnapshot();
      this.reset();
      if (snap?.storeUp !== null && snap?.storeUp !== undefined) this.set(snap.storeUp);
    },
  });
  const volumeThresholds = new Counter({
    name: `${PREFIX}volume_threshold_events_total`,
    help: 'Volume counters reaching an alert point or a threshold, by counter and level (alert, crossed)',
    labelNames: ['counter', 'level'] as const,
    registers,
  });
  const volumeRefusals = new Counter({
    name: `${PREFIX}volume_refusals_total`,
    help: 'Flows refused by the volume thresholds, by reason: limit (EG_VOLUME_LIMIT), unavailable (EG_VOLUME_UNAVAILABLE)',
    labelNames: ['reason'] as const,
    registers,
  });
  const volumeAdded = new Counter({
    name: `${PREFIX}volume_individuals_added_total`,
    help: 'Individuals added to the yearly counters by this gateway, by class (non_sensitive, sensitive, exempt)',
    labelNames: ['class'] as const,
    registers,
  });
  const volumeStoreErrors = new Counter({
    name: `${PREFIX}volume_store_errors_total`,
    help: 'Flows that needed counting while the volume store could not be reached',
    registers,
  });
  volumeStoreErrors.inc(0);
  const drifts = new Counter({
    name: `${PREFIX}drift_total`,
    help: 'Distinct scope drifts recorded (each once per process), by kind: category or location outside the basis relied on, domain new for a known recipient, new_category first sent in monitor mode',
    labelNames: ['kind'] as const,
    registers,
  });

  // errors_total comes from audit events; these refusals have none, so they are counted here.
  const listenerRefusals = new Counter({
    name: `${PREFIX}listener_refusals_total`,
    help: 'Connections and requests the listener refused before a request existed (parse errors, header size, request timeouts, connection cap, shutdown), by code; no audit event records them',
    labelNames: ['code'] as const,
    registers,
  });
  // Present from the start, so increase() sees the first refusal of each kind.
  for (const code of LISTENER_CODES) listenerRefusals.inc({ code }, 0);

  if (sources.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX, eventLoopMonitoringPrecision: 10 });

  auditRefusals.inc(0);

  // Every request adds to the request and byte counters: the additions gather here per label
  // set and reach prom-client when these counters are read (each inc() there validates and
  // hashes its labels). settle() first records what the gateway has not yet recorded.
  const pendingRequests = new Map<string, { labels: Record<'action' | 'would_be' | 'mode' | 'destination' | 'jurisdiction' | 'kind', string>; n: number }>();
  const pendingBytes = { observed: false, in: 0, out: 0, response: 0 };
  const countPending = () => {
    sources.settle?.();
    for (const { labels, n } of pendingRequests.values()) requests.inc(labels, n);
    pendingRequests.clear();
    if (pendingBytes.observed) {
      bytes.inc({ direction: 'in' }, pendingBytes.in);
      bytes.inc({ direction: 'out' }, pendingBytes.out);
      bytes.inc({ direction: 'response' }, pendingBytes.response);
      Object.assign(pendingBytes, { observed: false, in: 0, out: 0, response: 0 });
    }
  };

  return {
    registry,
    observe(event) {
      const policy = sources.policy();
      // Destination names come from the policy; an event recorded under an older revision may
      // name one that is gone, which is still a closed set (the policy history).
      const destination = event.destination.zone ?? 'none';
      const jurisdiction = event.destination.jurisdiction ?? 'none';
      const key = `${event.action}\0${event.wouldBe}\0${event.mode}\0${destination}\0${jurisdiction}\0${event.kind}`;
      const pending = pendingRequests.get(key);
      if (pending) pending.n += 1;
      else pendingRequests.set(key, { labels: { action: event.action, would_be: event.wouldBe, mode: event.mode, destination, jurisdiction, kind: event.kind }, n: 1 });
      for (const f of event.findings) {
        findings.inc({ category: policy.categoryGrades.has(f.category) ? f.category : 'other', grade: f.grade, action: f.action });
      }
      pendingBytes.observed = true;
      pendingBytes.in += event.bytes.requestIn;
      pendingBytes.out += event.bytes.requestOut;
      pendingBytes.response += event.bytes.response;
      const t = event.timings;
      if (t) {
        for (const s of STAGES) {
          const ms = t[`${s}Ms`];
          if (ms !== null) stage.observe({ stage: s }, ms / 1000);
        }
      }
      if (event.error !== null) {
        errors.inc({ code: ERROR_CODES.has(event.error) ? event.error : 'other' });
        if (event.error === 'EG_AUDIT_UNAVAILABLE') auditRefusals.inc();
        if (event.error === 'EG_VOLUME_LIMIT') volumeRefusals.inc({ reason: 'limit' });
        if (event.error === 'EG_VOLUME_UNAVAILABLE') volumeRefusals.inc({ reason: 'unavailable' });
      }
      const added = event.volume?.added;
      if (added) {
        if (added.nonSensitive > 0) volumeAdded.inc({ class: 'non_sensitive' }, added.nonSensitive);
        if (added.sensitive > 0) volumeAdded.inc({ class: 'sensitive' }, added.sensitive);
        if (added.exempt > 0) volumeAdded.inc({ class: 'exempt' }, added.exempt);
      }
      if (event.destination.abroad && event.action !== 'block' && event.individuals && event.individuals.count > 0) individuals.inc(event.individuals.count);
    },
    auditWriteFailed(code) {
      auditFailures.inc({ code: code && /^[A-Z0-9_]{1,32}$/.test(code) ? code : 'other' });
    },
    volumeThreshold(counter, level) {
      volumeThresholds.inc({ counter, level });
    },
    volumeStoreError() {
      volumeStoreErrors.inc();
    },
    drift(kind) {
      drifts.inc({ kind });
    },
    listenerRefused(code) {
      listenerRefusals.inc({ code });
    },
  };
}

/** Metrics of the cluster primary (`serve --workers N`, N > 1): its workers. The primary's
 *  /metrics aggregates these with every worker's registry (prom-client's AggregatorRegistry). */
export interface ClusterMetrics {
  readonly registry: Registry;
  /** A worker exited unexpectedly and is being restarted. */
  workerRestarted(): void;
}

export interface ClusterMetricsSources {
  /** Workers the primary keeps running (--workers). */
  readonly expected: () => number;
  /** Workers that are listening, ready and on the primary's policy revision. */
  readonly ready: () => number;
}

export function createClusterMetrics(sources: ClusterMetricsSources, registry: Registry = new Registry()): ClusterMetrics {
  const registers = [registry];
  new Gauge({
    name: `${PREFIX}workers_expected`,
    help: 'Worker processes the cluster primary keeps running (--workers)',
    registers,
    collect() {
      this.set(sources.expected());
    },
  });
  new Gauge({
    name: `${PREFIX}workers_ready`,
    help: 'Worker processes listening, ready and running the primary\'s policy revision',
    registers,
    collect() {
      this.set(sources.ready());
    },
  });
  const restarts = new Counter({
    name: `${PREFIX}worker_restarts_total`,
    help: 'Worker processes that exited unexpectedly and were restarted',
    registers,
  });
  restarts.inc(0);
  return {
    registry,
    workerRestarted: () => restarts.inc(),
  };
}
