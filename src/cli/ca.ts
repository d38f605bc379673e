import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { EgError } from '../errors.js';
import { createOperatorCa, DEFAULT_CA_DAYS, trustInstructions } from '../tls/ca.js';
import type { KeyKind } from '../tls/x509.js';

export interface CaInitOptions {
  readonly out: string;
  /** true (bare --rsa) or the bit count as given. */
  readonly rsa?: boolean | string;
  readonly name?: string;
  readonly days?: string;
  readonly force?: boolean;
}

/** `egress-guard ca init`: writes DIR/ca.crt and DIR/ca.key (0600) and prints how to trust it. */
export async function runCaInit(opts: CaInitOptions, stdout: Writable): Promise<number> {
  let kind: KeyKind = { type: 'ec', curve: 'P-256' };
  if (opts.rsa !== undefined && opts.rsa !== false) {
    const bits = opts.rsa === true ? 3072 : Number(opts.rsa);
    if (bits !== 2048 && bits !== 3072) throw new EgError('EG_CONFIG_INVALID', `--rsa ${String(opts.rsa)}: use 2048 or 3072`);
    kind = { type: 'rsa', bits };
  }
  const days = opts.days === undefined ? DEFAULT_CA_DAYS : Number(opts.days);
  if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new EgError('EG_CONFIG_INVALID', `--days ${String(opts.days)}: a whole number of days from 1 to 36500`);
  const dir = resolve(opts.out);
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  for (const path of [certPath, keyPath]) {
    if (existsSync(path) && !opts.force) throw new EgError('EG_CONFIG_INVALID', `${path} exists; a CA that clients already trust is not replaced without --force`);
  }
  const { certPem, keyPem } = await createOperatorCa({ kind, validityDays: days, ...(opts.name ? { commonName: opts.name } : {}) });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const path of [certPath, keyPath]) if (opts.force && existsSync(path)) unlinkSync(path);
  // Created with its final mode ('wx': never through an existing file or link).
  writeFileSync(keyPath, keyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(certPath, certPem, { mode: 0o644, flag: 'wx' });
  const algorithm = kind.type === 'ec' ? 'ECDSA P-256' : `RSA ${kind.bits}`;
  stdout.write(`${algorithm}, valid ${days} days.\n${trustInstructions(certPath, keyPath)}`);
  return 0;
}

export function registerCaCommands(program: Command): void {
  const ca = program.command('ca').description('the operator CA that signs the certificates of intercepted destinations (README "HTTPS")');
  ca.command('init')
    .description('create an operator CA: DIR/ca.crt (clients trust it) and DIR/ca.key (mode 0600, egress-guard only)')
    .requiredOption('--out <dir>', 'directory for ca.crt and ca.key (created if missing)')
    .addOption(new Option('--rsa [bits]', 'an RSA key, 2048 or 3072 bits (bare: 3072), instead of ECDSA P-256'))
    .option('--name <cn>', 'subject common name (default: "egress-guard interception CA" and a random suffix)')
    .option('--days <n>', `validity in days (default ${DEFAULT_CA_DAYS})`)
    .option('--force', 'replace an existing ca.crt and ca.key')
    .action(async (opts: CaInitOptions) => {
      process.exitCode = await runCaInit(opts, process.stdout);
    });
}
