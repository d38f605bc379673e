// `npm install` / `npm ci` run "prepare", and so does the first `npx egress-guard` in a checkout
// (npm installs the checkout into its npx cache to link the bin). Building takes ~12 s on a
// 2-core machine; this builds only when dist/ is missing or older than a source, so that the
// first `npx egress-guard` does not rebuild what `npm ci` just built. `npm run build`
// (scripts/build.mjs) always builds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');

function newestMtime(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const inputs = ['src', 'bench', 'scripts', 'policies', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const newest = Math.max(...inputs.map((p) => newestMtime(join(root, p))));
if (built > 0 && newest <= built) {
  process.stderr.write('egress-guard: dist/ is up to date with the sources; not rebuilding (npm run build forces it)\n');
} else if (process.argv.includes('--check')) {
  // Tests ask without building.
  process.stderr.write('egress-guard: dist/ is missing or older than a source; npm run build\n');
  process.exitCode = 1;
} else {
  // The build script itself rather than `npm run build`: no npm on PATH needed.
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
