#!/usr/bin/env node
// The CLI as bundled by `npm run build` (scripts/bundle-cli.mjs), compiled from the V8 code cache
// the build wrote beside it (src/cli/code-cache.ts); else as compiled by tsc.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/egress-guard.cjs', import.meta.url));
if (existsSync(bundle)) {
  const { codeCacheMode, runBundle } = await import('../dist/src/cli/code-cache.js');
  let mode;
  try {
    mode = codeCacheMode(process.env.EG_CODE_CACHE);
  } catch (err) {
    process.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  runBundle(bundle, mode);
} else {
  await import('../dist/src/cli/main.js');
}
