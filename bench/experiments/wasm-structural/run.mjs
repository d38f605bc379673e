// The WebAssembly structural pass (scan.c) over the bench corpus, beside rg, V8's JSON.parse and
// the product's inspectBody in the same run. An experiment for issue 04's design question, not
// product code: see README.md here. Run from the repository root after `npm run build`:
//   taskset -c 1 node bench/experiments/wasm-structural/run.mjs [MB]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const { generateCorpus, BENCH_NOW } = await import('../../../dist/bench/corpus.js');
const { RG_PATTERNS } = await import('../../../dist/bench/baselines.js');
const { createClassifier } = await import('../../../dist/src/classify/matcher.js');
const { inspectBody } = await import('../../../dist/src/pipeline/inspect.js');

const { instance } = await WebAssembly.instantiate(readFileSync(join(here, 'scan.wasm')));
const { scan, buf_ptr: bufPtr, memory } = instance.exports;
const base = bufPtr();
const mem = new Uint8Array(memory.buffer);
const bodies = generateCorpus(1, Number(process.argv[2] ?? 20) * 1e6).bodies.map((b) => b.body);
let bytes = 0;
for (const b of bodies) bytes += b.length;

// One body: copied into the module's memory, padded with spaces to a multiple of 64.
const wasmScan = (b) => {
  mem.set(b, base);
  const n = (b.length + 63) & ~63;
  mem.fill(32, base + b.length, base + n);
  return scan(n);
};
// The pass must see every string: its count is half the quotes in bodies without escapes.
for (const b of bodies.slice(0, 1000)) {
  let quotes = 0;
  for (const x of b) if (x === 34) quotes++;
  if (!b.includes(92) && wasmScan(b) >>> 16 !== quotes / 2) throw new Error('the pass miscounted strings');
}

const classifier = createClassifier(new Map());
const engines = {
  wasm: () => {
    let strings = 0, flagged = 0;
    for (const b of bodies) {
      const r = wasmScan(b);
      strings += r >>> 16;
      flagged += r & 0xffff;
    }
    return `${strings} strings, ${(100 * flagged / strings).toFixed(1)} % flagged`;
  },
  'JSON.parse': () => {
    for (const b of bodies) JSON.parse(b.toString());
    return '';
  },
  inspectBody: () => {
    let findings = 0;
    for (const b of bodies) findings += inspectBody(classifier, b, 'application/json', BENCH_NOW).findings.length;
    return `${findings} findings`;
  },
};

const dir = mkdtempSync(join(tmpdir(), 'eg-wasm-'));
const file = join(dir, 'corpus.txt');
const patterns = join(dir, 'patterns.txt');
writeFileSync(file, Buffer.concat(bodies.flatMap((b) => [b, Buffer.from('\n')])));
writeFileSync(patterns, RG_PATTERNS);
const rg = () => {
  const t = performance.now();
  const r = spawnSync('rg', ['--count-matches', '--no-filename', '-j', '1', '-f', patterns, file], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed: ${r.stderr ?? r.error}`);
  return performance.now() - t;
};

const rounds = 5;
const ms = { rg: [], wasm: [], 'JSON.parse': [], inspectBody: [] };
const notes = {};
rg();
for (const run of Object.values(engines)) run();
for (let r = 0; r < rounds; r++) {
  ms.rg.push(rg());
  for (const [name, run] of Object.entries(engines)) {
    const t = performance.now();
    notes[name] = run();
    ms[name].push(performance.now() - t);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rate = (name) => bytes / 1e3 / median(ms[name]);
console.log(`${(bytes / 1e6).toFixed(1)} MB, ${bodies.length} bodies, ${rounds} interleaved rounds, medians`);
for (const name of Object.keys(ms)) {
  console.log(`${name.padEnd(12)} ${rate(name).toFixed(0).padStart(6)} MB/s  ${(rate(name) / rate('rg')).toFixed(2)}× rg  ${notes[name] ?? ''}`);
}
