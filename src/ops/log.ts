import pino, { type Logger } from 'pino';
import { EgError } from '../errors.js';

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  readonly level: string;
  /** auto (the default): pretty on a terminal, JSON otherwise. */
  readonly format?: string;
  /** Fields on every line (service; worker in a cluster worker). */
  readonly base?: Record<string, unknown>;
  /** Whether stderr is a terminal (tests pass it; default: process.stderr.isTTY). */
  readonly tty?: boolean;
}

/** auto → pretty on a terminal, else JSON (what log shippers read). */
export function resolveLogFormat(format: string | undefined, tty: boolean): 'json' | 'pretty' {
  const value = (format ?? 'auto').trim().toLowerCase() || 'auto';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new EgError('EG_CONFIG_INVALID', `log format "${format}": expected ${LOG_FORMATS.join(', ')} (--log-format or EG_LOG_FORMAT)`);
  }
  if (value === 'auto') return tty ? 'pretty' : 'json';
  return value as 'json' | 'pretty';
}

/**
 * The operational logger: pino on stderr (fd 2), apart from the audit trail (stdout or files).
 * JSON, one object per line, unless stderr is a terminal (then pino-pretty, in pino's transport
 * thread) or EG_LOG_FORMAT / --log-format says otherwise.
 */
export function createLogger(options: LogOptions): Logger {
  const format = resolveLogFormat(options.format, options.tty ?? Boolean(process.stderr.isTTY));
  const settings = { level: options.level, base: { service: 'egress-guard', ...options.base } };
  if (format === 'json') return pino(settings, pino.destination({ dest: 2, sync: true }));
  return pino(
    settings,
    pino.transport({
      target: 'pino-pretty',
      options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true },
    }),
  );
}
