import { setFlagsFromString } from 'node:v8';

/**
 * V8 hands a function to its optimising compiler (TurboFan) once the function has used up an
 * "interrupt budget" of executed bytecode (66 KiB by default in Node 20's V8). The classifier is
 * many small functions, and a `scan --ndjson` batch of a few hundred documents takes most of them
 * past that budget within its first documents. TurboFan then compiles them on background
 * threads, and compiles some again after a deoptimisation when a document of another shape
 * arrives. In a process that lives for half a second, that compiling is a large part of the
 * work, and on a busy or pinned core it takes the CPU from the scan. With 256 KiB, a short batch
 * stays in the interpreter and the baseline compiler, and a long one still gets optimised code
 * where it runs hot.
 *
 * Measured on the development machine (2 cores, Node 20.20), start to exit, the two builds
 * interleaved, medians of 5–9 runs:
 * - the scorer's public sample (300 documents), pinned to one CPU: 719 → 465 ms;
 * - the same, unpinned: 468 → 404 ms; the scorer's throughput_bps 375 → 475 KB/s;
 * - ten copies of the sample (3,000 documents): 1,625 → 1,451 ms pinned, 1,145 → 1,146 ms
 *   unpinned.
 * 128 KiB gained less. 512 KiB and 1 MiB gained no more on the sample and lost on the copies.
 *
 * Only batch commands use it: the gateway (`serve`) runs for days, and there what matters is
 * how soon its request path is optimised.
 */
export const BATCH_INTERRUPT_BUDGET = 256 * 1024;

/** Whether the CLI's arguments ask for a batch run, `scan --ndjson`, the one command that raises
 *  the budget. The bin asks before the bundle loads (src/cli/code-cache.ts), where commander has
 *  not read the arguments yet; main.ts raises it again when commander has, which changes nothing. */
export function isBatchCommandLine(args: readonly string[]): boolean {
  return args[0] === 'scan' && args.includes('--ndjson');
}

/** V8 reads `--interrupt-budget` and `--interrupt_budget` alike. */
const BUDGET_FLAG = /^--interrupt[-_]budget(=|$)/;

/** Raises V8's interrupt budget for this process, unless node's command line sets one
 *  (`node --interrupt-budget=N`: the bench's baseline, or someone tuning it). Node lets V8 flags
 *  change at run time (`v8.setFlagsFromString`), and V8 reads the budget whenever it resets a
 *  function's counter, so the code that runs from here on tiers up later. */
export function raiseInterruptBudgetForBatch(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((a) => BUDGET_FLAG.test(a))) return;
  setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`);
}
