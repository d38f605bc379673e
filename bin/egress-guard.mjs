#!/usr/bin/env node
// The CLI as bundled by `npm run build` (scripts/bundle-cli.mjs), else as compiled by tsc.
const bundle = new URL('../dist/cli/egress-guard.mjs', import.meta.url);
try {
  await import(bundle.href);
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(bundle.pathname)) throw err;
  await import('../dist/src/cli/main.js');
}
