import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../config/model.js';
import { createUpstream, type Upstream } from '../forward/upstream.js';
import type { AuditSink } from '../audit/writer.js';
import { handleRequest } from '../pipeline/run.js';
import type { GatewayEnv, TunnelBinding } from '../pipeline/runtime.js';
import { EgError, ERRORS } from '../errors.js';
import { handleConnect } from './connect.js';
import { applyListenerLimits, listenerLimits, ListenerGuard } from './http-limits.js';
import { createAdminServer } from './admin.js';
import { createMetrics, type GatewayMetrics } from '../ops/metrics.js';
import { PolicyHolder, type ReloadResult } from './reload.js';
import { isAuditEvent, type AuditEntry } from '../audit/event.js';
import { TurnBatch } from '../pipeline/turn-batch.js';
import type { CompiledPolicy as Policy, VolumeStoreSettings } from '../config/model.js';
import { VolumeCounter } from '../volume/counter.js';
import { openMemoryStore } from '../volume/open.js';
import { counterLabel, ratioOf } from '../volume/status.js';
import type { VolumeStore } from '../volume/store.js';
import type { VolumeSnapshot } from '../ops/metrics.js';
import { DriftTracker } from '../policy/drift.js';
import { InventoryBuilder } from '../inventory/build.js';
import { InspectPool, inspectPoolSettings, type InspectPoolSettings } from '../pipeline/inspect-pool.js';

export interface GatewayOptions {
  readonly policy: CompiledPolicy;
  readonly audit: AuditSink;
  readonly log: Logger;
  readonly proxyHost: string;
  readonly proxyPort: number;
  readonly adminHost: string;
  readonly adminPort: number;
  /** The admin listener is served by another process at this address (a cluster worker: the
   *  primary serves it for every worker). No admin listener is opened here; the address's port
   *  is still refused as a destination (EG_LOOP_DETECTED), like the gateway's own ports. */
  readonly adminElsewhere?: AddressInfo;
  /** Replaces system DNS (tests). */
  readonly lookupHost?: (host: string) => Promise<string[]>;
  /** Operator key for the keyed hashes of individuals in audit events. */
  readonly individualKey: Buffer;
  /** Export process and event-loop metrics too (one registry per process: `serve` only). */
  readonly processMetrics?: boolean;
  /** Replaces the undici pool (in-process evaluation). Kept across reloads: a policy's
   *  timeouts then do not apply to it. */
  readonly upstream?: Upstream;
  /** Opens the volume store a policy names (`serve`: openVolumeStore). Default: counts in memory,
   *  whatever the policy names (in-process evaluation, tests). */
  readonly volumeStore?: (settings: VolumeStoreSettings) => VolumeStore;
  /** See GatewayEnv: the decision time, the client address, addresses treated as public. */
  readonly clock?: GatewayEnv['clock'];
  readonly clientAddressOf?: GatewayEnv['clientAddressOf'];
  readonly publicAddresses?: GatewayEnv['publicAddresses'];
  /** Threads for large bodies (src/pipeline/inspect-pool.ts); default: EG_INSPECT_THREADS and
   *  EG_INSPECT_THRESHOLD_BYTES, else 1 thread for bodies from 256 KiB. */
  readonly inspect?: InspectPoolSettings;
  /** Record audit events once per event-loop turn (src/pipeline/turn-batch.ts) rather than as each
   *  request ends: `serve` does, for ~8 % less CPU per small request. Off by default, so that an
   *  in-process caller (the policy test runner, tests) finds a request's event in its sink as
   *  soon as the response is read. flush(), close(), stats and scrapes see pending events either
   *  way. */
  readonly recordPerTurn?: boolean;
}

/** What a process of the gateway reports about itself (/workers, the cluster's status calls). */
export interface GatewayStats {
  readonly pid: number;
  /** Listening, not draining, and the audit sink healthy. */
  readonly ready: boolean;
  readonly draining: boolean;
  readonly revision: string;
  readonly loadedAt: string;
  /** Audit events recorded (one per request and per CONNECT tunnel) since start. */
  readonly requests: number;
  /** Requests and tunnels being handled now. */
  readonly inFlight: number;
  readonly uptimeSeconds: number;
  /** The yearly volume store: off (the policy needs none), ok, or unavailable. */
  readonly volume?: 'off' | 'ok' | 'unavailable';
}

export interface Gateway {
  readonly proxyAddress: AddressInfo;
  /** The admin listener, or the other process's one given as `adminElsewhere`. */
  readonly adminAddress: AddressInfo;
  /** The running policy, its reload counters and status (what /policy shows). */
  readonly policy: PolicyHolder;
  /** What /metrics exports; `auditWriteFailed` is fed by the audit sink's error hook. */
  readonly metrics: GatewayMetrics;
  /** Compiles `next` beside the running policy and swaps it in only if that succeeds; requests
   *  in flight finish under the policy they started with. Never throws: a failure keeps the
   *  running policy and is counted. A function is called to load the policy, so its errors
   *  count as failed reloads too. */
  reload(next: CompiledPolicy | (() => CompiledPolicy)): ReloadResult;
  /** Ready to take traffic: not draining and the audit trail writable (what /readyz answers). */
  ready(): boolean;
  stats(): GatewayStats;
  /** Stop accepting, let in-flight requests finish up to `drainMs`, then close everything and
   *  flush the audit trail. */
  close(drainMs?: number): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const holder = new PolicyHolder(options.policy);
  let upstream: Upstream = options.upstream ?? createUpstream(options.policy.timeouts);
  const retired: Promise<void>[] = [];
  // The upstream pool carries the policy's timeouts: a reload that changes them gets a new pool.
  // The old one closes gracefully (undici lets its running requests finish).
  holder.onSwap((current, previous) => {
    if (options.upstream) return;
    const next = current.policy.timeouts;
    const prev = previous.policy.timeouts;
    if (next.connectMs === prev.connectMs && next.headersMs === prev.headersMs && next.bodyMs === prev.bodyMs) return;
    const old = upstream;
    upstream = createUpstream(next);
    retired.push(old.close().catch((err: unknown) => options.log.warn({ err }, 'closing the previous upstream pool failed')));
  });
  const metrics = createMetrics({
    settle: () => records.drain(),
    policy: () => holder.runtime().policy,
    reloads: () => holder.counters(),
    auditStatus: () => (options.audit as { status?: () => { pendingBytes: number; dropped: number } }).status?.(),
    defaultMetrics: options.processMetrics ?? false,
    volume: async () => volumeSnapshot(volume, holder.runtime().policy, options.clock?.() ?? new Date()),
  });
  // Request metrics come from the audit events: what is counted is what is recorded.
  const inner = options.audit;
  let recorded = 0;
  // The live data-flow inventory (/inventory): what this process has seen since it started.
  const inventory = new InventoryBuilder({ maxHashesPerRow: 10_000 });
  const recordEntry = (event: AuditEntry): void => {
    if (isAuditEvent(event)) {
      recorded += 1;
      inventory.add(event);
      metrics.observe(event);
    }
    inner.write(event);
  };
  // Every record goes through this one queue (audit.write, recordLater), so the trail keeps
  // the order records were made in. A request's event may be queued as the function that
  // builds it: building it is part of the work batched.
  const records = new TurnBatch<AuditEntry | (() => AuditEntry | undefined)>(
    (pending) => {
      const entry = typeof pending === 'function' ? pending() : pending;
      if (entry !== undefined) recordEntry(entry);
    },
    (err) => options.log.error({ err }, 'an audit record could not be recorded'),
  );
  const audit: AuditSink = {
    write: options.recordPerTurn ? (event) => records.push(event) : recordEntry,
    flush: () => {
      records.drain();
      return inner.flush();
    },
    close: () => {
      records.drain();
      return inner.close();
    },
    healthy: () => inner.healthy?.() ?? true,
  };
  // Yearly volume thresholds: the store the policy names (serve) or memory (evaluation, tests).
  const volume = new VolumeCounter({
    log: options.log,
    open: options.volumeStore ?? (() => openMemoryStore()),
    onAlert: (alert) => {
      options.log.warn({ volume: { entity: alert.entity, year: alert.year, counter: alert.counter, level: alert.level, threshold: alert.threshold, count: alert.count }, decisionId: alert.decisionId }, `volume ${alert.level === 'crossed' ? 'threshold reached' : 'alert'}: ${alert.text}`);
      metrics.volumeThreshold(alert.counter, alert.level);
      // Not counted in the stats, which count requests.
      audit.write({
        v: 1, kind: 'threshold', triggeredBy: alert.decisionId, time: new Date().toISOString(), policyRevision: holder.runtime().policy.revision,
        entity: alert.entity, year: alert.year, counter: alert.counter, level: alert.level, threshold: alert.threshold, count: alert.count, text: alert.text, clause: alert.clause,
      });
    },
    onStoreError: () => metrics.volumeStoreError(),
  });
  await volume.configure(options.policy);
  holder.onSwap((current) => void volume.configure(current.policy));
  // Scope drift: each distinct drift once per process, straight to the sink like a threshold.
  const drift = new DriftTracker({
    emit: (record) => {
      options.log.warn({ drift: { kind: record.drift, key: record.key, action: record.action }, decisionId: record.triggeredBy }, `scope drift: ${record.text}`);
      metrics.drift(record.drift);
      audit.write(record);
    },
  });
  const selfPorts = new Set<number>();
  const inspectPool = new InspectPool(options.inspect ?? inspectPoolSettings());
  const env: GatewayEnv = {
    runtime: () => holder.runtime(),
    get upstream() {
      return upstream;
    },
    audit,
    ...(options.recordPerTurn ? { recordLater: (make: () => AuditEntry | undefined) => records.push(make) } : {}),
    log: options.log,
    selfPorts,
    tunnels: new WeakMap<Socket, TunnelBinding>(),
    viaPseudonym: 'egress-guard',
    individualKey: options.individualKey,
    volume,
    drift,
    inspectPool,
    ...(options.lookupHost ? { lookupHost: options.lookupHost } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.clientAddressOf ? { clientAddressOf: options.clientAddressOf } : {}),
    ...(options.publicAddresses ? { publicAddresses: options.publicAddresses } : {}),
  };

  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  let draining = false;
  // Client-side limits (src/server/http-limits.ts): connections, pipelining, framing, headers.
  const guard = new ListenerGuard(listenerLimits(options.policy), options.log, (socket) => env.tunnels.has(socket), (code) => metrics.listenerRefused(code), inspectPool.primeInline);
  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue = false, refusal: EgError | null = null) => {
    if (draining) {
      // A kept-alive connection may still carry a request after close() began.
      metrics.listenerRefused('EG_SHUTTING_DOWN');
      const body = JSON.stringify({ error: { code: 'EG_SHUTTING_DOWN', message: ERRORS.EG_SHUTTING_DOWN.message } });
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', 'x-egress-error': 'EG_SHUTTING_DOWN' });
      res.end(body);
      return;
    }
    guard.admit(req, res, () =>
      track(
        handleRequest(env, req, res, expectsContinue).catch((err: unknown) => {
          options.log.error({ err }, 'unhandled request failure');
          res.destroy();
        }),
      ),
      refusal,
    );
  };

  const proxy = createServer({ keepAlive: true });
  applyListenerLimits(proxy, listenerLimits(options.policy));
  holder.onSwap((current) => {
    const limits = listenerLimits(current.policy);
    guard.setLimits(limits);
    applyListenerLimits(proxy, limits);
    if (admin) applyListenerLimits(admin, limits, 'admin');
  });
  proxy.on('connection', (socket: Socket) => guard.onConnection(socket));
  // A client that half-closes after its request (shutdown(SHUT_WR)) still gets its answer;
  // Node's default would abort the request the moment the client's FIN arrives.
  (proxy as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  proxy.on('request', (req, res) => onRequest(req, res));
  // The decision on the destination comes before "100 Continue": a refused request never makes
  // the client send its body.
  proxy.on('checkContinue', (req, res) => onRequest(req, res, true));
  // Any other expectation: refused through the pipeline (coded body, audit event), not Node's
  // bare 417. The value is the client's and is not echoed.
  proxy.on('checkExpectation', (req, res) => onRequest(req, res, false, new EgError('EG_EXPECTATION_FAILED')));
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (guard.dropped(socket)) return;
    track(
      handleConnect(env, proxy, req, socket, head, guard.refusalFor(req)).catch((err: unknown) => {
        options.log.error({ err }, 'unhandled CONNECT failure');
        socket.destroy();
      }),
    );
  });
  proxy.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => guard.onClientError(err, socket));

  const startedAt = Date.now();
  const ready = () => !draining && (inner.healthy?.() ?? true) && volume.ready(holder.runtime().policy);
  // /readyz says which part is not ready: the audit trail, or the volume store (on_store_failure: refuse).
  const readiness = () => ({ ready: ready(), audit: (inner.healthy?.() ?? true) ? 'ok' : 'failing', volume: volume.state(holder.runtime().policy) });
  const stats = (): GatewayStats => {
    records.drain();
    const status = holder.status();
    return {
      pid: process.pid,
      ready: ready(),
      draining,
      revision: status.revision,
      loadedAt: status.loadedAt,
      requests: recorded,
      inFlight: inFlight.size,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      volume: volume.state(holder.runtime().policy),
    };
  };
  const admin = options.adminElsewhere
    ? undefined
    : createAdminServer({
        ready: readiness,
        policy: () => holder.status(),
        metrics: metrics.registry,
        workers: () => ({ workers: [{ worker: 0, ...stats() }] }),
        inventory: () => {
          records.drain();
          return { since: new Date(startedAt).toISOString(), ...inventory.finish() };
        },
      });
  if (admin) applyListenerLimits(admin, listenerLimits(options.policy), 'admin');
  const proxyAddress = await listen(proxy, options.proxyHost, options.proxyPort);
  let adminAddress: AddressInfo;
  if (admin) {
    try {
      adminAddress = await listen(admin, options.adminHost, options.adminPort);
    } catch (err) {
      proxy.close();
      throw err;
    }
  } else {
    adminAddress = options.adminElsewhere!;
  }
  selfPorts.add(proxyAddress.port);
  selfPorts.add(adminAddress.port);

  let closing: Promise<void> | undefined;
  return {
    proxyAddress,
    adminAddress,
    policy: holder,
    metrics,
    reload: (next) => holder.reload(next),
    ready,
    stats,
    close(drainMs = 10_000) {
      closing ??= (async () => {
        draining = true;
        const stopped = new Promise<void>((resolve) => proxy.close(() => resolve()));
        proxy.closeIdleConnections();
        const drained = Promise.allSettled([...inFlight]);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), drainMs)));
        const outcome = await Promise.race([drained.then(() => 'drained' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') options.log.warn({ inFlight: inFlight.size }, 'drain timeout: closing remaining connections');
        proxy.closeAllConnections();
        await stopped;
        if (admin) {
          await new Promise<void>((resolve) => admin.close(() => resolve()));
          admin.closeAllConnections();
        }
        await Promise.all([upstream.close(), ...retired, inspectPool.close()]);
        await volume.close();
        await audit.flush();
      })();
      return closing;
    },
  };
}

/** The gauges' view of the counters: this year's counts (from the store, else the last known). */
async function volumeSnapshot(volume: VolumeCounter, policy: Policy, now: Date): Promise<VolumeSnapshot> {
  const state = volume.state(policy);
  if (state === 'off') return { counters: [], storeUp: null };
  const { counts } = await volume.totals(policy, now);
  const counters = [...counts].map(([counter, individuals]) => ({ label: counterLabel(counter), individuals, ratio: ratioOf(policy, counter, individuals) }));
  return { counters, storeUp: state === 'ok' ? 1 : 0 };
}
