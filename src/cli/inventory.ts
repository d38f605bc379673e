import type { Command } from 'commander';
import { EgError, isEgError } from '../errors.js';
import { processIo, type CliIo } from './io.js';

/**
 * `egress-guard inventory [--json|--csv] [--since t] [--until t] [--drift] <files…>`: the
 * data-flow inventory of a trail (src/inventory/build.ts), or with --drift every distinct scope
 * drift once with the time it was first seen. Exit 0, 2 on a usage error.
 */

export interface InventoryFlags {
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly bom?: boolean;
  readonly drift?: boolean;
  readonly since?: string;
  readonly until?: string;
}

export async function runInventory(args: readonly string[], opts: InventoryFlags, io: CliIo = processIo()): Promise<number> {
  try {
    if (opts.json && opts.csv) throw new EgError('EG_CONFIG_INVALID', 'give --json or --csv, not both');
    if (opts.drift && opts.csv) throw new EgError('EG_CONFIG_INVALID', '--drift prints a list (text or --json), not CSV');
    // Loaded when the command runs: registering it is part of every command's start (main.ts).
    const [{ expandTrailArgs, parseTimeArg, Progress, totalSize }, { buildInventory }, { formatInventoryCsv, formatInventoryJson, formatInventoryTable }] = await Promise.all([
      import('../audit/read.js'),
      import('../inventory/build.js'),
      import('../inventory/format.js'),
    ]);
    const filter = { since: parseTimeArg(opts.since, '--since'), until: parseTimeArg(opts.until, '--until') };
    const files = expandTrailArgs(args);
    const progress = new Progress(totalSize(files), 'reading', io.stderr);
    if (opts.drift) {
      // Loaded here: it validates lines with zod, which registering the command must not load.
      const { formatDriftLog, readDriftLog } = await import('../inventory/drift-log.js');
      const log = await readDriftLog(files, filter, progress);
      io.stdout.write(opts.json ? `${JSON.stringify(log, null, 2)}\n` : formatDriftLog(log));
      return 0;
    }
    const inventory = await buildInventory(files, filter, progress);
    io.stdout.write(opts.json ? formatInventoryJson(inventory) : opts.csv ? formatInventoryCsv(inventory, { bom: Boolean(opts.bom) }) : formatInventoryTable(inventory));
    return 0;
  } catch (err) {
    if (!isEgError(err)) throw err;
    io.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    return 2;
  }
}

export function registerInventoryCommand(program: Command, setExitCode: (code: number) => void = (code) => (process.exitCode = code)): Command {
  return program
    .command('inventory')
    .description('the data-flow inventory of an audit trail: application → recipient, jurisdiction, domains, IPs, categories, locations, bases, counts (--drift: scope drift)')
    .argument('<files...>', 'trail files or directories')
    .option('--json', 'print the inventory as JSON')
    .option('--csv', "print the inventory as CSV (the columns of a filing's data-links table)")
    .option('--bom', 'with --csv: start with a UTF-8 byte-order mark (for spreadsheet programs)')
    .option('--drift', 'list every distinct scope drift once, with the time it was first seen')
    .option('--since <time>', 'only events at or after this ISO 8601 time (UTC unless an offset is given)')
    .option('--until <time>', 'only events before this ISO 8601 time')
    .action(async (files: string[], opts: InventoryFlags) => setExitCode(await runInventory(files, opts)));
}
