#!/usr/bin/env node
// The CLI as bundled by `npm run build` (scripts/bundle-cli.mjs), else as compiled by tsc.
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/egress-guard.mjs', import.meta.url);
try {
  await import(bundle.href);
} catch (err) {
  // Only the bundle itself missing falls back; a broken bundle (a chunk gone) is an error.
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(bundle))) throw err;
  await import('../dist/src/cli/main.js');
}
