import type { Command } from 'commander';
import { EgError, isEgError } from '../errors.js';
import type { BlockThreshold } from '../policy/replay.js';
import { processIo, type CliIo } from './io.js';

/**
 * `egress-guard replay --policy candidate.yaml [--max-new-blocks N | --max-new-blocks-ratio R]
 * <files…>`: every recorded decision recomputed under the candidate (src/policy/replay.ts).
 * Exit 0, 1 when more flows would be newly blocked than the threshold allows, 2 on a usage error
 * (an invalid candidate policy included).
 */

export interface ReplayFlags {
  readonly policy: string;
  readonly maxNewBlocks?: string;
  readonly maxNewBlocksRatio?: string;
  readonly asOf?: string;
  readonly since?: string;
  readonly until?: string;
  readonly json?: boolean;
}

function threshold(opts: ReplayFlags): BlockThreshold {
  if (opts.maxNewBlocks !== undefined && opts.maxNewBlocksRatio !== undefined) {
    throw new EgError('EG_CONFIG_INVALID', 'give --max-new-blocks or --max-new-blocks-ratio, not both');
  }
  if (opts.maxNewBlocks !== undefined) {
    if (!/^\d+$/.test(opts.maxNewBlocks.trim())) throw new EgError('EG_CONFIG_INVALID', `--max-new-blocks ${JSON.stringify(opts.maxNewBlocks)}: expected a whole number of flows`);
    return { maxNewBlocks: Number(opts.maxNewBlocks) };
  }
  if (opts.maxNewBlocksRatio !== undefined) {
    const r = Number(opts.maxNewBlocksRatio);
    if (opts.maxNewBlocksRatio.trim() === '' || !Number.isFinite(r) || r < 0 || r > 1) throw new EgError('EG_CONFIG_INVALID', `--max-new-blocks-ratio ${JSON.stringify(opts.maxNewBlocksRatio)}: expected a number from 0 to 1`);
    return { maxNewBlocksRatio: r };
  }
  return {};
}

export async function runReplay(args: readonly string[], opts: ReplayFlags, io: CliIo = processIo()): Promise<number> {
  try {
    // Loaded here, not at the top: they bring zod and yaml, which registering the command must
    // not load for every other command.
    // Loaded when the command runs: registering it is part of every command's start (main.ts).
    const [{ parseIsoDate }, { loadPolicyFile }, { checkThreshold, formatReplay, replayTrail }, { expandTrailArgs, parseTimeArg, Progress, totalSize }] = await Promise.all([
      import('../config/schema.js'),
      import('../config/load.js'),
      import('../policy/replay.js'),
      import('../audit/read.js'),
    ]);
    const limit = threshold(opts);
    let asOf: string | undefined;
    if (opts.asOf !== undefined) {
      const day = parseIsoDate(opts.asOf);
      if (typeof day !== 'string') throw new EgError('EG_CONFIG_INVALID', `--as-of: ${day.error}`);
      asOf = day;
    }
    const filter = { since: parseTimeArg(opts.since, '--since'), until: parseTimeArg(opts.until, '--until') };
    const candidate = loadPolicyFile(opts.policy);
    const files = expandTrailArgs(args);
    const report = await replayTrail(files, candidate, filter, asOf ? { asOf } : {}, new Progress(totalSize(files), 'replaying', io.stderr));
    const verdict = checkThreshold(report, limit);
    io.stdout.write(opts.json ? `${JSON.stringify({ ...report, threshold: verdict }, null, 2)}\n` : formatReplay(report, verdict));
    return verdict?.passed ? 1 : 0;
  } catch (err) {
    if (!isEgError(err)) throw err;
    io.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    return 2;
  }
}

export function registerReplayCommand(program: Command, setExitCode: (code: number) => void = (code) => (process.exitCode = code)): Command {
  return program
    .command('replay')
    .description('recompute every recorded decision under a candidate policy and show what would change (exit 1 past the newly-blocked threshold)')
    .argument('<files...>', 'trail files or directories')
    .requiredOption('-p, --policy <file>', 'the candidate policy')
    .option('--max-new-blocks <n>', 'exit 1 when more than n replayed flows would be newly blocked')
    .option('--max-new-blocks-ratio <r>', 'exit 1 when more than this share (0..1) of the replayed flows would be newly blocked')
    .option('--as-of <date>', 'decide every event as on this day (YYYY-MM-DD, Asia/Shanghai) instead of its own, e.g. after a basis expires')
    .option('--since <time>', 'only events at or after this ISO 8601 time (UTC unless an offset is given)')
    .option('--until <time>', 'only events before this ISO 8601 time')
    .option('--json', 'print the report as JSON (every changed flow with its decision id)')
    .action(async (files: string[], opts: ReplayFlags) => setExitCode(await runReplay(files, opts)));
}
