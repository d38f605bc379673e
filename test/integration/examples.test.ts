import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

// Every example policy under policies/examples/ passes `check` and its test-case file passes
// `test`, run with the built CLI (`npm run build` first) exactly as an operator would. Nothing
// here opens a connection: `test` evaluates in process.
const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const EXAMPLES = new URL('../../policies/examples/', import.meta.url).pathname;

// Examples that hash identifiers read their key from this variable (redaction.hash.key_env);
// the expected pseudonyms in their test files are computed with this fixed test key.
const REDACT_KEY_ENV = 'EG_EXAMPLE_REDACT_KEY';
const REDACT_KEY = 'egress-guard-examples-test-key-1'; // 32 characters

/** Every example, and the exit code `check` must give (1 only where a warning is the point,
 *  documented in the file; none is today). */
const POLICIES: Readonly<Record<string, 0 | 1>> = {
  'hr-multinational.yaml': 0,
  'ecommerce-crossborder.yaml': 0,
  'clinical-trial.yaml': 0,
  'connected-vehicles.yaml': 0,
  'fund-research.yaml': 0,
  'ftz-negative-list.yaml': 0,
  'monitor-rollout.yaml': 0,
  'partner.yaml': 0,
};

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(
      'node',
      [BIN, ...args],
      { encoding: 'utf8', timeout: 15_000, env: { ...process.env, [REDACT_KEY_ENV]: REDACT_KEY } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

function caseCount(testFile: string): number {
  return (parseYaml(readFileSync(testFile, 'utf8')) as { cases: unknown[] }).cases.length;
}

const testFileOf = (policy: string): string => policy.replace(/\.yaml$/, '.test.yaml');

describe('example policies', () => {
  it('lists every example in the directory, each with its test file and the schema modeline', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
    const policies = files.filter((f) => !f.endsWith('.test.yaml')).sort();
    expect(policies).toEqual(Object.keys(POLICIES).sort());
    for (const policy of policies) {
      expect(files, `${policy} has a test file`).toContain(testFileOf(policy));
      expect(readFileSync(join(EXAMPLES, policy), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema.json');
    }
  });

  for (const [policy, exit] of Object.entries(POLICIES)) {
    it(`check ${policy} exits ${exit}`, async () => {
      const r = await cli(['check', '--now', '2026-06-01', join(EXAMPLES, policy)]);
      // A clean policy prints no issue line at all (warnings and errors go to stderr).
      if (exit === 0) expect(r.stderr).toBe('');
      expect(r.code).toBe(exit);
    });

    const cases = testFileOf(policy);
    it(`test ${cases} passes every case`, async () => {
      const file = join(EXAMPLES, cases);
      const n = caseCount(file);
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(10);
      const r = await cli(['test', file, '-v']);
      expect(r.stdout).not.toContain('FAIL:');
      expect(r.stdout).toContain(`PASS: ${n}/${n}`);
      expect(r.code).toBe(0);
    });
  }

  it('the runner fails a case whose expectation is wrong, naming the case', async () => {
    const source = join(EXAMPLES, 'fund-research.test.yaml');
    const spec = parseYaml(readFileSync(source, 'utf8')) as { policy: string; cases: { note: string; want: { action?: string } }[] };
    const wrong = spec.cases[0]!;
    expect(wrong.want.action).toBe('allow');
    wrong.want.action = 'block';
    spec.policy = join(EXAMPLES, 'fund-research.yaml');
    const dir = mkdtempSync(join(tmpdir(), 'eg-examples-'));
    const file = join(dir, 'broken.test.yaml');
    writeFileSync(file, stringifyYaml(spec));

    const r = await cli(['test', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL: ${wrong.note}`);
    expect(r.stdout).toContain('action: want "block", got "allow"');
    expect(r.stdout).toContain(`FAIL: 1/${spec.cases.length}`);
    expect(r.stdout).toContain(`PASS: ${spec.cases.length - 1}/${spec.cases.length}`);
  });
});
