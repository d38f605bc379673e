import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { createChainedAuditSink } from '../audit/chain-writer.js';
import { loadAuditKey } from '../audit/key.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { formatIssue, loadDefaultPolicy } from '../config/load.js';
import type { CompiledPolicy } from '../config/model.js';
import { dnsServerLookup } from '../destination/resolve.js';
import { EgError } from '../errors.js';
import { createAuditSink, type AuditSink } from '../audit/writer.js';
import { createLogger } from '../ops/log.js';
import { isClusterWorker, runClusterPrimary, runClusterWorker } from '../server/cluster.js';
import { startGateway } from '../server/gateway.js';
import { openVolumeStore } from '../volume/open.js';
import { gcMode } from '../config/node-flags.js';
import { PolicyFileReloader, readPolicyFile, type ReloadTrigger } from '../server/reload.js';
import { watchPolicyFile, type FileWatcher } from '../server/watch.js';

export interface ServeOptions {
  readonly dnsServers?: string;
  readonly policy?: string;
  readonly listen: string;
  readonly admin: string;
  readonly audit: string;
  readonly auditDir?: string;
  readonly auditKeyFile?: string;
  readonly auditRotateBytes: string;
  readonly auditRotateAge: string;
  readonly logLevel: string;
  /** auto (pretty on a terminal, else JSON), json or pretty; also EG_LOG_FORMAT. */
  readonly logFormat?: string;
  readonly drainTimeout: string;
  /** Worker processes on the one proxy port (also EG_WORKERS); default: available parallelism.
   *  1 runs everything in this process, as before clustering existed. */
  readonly workers?: string;
  /** Reload when the policy file changes on disk (default: on, unless EG_POLICY_WATCH is
   *  0/false/off). SIGHUP reloads either way. */
  readonly watch?: boolean;
}

function watchEnabled(options: ServeOptions): boolean {
  // commander sets watch to true unless --no-watch is given, so only false is an explicit choice.
  if (options.watch === false) return false;
  const env = process.env['EG_POLICY_WATCH']?.trim().toLowerCase();
  if (env === undefined || env === '' || ['1', 'true', 'on', 'yes'].includes(env)) return true;
  if (['0', 'false', 'off', 'no'].includes(env)) return false;
  throw new EgError('EG_CONFIG_INVALID', `EG_POLICY_WATCH "${process.env['EG_POLICY_WATCH']}": expected on or off`);
}

/** "host:port", "[::1]:port" or ":port" / "port" (loopback). */
export function parseListen(value: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):?(\d+)$/.exec(value.trim()) ?? /^()()(\d+)$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EgError('EG_CONFIG_INVALID', `${flag} "${value}": expected host:port, e.g. 127.0.0.1:3128`);
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

/** --dns-servers / EG_DNS_SERVERS: "ip" or "ip:port" ("[v6]:port"), comma-separated. */
export function parseDnsServers(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((entry) => {
    const server = entry.trim();
    if (!validDnsServer(server)) {
      throw new EgError('EG_CONFIG_INVALID', `--dns-servers "${server}": expected an IP address, optionally with a port (10.0.0.10, 10.0.0.10:5353, fd00::53, [fd00::53]:5353)`);
    }
    return server;
  });
}

function validDnsServer(server: string): boolean {
  if (isIP(server) !== 0) return true;
  const withPort = /^\[(.+)\]:(\d{1,5})$/.exec(server) ?? /^([^:]+):(\d{1,5})$/.exec(server);
  return withPort !== null && isIP(withPort[1]!) !== 0 && Number(withPort[2]) >= 1 && Number(withPort[2]) <= 65_535;
}

/** --workers / EG_WORKERS: a positive whole number, or auto (the default: os.availableParallelism()). */
export function resolveWorkers(value: string | undefined): number {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'auto') return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new EgError('EG_CONFIG_INVALID', `--workers "${value}": expected a whole number from 1 to 1024, or auto`);
  return n;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new EgError('EG_CONFIG_INVALID', `${flag} "${value}": expected a positive whole number`);
  return n;
}

/**
 * With --audit-dir: the hash-chained, rotated trail, keyed by the operator key. Without it:
 * plain lines to a file or stdout, and individuals hashed with the operator key when one is
 * configured, else with a key made for this process (hashes then do not match across restarts,
 * which the log says).
 */
function openAudit(options: ServeOptions, log: Logger, failed: (code: string | undefined) => void): { audit: AuditSink; key: Buffer } {
  const onError = (err: NodeJS.ErrnoException) => {
    failed(err.code);
    log.error({ code: err.code }, 'audit trail cannot be written: exports are refused until it can');
  };
  const configured = options.auditKeyFile !== undefined || process.env['EG_AUDIT_KEY'] !== undefined || process.env['EG_AUDIT_KEY_FILE'] !== undefined;
  if (options.auditDir !== undefined) {
    if (!configured) throw new EgError('EG_CONFIG_INVALID', '--audit-dir needs an operator key: --audit-key-file, EG_AUDIT_KEY or EG_AUDIT_KEY_FILE (make one with `egress-guard audit keygen`)');
    const loaded = loadAuditKey(options.auditKeyFile !== undefined ? { file: options.auditKeyFile } : {});
    for (const warning of loaded.warnings) log.warn(warning);
    const audit = createChainedAuditSink({
      dir: options.auditDir,
      key: loaded.key,
      log,
      rotate: { maxBytes: positiveInt(options.auditRotateBytes, '--audit-rotate-bytes'), maxAgeMs: positiveInt(options.auditRotateAge, '--audit-rotate-age') },
      onError,
    });
    return { audit, key: loaded.key };
  }
  let key: Buffer;
  if (configured) {
    const loaded = loadAuditKey(options.auditKeyFile !== undefined ? { file: options.auditKeyFile } : {});
    for (const warning of loaded.warnings) log.warn(warning);
    key = loaded.key;
  } else {
    key = randomBytes(32);
    log.warn('no audit key configured: individual hashes use a key made for this process and will not match across restarts, and the yearly volume counts would count the same person again after one (set EG_AUDIT_KEY; every gateway sharing a volume store needs the same key)');
  }
  const audit = createAuditSink(options.audit === '-' || options.audit === 'stdout' ? 'stdout' : options.audit, { onError });
  return { audit, key };
}

export async function runServe(options: ServeOptions): Promise<void> {
  if (isClusterWorker()) {
    // A worker of `serve --workers N`: the primary sends it everything else over IPC.
    runClusterWorker(createLogger({ level: options.logLevel, format: options.logFormat }));
    return;
  }
  const workers = resolveWorkers(options.workers);
  const log = createLogger({ level: options.logLevel, format: options.logFormat });
  const proxyAt = parseListen(options.listen, '--listen');
  const adminAt = parseListen(options.admin, '--admin');
  const drainMs = Number(options.drainTimeout);
  if (!Number.isFinite(drainMs) || drainMs < 0) throw new EgError('EG_CONFIG_INVALID', `--drain-timeout "${options.drainTimeout}": expected milliseconds`);
  const watch = watchEnabled(options);
  // A file's text is kept: its hash tells a later edit from an unchanged rewrite.
  const loaded = options.policy ? readPolicyFile(options.policy) : { text: undefined, policy: loadDefaultPolicy() };
  const { policy } = loaded;
  // The sink exists before the gateway (and its metrics); failures are counted once both do.
  let countFailure: (code: string | undefined) => void = () => {};
  const { audit, key } = openAudit(options, log, (code) => countFailure(code));
  const dnsServers = parseDnsServers(options.dnsServers);
  if (workers > 1) {
    await runClusterPrimary({
      dnsServers,
      log,
      workers,
      proxy: proxyAt,
      admin: adminAt,
      drainMs,
      policyFile: options.policy ?? null,
      loaded,
      watch,
      audit,
      auditTarget: options.auditDir ?? options.audit,
      key,
      onAuditFailure: (handler) => (countFailure = handler),
      reportPolicy: (current) => reportPolicy(log, current),
    });
    return;
  }
  const gateway = await startGateway({
    policy,
    audit,
    log,
    proxyHost: proxyAt.host,
    proxyPort: proxyAt.port,
    adminHost: adminAt.host,
    adminPort: adminAt.port,
    individualKey: key,
    processMetrics: true,
    recordPerTurn: true,
    ...(dnsServers ? { lookupHost: dnsServerLookup(dnsServers) } : {}),
    // The yearly volume counters live where the policy says (volume.store; default a SQLite file).
    volumeStore: (settings) => openVolumeStore(settings, log),
  });
  countFailure = (code) => gateway.metrics.auditWriteFailed(code);
  reportPolicy(log, policy);
  gateway.policy.onSwap((current) => reportPolicy(log, current.policy));

  // Hot reload: SIGHUP, and changes to the file on disk. Loading and compiling are synchronous,
  // so two reloads never overlap; a rejected file leaves the running policy in place.
  let watcher: FileWatcher | undefined;
  if (options.policy !== undefined && loaded.text !== undefined) {
    const reloader = new PolicyFileReloader({ path: options.policy, holder: gateway.policy, log, loadedText: loaded.text });
    const reload = (trigger: ReloadTrigger) => {
      try {
        reloader.check(trigger);
      } catch (err) {
        log.error({ err, trigger }, 'policy reload failed unexpectedly');
      }
    };
    process.on('SIGHUP', () => reload('sighup'));
    if (watch) watcher = watchPolicyFile(options.policy, () => reload('watch'), { log });
    const watching = !watch ? 'off' : watcher?.watchingDirectory ? 'directory' : 'poll';
    log.info({ policy: options.policy, sighup: true, watch: watching }, 'policy reload enabled');
  } else {
    // SIGHUP's default action would kill the process.
    process.on('SIGHUP', () => log.warn({ policy: policy.source }, 'SIGHUP: the embedded default policy cannot be reloaded; start with --policy FILE'));
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    watcher?.close();
    log.info({ signal, drainMs }, 'draining');
    gateway
      .close(drainMs)
      .then(async () => {
        await audit.close();
        log.info('stopped');
        log.flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Announced last: whoever reads this line may signal the process at once, and every signal
  // must find its handler (SIGTERM's and SIGHUP's default actions would kill it).
  log.info(
    {
      proxy: `${gateway.proxyAddress.address}:${gateway.proxyAddress.port}`,
      admin: `${gateway.adminAddress.address}:${gateway.adminAddress.port}`,
      policy: policy.source,
      revision: policy.revision,
      audit: options.auditDir ?? options.audit,
      workers: 1,
      gc: gcMode(),
    },
    'egress-guard listening',
  );
}

/** Warnings and bases near or past their end, at every load: operators read them in the log
 *  before a basis lapses and flows start being refused. */
function reportPolicy(log: Logger, policy: CompiledPolicy): void {
  for (const warning of policy.warnings) log.warn({ policy: policy.source, revision: policy.revision }, `policy warning: ${formatIssue(warning)}`);
  for (const e of policy.basisExpiries(shanghaiDate(new Date()))) {
    if (e.state === 'valid') continue;
    log.warn({ basis: e.id, state: e.state, validTo: e.validTo, daysLeft: e.daysLeft }, `legal basis ${e.id} is ${e.state.replace(/_/g, ' ')}`);
  }
}
