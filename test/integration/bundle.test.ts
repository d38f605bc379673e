import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProxyAgent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startUpstream } from './harness.js';
import { BIN, spawnServe } from './serve-process.js';

// The package's bin (what `npx egress-guard` runs): the bundle of scripts/bundle-cli.mjs, which
// npm run build makes. Every command must behave as tsc's output does.
const PACKAGE_BIN = new URL('../../bin/egress-guard.mjs', import.meta.url).pathname;
const BUNDLE = new URL('../../dist/cli/egress-guard.cjs', import.meta.url).pathname;

async function both(args: string[], input?: string): Promise<[{ code: number; stdout: string; stderr: string }, { code: number; stdout: string; stderr: string }]> {
  const once = (bin: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
      child.stdin!.end(input ?? '');
    });
  return Promise.all([once(BIN), once(PACKAGE_BIN)]);
}

describe('the bundled CLI (bin/egress-guard.mjs)', () => {
  it('is built, and the bin runs it rather than falling back to dist/src', async () => {
    expect(existsSync(BUNDLE)).toBe(true);
    // Every module loaded while `scan` starts: ES modules through a loader hook, CommonJS (the
    // bundle's chunks and what they require) from require's cache at exit.
    const dir = mkdtempSync(join(tmpdir(), 'eg-bundle-'));
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nimport { pathToFileURL } from 'node:url';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((f) => pathToFileURL(f).href + '\\n').join('')));\n`);
    await new Promise<void>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', register, PACKAGE_BIN, 'scan', '--ndjson'], (err) => (err ? reject(err) : resolve()));
      child.stdin!.end('{"id":"a","body":"13812345678"}\n');
    });
    const loaded = readFileSync(log, 'utf8').trim().split('\n');
    expect(loaded).toContain(pathToFileURL(BUNDLE).href);
    // Of tsc's output, only the loader that compiles the bundle through its code cache.
    expect(loaded.filter((url) => url.includes('/dist/src/')).map((url) => url.replace(/^.*\/dist\/src\//, '')).sort()).toEqual(['cli/batch-tiering.js', 'cli/code-cache.js', 'errors.js']);
    // What scan must not pay for at start: the gateway's HTTP client, logger, metrics and stores.
    for (const heavy of ['undici', 'pino', 'prom-client', 'ioredis', 'better-sqlite3']) {
      expect(loaded.filter((url) => url.includes(`/node_modules/${heavy}/`)), heavy).toEqual([]);
    }
    // Nor the YAML parser and zod: the default policy comes from the build's snapshot.
    const bundled = loaded.filter((url) => url.includes('/dist/cli/')).map((url) => readFileSync(fileURLToPath(url), 'utf8'));
    expect(bundled.some((code) => code.includes('LineCounter'))).toBe(false);
    expect(bundled.some((code) => code.includes('ZodType'))).toBe(false);
  });

  it('prints the same help, schema and policy check as the unbundled CLI', async () => {
    for (const args of [['--help'], ['schema'], ['check', new URL('../../policies/default.yaml', import.meta.url).pathname], ['scan', '--help']]) {
      const [plain, bundled] = await both(args);
      expect(bundled, args.join(' ')).toEqual(plain);
    }
  });

  it('--version and -V print package.json\'s version, bundled or not', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const [plain, bundled] = await both([flag]);
      expect(plain, flag).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
      expect(bundled, flag).toEqual(plain);
    }
  });

  it('speaks the scan --ndjson protocol with the same output', async () => {
    const docs = [
      { id: 'a', contentType: 'application/json', body: '{"user":{"name":"张伟","mobile":"13812345678","idCard":"11010519491231002X"},"orderNo":"110105194912310021"}' },
      { id: 'b', contentType: 'application/x-www-form-urlencoded', body: 'email=li.na%40example.com&card=6222021234567890128' },
      { id: 'c', contentType: 'text/plain', body: 'nothing here' },
      { id: 'd', contentType: 'application/json', body: '{"note":"' + Buffer.from('{"phone":"13912345678"}').toString('base64') + '"}' },
    ];
    const input = `${docs.map((d) => JSON.stringify(d)).join('\n')}\nnot json\n`;
    const [plain, bundled] = await both(['scan', '--ndjson'], input);
    expect(bundled).toEqual(plain);
    expect(plain.code).toBe(1);
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(plain.stderr).toContain('line 5: not a JSON object');
  });

  it('prepare does not rebuild a dist/ that is newer than every source (the first npx egress-guard runs it)', async () => {
    const prepare = new URL('../../scripts/prepare.mjs', import.meta.url).pathname;
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [prepare, '--check'], { timeout: 10_000 }, (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }));
    });
    expect(result).toEqual({ code: 0, stderr: expect.stringContaining('dist/ is up to date with the sources; not rebuilding') });
  });

  it('serves: a request through the bundled gateway arrives redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-bundle-'));
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nresolve:\n  api.partner.example: 127.0.0.1\ndestinations:\n  - name: partner\n    jurisdiction: US\n    hosts: [api.partner.example]\n');
    const upstream = await startUpstream();
    const served = await spawnServe(['--policy', policy, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', join(dir, 'audit.ndjson'), '--workers', '1'], { bin: PACKAGE_BIN });
    const agent = new ProxyAgent({ uri: `http://${served.proxy}` });
    try {
      const res = await request(`http://api.partner.example:${upstream.port}/p`, { method: 'POST', body: '{"mobile":"13912345678"}', headers: { 'content-type': 'application/json' }, dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      expect(upstream.received.at(-1)!.body.toString()).toBe('{"mobile":"***********"}');
    } finally {
      await agent.close();
      expect(await served.stop()).toBe(0);
      await upstream.close();
    }
  });
});
