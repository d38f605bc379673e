/**
 * Where the matcher's time goes on the corpus's clean bodies (90 % of its bytes): the product's
 * JSON walk with every key and value called plain (the structure alone), the same walk with the
 * real pre-check, and inspectBody, beside V8's JSON.parse and a loop that counts one byte value
 * (the floor for any byte walk in JavaScript). Informational; run by matcher.ts after every
 * other timing of its process, because the all-plain filter makes the parser's filter calls
 * polymorphic, which would slow the engines timed after it.
 */
import { parseJson } from '../src/body/json.js';
import type { LeafFilter } from '../src/body/leaf.js';
import type { Classifier } from '../src/classify/matcher.js';
import { inspectBody } from '../src/pipeline/inspect.js';
import { BENCH_NOW, type CorpusBody } from './corpus.js';
import { median } from './util.js';

export interface CleanSplitRow {
  readonly name: string;
  readonly mbps: number;
  /** Nanoseconds per JSON leaf (keys and scalar values) of the bodies. */
  readonly nsPerLeaf: number;
}

export interface CleanSplit {
  readonly bodies: number;
  readonly bytes: number;
  readonly leaves: number;
  readonly rounds: number;
  readonly rows: readonly CleanSplitRow[];
}

/** Every key, item and value plain: the walk reads the structure and builds nothing. */
const ALL_PLAIN: LeafFilter = { plainKey: () => true, plainItems: () => true, plainValue: () => true };

/** Up to `maxBytes` of the corpus's clean bodies, `rounds` interleaved rounds, medians. */
export function cleanBodySplit(corpus: readonly CorpusBody[], classifier: Classifier, maxBytes: number, rounds: number): CleanSplit {
  const bodies: Buffer[] = [];
  let bytes = 0;
  for (const b of corpus) {
    if (b.planted > 0) continue;
    if (bytes >= maxBytes) break;
    bodies.push(b.body);
    bytes += b.body.length;
  }
  let leaves = 0;
  for (const b of bodies) leaves += parseJson(b, undefined, undefined, classifier.isFieldName).length;
  const filter = classifier.leafFilter?.(BENCH_NOW);
  let sink = 0;
  const engines: Array<[string, (b: Buffer) => void]> = [
    ['a loop counting one byte value', (b) => {
      for (let i = 0; i < b.length; i++) if (b[i] === 0x22) sink++;
    }],
    ['the JSON walk alone, every value called plain', (b) => void parseJson(b, undefined, ALL_PLAIN, classifier.isFieldName)],
    ["V8's JSON.parse from bytes", (b) => void JSON.parse(b.toString('utf8'))],
    ['the JSON walk with the pre-check', (b) => void parseJson(b, undefined, filter, classifier.isFieldName)],
    ['inspectBody (pre-check, nested values, classifier)', (b) => {
      sink += inspectBody(classifier, b, 'application/json', BENCH_NOW).findings.length;
    }],
  ];
  const times: number[][] = engines.map(() => []);
  for (let r = 0; r <= rounds; r++) {
    for (let j = 0; j < engines.length; j++) {
      const k = (j + r) % engines.length;
      const run = engines[k]![1];
      const t = performance.now();
      for (const b of bodies) run(b);
      // Round 0 warms every engine up and is not counted.
      if (r > 0) times[k]!.push(performance.now() - t);
    }
  }
  if (sink < 0) throw new Error('unreachable: keeps the loops from being optimised away');
  return {
    bodies: bodies.length,
    bytes,
    leaves,
    rounds,
    rows: engines.map(([name], k) => {
      const ms = median(times[k]!);
      return { name, mbps: bytes / 1e3 / ms, nsPerLeaf: (ms * 1e6) / leaves };
    }),
  };
}
