/**
 * Matcher throughput on one core (run.ts starts this file as its own process, pinned with
 * taskset, with --expose-gc):
 *
 *   node --expose-gc dist/bench/matcher.js --options '<json MatcherOptions>' --out result.json
 *
 * Engines, each over the same corpus, MB/s = body bytes (UTF-8) / seconds:
 * - product.scan    the leaf classifier alone over every leaf, parsed beforehand without the
 *                   pre-check (candidates, validation, field context, keywords, cross-leaf
 *                   checks): what reading one leaf costs; informational
 * - product.e2e     inspectBody, the product's matcher from the body's bytes: the JSON parse
 *                   with the byte-level pre-check (classify/plain.ts) that leaves out the
 *                   leaves nothing can be found in, nested JSON/base64/percent, classify
 * - product.redact  inspectBody + redactAll (every finding masked by byte span)
 * - naive           one regex per detector over the body text, then validators (baselines.ts)
 * - combined        one alternation regex over the body text, then validators
 * - naive.redact    naive, replacing validated matches with '*'
 * - json.parse      V8's own JSON.parse from the body's bytes (UTF-8 decode included), finding
 *                   nothing: a reference for what parsing alone costs in this runtime
 * - rg              `rg --count-matches -j 1 -f patterns` over the corpus written as one file
 * The baselines get the body already decoded to a string (their most favourable footing).
 *
 * The corpus is cut into slices; every engine runs over every slice, engines interleaved in an
 * order rotated per slice, after a warm-up. No GC is forced before a timing: a forced full GC
 * made the next megabytes of allocation-heavy code (the parser) 3–4× slower in V8 (20 against
 * 75 MB/s for the same parse), a state no long-running process is in, while it cost the regex
 * baselines nothing; garbage left by one engine is collected inside the timings of the others
 * as the rotation spreads it. The figure is the median of the per-slice MB/s
 * (the total MB/s over the whole corpus is kept too). rg runs 3 times over the whole file
 * (before, halfway through and after the slices); median.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import type { AuditSink } from '../src/audit/writer.js';
import type { Leaf } from '../src/body/leaf.js';
import { parseBody } from '../src/body/parse.js';
import { createClassifier } from '../src/classify/matcher.js';
import { loadPolicyText } from '../src/config/load.js';
import { inspectBody, redactAll } from '../src/pipeline/inspect.js';
import { startGateway } from '../src/server/gateway.js';
import { combinedScan, naiveRedact, naiveScan, RG_PATTERNS } from './baselines.js';
import { cleanBodySplit, type CleanSplit } from './clean-split.js';
import { BENCH_NOW, cleanBody, generateCorpus, largeBody, type CorpusBody } from './corpus.js';
import { benchPolicyText, SINK_HOST } from './policy.js';
import { startPassthrough, startSink } from './servers.js';
import { hasTool, median } from './util.js';

export interface MatcherOptions {
  readonly seed: number;
  /** Corpus size in MB (10^6 bytes). */
  readonly sizeMb: number;
  readonly slices: number;
  /** Body sizes of the size curve, bytes. */
  readonly sizes: readonly number[];
  /** Bytes processed per repetition at each size. */
  readonly sizeVolume: number;
  /** Body size of the event-loop test, MiB (fractions allowed). */
  readonly eventLoopMiB: number;
  /** Where the corpus file for rg goes. */
  readonly tmpDir: string;
}

export const ENGINES = ['product.scan', 'product.e2e', 'product.redact', 'naive', 'combined', 'naive.redact', 'json.parse'] as const;
export type Engine = (typeof ENGINES)[number];

export interface Throughput {
  /** Median over slices (or repetitions), MB/s. */
  readonly mbps: number;
  /** Over everything processed, MB/s. */
  readonly totalMbps: number;
  readonly samples: number[];
}

export interface EventLoopFigure {
  readonly maxMs: number;
  readonly p99Ms: number;
  readonly requestMs: number;
  readonly status: number;
  readonly error: string | null;
}

export interface MatcherResult {
  readonly corpus: {
    readonly seed: number;
    readonly bytes: number;
    readonly bodies: number;
    readonly sensitiveBodies: number;
    readonly minBytes: number;
    readonly medianBytes: number;
    readonly maxBytes: number;
    readonly slices: number;
    readonly generateSeconds: number;
  };
  readonly engines: Record<Engine, Throughput>;
  readonly rg: (Throughput & { readonly matches: number; readonly fileBytes: number }) | { readonly skipped: string };
  /** Detection sanity (not a quality score): bodies with findings. */
  readonly sanity: {
    readonly sensitiveWithFindings: number;
    readonly sensitiveBodies: number;
    readonly cleanWithFindings: number;
    readonly cleanBodies: number;
  };
  readonly sizes: Array<{ readonly bytes: number; readonly bodies: number; readonly product: Throughput; readonly combined: Throughput }>;
  readonly eventLoop: {
    readonly bodyBytes: number;
    readonly nominalMiB: number;
    /** Seconds of 2 KiB requests each proxy served before its measured uploads. */
    readonly loadS: number;
    readonly gateway: EventLoopFigure;
    readonly passthrough: EventLoopFigure;
    /** The gateway's first large body, before that load; null without a load. */
    readonly gatewayCold: EventLoopFigure | null;
  };
  /** Where the time goes on clean bodies (clean-split.ts). */
  readonly cleanSplit: CleanSplit;
  readonly seconds: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const now = (): number => performance.now();
/** Rounds of the size curve; each size is timed once a round. */
const SIZE_ROUNDS = 5;

function throughput(bytes: readonly number[], ms: readonly number[]): Throughput {
  const samples = bytes.map((b, i) => b / 1e6 / (ms[i]! / 1e3));
  const totalBytes = bytes.reduce((a, b) => a + b, 0);
  const totalMs = ms.reduce((a, b) => a + b, 0);
  return { mbps: median(samples), totalMbps: totalBytes / 1e6 / (totalMs / 1e3), samples };
}

/** A slice of the corpus ready for every engine. */
interface Slice {
  readonly bodies: CorpusBody[];
  readonly bytes: number;
  strings: string[];
  leaves: Leaf[][];
}

export async function runMatcher(o: MatcherOptions, log: (s: string) => void = () => {}): Promise<MatcherResult> {
  const started = now();
  const t0 = now();
  const corpus = generateCorpus(o.seed, o.sizeMb * 1e6);
  const generateSeconds = (now() - t0) / 1e3;
  const lengths = corpus.bodies.map((b) => b.body.length).sort((a, b) => a - b);
  log(`corpus: ${corpus.bodies.length} bodies, ${(corpus.bytes / 1e6).toFixed(1)} MB in ${generateSeconds.toFixed(1)} s`);

  const classifier = createClassifier(new Map());
  const withFindings = new Set<CorpusBody>();
  const engine: Record<Engine, (s: Slice) => void> = {
    'product.scan': (s) => {
      for (const leaves of s.leaves) if (leaves.length > 0) classifier.classify(leaves, BENCH_NOW);
    },
    'product.e2e': (s) => {
      // Which bodies had findings feeds the detection sanity line (a Set.add is noise here).
      for (const b of s.bodies) if (inspectBody(classifier, b.body, 'application/json', BENCH_NOW).findings.length > 0) withFindings.add(b);
    },
    'product.redact': (s) => {
      for (const b of s.bodies) redactAll(b.body, inspectBody(classifier, b.body, 'application/json', BENCH_NOW));
    },
    naive: (s) => {
      for (const str of s.strings) naiveScan(str);
    },
    combined: (s) => {
      for (const str of s.strings) combinedScan(str);
    },
    'naive.redact': (s) => {
      for (const str of s.strings) naiveRedact(str);
    },
    'json.parse': (s) => {
      for (const b of s.bodies) JSON.parse(b.body.toString('utf8'));
    },
  };
  const prepare = (bodies: CorpusBody[]): Slice => ({
    bodies,
    bytes: bodies.reduce((a, b) => a + b.body.length, 0),
    strings: bodies.map((b) => b.body.toString('utf8')),
    leaves: bodies.map((b) => parseBody(b.body, 'application/json').leaves),
  });

  // Warm-up: the first ~2 MB, every engine twice.
  const warm: CorpusBody[] = [];
  for (let i = 0, n = 0; i < corpus.bodies.length && n < Math.min(2e6, corpus.bytes / 4); i++) {
    warm.push(corpus.bodies[i]!);
    n += corpus.bodies[i]!.body.length;
  }
  const warmSlice = prepare(warm);
  for (let r = 0; r < 2; r++) for (const e of ENGINES) engine[e](warmSlice);

  // rg over the whole corpus as one file.
  const rgAvailable = hasTool('rg');
  let rgFile = '';
  let rgPatterns = '';
  const rgMs: number[] = [];
  let rgMatches = -1;
  let rgBytes = 0;
  if (rgAvailable) {
    mkdirSync(o.tmpDir, { recursive: true });
    rgFile = join(o.tmpDir, `corpus-${o.seed}-${o.sizeMb}.txt`);
    rgPatterns = join(o.tmpDir, 'patterns.txt');
    const joined = Buffer.concat(corpus.bodies.flatMap((b) => [b.body, Buffer.from('\n')]));
    rgBytes = joined.length;
    writeFileSync(rgFile, joined);
    writeFileSync(rgPatterns, RG_PATTERNS);
  }
  const runRg = (): void => {
    if (!rgAvailable) return;
    const t = now();
    const r = spawnSync('rg', ['--count-matches', '--no-filename', '-j', '1', '-f', rgPatterns, rgFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const ms = now() - t;
    if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed (${r.status}): ${r.stderr}`);
    rgMatches = Number(r.stdout.trim() || '0');
    rgMs.push(ms);
  };
  runRg(); // page cache warm-up, not counted
  rgMs.length = 0;
  runRg();

  // The slices, engines interleaved.
  const perSlice = Math.ceil(corpus.bodies.length / o.slices);
  const times: Record<Engine, number[]> = Object.fromEntries(ENGINES.map((e) => [e, []])) as unknown as Record<Engine, number[]>;
  const sliceBytes: number[] = [];
  for (let k = 0; k < o.slices; k++) {
    const slice = prepare(corpus.bodies.slice(k * perSlice, (k + 1) * perSlice));
    if (slice.bodies.length === 0) continue;
    sliceBytes.push(slice.bytes);
    for (let j = 0; j < ENGINES.length; j++) {
      const e = ENGINES[(j + k) % ENGINES.length]!;
      const t = now();
      engine[e](slice);
      times[e].push(now() - t);
    }
    slice.strings = [];
    slice.leaves = [];
    log(`slice ${k + 1}/${o.slices}: ${ENGINES.map((e) => `${e} ${(slice.bytes / 1e6 / (times[e].at(-1)! / 1e3)).toFixed(1)}`).join(', ')} MB/s`);
    if (k === Math.floor((o.slices - 1) / 2)) runRg();
  }
  runRg();
  const engines = Object.fromEntries(ENGINES.map((e) => [e, throughput(sliceBytes, times[e])])) as Record<Engine, Throughput>;

  // Detection sanity on the whole corpus, from the product.e2e passes.
  let sensitiveWithFindings = 0;
  let cleanWithFindings = 0;
  let sensitiveBodies = 0;
  for (const b of corpus.bodies) {
    const found = withFindings.has(b);
    if (b.planted > 0) {
      sensitiveBodies++;
      if (found) sensitiveWithFindings++;
    } else if (found) cleanWithFindings++;
  }

  // Size curve: the product end to end and the combined baseline at each body size. The sizes
  // take turns, every other round in reverse order, so that a slow spell of the machine falls on
  // all of them rather than on the one measured then (cost per byte is compared across sizes).
  const sets = o.sizes.map((size) => {
    const n = Math.max(1, Math.round(o.sizeVolume / size));
    const bodies: Buffer[] = [];
    for (let i = 0; i < n; i++) bodies.push(largeBody(o.seed * 7919 + size + i, size, true));
    const strings = bodies.map((b) => b.toString('utf8'));
    inspectBody(classifier, bodies[0]!, 'application/json', BENCH_NOW);
    combinedScan(strings[0]!);
    return { size, bodies, strings, bytes: bodies.reduce((a, b) => a + b.length, 0), p: [] as number[], c: [] as number[] };
  });
  for (let r = 0; r < SIZE_ROUNDS; r++) {
    for (const set of r % 2 === 0 ? sets : [...sets].reverse()) {
      let t = now();
      for (const b of set.bodies) inspectBody(classifier, b, 'application/json', BENCH_NOW);
      set.p.push(now() - t);
      t = now();
      for (const s of set.strings) combinedScan(s);
      set.c.push(now() - t);
    }
  }
  const sizes: MatcherResult['sizes'] = sets.map((set) => {
    const bs = set.p.map(() => set.bytes);
    const result = { bytes: set.size, bodies: set.bodies.length, product: throughput(bs, set.p), combined: throughput(bs, set.c) };
    log(`size ${set.size} B: product ${result.product.mbps.toFixed(1)} MB/s, combined ${result.combined.mbps.toFixed(1)} MB/s`);
    return result;
  });

  const eventLoop = await eventLoopTest(o);
  log(`event loop, ${o.eventLoopMiB} MiB body: gateway max ${eventLoop.gateway.maxMs.toFixed(1)} ms, passthrough ${eventLoop.passthrough.maxMs.toFixed(1)} ms`);

  // Last: its all-plain filter would slow whatever this process timed after it.
  const cleanSplit = cleanBodySplit(corpus.bodies, classifier, Math.min(10e6, corpus.bytes), o.slices >= 8 ? 5 : 1);
  log(`clean bodies: ${cleanSplit.rows.map((r) => `${r.name} ${r.mbps.toFixed(1)} MB/s`).join(', ')}`);

  return {
    corpus: {
      seed: o.seed,
      bytes: corpus.bytes,
      bodies: corpus.bodies.length,
      sensitiveBodies,
      minBytes: lengths[0]!,
      medianBytes: median(lengths),
      maxBytes: lengths.at(-1)!,
      slices: sliceBytes.length,
      generateSeconds,
    },
    engines,
    rg: rgAvailable
      ? { ...throughput(rgMs.map(() => rgBytes), rgMs), matches: rgMatches, fileBytes: rgBytes }
      : { skipped: 'rg not installed (Debian package ripgrep)' },
    sanity: { sensitiveWithFindings, sensitiveBodies, cleanWithFindings, cleanBodies: corpus.bodies.length - sensitiveBodies },
    sizes,
    eventLoop,
    cleanSplit,
    seconds: (now() - started) / 1e3,
  };
}

const nullAudit: AuditSink = { write() {}, flush: async () => {}, close: async () => {} };

/** Event-loop delay while one large clean body goes through the gateway (in this process, so
 *  perf_hooks sees its loop), beside the same body through the http-proxy passthrough. */
async function eventLoopTest(o: MatcherOptions): Promise<MatcherResult['eventLoop']> {
  const sink = await startSink();
  const passthrough = await startPassthrough({ [SINK_HOST]: '127.0.0.1' });
  const gateway = await startGateway({
    policy: loadPolicyText(benchPolicyText({ maxBodyMiB: Math.max(32, o.eventLoopMiB * 2) }), 'bench-policy.yaml'),
    audit: nullAudit,
    log: pino({ level: 'silent' }),
    proxyHost: '127.0.0.1',
    proxyPort: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    individualKey: Buffer.alloc(32, 7),
    lookupHost: async (host) => {
      throw Object.assign(new Error(`no bench record for ${host}`), { code: 'ENOTFOUND' });
    },
  });
  const body = largeBody(o.seed + 77, o.eventLoopMiB * 2 ** 20, false);
  const warm = largeBody(o.seed + 78, Math.min(2 ** 20, o.eventLoopMiB * 2 ** 20), false);
  const measure = async (port: number, buf: Buffer): Promise<EventLoopFigure> => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    const t = now();
    h.enable();
    let status = 0;
    let error: string | null = null;
    try {
      status = await post(port, buf, sink.port);
    } catch (err) {
      error = (err as Error).message;
    }
    h.disable();
    return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, requestMs: now() - t, status, error };
  };
  // A gateway in service has run its request path many times; a fresh one has V8 compile it on
  // background threads during its first large upload (bench/README.md "Large bodies"). Both
  // proxies get the same load of small requests before the measured uploads; the gateway's first
  // upload before it is kept too.
  const small = cleanBody(o.seed + 79, 2048);
  const loadS = o.eventLoopMiB >= 1 ? EVENT_LOOP_LOAD_S : 0;
  try {
    const figures: Record<'gateway' | 'passthrough', EventLoopFigure[]> = { gateway: [], passthrough: [] };
    let gatewayCold: EventLoopFigure | null = null;
    for (const [name, port] of [['gateway', gateway.proxyAddress.port], ['passthrough', passthrough.port]] as const) {
      await measure(port, warm);
      if (name === 'gateway' && loadS > 0) {
        gc();
        gatewayCold = await measure(port, body);
      }
      await smallLoad(port, small, sink.port, loadS);
      for (let r = 0; r < 2; r++) {
        gc();
        figures[name].push(await measure(port, body));
      }
    }
    // The worse of two runs: a stall is what the target is about.
    const worst = (xs: EventLoopFigure[]) => xs.reduce((a, b) => (b.maxMs > a.maxMs ? b : a));
    return { bodyBytes: body.length, nominalMiB: o.eventLoopMiB, loadS, gateway: worst(figures.gateway), passthrough: worst(figures.passthrough), gatewayCold };
  } finally {
    await gateway.close(1_000);
    await passthrough.close();
    await sink.close();
  }
}

/** Seconds of small requests before the measured large bodies (full runs; smoke runs have none). */
const EVENT_LOOP_LOAD_S = 5;

/** Eight keep-alive clients posting `buf` through the proxy back to back for `seconds`. */
async function smallLoad(port: number, buf: Buffer, sinkPort: number, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const until = now() + seconds * 1000;
  const client = async () => {
    while (now() < until) await post(port, buf, sinkPort, agent);
  };
  try {
    await Promise.all(Array.from({ length: 8 }, client));
  } finally {
    agent.destroy();
  }
}

/** POSTs `buf` in absolute form through the proxy on `port` to the sink; resolves the status. */
function post(port: number, buf: Buffer, sinkPort: number, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `http://${SINK_HOST}:${sinkPort}/ingest`,
        headers: { host: `${SINK_HOST}:${sinkPort}`, 'content-type': 'application/json', 'content-length': buf.length },
        agent,
        timeout: 120_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(buf);
  });
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--options');
  const j = argv.indexOf('--out');
  if (i < 0 || j < 0) {
    process.stderr.write("usage: node --expose-gc dist/bench/matcher.js --options '<json>' --out FILE\n");
    process.exit(2);
  }
  const options = JSON.parse(argv[i + 1]!) as MatcherOptions;
  const result = await runMatcher(options, (s) => process.stderr.write(`  matcher: ${s}\n`));
  writeFileSync(argv[j + 1]!, JSON.stringify(result, null, 2));
}

if (process.argv[1] !== undefined && /matcher\.js$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`matcher bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
