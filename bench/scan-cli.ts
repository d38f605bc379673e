/**
 * `scan --ndjson` as the detection scorer runs it (shared/tools/README.md): one process per
 * corpus, its throughput counted from process start to exit, so the start counts as much as the
 * matcher on a corpus of a few hundred documents. The package's bin (bin/egress-guard.mjs, the
 * bundle of scripts/bundle-cli.mjs) against tsc's unbundled output (dist/src/cli/main.js) as the
 * baseline: both pinned to the server CPU, interleaved, best of `runs`. Two inputs: nothing (the
 * start alone) and NDJSON documents made from bench corpus bodies.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus } from './corpus.js';
import { pinned, ROOT, type Pinning } from './util.js';

export interface ScanCliOptions {
  readonly seed: number;
  /** Bytes of bodies in the NDJSON input. */
  readonly bodyBytes: number;
  readonly runs: number;
  readonly tmpDir: string;
  readonly pin: Pinning;
}

export interface ScanCliTimes {
  /** Seconds, best of the runs. */
  readonly bundle: number;
  readonly unbundled: number;
}

export interface ScanCliResult {
  readonly docs: number;
  readonly bodyBytes: number;
  readonly start: ScanCliTimes;
  readonly corpus: ScanCliTimes;
}

const ENTRIES = {
  bundle: join(ROOT, 'bin', 'egress-guard.mjs'),
  unbundled: join(ROOT, 'dist', 'src', 'cli', 'main.js'),
} as const;

function timeScan(pin: Pinning, entry: string, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(input, 'r');
    const argv = pinned(pin, pin.serverCpu, [process.execPath, entry, 'scan', '--ndjson']);
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [fd, 'ignore', 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${entry} scan --ndjson exited ${code}: ${stderr.trim()}`));
      else resolve((performance.now() - started) / 1e3);
    });
  });
}

async function best(pin: Pinning, input: string, runs: number): Promise<ScanCliTimes> {
  const times = { bundle: Infinity, unbundled: Infinity };
  for (let i = 0; i < runs; i++) {
    // Alternating which goes first spreads the machine's drift over both.
    const order = i % 2 === 0 ? (['bundle', 'unbundled'] as const) : (['unbundled', 'bundle'] as const);
    for (const which of order) times[which] = Math.min(times[which], await timeScan(pin, ENTRIES[which], input));
  }
  return times;
}

export async function runScanCliBench(o: ScanCliOptions): Promise<ScanCliResult> {
  const empty = join(o.tmpDir, 'scan-empty.ndjson');
  writeFileSync(empty, '');
  const corpus = generateCorpus(o.seed, o.bodyBytes);
  const docs = join(o.tmpDir, 'scan-docs.ndjson');
  writeFileSync(docs, corpus.bodies.map((b, i) => `${JSON.stringify({ id: `d${i}`, contentType: 'application/json', body: b.body.toString('utf8') })}\n`).join(''));
  return { docs: corpus.bodies.length, bodyBytes: corpus.bytes, start: await best(o.pin, empty, o.runs), corpus: await best(o.pin, docs, o.runs) };
}
