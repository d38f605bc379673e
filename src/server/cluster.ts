import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { AuditSink } from '../audit/writer.js';
import { loadDefaultPolicy, loadPolicyText } from '../config/load.js';
import type { CompiledPolicy } from '../config/model.js';
import { createClusterMetrics, createMetrics } from '../ops/metrics.js';
import { openVolumeStore } from '../volume/open.js';
import { createAdminServer, type Readiness } from './admin.js';
import { applyListenerLimits, listenerLimits } from './http-limits.js';
import { startGateway, type Gateway, type GatewayStats } from './gateway.js';
import { describeLoadError, PolicyFileReloader, PolicyHolder, type ReloadTrigger } from './reload.js';
import { watchPolicyFile, type FileWatcher } from './watch.js';
import { dnsServerLookup } from '../destination/resolve.js';
import { gcMode } from '../config/node-flags.js';

/**
 * `serve --workers N` (N > 1): node:cluster on one proxy port.
 *
 * The primary owns everything that must exist once: the admin listener (/healthz, /readyz,
 * /policy, /metrics, /workers, so the admin port is one port too), the policy file (it reads,
 * validates and watches it, and sends the accepted text to the workers, which compile the same
 * bytes), the audit trail (one writer: workers send their events over IPC, so a hash chain stays
 * one chain and `audit verify DIR` is unchanged), signals (SIGHUP reloads, SIGTERM/SIGINT drain
 * every worker, a second one ends everything at once) and the workers themselves (one per slot,
 * restarted with backoff when one dies unexpectedly).
 *
 * Workers run the gateway (proxy listener, pipeline, upstream pools) and nothing else. They
 * ignore signals sent to them directly (a terminal's Ctrl-C or systemd's control-group kill
 * reaches every process): the primary forwards reload and shutdown to each of them over IPC.
 */

// ---- IPC messages -------------------------------------------------------------------------

interface PolicySource {
  /** The policy file's text; null for the embedded default policy. */
  readonly text: string | null;
  readonly source: string;
}

type ToWorker =
  | {
      readonly eg: 'init';
      readonly slot: number;
      readonly policy: PolicySource;
      readonly proxy: { readonly host: string; readonly port: number };
      readonly admin: AddressInfo;
      /** The individual-hash key, hex (the operator key, or one made for this run: the same in
       *  every worker so that hashes agree within the run). */
      readonly key: string;
      readonly auditHealthy: boolean;
      /** --dns-servers: ask these instead of the system resolver (null: the system's). */
      readonly dnsServers: readonly string[] | null;
    }
  | { readonly eg: 'policy'; readonly text: string; readonly source: string }
  | { readonly eg: 'status'; readonly id: number; readonly metrics: boolean }
  | { readonly eg: 'audit-health'; readonly healthy: boolean }
  | { readonly eg: 'audit-flushed'; readonly id: number; readonly ok: boolean }
  | { readonly eg: 'drain'; readonly ms: number };

type FromWorker =
  | { readonly eg: 'hello' }
  | { readonly eg: 'listening'; readonly address: AddressInfo }
  | { readonly eg: 'start-failed'; readonly message: string }
  /** Each entry as its JSON line (the channel uses V8 serialization: strings travel as they are). */
  | { readonly eg: 'audit'; readonly lines: string[] }
  | { readonly eg: 'audit-flush'; readonly id: number }
  | { readonly eg: 'status'; readonly id: number; readonly stats: GatewayStats; readonly metrics?: MetricObjectWithValues<MetricValue<string>>[] }
  | { readonly eg: 'policy-applied'; readonly ok: boolean; readonly revision: string; readonly issues?: readonly string[] }
  | { readonly eg: 'drained' };

/** What producers hand to an audit sink (request and connect events, and whatever else the
 *  sink's interface carries): relayed to the primary as it is. */
type AuditEntry = Parameters<AuditSink['write']>[0];

function isMessage<T extends { eg: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { eg?: unknown }).eg === 'string';
}

export const CLUSTER_DEFAULTS = Object.freeze({
  /** Events a worker batches before sending them to the primary (else: at the next tick). */
  auditBatch: 256,
  /** Audit bytes a worker has not yet handed to the OS past which it reports itself unhealthy
   *  (the same bound as the audit sinks' backlog). */
  maxAuditInTransitBytes: 16 * 2 ** 20,
  /** How long a worker waits for the primary to confirm an audit flush. */
  auditFlushTimeoutMs: 15_000,
  /** How long the primary waits for a worker's status. */
  statusTimeoutMs: 2_000,
  /** How long the primary waits for every worker to listen at start. */
  startTimeoutMs: 30_000,
  /** First restart delay; doubled per consecutive failure up to restartMaxMs. */
  restartBaseMs: 100,
  restartMaxMs: 30_000,
  /** A worker that lived this long resets its slot's failure count. */
  restartResetMs: 10_000,
  /** After the drain timeout, how long the primary waits before killing workers that are left. */
  killGraceMs: 5_000,
  /** How often the primary checks the audit sink's health and tells the workers. */
  healthPollMs: 200,
});

// ---- worker ---------------------------------------------------------------------------------

/**
 * The worker's audit sink: events go to the primary, which writes the one trail. Batched per
 * event-loop turn. healthy() follows the primary's sink (it broadcasts changes), so a worker
 * refuses exports while the trail cannot be written, like a single process does.
 */
export class IpcAuditSink implements AuditSink {
  #batch: string[] = [];
  #batchBytes = 0;
  #scheduled: NodeJS.Immediate | undefined;
  #inTransitBytes = 0;
  #dropped = 0;
  #primaryHealthy = true;
  #flushId = 0;
  readonly #flushes = new Map<number, (ok: boolean) => void>();
  readonly #log: Logger;
  readonly #send: (message: ToPrimary, done?: (err: Error | null) => void) => boolean;
  readonly #connected: () => boolean;

  constructor(log: Logger, channel: { send: (message: ToPrimary, done?: (err: Error | null) => void) => boolean; connected: () => boolean } = processChannel()) {
    this.#log = log;
    this.#send = channel.send;
    this.#connected = channel.connected;
  }

  write(event: AuditEntry): void {
    // Serialised here, as the single-process sink does: the size is then known, and the primary
    // parses each line once.
    const line = JSON.stringify(event);
    this.#batch.push(line);
    this.#batchBytes += line.length;
    if (this.#batch.length >= CLUSTER_DEFAULTS.auditBatch) this.#sendBatch();
    else this.#scheduled ??= setImmediate(() => this.#sendBatch());
  }

  #sendBatch(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#batch.length === 0) return;
    const lines = this.#batch;
    const bytes = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    if (!this.#connected()) {
      this.#dropped += lines.length;
      this.#log.error({ events: lines.length }, 'audit events lost: the primary is gone');
      return;
    }
    this.#inTransitBytes += bytes;
    this.#send({ eg: 'audit', lines }, (err) => {
      this.#inTransitBytes -= bytes;
      if (err) {
        this.#dropped += lines.length;
        this.#log.error({ err: { message: err.message }, events: lines.length }, 'audit events could not be sent to the primary');
      }
    });
  }

  /** Resolves once the primary has every event sent so far on disk (its sink's flush). */
  flush(): Promise<void> {
    this.#sendBatch();
    if (!this.#connected()) return Promise.reject(new Error('the primary is gone: audit events cannot be flushed'));
    const id = ++this.#flushId;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#flushes.delete(id);
        reject(new Error('the primary did not confirm the audit flush in time'));
      }, CLUSTER_DEFAULTS.auditFlushTimeoutMs);
      this.#flushes.set(id, (ok) => {
        clearTimeout(timer);
        if (ok) resolve();
        else reject(new Error('the primary could not flush the audit trail'));
      });
      this.#send({ eg: 'audit-flush', id });
    });
  }

  flushed(id: number, ok: boolean): void {
    const done = this.#flushes.get(id);
    this.#flushes.delete(id);
    done?.(ok);
  }

  close(): Promise<void> {
    return this.flush();
  }

  setPrimaryHealthy(healthy: boolean): void {
    this.#primaryHealthy = healthy;
  }

  healthy(): boolean {
    return this.#primaryHealthy && this.#connected() && this.#inTransitBytes + this.#batchBytes <= CLUSTER_DEFAULTS.maxAuditInTransitBytes;
  }

  /** Bytes not yet handed to the primary (the primary reports its own sink's), and events lost. */
  status(): { pendingBytes: number; dropped: number } {
    return { pendingBytes: this.#inTransitBytes + this.#batchBytes, dropped: this.#dropped };
  }
}

type ToPrimary = FromWorker;

function processChannel() {
  return {
    send: (message: ToPrimary, done?: (err: Error | null) => void) => {
      if (!process.send || !process.connected) {
        done?.(new Error('not connected to the primary'));
        return false;
      }
      return process.send(message, undefined, {}, done ?? (() => {}));
    },
    connected: () => process.connected === true,
  };
}

/**
 * A worker: waits for the primary's init (policy text, listen address, key), starts the gateway
 * without an admin listener, then answers the primary's messages until told to drain.
 */
export function runClusterWorker(baseLog: Logger): void {
  let log = baseLog;
  const audit = new IpcAuditSink(log);
  const channel = processChannel();
  let gateway: Gateway | undefined;
  let draining = false;

  const drain = (ms: number, code: number) => {
    if (draining) return;
    draining = true;
    (async () => {
      let exitCode = code;
      try {
        if (gateway) await gateway.close(ms);
        else await audit.flush().catch(() => {});
      } catch (err) {
        log.error({ err }, 'worker shutdown failed');
        exitCode = 1;
      }
      log.info({ exitCode }, 'worker stopped');
      log.flush();
      channel.send({ eg: 'drained' }, () => process.exit(exitCode));
      // Without a channel the callback may never come.
      setTimeout(() => process.exit(exitCode), 1_000).unref();
    })().catch(() => process.exit(1));
  };

  const onInit = async (init: Extract<ToWorker, { eg: 'init' }>) => {
    log = baseLog.child({ worker: init.slot });
    audit.setPrimaryHealthy(init.auditHealthy);
    try {
      const policy: CompiledPolicy = init.policy.text === null ? loadDefaultPolicy() : loadPolicyText(init.policy.text, init.policy.source);
      gateway = await startGateway({
        policy,
        audit,
        log,
        proxyHost: init.proxy.host,
        proxyPort: init.proxy.port,
        adminHost: init.admin.address,
        adminPort: init.admin.port,
        adminElsewhere: init.admin,
        individualKey: Buffer.from(init.key, 'hex'),
        processMetrics: true,
        recordPerTurn: true,
        ...(init.dnsServers ? { lookupHost: dnsServerLookup(init.dnsServers) } : {}),
        // Every worker opens the store the policy names (a SQLite file in WAL mode, or Redis),
        // so the yearly counts are shared; a `memory` store would count per worker.
        volumeStore: (settings) => openVolumeStore(settings, log),
      });
    } catch (err) {
      const message = describeLoadError(err).join('; ');
      log.error({ err }, 'worker failed to start');
      channel.send({ eg: 'start-failed', message }, () => process.exit(2));
      return;
    }
    if (draining) return;
    channel.send({ eg: 'listening', address: gateway.proxyAddress });
  };

  process.on('message', (message: unknown) => {
    if (!isMessage<ToWorker>(message)) return;
    switch (message.eg) {
      case 'init':
        void onInit(message);
        return;
      case 'policy': {
        if (!gateway) return;
        const result = gateway.reload(() => loadPolicyText(message.text, message.source));
        if (result.ok) log.debug({ previous: result.previous, revision: result.revision }, 'worker applied the reloaded policy');
        else log.error({ revision: result.revision, issues: result.issues }, 'worker could not compile the policy the primary accepted; keeping the running one');
        channel.send(result.ok ? { eg: 'policy-applied', ok: true, revision: result.revision } : { eg: 'policy-applied', ok: false, revision: result.revision, issues: result.issues });
        return;
      }
      case 'status': {
        if (!gateway) return;
        const g = gateway;
        const stats = g.stats();
        if (!message.metrics) {
          channel.send({ eg: 'status', id: message.id, stats });
          return;
        }
        g.metrics.registry
          .getMetricsAsJSON()
          .then((metrics) => channel.send({ eg: 'status', id: message.id, stats, metrics: metrics as MetricObjectWithValues<MetricValue<string>>[] }))
          .catch((err: unknown) => log.error({ err }, 'metrics collection failed'));
        return;
      }
      case 'audit-health':
        audit.setPrimaryHealthy(message.healthy);
        return;
      case 'audit-flushed':
        audit.flushed(message.id, message.ok);
        return;
      case 'drain':
        drain(message.ms, 0);
        return;
    }
  });
  // The primary coordinates: signals that reach a worker directly (the process group on a
  // terminal, a control-group kill) are left to it.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => log.debug({ signal }, 'signal ignored by a worker: the primary forwards reload and shutdown'));
  }
  process.on('disconnect', () => {
    if (draining) return;
    log.error('the primary is gone: draining and exiting');
    drain(2_000, 1);
  });
  channel.send({ eg: 'hello' });
}

// ---- primary --------------------------------------------------------------------------------

export interface PrimaryOptions {
  readonly log: Logger;
  readonly workers: number;
  readonly proxy: { readonly host: string; readonly port: number };
  readonly admin: { readonly host: string; readonly port: number };
  readonly drainMs: number;
  /** The policy file (null: the embedded default, never reloaded). */
  readonly policyFile: string | null;
  /** Text and compiled form of what was loaded at start. */
  readonly loaded: { readonly text: string | undefined; readonly policy: CompiledPolicy };
  readonly watch: boolean;
  readonly audit: AuditSink & { status?: () => { pendingBytes: number; dropped: number } };
  /** Where the audit trail goes, for the listening log line. */
  readonly auditTarget: string;
  readonly key: Buffer;
  /** The sink's error hook is wired before the primary exists: it calls what this sets. */
  readonly onAuditFailure: (handler: (code: string | undefined) => void) => void;
  /** Logs warnings and bases near expiry of a loaded policy. */
  readonly reportPolicy: (policy: CompiledPolicy) => void;
  /** --dns-servers, passed on to every worker (null: the system resolver). */
  readonly dnsServers: readonly string[] | null;
}

type SlotState = 'starting' | 'listening' | 'down';

interface Slot {
  readonly slot: number;
  worker: Worker | undefined;
  pid: number | undefined;
  state: SlotState;
  /** The init message went out: later policy changes must follow it. */
  initialised: boolean;
  startedAt: number;
  failures: number;
  restarts: number;
  drained: boolean;
  lastExit: { code: number | null; signal: string | null } | null;
  restartTimer: NodeJS.Timeout | undefined;
}

interface WorkerReply {
  readonly slot: Slot;
  readonly stats?: GatewayStats;
  readonly metrics?: MetricObjectWithValues<MetricValue<string>>[];
  readonly error?: string;
}

function listenAdmin(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function runClusterPrimary(options: PrimaryOptions): Promise<void> {
  const { log, audit, drainMs } = options;
  const holder = new PolicyHolder(options.loaded.policy);
  let policyText: string | null = options.loaded.text ?? null;
  const policySource = options.loaded.policy.source;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({
    slot: i + 1, worker: undefined, pid: undefined, state: 'down', initialised: false, startedAt: 0, failures: 0, restarts: 0, drained: false, lastExit: null, restartTimer: undefined,
  }));
  let lastReady = 0;
  const metrics = createMetrics({
    policy: () => holder.runtime().policy,
    reloads: () => holder.counters(),
    auditStatus: () => audit.status?.(),
    defaultMetrics: true,
  });
  const clusterMetrics = createClusterMetrics({ expected: () => options.workers, ready: () => lastReady }, metrics.registry);

  /** Sends to a worker; a channel that closed meanwhile (the worker just died) is not an
   *  error here: its exit restarts it. */
  const post = (worker: Worker, message: ToWorker): void => {
    worker.send(message, undefined, {}, (err: Error | null) => {
      if (err) options.log.debug({ err }, 'message to a worker not delivered');
    });
  };

  // ---- status requests over IPC
  let nextId = 0;
  const pending = new Map<number, { slot: Slot; resolve: (reply: WorkerReply) => void; timer: NodeJS.Timeout }>();
  const ask = (slot: Slot, withMetrics: boolean): Promise<WorkerReply> => {
    const worker = slot.worker;
    if (!worker || slot.state !== 'listening' || !worker.isConnected()) return Promise.resolve({ slot, error: slot.state === 'starting' ? 'starting' : 'down' });
    const id = ++nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ slot, error: 'no answer' });
      }, CLUSTER_DEFAULTS.statusTimeoutMs);
      pending.set(id, { slot, resolve, timer });
      post(worker, { eg: 'status', id, metrics: withMetrics } satisfies ToWorker);
    });
  };
  /** Every worker's status, and the primary's revision as it was when the question went out:
   *  a reload that lands meanwhile must not make a worker that answered before it look behind. */
  const askAll = async (withMetrics: boolean): Promise<{ replies: WorkerReply[]; revision: string }> => {
    const revision = holder.runtime().policy.revision;
    const replies = await Promise.all(slots.map((s) => ask(s, withMetrics)));
    lastReady = replies.filter((r) => r.stats?.ready && r.stats.revision === revision).length;
    return { replies, revision };
  };

  // ---- audit health, told to every worker when it changes
  let auditHealthy = audit.healthy?.() ?? true;
  const broadcast = (message: ToWorker) => {
    for (const s of slots) if (s.initialised && s.worker?.isConnected()) post(s.worker, message);
  };
  const checkAuditHealth = () => {
    const now = audit.healthy?.() ?? true;
    if (now === auditHealthy) return;
    auditHealthy = now;
    if (now) log.info('audit trail writable again: workers forward exports again');
    broadcast({ eg: 'audit-health', healthy: now });
  };
  // Failures are told at once; recovery is seen by polling (the sink has no hook for it).
  options.onAuditFailure((code) => {
    metrics.auditWriteFailed(code);
    checkAuditHealth();
  });
  const healthTimer = setInterval(checkAuditHealth, CLUSTER_DEFAULTS.healthPollMs);

  // ---- admin listener (one, in the primary)
  let stopping = false;
  const policyView = async () => {
    const status = holder.status();
    const { replies } = await askAll(false);
    const workers = replies.map((r) => ({ worker: r.slot.slot, pid: r.slot.pid ?? null, revision: r.stats?.revision ?? null, loadedAt: r.stats?.loadedAt ?? null, ...(r.error ? { error: r.error } : {}) }));
    return { ...status, workers, consistent: workers.every((w) => w.revision === status.revision) };
  };
  const admin = createAdminServer({
    ready: async (): Promise<Readiness> => {
      const { replies, revision } = await askAll(false);
      const ready = !stopping && (audit.healthy?.() ?? true) && lastReady === options.workers;
      return {
        ready,
        workers: { expected: options.workers, ready: lastReady },
        revision,
        consistent: replies.every((r) => r.stats === undefined || r.stats.revision === revision),
        ...(stopping ? { draining: true } : {}),
      };
    },
    policy: policyView,
    metrics: async (): Promise<Registry> => {
      const { replies } = await askAll(true);
      const all = [await metrics.registry.getMetricsAsJSON(), ...replies.flatMap((r) => (r.metrics ? [r.metrics] : []))];
      return AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]);
    },
    workers: async () => {
      const { replies } = await askAll(false);
      return {
        expected: options.workers,
        ready: lastReady,
        workers: replies.map((r) => ({
          worker: r.slot.slot,
          state: r.slot.state,
          pid: r.slot.pid ?? null,
          restarts: r.slot.restarts,
          lastExit: r.slot.lastExit,
          ...(r.stats ?? {}),
          ...(r.error ? { error: r.error } : {}),
        })),
      };
    },
  });
  // The same client-side limits as the workers' listeners (src/server/http-limits.ts).
  applyListenerLimits(admin, listenerLimits(holder.runtime().policy), 'admin');
  const adminAddress = await listenAdmin(admin, options.admin.host, options.admin.port);

  // ---- workers
  let started = false;
  let proxyAddress: AddressInfo | undefined;
  let onAllListening: (() => void) | undefined;
  let onStartFailure: ((err: Error) => void) | undefined;
  let hardKill: NodeJS.Timeout | undefined;

  const initFor = (slot: Slot): ToWorker => ({
    eg: 'init',
    slot: slot.slot,
    policy: { text: policyText, source: policySource },
    proxy: options.proxy,
    admin: adminAddress,
    key: options.key.toString('hex'),
    auditHealthy,
    dnsServers: options.dnsServers,
  });

  const fork = (slot: Slot) => {
    slot.restartTimer = undefined;
    const worker = cluster.fork();
    slot.worker = worker;
    slot.pid = worker.process.pid;
    slot.state = 'starting';
    slot.initialised = false;
    slot.drained = false;
    slot.startedAt = Date.now();
    worker.on('message', (message: unknown) => {
      if (isMessage<FromWorker>(message)) onMessage(slot, worker, message);
    });
    worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
    // A worker that dies between a check and a send closes the channel under it; an 'error'
    // without a listener would take the primary down with it. Its exit is handled above.
    worker.on('error', (err: Error) => options.log.debug({ err, worker: slot.slot }, 'worker channel error'));
  };

  const onMessage = (slot: Slot, worker: Worker, message: FromWorker) => {
    if (slot.worker !== worker) return;
    switch (message.eg) {
      case 'hello':
        slot.initialised = true;
        post(worker, initFor(slot));
        if (stopping) post(worker, { eg: 'drain', ms: drainMs } satisfies ToWorker);
        return;
      case 'listening':
        slot.state = 'listening';
        proxyAddress ??= message.address;
        if (started) log.info({ worker: slot.slot, pid: slot.pid, restarts: slot.restarts }, 'worker restarted and listening');
        else if (slots.every((s) => s.state === 'listening')) onAllListening?.();
        return;
      case 'start-failed':
        log.error({ worker: slot.slot, pid: slot.pid, reason: message.message }, 'worker could not start');
        return;
      case 'audit':
        for (const line of message.lines) audit.write(JSON.parse(line) as AuditEntry);
        return;
      case 'audit-flush':
        audit.flush().then(
          () => worker.isConnected() && post(worker, { eg: 'audit-flushed', id: message.id, ok: true } satisfies ToWorker),
          () => worker.isConnected() && post(worker, { eg: 'audit-flushed', id: message.id, ok: false } satisfies ToWorker),
        );
        return;
      case 'status':
        for (const [id, p] of pending) {
          if (id !== message.id) continue;
          clearTimeout(p.timer);
          pending.delete(id);
          p.resolve({ slot, stats: message.stats, ...(message.metrics ? { metrics: message.metrics } : {}) });
        }
        return;
      case 'policy-applied':
        if (!message.ok) log.error({ worker: slot.slot, revision: message.revision, issues: message.issues }, 'a worker rejected the policy the primary accepted: workers disagree (see /policy)');
        return;
      case 'drained':
        slot.drained = true;
        return;
    }
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.state = 'down';
    slot.initialised = false;
    slot.lastExit = { code, signal };
    for (const [id, p] of pending) {
      if (p.slot !== slot) continue;
      clearTimeout(p.timer);
      pending.delete(id);
      p.resolve({ slot, error: 'exited' });
    }
    if (stopping) {
      log.info({ worker: slot.slot, pid: slot.pid, code, signal, drained: slot.drained }, 'worker exited');
      if (slots.every((s) => s.state === 'down')) void finish();
      return;
    }
    if (!started) {
      onStartFailure?.(new Error(`worker ${slot.slot} (pid ${slot.pid}) exited during start-up (code ${code}, signal ${signal})`));
      return;
    }
    const lived = Date.now() - slot.startedAt;
    slot.failures = lived >= CLUSTER_DEFAULTS.restartResetMs ? 1 : slot.failures + 1;
    slot.restarts += 1;
    const delay = Math.min(CLUSTER_DEFAULTS.restartBaseMs * 2 ** (slot.failures - 1), CLUSTER_DEFAULTS.restartMaxMs);
    clusterMetrics.workerRestarted();
    log.error({ worker: slot.slot, pid: slot.pid, code, signal, livedMs: lived, restartInMs: delay, failures: slot.failures }, 'worker died unexpectedly; restarting');
    slot.restartTimer = setTimeout(() => fork(slot), delay);
  };

  const killAll = () => {
    for (const s of slots) {
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.worker?.process.kill('SIGKILL');
    }
  };

  let finishing = false;
  const finish = async () => {
    if (finishing) return;
    finishing = true;
    if (hardKill) clearTimeout(hardKill);
    clearInterval(healthTimer);
    watcher?.close();
    await new Promise<void>((resolve) => admin.close(() => resolve()));
    admin.closeAllConnections();
    let code = slots.every((s) => s.drained && s.lastExit?.code === 0) ? 0 : 1;
    try {
      await audit.close();
    } catch (err) {
      log.error({ err }, 'closing the audit trail failed');
      code = 1;
    }
    log.info({ exitCode: code }, 'stopped');
    log.flush();
    process.exit(code);
  };

  // Workers run this same program (cluster re-executes argv) and take the worker path. V8
  // serialization on the channel: audit lines (strings) travel without JSON escaping.
  cluster.setupPrimary({ serialization: 'advanced' });
  const startup = new Promise<void>((resolve, reject) => {
    onAllListening = resolve;
    onStartFailure = reject;
    setTimeout(() => reject(new Error(`workers did not all listen within ${CLUSTER_DEFAULTS.startTimeoutMs} ms`)), CLUSTER_DEFAULTS.startTimeoutMs).unref();
  });
  for (const slot of slots) fork(slot);
  try {
    await startup;
  } catch (err) {
    log.fatal({ err }, 'cluster start failed');
    stopping = true;
    killAll();
    clearInterval(healthTimer);
    admin.close();
    await audit.close().catch(() => {});
    log.flush();
    process.exit(1);
  }
  started = true;
  options.reportPolicy(holder.runtime().policy);
  holder.onSwap((current) => options.reportPolicy(current.policy));

  // ---- reload: the primary reads and validates; workers compile the accepted text.
  let watcher: FileWatcher | undefined;
  if (options.policyFile !== null && options.loaded.text !== undefined) {
    const file = options.policyFile;
    const reloader = new PolicyFileReloader({
      path: file,
      holder,
      log,
      loadedText: options.loaded.text,
      onReloaded: (text) => {
        policyText = text;
        broadcast({ eg: 'policy', text, source: policySource });
      },
    });
    const reload = (trigger: ReloadTrigger) => {
      if (stopping) return;
      try {
        reloader.check(trigger);
      } catch (err) {
        log.error({ err, trigger }, 'policy reload failed unexpectedly');
      }
    };
    process.on('SIGHUP', () => reload('sighup'));
    if (options.watch) watcher = watchPolicyFile(file, () => reload('watch'), { log });
    const watching = !options.watch ? 'off' : watcher?.watchingDirectory ? 'directory' : 'poll';
    log.info({ policy: file, sighup: true, watch: watching, workers: options.workers }, 'policy reload enabled');
  } else {
    process.on('SIGHUP', () => log.warn({ policy: policySource }, 'SIGHUP: the embedded default policy cannot be reloaded; start with --policy FILE'));
  }

  // ---- shutdown
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      killAll();
      log.flush();
      process.exit(1);
    }
    stopping = true;
    watcher?.close();
    log.info({ signal, drainMs, workers: slots.filter((s) => s.worker).length }, 'draining');
    for (const s of slots) {
      if (s.restartTimer) {
        clearTimeout(s.restartTimer);
        s.restartTimer = undefined;
      }
      if (s.worker && s.initialised && s.worker.isConnected()) post(s.worker, { eg: 'drain', ms: drainMs } satisfies ToWorker);
    }
    hardKill = setTimeout(() => {
      log.warn({ left: slots.filter((s) => s.worker).map((s) => s.slot) }, 'workers did not stop after the drain timeout: killing them');
      killAll();
    }, drainMs + CLUSTER_DEFAULTS.killGraceMs);
    if (slots.every((s) => s.state === 'down')) void finish();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Announced last: whoever reads this line may signal the process at once, and every signal
  // must find its handler (SIGTERM's and SIGHUP's default actions would kill it).
  log.info(
    {
      proxy: `${proxyAddress!.address}:${proxyAddress!.port}`,
      admin: `${adminAddress.address}:${adminAddress.port}`,
      policy: policySource,
      revision: holder.runtime().policy.revision,
      audit: options.auditTarget,
      workers: options.workers,
      pids: slots.map((s) => s.pid),
      // The workers run with the primary's node flags (cluster.fork passes process.execArgv).
      gc: gcMode(),
    },
    'egress-guard listening',
  );
}

/** In a cluster worker (re-executed by the primary). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
