import pino from 'pino';
import { loadDefaultPolicy, loadPolicyFile } from '../config/load.js';
import { EgError } from '../errors.js';
import { createAuditSink } from '../audit/writer.js';
import { startGateway } from '../server/gateway.js';

export interface ServeOptions {
  readonly policy?: string;
  readonly listen: string;
  readonly admin: string;
  readonly audit: string;
  readonly logLevel: string;
  readonly drainTimeout: string;
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

export async function runServe(options: ServeOptions): Promise<void> {
  const log = pino({ level: options.logLevel, base: { service: 'egress-guard' } }, pino.destination(2));
  const proxyAt = parseListen(options.listen, '--listen');
  const adminAt = parseListen(options.admin, '--admin');
  const drainMs = Number(options.drainTimeout);
  if (!Number.isFinite(drainMs) || drainMs < 0) throw new EgError('EG_CONFIG_INVALID', `--drain-timeout "${options.drainTimeout}": expected milliseconds`);
  const policy = options.policy ? loadPolicyFile(options.policy) : loadDefaultPolicy();
  const audit = createAuditSink(options.audit === '-' || options.audit === 'stdout' ? 'stdout' : options.audit);
  const gateway = await startGateway({
    policy,
    audit,
    log,
    proxyHost: proxyAt.host,
    proxyPort: proxyAt.port,
    adminHost: adminAt.host,
    adminPort: adminAt.port,
  });
  log.info(
    {
      proxy: `${gateway.proxyAddress.address}:${gateway.proxyAddress.port}`,
      admin: `${gateway.adminAddress.address}:${gateway.adminAddress.port}`,
      policy: policy.source,
      revision: policy.revision,
      audit: options.audit,
    },
    'egress-guard listening',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
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
}
