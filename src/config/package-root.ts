import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageManifest {
  /** The directory holding egress-guard's package.json (and policies/, dist/). */
  readonly root: string;
  readonly version: string;
}

let found: PackageManifest | null | undefined;

/** This module runs from src/config (tests, tsx), dist/src/config (tsc) or dist/cli (the
 *  bundle): walk up instead of assuming a depth. Null when no egress-guard manifest is above it
 *  (a copied file, a broken install); read once. */
export function packageManifest(): PackageManifest | null {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        if (json.name === 'egress-guard') return (found = { root: dir, version: typeof json.version === 'string' ? json.version : 'unknown' });
      } catch {
        // An unreadable manifest belongs to something else; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return (found = null);
    dir = parent;
  }
}
