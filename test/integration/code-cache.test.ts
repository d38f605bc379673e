import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixedDocuments } from '../../bench/corpus.js';

// The bin compiles the CLI bundle's chunks through the V8 code cache the build wrote beside them
// (src/cli/code-cache.ts, scripts/code-cache.mjs). A cache must never change what the CLI does:
// these tests hold the output equal with and without it, and show that a cache V8 would take for
// a changed chunk is refused.
const PACKAGE_BIN = new URL('../../bin/egress-guard.mjs', import.meta.url).pathname;
const BUNDLE_DIR = new URL('../../dist/cli/', import.meta.url).pathname;
const CODE_CACHE = new URL('../../dist/src/cli/code-cache.js', import.meta.url).href;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], options: { input?: string; env?: Record<string, string>; nodeFlags?: readonly string[] } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...(options.nodeFlags ?? []), ...args], { env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(options.input ?? '');
  });
}

/** `code cache: <chunk> <outcome>` lines, as EG_CODE_CACHE=check prints them at exit. */
function outcomes(stderr: string): Record<string, string> {
  return Object.fromEntries([...stderr.matchAll(/^code cache: (\S+) (\w+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

const input = `${mixedDocuments(7, 60).map((d) => JSON.stringify(d)).join('\n')}\n`;

describe('the CLI bundle\'s code cache', () => {
  it('is written by the build for every chunk scan --ndjson loads, and V8 takes each one', async () => {
    const checked = await run([PACKAGE_BIN, 'scan', '--ndjson'], { input, env: { EG_CODE_CACHE: 'check' } });
    expect(checked.code).toBe(0);
    const seen = outcomes(checked.stderr);
    expect(Object.keys(seen)).toContain('egress-guard.cjs');
    expect(Object.keys(seen).some((chunk) => chunk.startsWith('matcher-'))).toBe(true);
    expect(Object.values(seen).every((o) => o === 'accepted'), JSON.stringify(seen)).toBe(true);
    const cached = readdirSync(BUNDLE_DIR).filter((f) => f.endsWith('.v8cache'));
    for (const chunk of Object.keys(seen)) expect(cached).toContain(`${chunk}.v8cache`);
  });

  it('changes nothing in scan --ndjson\'s output', async () => {
    const [withCache, without] = await Promise.all([run([PACKAGE_BIN, 'scan', '--ndjson'], { input }), run([PACKAGE_BIN, 'scan', '--ndjson'], { input, env: { EG_CODE_CACHE: 'off' } })]);
    expect(withCache.code).toBe(0);
    expect(withCache.stdout.split('\n').filter((l) => l !== '')).toHaveLength(60);
    expect(withCache).toEqual(without);
  });

  it('is refused, and the code compiled from source, when V8 runs with other flags', async () => {
    // The bin's own budget for batch runs is 256 KiB; the cache carries the hash of the flags.
    const checked = await run([PACKAGE_BIN, 'scan', '--ndjson'], { input, env: { EG_CODE_CACHE: 'check' }, nodeFlags: ['--interrupt-budget=67584'] });
    const plain = await run([PACKAGE_BIN, 'scan', '--ndjson'], { input, env: { EG_CODE_CACHE: 'off' } });
    expect(Object.values(outcomes(checked.stderr))).toContain('rejected');
    expect(checked.stdout).toBe(plain.stdout);
  });

  it('is not used for a chunk changed since, even where V8 would take it (same length, same flags)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-code-cache-'));
    const entry = join(dir, 'entry.cjs');
    const chunk = join(dir, 'words-abc123.cjs');
    writeFileSync(entry, "#!/usr/bin/env node\nprocess.stdout.write(require('./words-abc123.cjs').word() + '\\n');\n");
    writeFileSync(chunk, "exports.word = () => 'alpha';\n");
    const runEntry = (mode: string) => run(['--input-type=module', '-e', `import { runBundle } from ${JSON.stringify(CODE_CACHE)}; runBundle(${JSON.stringify(entry)}, ${JSON.stringify(mode)}, []);`]);

    const written = await runEntry('write');
    expect(written).toEqual({ code: 0, stdout: 'alpha\n', stderr: 'code cache: entry.cjs written\ncode cache: words-abc123.cjs written\n' });
    expect((await runEntry('check')).stderr).toBe('code cache: entry.cjs accepted\ncode cache: words-abc123.cjs accepted\n');

    // V8 checks a cache against the source's length only: an edit of the same length would run
    // the old bytecode. The hash the cache file opens with catches it.
    writeFileSync(chunk, "exports.word = () => 'omega';\n");
    const v8Alone = `import Module from 'node:module'; import { readFileSync } from 'node:fs'; import { Script } from 'node:vm';
      const s = new Script(Module.wrap(readFileSync(${JSON.stringify(chunk)}, 'utf8')), { filename: ${JSON.stringify(chunk)}, cachedData: readFileSync(${JSON.stringify(`${chunk}.v8cache`)}).subarray(32) });
      process.stdout.write(String(s.cachedDataRejected));`;
    expect((await run(['--input-type=module', '-e', v8Alone])).stdout).toBe('false');
    expect(await runEntry('check')).toEqual({ code: 0, stdout: 'omega\n', stderr: 'code cache: entry.cjs accepted\ncode cache: words-abc123.cjs stale\n' });
    expect(await runEntry('on')).toEqual({ code: 0, stdout: 'omega\n', stderr: '' });
    expect(readFileSync(`${chunk}.v8cache`).length).toBeGreaterThan(32);
  });

  it('EG_CODE_CACHE takes on, off, write or check, and says so otherwise', async () => {
    const r = await run([PACKAGE_BIN, '--version'], { env: { EG_CODE_CACHE: 'yes' } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^egress-guard: EG_CONFIG_INVALID: .*EG_CODE_CACHE=yes is not one of on, off, write, check; unset it to use the code cache\.\n$/) });
  });
});
