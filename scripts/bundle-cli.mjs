// Bundles the compiled CLI (dist/src/cli/main.js) into dist/cli/: one file for what every
// command needs and one chunk per command's own code, so a command loads a handful of files
// instead of ~80 modules of ours plus zod's and yaml's, which now load only with a command that
// reads a policy file. `scan` (the scorer starts it once per corpus) started in ~0.45 s
// unbundled, ~0.18 s from the bundle with the default policy's snapshot. bin/egress-guard.mjs
// runs the bundle and falls back to dist/src/cli/main.js when there is none. Run by
// scripts/build.mjs.
//
// CommonJS rather than ES modules: Node 20 keeps no compiled code for ES modules, and the bin
// compiles these chunks through V8's code cache (src/cli/code-cache.ts, scripts/code-cache.mjs).
// Dynamic imports become require() (`dynamicImportInCjs: false`): an import() inside code
// compiled by vm.Script needs a loader callback of its own.
//
// Bundled: our code and the pure-JS libraries it loads on every start. Left to node_modules:
// everything else, in particular what uses native code, worker files or its own file paths
// (better-sqlite3, pino and its transports, undici, ioredis, prom-client, @peculiar/x509).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// 'ret' is safe-regex2's parser: bundled, it loads with the chunk's code cache instead of as 7 files.
const BUNDLED = new Set(['yaml', 'zod', 'commander', 'safe-regex2', 'ret', 'lru-cache']);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/cli`;

const packageOf = (id) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);

let rolldown;
try {
  rolldown = await import('rolldown');
} catch (err) {
  // The CLI still works unbundled; say why it is slower to start.
  process.stderr.write(`bundle-cli: rolldown not available (${err.message}); egress-guard will run unbundled from dist/src\n`);
  process.exit(0);
}
rmSync(outDir, { recursive: true, force: true });
await rolldown.build({
  input: `${root}dist/src/cli/main.js`,
  platform: 'node',
  external: (id) => id.startsWith('node:') || (!id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !BUNDLED.has(packageOf(id))),
  logLevel: 'warn',
  onLog(level, log, handler) {
    // Static and dynamic imports of one module: expected here, the command's chunk still loads it.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
  output: { dir: outDir, format: 'cjs', entryFileNames: 'egress-guard.cjs', chunkFileNames: '[name]-[hash].cjs', dynamicImportInCjs: false, sourcemap: true },
});
