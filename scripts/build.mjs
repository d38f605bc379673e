// `npm run build`: tsc, then the default policy's snapshot, then the CLI bundle and its code cache,
// then the stamp that scripts/prepare.mjs compares sources against.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

// The embedded default policy, validated once here so that `scan` need not load the YAML parser
// and zod to read it (src/config/default-policy.ts). Written only if the validated document
// survives JSON unchanged; otherwise scan loads the policy in full, as every other command does.
{
  const { validatePolicyText } = await import(pathToFileURL(join(root, 'dist/src/config/load.js')).href);
  const { DEFAULT_POLICY_SOURCE, DEFAULT_SNAPSHOT_PATH, readDefaultPolicyText, snapshotOf } = await import(pathToFileURL(join(root, 'dist/src/config/default-policy.js')).href);
  const { text } = readDefaultPolicyText(root);
  const snapshot = snapshotOf(text, validatePolicyText(text, DEFAULT_POLICY_SOURCE).wire);
  if (snapshot) writeFileSync(join(root, DEFAULT_SNAPSHOT_PATH), `${JSON.stringify(snapshot)}\n`);
  else process.stderr.write('build: the default policy does not survive JSON as validated; no snapshot written (scan loads it in full)\n');
}

execFileSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'code-cache.mjs')], { cwd: root, stdio: 'inherit' });
writeFileSync(join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
