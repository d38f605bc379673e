import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { Script } from 'node:vm';
import { EgError } from '../errors.js';
import { isBatchCommandLine, raiseInterruptBudgetForBatch } from './batch-tiering.js';

/**
 * Runs the CLI bundle (scripts/bundle-cli.mjs writes it to dist/cli/ as CommonJS chunks) with
 * V8's code cache: the bytecode of every function a training run compiled, written beside each
 * chunk by the build (scripts/code-cache.mjs). A process that loads a chunk with its cache skips
 * parsing and compiling what the cache holds; `scan --ndjson` over the scorer's public sample
 * starts to exit ~7 % sooner (bench/README.md "The scan protocol's process").
 *
 * Node 20 caches no compiled code for ES modules (`module.enableCompileCache` came in 22.1), so
 * the bundle is CommonJS and its chunks are compiled here through `vm.Script`, which takes a cache.
 *
 * V8 accepts a cache only for the same V8 version, the same flags and a source of the same
 * length. A source edited to the same length would pass that check and run stale bytecode, so
 * each cache file opens with the SHA-256 of the source it was made from, and a cache whose hash
 * differs is not used. A cache that is missing, stale or rejected costs nothing but the compile
 * it would have saved: the chunk is compiled from its source as without a cache.
 */

/** `EG_CODE_CACHE`: read the caches (the default), leave them alone, write them (the build's
 *  training run), or read them and say on stderr at exit what became of each chunk's (tests). */
export type CodeCacheMode = 'on' | 'off' | 'write' | 'check';

export const CODE_CACHE_MODES: readonly CodeCacheMode[] = ['on', 'off', 'write', 'check'];

/** The cache of chunk `x.cjs` is `x.cjs.v8cache`. */
export const CACHE_SUFFIX = '.v8cache';

const HASH_BYTES = 32;

/** What became of a chunk's cache in this process. */
export type CacheOutcome = 'accepted' | 'rejected' | 'stale' | 'missing' | 'written';

export function codeCacheMode(value: string | undefined): CodeCacheMode {
  if (value === undefined || value === '') return 'on';
  if ((CODE_CACHE_MODES as readonly string[]).includes(value)) return value as CodeCacheMode;
  throw new EgError('EG_CONFIG_INVALID', `EG_CODE_CACHE=${value} is not one of ${CODE_CACHE_MODES.join(', ')}; unset it to use the code cache.`);
}

function sourceHash(source: string): Buffer {
  return createHash('sha256').update(source).digest();
}

/** The V8 data of `cacheFile` if it was made from `source`; why not otherwise. */
function readCache(cacheFile: string, hash: Buffer): Buffer | 'missing' | 'stale' {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return 'missing';
  }
  if (data.length <= HASH_BYTES || !data.subarray(0, HASH_BYTES).equals(hash)) return 'stale';
  return data.subarray(HASH_BYTES);
}

function writeCache(cacheFile: string, hash: Buffer, script: Script): void {
  // Renamed into place so that a process starting meanwhile reads the old file or the new one.
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]));
    renameSync(temporary, cacheFile);
  } catch (err) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
    throw err;
  }
}

interface CompiledChunk {
  readonly file: string;
  readonly hash: Buffer;
  readonly script: Script;
  outcome: CacheOutcome;
}

type Compile = (this: Module, content: string, filename: string) => unknown;

/**
 * Requires `entry` with every `.cjs` file of its directory compiled through the code cache
 * (files elsewhere, such as node_modules, load as usual). In 'write' mode the caches of the
 * chunks this process loaded are written at its exit, after the run compiled what it uses.
 */
export function runBundle(entry: string, mode: CodeCacheMode, args: readonly string[] = process.argv.slice(2)): void {
  const require = createRequire(entry);
  if (mode === 'off') {
    require(entry);
    return;
  }
  // The cache carries the hash of V8's flags: set the batch budget before any chunk compiles, so
  // that a chunk compiled before the CLI reads its arguments matches the training run's flags.
  if (isBatchCommandLine(args)) raiseInterruptBudgetForBatch();

  const bundleDir = dirname(entry) + sep;
  const chunks: CompiledChunk[] = [];
  const proto = Module.prototype as unknown as { _compile: Compile };
  const compileAsNode = proto._compile;
  proto._compile = function compileThroughCache(this: Module, content: string, filename: string): unknown {
    if (!filename.startsWith(bundleDir) || !filename.endsWith('.cjs')) return compileAsNode.call(this, content, filename);
    // Node strips a shebang before wrapping; a comment of the same length keeps the columns.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const hash = sourceHash(content);
    const cached = mode === 'write' ? 'missing' : readCache(filename + CACHE_SUFFIX, hash);
    const script = new Script(Module.wrap(source), { filename, ...(typeof cached === 'string' ? {} : { cachedData: cached }) });
    chunks.push({ file: filename, hash, script, outcome: typeof cached === 'string' ? cached : script.cachedDataRejected ? 'rejected' : 'accepted' });
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };

  if (mode === 'write') {
    process.on('exit', () => {
      for (const chunk of chunks) {
        writeCache(chunk.file + CACHE_SUFFIX, chunk.hash, chunk.script);
        chunk.outcome = 'written';
      }
    });
  }
  if (mode === 'check' || mode === 'write') {
    process.on('exit', () => {
      for (const chunk of chunks) process.stderr.write(`code cache: ${relative(bundleDir, chunk.file)} ${chunk.outcome}\n`);
    });
  }
  require(entry);
}
