// The code cache of the CLI bundle (src/cli/code-cache.ts): scans generated documents of every
// content type with `scan --ndjson` in 'write' mode, so that each chunk's cache holds the bytecode
// of what the run compiled, then scans them again reading the caches and checks that V8 took
// every one and that the output is the same. Run by scripts/build.mjs after the bundle. Without a
// cache the CLI is as it was before, only slower to start, so a failure here warns and removes
// the caches rather than failing the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = join(root, 'dist', 'cli');
const bin = join(root, 'bin', 'egress-guard.mjs');
const SUFFIX = '.v8cache';
const DOCUMENTS = 240;
const SEED = 20;

const removeCaches = () => {
  for (const f of readdirSync(bundleDir)) if (f.endsWith(SUFFIX)) rmSync(join(bundleDir, f));
};

function scan(input, mode) {
  const r = spawnSync(process.execPath, [bin, 'scan', '--ndjson'], { input, env: { ...process.env, EG_CODE_CACHE: mode }, maxBuffer: 256 * 1024 * 1024 });
  const stderr = r.stderr?.toString() ?? '';
  // A scan that exits early closes its stdin: its own message says more than the EPIPE.
  if (r.status !== 0 || r.error) throw new Error(`scan --ndjson with EG_CODE_CACHE=${mode} ${r.status !== null ? `exited ${r.status}` : 'failed'}: ${stderr.replace(/^code cache: .*\n/gm, '').trim() || r.error?.message}`);
  const outcomes = [...stderr.matchAll(/^code cache: (\S+) (\w+)$/gm)].map((m) => ({ chunk: m[1], outcome: m[2] }));
  return { stdout: r.stdout.toString(), outcomes };
}

if (!existsSync(join(bundleDir, 'egress-guard.cjs'))) {
  process.stderr.write('code-cache: no CLI bundle to cache (see bundle-cli above)\n');
  process.exit(0);
}
try {
  const { mixedDocuments } = await import(pathToFileURL(join(root, 'dist', 'bench', 'corpus.js')).href);
  const input = `${mixedDocuments(SEED, DOCUMENTS).map((d) => JSON.stringify(d)).join('\n')}\n`;
  removeCaches();
  const written = scan(input, 'write');
  const lines = written.stdout.split('\n').filter((l) => l !== '').length;
  if (lines !== DOCUMENTS) throw new Error(`the training run answered ${lines} of ${DOCUMENTS} documents`);
  const read = scan(input, 'check');
  const refused = read.outcomes.filter((o) => o.outcome !== 'accepted');
  if (read.outcomes.length === 0 || refused.length > 0) throw new Error(`caches not taken: ${refused.map((o) => `${o.chunk} ${o.outcome}`).join(', ') || 'no chunk reported'}`);
  if (read.stdout !== written.stdout) throw new Error('the output read through the caches differs from the training run\'s');
  const bytes = readdirSync(bundleDir).filter((f) => f.endsWith(SUFFIX)).reduce((n, f) => n + statSync(join(bundleDir, f)).size, 0);
  process.stderr.write(`code-cache: ${read.outcomes.length} chunks, ${(bytes / 1024).toFixed(0)} KiB, from scanning ${DOCUMENTS} generated documents\n`);
} catch (err) {
  removeCaches();
  process.stderr.write(`code-cache: no code cache written (${err.message}); the CLI compiles its code at every start\n`);
}
