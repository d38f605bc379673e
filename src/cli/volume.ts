import { Option, type Command } from 'commander';
import { EgError } from '../errors.js';

export interface VolumeStatusOptions {
  readonly policy?: string;
  readonly json?: boolean;
  readonly year?: string;
  readonly now?: string;
}

/** `egress-guard volume status`: the yearly counters of the policy's legal entity, read from the
 *  store the policy names (the one the gateways write). */
export async function runVolumeStatus(options: VolumeStatusOptions, out: NodeJS.WritableStream): Promise<number> {
  // Loaded here, not at the top: registering the command must not load the stores' clients
  // (ioredis, a native SQLite) for every other command.
  const [{ loadDefaultPolicy, loadPolicyFile }, { openVolumeStore }, { formatStatus, volumeStatus }] = await Promise.all([
    import('../config/load.js'),
    import('../volume/open.js'),
    import('../volume/status.js'),
  ]);
  const policy = options.policy ? loadPolicyFile(options.policy) : loadDefaultPolicy();
  const now = options.now ? parseNow(options.now) : new Date();
  let year: number | undefined;
  if (options.year !== undefined) {
    year = Number(options.year);
    if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new EgError('EG_CONFIG_INVALID', `--year "${options.year}": expected a year such as 2026`);
  }
  const store = openVolumeStore(policy.volume.store);
  try {
    await store.ready(5_000).catch((err: unknown) => {
      throw new EgError('EG_VOLUME_UNAVAILABLE', (err as Error).message);
    });
    const status = await volumeStatus(store, policy, now, year);
    out.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return 0;
  } finally {
    await store.close();
  }
}

function parseNow(value: string): Date {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00+08:00` : value);
  if (!Number.isFinite(ms)) throw new EgError('EG_CONFIG_INVALID', `--now "${value}": expected YYYY-MM-DD or an ISO time`);
  return new Date(ms);
}

export function registerVolumeCommands(program: Command): void {
  const volume = program.command('volume').description('the yearly volume counters (distinct individuals per legal entity, DOMAIN §3)');
  volume
    .command('status')
    .description('counters per entity, recipient and basis, with the threshold and the projected date of crossing at the current rate')
    .addOption(new Option('-p, --policy <file>', 'policy naming the entity, thresholds and store (default: embedded)').env('EG_POLICY'))
    .option('--json', 'print the status as JSON')
    .option('--year <year>', 'another calendar year (Asia/Shanghai)')
    .option('--now <date>', 'project as of this date (YYYY-MM-DD or ISO time)')
    .action(async (opts: VolumeStatusOptions) => {
      process.exitCode = await runVolumeStatus(opts, process.stdout);
    });
}
