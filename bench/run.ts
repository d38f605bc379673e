/**
 * The bench's one entry point: `npm run bench` (after `npm run build`), or
 *
 *   node dist/bench/run.js [--only matcher,gateway,memory,scan] [--size-mb N] [--smoke]
 *                          [--seed N] [--duration S] [--connections N] [--out DIR]
 *
 * Runs the parts asked for (all by default), prints one table where every figure stands beside
 * a baseline measured in the same run, as a ratio, and writes everything as JSON to
 * DIR/<timestamp>.json (default bench/results/, git-ignored). See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGatewayBench, warmupSeconds, type GatewayBenchOptions, type GatewayResult, type StallRow, type WrkFigure, type WrkRow } from './gateway.js';
import type { MatcherOptions, MatcherResult, Throughput } from './matcher.js';
import { runScanCliBench, type ScanCliResult } from './scan-cli.js';
import { hasTool, machine, pinned, pinning, pinSelf, ROOT, type Pinning } from './util.js';

const PARTS = ['matcher', 'gateway', 'memory', 'scan'] as const;
/** wrk rounds per target at 2 KiB and for the redacted mix, where the targets are compared: the
 *  shared machine's load drifts by ±10 % and more within minutes, and a median needs rounds. */
const GATEWAY_ROUNDS = 5;
type Part = (typeof PARTS)[number];

interface Args {
  readonly only: ReadonlySet<Part>;
  readonly smoke: boolean;
  readonly sizeMb: number;
  readonly seed: number;
  readonly duration: number;
  /** Seconds of load per target before the first gateway case is measured (GatewayBenchOptions.firstWarmupS). */
  readonly warmup: number;
  readonly connections: number;
  readonly out: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const known = new Set(['--only', '--smoke', '--size-mb', '--seed', '--duration', '--warmup', '--connections', '--out', '--help']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}`);
  if (argv.includes('--help')) {
    process.stdout.write('usage: node dist/bench/run.js [--only matcher,gateway,memory,scan] [--size-mb N] [--smoke] [--seed N] [--duration S] [--warmup S] [--connections N] [--out DIR]\n');
    process.exit(0);
  }
  const smoke = argv.includes('--smoke');
  const only = new Set<Part>();
  for (const p of (value('--only') ?? PARTS.join(',')).split(',')) {
    if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: ${p} is not one of ${PARTS.join(', ')}`);
    only.add(p as Part);
  }
  const num = (name: string, dflt: number): number => {
    const v = value(name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number`);
    return n;
  };
  return {
    only,
    smoke,
    sizeMb: num('--size-mb', smoke ? 0.5 : 100),
    seed: num('--seed', 1),
    duration: num('--duration', smoke ? 1 : 5),
    warmup: smoke ? 0 : num('--warmup', 10),
    connections: num('--connections', smoke ? 4 : 8),
    out: value('--out') ?? join(ROOT, 'bench', 'results'),
  };
}

/** One line of the table. `ratio` is value / baseline. */
interface Row {
  readonly part: string;
  readonly figure: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: number | null;
  readonly target: string;
  readonly status: 'met' | 'MISSED' | '';
}

const mbps = (t: Throughput | number) => `${(typeof t === 'number' ? t : t.mbps).toFixed(1)} MB/s`;
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const ratioText = (r: number | null) => (r === null || !Number.isFinite(r) ? '' : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`);
const sizeLabel = (b: number) => (b >= 2 ** 20 ? `${b / 2 ** 20} MiB` : `${b / 1024} KiB`);
const check = (ok: boolean): Row['status'] => (ok ? 'met' : 'MISSED');

function matcherRows(m: MatcherResult): Row[] {
  const e = m.engines;
  const rows: Row[] = [];
  const rg = 'mbps' in m.rg ? m.rg : null;
  // The product's matcher is the parse with its byte-level pre-check plus the classifier: the
  // targets apply to it, JSON parsing included (rg and the regexes parse nothing).
  const t = e['product.e2e'];
  const label = 'product matcher, body bytes to findings (parse+pre-check+classify)';
  if (rg) rows.push({ part: 'matcher', figure: label, value: mbps(t), baseline: `rg --count-matches ${mbps(rg)}`, ratio: t.mbps / rg.mbps, target: '≥ 1.0×', status: check(t.mbps >= rg.mbps) });
  rows.push({ part: 'matcher', figure: label, value: mbps(t), baseline: `combined regex ${mbps(e.combined)}`, ratio: t.mbps / e.combined.mbps, target: '≥ 6×', status: check(t.mbps >= 6 * e.combined.mbps) });
  const leaf = e['product.scan'];
  rows.push({ part: 'matcher', figure: 'leaf classifier alone, every leaf (no pre-check)', value: mbps(leaf), baseline: `combined regex ${mbps(e.combined)}`, ratio: leaf.mbps / e.combined.mbps, target: '', status: '' });
  rows.push({ part: 'matcher', figure: 'naive regex per detector', value: mbps(e.naive), baseline: `combined regex ${mbps(e.combined)}`, ratio: e.naive.mbps / e.combined.mbps, target: '', status: '' });
  // What parsing alone costs here: the C++ parser, which finds nothing, sets the ceiling for any
  // matcher that reads the JSON's structure in this runtime.
  if (rg) rows.push({ part: 'matcher', figure: "V8's JSON.parse from bytes (parses, finds nothing)", value: mbps(e['json.parse']), baseline: `rg --count-matches ${mbps(rg)}`, ratio: e['json.parse'].mbps / rg.mbps, target: '', status: '' });
  // Clean bodies, beside V8's parser over the same bodies (clean-split.ts).
  const split = m.cleanSplit;
  const parse = split.rows.find((r) => r.name.startsWith("V8's JSON.parse"));
  for (const r of split.rows) {
    if (r === parse || parse === undefined) continue;
    rows.push({ part: 'matcher', figure: `clean bodies: ${r.name} (${r.nsPerLeaf.toFixed(0)} ns a leaf)`, value: mbps(r.mbps), baseline: `JSON.parse ${mbps(parse.mbps)} (${parse.nsPerLeaf.toFixed(0)} ns)`, ratio: r.mbps / parse.mbps, target: '', status: '' });
  }
  rows.push({ part: 'matcher', figure: 'product scan + redact', value: mbps(e['product.redact']), baseline: `naive regex + replace ${mbps(e['naive.redact'])}`, ratio: e['product.redact'].mbps / e['naive.redact'].mbps, target: '', status: '' });
  const ref = m.sizes.find((s) => s.bytes === 65536) ?? m.sizes[0];
  for (const s of m.sizes) {
    // Cost per byte relative to 64 KiB bodies: flat from 64 KiB up means cost linear in size
    // (superlinear cost would grow it). Below, the fixed cost per body shows, so no target.
    const rel = ref ? ref.product.mbps / s.product.mbps : NaN;
    const judged = ref !== undefined && s.bytes > ref.bytes;
    rows.push({
      part: 'matcher',
      figure: `size ${sizeLabel(s.bytes)}: e2e (cost/B ${rel.toFixed(2)}× of 64 KiB${s.bytes < 65536 ? ', incl. fixed cost per body' : ''})`,
      value: mbps(s.product),
      baseline: `combined regex ${mbps(s.combined)}`,
      ratio: s.product.mbps / s.combined.mbps,
      target: judged ? 'linear: cost/B ≤ 1.5× of 64 KiB' : '',
      status: judged ? check(rel <= 1.5) : '',
    });
  }
  const el = m.eventLoop;
  const loaded = el.loadS > 0 ? `, after ${el.loadS} s of 2 KiB load` : '';
  rows.push({
    part: 'matcher',
    figure: `event-loop max delay, ${el.nominalMiB} MiB body via gateway (HTTP ${el.gateway.status || el.gateway.error}${loaded})`,
    value: ms(el.gateway.maxMs),
    baseline: `http-proxy passthrough ${ms(el.passthrough.maxMs)}`,
    ratio: el.gateway.maxMs / el.passthrough.maxMs,
    target: '≤ 50 ms',
    status: check(el.gateway.maxMs <= 50),
  });
  if (el.gatewayCold !== null) {
    rows.push({
      part: 'matcher',
      figure: `event-loop max delay, same, the gateway's first ${el.nominalMiB} MiB body (HTTP ${el.gatewayCold.status || el.gatewayCold.error})`,
      value: ms(el.gatewayCold.maxMs),
      baseline: `after the load ${ms(el.gateway.maxMs)}`,
      ratio: el.gatewayCold.maxMs / el.gateway.maxMs,
      target: '',
      status: '',
    });
  }
  return rows;
}

/** Times as rates, so that the ratio reads like the others (higher is better). */
function scanCliRows(r: ScanCliResult): Row[] {
  const s = (t: number) => `${t.toFixed(2)} s`;
  const mb = r.bodyBytes / 1e6;
  const rows: Row[] = [
    { part: 'scan', figure: 'scan --ndjson start to exit, empty input: bin (bundle)', value: s(r.start.bundle), baseline: `tsc output ${s(r.start.unbundled)}`, ratio: r.start.unbundled / r.start.bundle, target: '', status: '' },
    {
      part: 'scan',
      figure: `scan --ndjson start to exit, ${r.docs} docs (${mb.toFixed(1)} MB of bodies): bin (bundle)`,
      value: `${(mb / r.corpus.bundle).toFixed(2)} MB/s`,
      baseline: `tsc output ${(mb / r.corpus.unbundled).toFixed(2)} MB/s`,
      ratio: r.corpus.unbundled / r.corpus.bundle,
      target: '',
      status: '',
    },
  ];
  const sample = r.sample;
  if (!('skipped' in sample)) {
    const kbps = (t: number) => `${(sample.bodyBytes / 1e3 / t).toFixed(0)} KB/s`;
    rows.push({
      part: 'scan',
      figure: `scan --ndjson start to exit, the scorer's public sample (${sample.docs} docs): bin as shipped`,
      value: kbps(sample.shipped),
      baseline: `no code cache ${kbps(sample.noCodeCache)}`,
      ratio: sample.noCodeCache / sample.shipped,
      target: '',
      status: '',
    });
    rows.push({
      part: 'scan',
      figure: 'the same without the code cache: 256 KiB interrupt budget (as shipped)',
      value: kbps(sample.noCodeCache),
      baseline: `66 KiB budget ${kbps(sample.defaultBudget)}`,
      ratio: sample.defaultBudget / sample.noCodeCache,
      target: '',
      status: '',
    });
  }
  return rows;
}

/** CPU time (user + system, from /proc) the proxy process spent per answered request. */
function cpuPerRequestUs(f: WrkFigure): number {
  return f.rps > 0 ? (f.cpuPct / 100 / f.rps) * 1e6 : NaN;
}

function gatewayRows(g: GatewayResult): Row[] {
  const rows: Row[] = [];
  if (!Array.isArray(g.wrk)) return rows;
  const find = (c: string, t: WrkRow['target']): WrkFigure | undefined => (g.wrk as WrkRow[]).find((r) => r.case === c && r.target === t)?.figure;
  const cases = [...new Set(g.wrk.map((r) => r.case))];
  for (const c of cases) {
    const gw = find(c, 'gateway');
    const pt = find(c, 'passthrough');
    const direct = find(c, 'direct');
    const key = c === '2 KiB';
    if (gw && pt) {
      rows.push({ part: 'gateway', figure: `${c}: gateway req/s${gw.errors ? ` (${gw.errors} errors)` : ''}`, value: gw.rps.toFixed(0), baseline: `http-proxy ${pt.rps.toFixed(0)}`, ratio: gw.rps / pt.rps, target: key ? '≥ 1.0×' : '', status: key ? check(gw.rps >= pt.rps) : '' });
      rows.push({ part: 'gateway', figure: `${c}: gateway p99`, value: ms(gw.p99Ms), baseline: `http-proxy ${ms(pt.p99Ms)}`, ratio: gw.p99Ms / pt.p99Ms, target: key ? '≤ 3 ms' : '', status: key ? check(gw.p99Ms <= 3) : '' });
      rows.push({ part: 'gateway', figure: `${c}: gateway p50`, value: ms(gw.p50Ms), baseline: `http-proxy ${ms(pt.p50Ms)}`, ratio: gw.p50Ms / pt.p50Ms, target: '', status: '' });
      rows.push({ part: 'gateway', figure: `${c}: gateway CPU (of one core)`, value: `${gw.cpuPct.toFixed(0)} %`, baseline: `http-proxy ${pt.cpuPct.toFixed(0)} %`, ratio: gw.cpuPct / pt.cpuPct, target: '', status: '' });
      rows.push({ part: 'gateway', figure: `${c}: gateway peak RSS`, value: `${gw.rssMiB.toFixed(0)} MiB`, baseline: `http-proxy ${pt.rssMiB.toFixed(0)} MiB`, ratio: gw.rssMiB / pt.rssMiB, target: '', status: '' });
      const fw = find(c, 'forwarder');
      if (fw) {
        rows.push({ part: 'gateway', figure: `${c}: forwarder req/s (gateway's mechanics, none of its work)`, value: fw.rps.toFixed(0), baseline: `http-proxy ${pt.rps.toFixed(0)}`, ratio: fw.rps / pt.rps, target: '', status: '' });
        rows.push({ part: 'gateway', figure: `${c}: gateway CPU per request`, value: `${cpuPerRequestUs(gw).toFixed(0)} µs`, baseline: `forwarder ${cpuPerRequestUs(fw).toFixed(0)} µs, http-proxy ${cpuPerRequestUs(pt).toFixed(0)} µs`, ratio: cpuPerRequestUs(gw) / cpuPerRequestUs(fw), target: '', status: '' });
      }
      const unread = find(c, 'unread');
      if (unread) {
        rows.push({ part: 'gateway', figure: `${c}: gateway with the body relayed unread (inspect: never) req/s${unread.errors ? ` (${unread.errors} errors)` : ''}`, value: unread.rps.toFixed(0), baseline: `http-proxy ${pt.rps.toFixed(0)}`, ratio: unread.rps / pt.rps, target: '', status: '' });
        rows.push({ part: 'gateway', figure: `${c}: CPU per request, body relayed unread`, value: `${cpuPerRequestUs(unread).toFixed(0)} µs`, baseline: `gateway inspecting ${cpuPerRequestUs(gw).toFixed(0)} µs`, ratio: cpuPerRequestUs(unread) / cpuPerRequestUs(gw), target: '', status: '' });
      }
      if (direct && key) rows.push({ part: 'gateway', figure: `${c}: gateway req/s vs no proxy`, value: gw.rps.toFixed(0), baseline: `direct to sink ${direct.rps.toFixed(0)}`, ratio: gw.rps / direct.rps, target: '', status: '' });
    }
    if (pt && direct) rows.push({ part: 'gateway', figure: `${c}: http-proxy req/s${pt.errors ? ` (${pt.errors} errors)` : ''}`, value: pt.rps.toFixed(0), baseline: `direct to sink ${direct.rps.toFixed(0)}`, ratio: pt.rps / direct.rps, target: '', status: '' });
  }
  return rows;
}

/** The large-upload stall: the gateway's own event-loop max delay (target ≤ 50 ms) beside the
 *  same gateway inspecting inline; 2 KiB pings meanwhile beside the passthrough's. */
function stallRows(g: GatewayResult): Row[] {
  if (!Array.isArray(g.stall)) return [];
  const find = (t: StallRow['target']) => (g.stall as StallRow[]).find((r) => r.target === t);
  const gw = find('gateway');
  const inline = find('gateway, inline');
  const pt = find('passthrough');
  if (!gw) return [];
  const size = `${Math.round(gw.bodyBytes / 2 ** 20 * 100) / 100} MiB`;
  const rows: Row[] = [];
  const loop = gw.figure.loopMaxMs;
  if (loop !== null) {
    const base = inline?.figure.loopMaxMs ?? null;
    const loaded = gw.loadS > 0 ? `, after ${gw.loadS} s of 2 KiB load` : '';
    rows.push({ part: 'gateway', figure: `${size} upload: gateway event-loop max delay (${gw.figure.status.split(' ')[0]}${loaded})`, value: ms(loop), baseline: base === null ? '' : `inline (no threads) ${ms(base)}`, ratio: base === null ? null : loop / base, target: '≤ 50 ms', status: check(loop <= 50) });
    const cold = gw.cold?.loopMaxMs ?? null;
    if (cold !== null) rows.push({ part: 'gateway', figure: `${size} upload: same, the first upload into a fresh process (${gw.cold!.status.split(' ')[0]})`, value: ms(cold), baseline: `after the load ${ms(loop)}`, ratio: cold / loop, target: '', status: '' });
  }
  const idle = gw.figure.idleLoopMaxMs;
  if (loop !== null && idle !== null) rows.push({ part: 'gateway', figure: `${size} upload: gateway event-loop max delay`, value: ms(loop), baseline: `same gateway, pings only (2 s) ${ms(idle)}`, ratio: loop / idle, target: '', status: '' });
  if (pt) rows.push({ part: 'gateway', figure: `${size} upload: max latency of 2 KiB pings meanwhile (${gw.figure.pings})`, value: ms(gw.figure.pingMaxMs), baseline: `http-proxy ${ms(pt.figure.pingMaxMs)}`, ratio: gw.figure.pingMaxMs / pt.figure.pingMaxMs, target: '', status: '' });
  if (inline) rows.push({ part: 'gateway', figure: `${size} upload: same, gateway inspecting inline (${inline.figure.pings})`, value: ms(inline.figure.pingMaxMs), baseline: `gateway with thread ${ms(gw.figure.pingMaxMs)}`, ratio: inline.figure.pingMaxMs / gw.figure.pingMaxMs, target: '', status: '' });
  if (pt) rows.push({ part: 'gateway', figure: `${size} upload: upload time through the gateway`, value: ms(gw.figure.uploadMs), baseline: `http-proxy ${ms(pt.figure.uploadMs)}`, ratio: gw.figure.uploadMs / pt.figure.uploadMs, target: '', status: '' });
  return rows;
}

function memoryRows(g: GatewayResult): Row[] {
  if (!Array.isArray(g.memory)) return [];
  const gw = g.memory.find((r) => r.target === 'gateway');
  const pt = g.memory.find((r) => r.target === 'passthrough');
  if (!gw || !pt) return [];
  const o = gw.outcome;
  // Uploads refused for want of body budget (503 EG_BUSY) are answers, not successes: say how many.
  const busy = 'completed' in o ? (o.statuses['503 EG_BUSY'] ?? 0) : 0;
  const done = 'completed' in o ? `${o.completed}/${o.started} done${busy ? `, ${busy} of them 503 EG_BUSY` : ''}${o.unfinished ? `, ${o.unfinished} cut at the deadline` : ''}` : o.error;
  return [{ part: 'memory', figure: `peak RSS, slow uploads: gateway (${done})`, value: `${gw.peakRssMiB.toFixed(0)} MiB`, baseline: `http-proxy ${pt.peakRssMiB.toFixed(0)} MiB`, ratio: gw.peakRssMiB / pt.peakRssMiB, target: '≤ 512 MiB', status: check(gw.peakRssMiB <= 512) }];
}

function formatTable(rows: readonly Row[]): string {
  const head = ['part', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', ''];
  const cells = rows.map((r) => [r.part, r.figure, r.value, r.baseline, ratioText(r.ratio), r.target, r.status]);
  const width = (s: string) => [...s].length;
  const w = head.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]!))));
  const line = (c: readonly string[]) => c.map((x, i) => (i === 4 ? x.padStart(w[i]!) : x + ' '.repeat(w[i]! - width(x)))).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...cells.map(line)].join('\n');
}

/** Runs matcher.ts in its own process, pinned to the server CPU, with --expose-gc. */
function runMatcherProcess(pin: Pinning, options: MatcherOptions, outFile: string, heapMiB: number): Promise<MatcherResult> {
  const argv = pinned(pin, pin.serverCpu, [process.execPath, '--expose-gc', `--max-old-space-size=${heapMiB}`, join(ROOT, 'dist', 'bench', 'matcher.js'), '--options', JSON.stringify(options), '--out', outFile]);
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`matcher bench exited ${code}`));
      else resolve(JSON.parse(readFileSync(outFile, 'utf8')) as MatcherResult);
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = performance.now();
  const pin = pinning();
  pinSelf(pin, pin.loadCpu);
  const mach = machine();
  const tmp = join(tmpdir(), `egress-guard-bench-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const log = (s: string) => process.stderr.write(`  ${s}\n`);
  const notes: string[] = [];
  if (!pin.available) notes.push('taskset not available or a single CPU: processes are not pinned.');

  let matcher: MatcherResult | null = null;
  let gateway: GatewayResult | null = null;
  let scanCli: ScanCliResult | null = null;
  try {
    if (args.only.has('matcher')) {
      const options: MatcherOptions = args.smoke
        ? { seed: args.seed, sizeMb: args.sizeMb, slices: 2, sizes: [1024, 65536], sizeVolume: 256 * 1024, eventLoopMiB: 0.25, tmpDir: tmp }
        : { seed: args.seed, sizeMb: args.sizeMb, slices: 8, sizes: [1024, 65536, 2 ** 20, 16 * 2 ** 20], sizeVolume: 16 * 2 ** 20, eventLoopMiB: 16, tmpDir: tmp };
      log(`matcher: ${args.sizeMb} MB corpus, ${options.slices} slices, pinned to CPU ${pin.serverCpu}`);
      matcher = await runMatcherProcess(pin, options, join(tmp, 'matcher.json'), args.smoke ? 1024 : 6144);
      if ('skipped' in matcher.rg) notes.push(`rg part skipped: ${matcher.rg.skipped}; install it with apt-get install ripgrep.`);
    }
    if (args.only.has('gateway') || args.only.has('memory')) {
      if (args.only.has('gateway') && !hasTool('wrk')) notes.push('wrk part skipped: wrk not installed (Debian package wrk; apt-get install wrk).');
      const options: GatewayBenchOptions = {
        seed: args.seed,
        tmpDir: tmp,
        pin,
        durationS: args.duration,
        firstWarmupS: args.warmup,
        rounds: args.smoke ? 1 : GATEWAY_ROUNDS,
        connections: args.connections,
        sizes: args.smoke ? [2048] : [2048, 65536, 2 ** 20],
        mix: !args.smoke,
        memory: args.smoke
          ? { count: 20, bytes: 64 * 1024, chunk: 16 * 1024, intervalMs: 50, deadlineMs: 10_000 }
          : { count: 1000, bytes: 2 ** 20, chunk: 64 * 1024, intervalMs: 250, deadlineMs: 90_000 },
        parts: { wrk: args.only.has('gateway'), memory: args.only.has('memory') },
        stall: args.smoke ? { bodyMiB: 0.25, pingMs: 10, runs: 1 } : { bodyMiB: 16, pingMs: 10, runs: 2 },
      };
      log(`gateway: wrk -t1 -c${options.connections} ${options.durationS}s runs on CPU ${pin.loadCpu}, servers on CPU ${pin.serverCpu}`);
      gateway = await runGatewayBench(options, log);
    }
    if (args.only.has('scan')) {
      log(`scan: scan --ndjson processes on CPU ${pin.serverCpu}, bundle and unbundled CLI interleaved`);
      scanCli = await runScanCliBench({ seed: args.seed, bodyBytes: args.smoke ? 50_000 : 2_000_000, runs: args.smoke ? 1 : 7, tmpDir: tmp, pin });
      if ('skipped' in scanCli.sample) notes.push(`scorer sample row skipped: ${scanCli.sample.skipped} (../shared beside the checkout).`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows = [...(matcher ? matcherRows(matcher) : []), ...(gateway ? gatewayRows(gateway) : []), ...(gateway ? stallRows(gateway) : []), ...(gateway ? memoryRows(gateway) : []), ...(scanCli ? scanCliRows(scanCli) : [])];
  const seconds = (performance.now() - t0) / 1e3;
  const header: string[] = [
    `egress-guard bench: ${args.smoke ? 'smoke' : 'full'} run, ${startedAt.toISOString()}, ${seconds.toFixed(0)} s`,
    `machine: ${mach.nproc} × ${mach.cpuModel}, ${mach.memGiB} GiB, Node ${mach.node}`,
    pin.available ? `pinning: matcher process, proxies and sink on CPU ${pin.serverCpu}; wrk and upload clients on CPU ${pin.loadCpu} (taskset -c)` : 'pinning: none',
  ];
  if (matcher) {
    const c = matcher.corpus;
    header.push(`corpus: ${c.bodies} JSON bodies, ${(c.bytes / 1e6).toFixed(1)} MB, median ${c.medianBytes} B (${c.minBytes} B – ${c.maxBytes} B), ${((100 * c.sensitiveBodies) / c.bodies).toFixed(1)} % with sensitive values, seed ${c.seed}; matcher figures: median of ${c.slices} slices`);
    const s = matcher.sanity;
    header.push(`detection sanity (not a score): findings in ${s.sensitiveWithFindings}/${s.sensitiveBodies} bodies with planted values, ${s.cleanWithFindings}/${s.cleanBodies} clean bodies`);
  }
  if (gateway && Array.isArray(gateway.wrk) && gateway.wrk.length > 0) {
    header.push(`wrk: -t1 -c${args.connections} (1 MiB: -c${Math.min(4, args.connections)}), ${args.duration} s per run${args.duration >= 3 ? ` after a warm-up (${Math.max(warmupSeconds(args.duration), args.warmup)} s per target before the first case, ${warmupSeconds(args.duration)} s before the others)` : ', no warm-up'}, 2 KiB and the mix: median of ${args.smoke ? 1 : GATEWAY_ROUNDS} interleaved rounds, every other one in reverse order`);
    header.push(`preflight: ${Object.entries(gateway.preflight).map(([k, v]) => `${k} → ${v.trim()}`).join('; ')}`);
  }
  if (gateway && Array.isArray(gateway.memory)) {
    const o = gateway.memory[0]?.outcome;
    if (o && 'started' in o) header.push(`memory: ${o.started} concurrent uploads, each written in chunks at an interval; RSS sampled every 100 ms from /proc`);
  }
  const table = formatTable(rows);
  process.stdout.write(`\n${header.join('\n')}\n\n${table}\n${notes.length > 0 ? `\n${notes.map((n) => `note: ${n}`).join('\n')}\n` : ''}`);

  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, `${startedAt.toISOString().replace(/[:.]/g, '-')}${args.smoke ? '-smoke' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), seconds, argv: process.argv.slice(2), mode: args.smoke ? 'smoke' : 'full', machine: mach, pinning: pin, rows, notes, matcher, gateway, scanCli }, null, 2)}\n`);
  process.stdout.write(`\nresults: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
