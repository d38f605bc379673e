/**
 * `scan --ndjson` as the detection scorer runs it (shared/tools/README.md): one process per
 * corpus, its throughput counted from process start to exit, so the start counts as much as the
 * matcher on a corpus of a few hundred documents. The package's bin (bin/egress-guard.mjs, the
 * bundle of scripts/bundle-cli.mjs) against tsc's unbundled output (dist/src/cli/main.js) as the
 * baseline: both pinned to the server CPU, interleaved, best of `runs`. Two inputs: nothing (the
 * start alone) and NDJSON documents made from bench corpus bodies.
 *
 * A third, when `../shared` is beside the checkout: the scorer's own public sample, through the
 * bin as shipped, through the same bin without its code cache (`EG_CODE_CACHE=off`,
 * src/cli/code-cache.ts), and without it under Node 20's default interrupt budget (`node
 * --interrupt-budget=67584`, which `scan --ndjson` then leaves alone; src/cli/batch-tiering.ts).
 * That prices what the cache and the raised budget each do on the documents the scorer reads.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
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

export interface ScanCliSample {
  readonly path: string;
  readonly docs: number;
  /** Bytes of the `body` fields, what the scorer's throughput_bps divides. */
  readonly bodyBytes: number;
  /** Seconds, best of the runs: the bin as shipped, the bin without its code cache, and without
   *  it under Node 20's default budget (V8 would refuse the cache under other flags anyway). */
  readonly shipped: number;
  readonly noCodeCache: number;
  readonly defaultBudget: number;
}

export interface ScanCliResult {
  readonly docs: number;
  readonly bodyBytes: number;
  readonly start: ScanCliTimes;
  readonly corpus: ScanCliTimes;
  readonly sample: ScanCliSample | { readonly skipped: string };
}

/** The scorer's corpus as shared/ lays it out beside the checkout (read only). */
export const SCORER_SAMPLE = join(ROOT, '..', 'shared', 'corpus', 'public-sample.ndjson');
/** V8's default --interrupt-budget in Node 20 (`node --v8-options`); later V8s differ, so the
 *  row names the figure. */
const NODE20_DEFAULT_BUDGET = 67_584;

const ENTRIES = {
  bundle: join(ROOT, 'bin', 'egress-guard.mjs'),
  unbundled: join(ROOT, 'dist', 'src', 'cli', 'main.js'),
} as const;

function timeScan(pin: Pinning, entry: string, input: string, nodeFlags: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(input, 'r');
    const argv = pinned(pin, pin.serverCpu, [process.execPath, ...nodeFlags, entry, 'scan', '--ndjson']);
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [fd, 'ignore', 'pipe'], env: { ...process.env, ...env } });
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

/** How to start one variant of the scan process: the entry and node flags before it. */
interface Variant {
  readonly entry: string;
  readonly nodeFlags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Best time of each variant over `runs` rounds; the order flips each round, which spreads the
 *  machine's drift over both. */
async function best<K extends string>(pin: Pinning, input: string, runs: number, variants: Readonly<Record<K, Variant>>): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  const times = Object.fromEntries(names.map((k) => [k, Infinity])) as Record<K, number>;
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 === 0 ? names : [...names].reverse()) {
      const v = variants[which];
      times[which] = Math.min(times[which], await timeScan(pin, v.entry, input, v.nodeFlags, v.env));
    }
  }
  return times;
}

/** The bin compiling its bundle from source (src/cli/code-cache.ts). */
const NO_CODE_CACHE = { EG_CODE_CACHE: 'off' } as const;

const BUNDLE_VS_TSC = { bundle: { entry: ENTRIES.bundle }, unbundled: { entry: ENTRIES.unbundled } } as const;

async function timeSample(pin: Pinning, runs: number): Promise<ScanCliSample | { skipped: string }> {
  if (!existsSync(SCORER_SAMPLE)) return { skipped: `no ${SCORER_SAMPLE}` };
  const lines = readFileSync(SCORER_SAMPLE, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const bodyBytes = lines.reduce((n, l) => n + Buffer.byteLength((JSON.parse(l) as { body: string }).body), 0);
  const times = await best(pin, SCORER_SAMPLE, runs, {
    shipped: { entry: ENTRIES.bundle },
    noCodeCache: { entry: ENTRIES.bundle, env: NO_CODE_CACHE },
    defaultBudget: { entry: ENTRIES.bundle, nodeFlags: [`--interrupt-budget=${NODE20_DEFAULT_BUDGET}`], env: NO_CODE_CACHE },
  });
  return { path: SCORER_SAMPLE, docs: lines.length, bodyBytes, ...times };
}

export async function runScanCliBench(o: ScanCliOptions): Promise<ScanCliResult> {
  const empty = join(o.tmpDir, 'scan-empty.ndjson');
  writeFileSync(empty, '');
  const corpus = generateCorpus(o.seed, o.bodyBytes);
  const docs = join(o.tmpDir, 'scan-docs.ndjson');
  writeFileSync(docs, corpus.bodies.map((b, i) => `${JSON.stringify({ id: `d${i}`, contentType: 'application/json', body: b.body.toString('utf8') })}\n`).join(''));
  return {
    docs: corpus.bodies.length,
    bodyBytes: corpus.bytes,
    start: await best(o.pin, empty, o.runs, BUNDLE_VS_TSC),
    corpus: await best(o.pin, docs, o.runs, BUNDLE_VS_TSC),
    sample: await timeSample(o.pin, o.runs),
  };
}
