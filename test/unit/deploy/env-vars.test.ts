import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/errors.js';

/**
 * The EG_* variables `serve` reads, found in the code (commander's .env() on the serve command,
 * process.env in serve.ts, the audit key loader and the inspection pool), against the README's table and every
 * variable the deploy/ files set: a typo in a manifest, or a variable nobody documented, fails.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function serveVariables(): Set<string> {
  const main = read('src/cli/main.ts');
  const serveCommand = main.slice(main.indexOf(".command('serve')"), main.indexOf('.action(', main.indexOf(".command('serve')")));
  const names = new Set<string>();
  for (const m of serveCommand.matchAll(/\.env\('(EG_[A-Z0-9_]+)'\)/g)) names.add(m[1]!);
  for (const file of ['src/cli/serve.ts', 'src/audit/key.ts']) {
    for (const m of read(file).matchAll(/env\[['"](EG_[A-Z0-9_]+)['"]\]/g)) names.add(m[1]!);
  }
  // The inspection pool reads its two settings through a range-checking helper.
  for (const m of read('src/pipeline/inspect-pool.ts').matchAll(/read\('(EG_[A-Z0-9_]+)'/g)) names.add(m[1]!);
  return names;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('EG_* environment variables', () => {
  const known = serveVariables();

  it('are found in the code', () => {
    for (const name of ['EG_POLICY', 'EG_LISTEN', 'EG_ADMIN_LISTEN', 'EG_WORKERS', 'EG_LOG_FORMAT', 'EG_AUDIT_KEY', 'EG_AUDIT_KEY_FILE', 'EG_POLICY_WATCH']) {
      expect(known.has(name), name).toBe(true);
    }
  });

  it('every one serve reads is in the README table under "Deploying", and the table lists no other', () => {
    const readme = read('README.md');
    const start = readme.indexOf('## Deploying');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1) === -1 ? undefined : readme.indexOf('\n## ', start + 1));
    const rows = new Set([...section.matchAll(/^\| `(EG_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
    expect([...rows].sort()).toEqual([...known].sort());
  });

  it('deploy/ sets none that serve does not read (error codes, or a prefix of them, aside)', () => {
    const codes = Object.keys(ERRORS);
    const problems: string[] = [];
    for (const file of filesUnder('deploy')) {
      for (const m of read(file).matchAll(/\b(EG_[A-Z0-9_]+)/g)) {
        const name = m[1]!;
        if (known.has(name) || codes.includes(name) || (name.endsWith('_') && codes.some((c) => c.startsWith(name)))) continue;
        problems.push(`${file}: ${name}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
