/**
 * The V8 flags the gateway is started with wherever this repository starts it: the ENTRYPOINT of
 * deploy/Dockerfile, the ExecStart of deploy/systemd/egress-guard.service, `npm start` and the
 * bench's gateway (test/unit/deploy/node-flags.test.ts holds each to this list). Cluster workers
 * inherit them (cluster.fork passes process.execArgv). They must be on node's command line: V8
 * reads them when it starts, and switching the collector of a running process aborts it, so
 * `serve` cannot set them itself.
 *
 * --single-threaded-gc: V8 collects on the thread that allocates, without its helper threads.
 * Those helpers run at normal priority on any core. The gateway runs one process per CPU, and each
 * process has its own helpers and an inspection thread at nice 10 (inspect-worker.ts). So while
 * a large body is parsed, the helpers collecting for that thread take the core from the event
 * loop: 16 MiB uploads through `serve --workers 1` pinned to one CPU (bench/README.md) stalled the
 * loop for 23–75 ms (median 49; 11 of 28 uploads over 50 ms) with them and 18–45 ms (median 32;
 * 20 uploads) without, in interleaved runs of four. The CPU per 2 KiB request did not move
 * measurably.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** How this process collects garbage, for the start-up log line. */
export function gcMode(execArgv: readonly string[] = process.execArgv): 'single-threaded' | 'parallel' {
  return execArgv.includes('--single-threaded-gc') ? 'single-threaded' : 'parallel';
}
