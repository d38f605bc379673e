import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI as installed: the built entry point that `npx egress-guard` runs (run `npm run build`
// first). Cases run concurrently: each writes its own temp dir. Nothing here opens a connection: `test` and `explain` evaluate in process.
const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const ID_CARD = '11010519491231002X';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI and resolves whatever its exit code. */
function cli(args: readonly string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile('node', [BIN, ...args], { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'eg-policy-cli-'));
}

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** 1-based "line:col" of the `n`th occurrence of `needle` in `text`. */
function pos(text: string, needle: string, n = 1): string {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not in the policy text`);
  }
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** Today in Asia/Shanghai plus `days`, as YYYY-MM-DD (the calendar bases are written in). */
function shanghaiDay(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

const DESTINATION = `version: 1
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
    recipient: Partner Analytics Inc.
`;

/** A standard-contract basis with partner-us, as a `bases:` list item. */
const contract = (id: string, categories: string, validFrom: string, validTo?: string): string =>
  `  - id: ${id}\n    type: standard_contract\n    recipients: [partner-us]\n    categories: [${categories}]\n    valid_from: ${validFrom}\n${validTo ? `    valid_to: ${validTo}\n` : ''}`;

describe.concurrent('egress-guard check', () => {
  it('exits 1 and prints a file:line:col warning for a basis that expires within 60 days', async () => {
    const dir = tempDir();
    const validTo = shanghaiDay(30);
    const text = `${DESTINATION}bases:
${contract('scc-partner', 'pi.id_card', '2024-01-01', validTo)}`;
    const file = write(dir, 'expiring.yaml', text);
    const ran = await cli(['check', file]);
    expect(ran.code).toBe(1);
    const line = ran.stderr.split('\n').find((l) => l.includes('bases[0].valid_to'));
    expect(line, ran.stderr).toBeDefined();
    expect(line!.startsWith(`${file}:${pos(text, validTo)} bases[0].valid_to: basis scc-partner expires in 30 days`)).toBe(true);
    expect(line).toContain(`(${validTo})`);
    expect(line!.endsWith('(warning)')).toBe(true);
    // The summary on stdout flags it too.
    expect(ran.stdout).toMatch(/scc-partner: standard_contract, 2024-01-01 to \S+; .*EXPIRES IN 30 DAYS/);
  });

  it('warns at exactly expiry_warning_days left and not one day later', async () => {
    const dir = tempDir();
    const text = `${DESTINATION}handler:
  expiry_warning_days: 20
bases:
${contract('at-limit', 'pi.email', '2024-01-01', shanghaiDay(20))}${contract('past-limit', 'pi.email', '2024-01-01', shanghaiDay(21))}`;
    const ran = await cli(['check', write(dir, 'limit.yaml', text)]);
    expect(ran.code).toBe(1);
    const warnings = ran.stderr.split('\n').filter((l) => l.endsWith('(warning)'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('bases[0].valid_to: basis at-limit expires in 20 days');
  });

  it('warns about an expired and a not-yet-valid basis at their dates', async () => {
    const dir = tempDir();
    const from = shanghaiDay(10);
    const text = `${DESTINATION}bases:
${contract('old-contract', 'pi.email', '2020-01-01', '2020-12-31')}${contract('next-contract', 'pi.email', from)}`;
    const file = write(dir, 'dates.yaml', text);
    const ran = await cli(['check', file]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`${file}:${pos(text, '2020-12-31')} bases[0].valid_to: basis old-contract expired on 2020-12-31`);
    expect(ran.stderr).toContain(`${file}:${pos(text, from)} bases[1].valid_from: basis next-contract is not valid until ${from}`);
  });

  it('exits 0 with nothing on stderr for a clean policy', async () => {
    const dir = tempDir();
    const file = write(dir, 'clean.yaml', `${DESTINATION}bases:
  - id: scc-partner
    type: standard_contract
    recipients: [partner-us]
    categories: [pi.email, pi.name]
    valid_from: 2024-01-01
    reference: SCC-2024-0007
`);
    const ran = await cli(['check', file]);
    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(ran.stdout).toMatch(/destination partner-us: US, abroad .*recipient Partner Analytics Inc\./);
  });

  const INVALID = `${DESTINATION}catalogs:
  - id: lingang-general
    kind: general
    entries:
      - id: logistics
        categories: [pi.phone]
bases:
  - id: scc-partner
    type: standard_contract
    recipients: [partnr-us]
    categories: [pi.phone, pi.idcard]
    valid_from: 2024-01-01
  - id: ftz-exemption
    type: exemption
    exemption: ftz_negative_list
    recipients: [partner-us]
    categories: ["pi.*"]
    negative_list: lingang-general
    valid_from: 2024-01-01
`;

  it('exits 2 and reports every cross-reference issue of the bases with its file:line:col', async () => {
    const dir = tempDir();
    const file = write(dir, 'invalid.yaml', INVALID);
    const ran = await cli(['check', file]);
    expect(ran.code).toBe(2);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${escape(`${file}:${pos(INVALID, 'partnr-us')} bases[0].recipients[0]: "partnr-us" is neither a destination name nor a destination's recipient`)}`)),
      expect.stringMatching(new RegExp(`^${escape(`${file}:${pos(INVALID, 'pi.idcard')} bases[0].categories[1]: unknown category "pi.idcard"`)}`)),
      `${file}:${pos(INVALID, 'lingang-general', 2)} bases[1].negative_list: catalog "lingang-general" is of kind general, not negative_list`,
      `${file}: 3 issues; the policy was not loaded`,
    ]);
    expect(ran.stdout).toBe('');
  });

  it('checks several files at once and exits with the worst code', async () => {
    const dir = tempDir();
    const clean = write(dir, 'clean.yaml', DESTINATION);
    const warning = write(dir, 'warning.yaml', `${DESTINATION}bases:
${contract('old-contract', 'pi.email', '2020-01-01', '2020-12-31')}`);
    const invalid = write(dir, 'invalid.yaml', INVALID);
    const [cleanWarning, warningClean, invalidFirst, invalidLast] = await Promise.all([
      cli(['check', clean, warning]),
      cli(['check', warning, clean]),
      cli(['check', invalid, clean, warning]),
      cli(['check', clean, warning, invalid]),
    ]);
    expect(cleanWarning.code).toBe(1);
    expect(warningClean.code).toBe(1);
    expect(invalidFirst.code).toBe(2);
    expect(invalidLast.code).toBe(2);
    // One line per loaded file on stdout; every issue of every file on stderr.
    expect(invalidFirst.stdout).toContain(`${clean}: ok, revision `);
    expect(invalidFirst.stdout).toMatch(new RegExp(`${escape(warning)}: ok, revision \\S+, 1 warning`));
    expect(invalidFirst.stderr).toContain(`${invalid}:${pos(INVALID, 'partnr-us')} bases[0].recipients[0]`);
    expect(invalidFirst.stderr).toContain(`${warning}:`);
  });
});

describe.concurrent('egress-guard test', () => {
  const POLICY = `${DESTINATION}bases:
${contract('scc-partner', 'pi.email', '2024-01-01', '2025-12-31')}`;

  it('passes a case file whose cases hold (exit 0, PASS: n/n)', async () => {
    const dir = tempDir();
    write(dir, 'policy.yaml', POLICY);
    const cases = write(dir, 'cases.yaml', `policy: policy.yaml
now: 2025-06-01
cases:
  - note: e-mail under the standard contract
    request: { method: POST, url: https://api.partner.example/v1/users, json: { email: someone@example.com } }
    want: { action: allow, status: 200, basis: scc-partner, findings: [pi.email], reasons: ["basis:scc-partner"] }
  - note: mobile number masked, no basis covers it
    request: { method: POST, url: http://api.partner.example/v1/users, json: { mobile: "13912345678" } }
    want: { action: redact, status: 200, json: { mobile: "***********" }, redacted: [/mobile] }
  - note: resident ID refused
    request: { method: POST, url: http://api.partner.example/v1/kyc, json: { idNo: "${ID_CARD}" } }
    want: { action: block, status: 403, error: EG_BLOCKED_BY_POLICY, reasons: [no-basis] }
`);
    const ran = await cli(['test', cases]);
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toMatch(/^PASS: 3\/3$/m);
    expect(ran.stdout).not.toMatch(/^FAIL/m);
  });

  it('fails a case whose want does not hold (exit 1, FAIL: note and want/got)', async () => {
    const dir = tempDir();
    write(dir, 'policy.yaml', POLICY);
    const cases = write(dir, 'cases.yaml', `policy: policy.yaml
cases:
  - note: e-mail under the standard contract
    now: 2025-06-01
    request: { method: POST, url: http://api.partner.example/v1/users, json: { email: someone@example.com } }
    want: { action: allow }
  - note: e-mail after the contract ended
    now: 2026-01-01
    request: { method: POST, url: http://api.partner.example/v1/users, json: { email: someone@example.com } }
    want: { action: allow, basis: scc-partner }
`);
    const ran = await cli(['test', cases]);
    expect(ran.code).toBe(1);
    const lines = ran.stdout.split('\n');
    const fail = lines.findIndex((l) => l.startsWith('FAIL: e-mail after the contract ended'));
    expect(fail, ran.stdout).toBeGreaterThanOrEqual(0);
    expect(lines.slice(fail + 1)).toContain('  action: want "allow", got "redact"');
    expect(lines.slice(fail + 1)).toContain('  basis: want "scc-partner", got null');
    expect(ran.stdout).toMatch(/^PASS: 1\/2$/m);
    expect(ran.stdout).toMatch(/^FAIL: 1\/2$/m);
  });
});

describe.concurrent('egress-guard explain', () => {
  const dir = tempDir();
  const policy = write(dir, 'policy.yaml', `version: 1
destinations:
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
    recipient: Partner Analytics Inc.
  - name: kyc-sg
    jurisdiction: SG
    hosts: [kyc.partner.example]
bases:
  - id: scc-kyc
    type: standard_contract
    recipients: [kyc-sg]
    categories: [pi.id_card]
    valid_from: 2024-01-01
`);
  const request = (url: string, ...extra: string[]) => ['explain', '--policy', policy, ...extra, '-X', 'POST', '-H', 'content-type: application/json', '-d', `{"idNo":"${ID_CARD}"}`, url];

  it('prints the decision, the category, the reason and the PIPL clause, and never the ID number', async () => {
    const ran = await cli(request('http://api.partner.example/x'));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^decision {3}BLOCK\b/m);
    expect(ran.stdout).toMatch(/api\.partner\.example:80 → partner-us \(US, abroad\), recipient Partner Analytics Inc\./);
    expect(ran.stdout).toMatch(/\/idNo\s+pi\.id_card \(sensitive_pi\)\s+→ block\s+\[no-basis\]/);
    expect(ran.stdout).toMatch(/^ {2}no-basis: no basis covers pi\.id_card/m);
    expect(ran.stdout).toMatch(/PIPL Arts?\. [^\n]*38/);
    expect(ran.stdout).toMatch(/^forwarded {2}nothing$/m);
    expect(ran.stdout + ran.stderr).not.toContain(ID_CARD);
  });

  it('prints JSON with --json', async () => {
    const ran = await cli(request('http://api.partner.example/x', '--json'));
    expect(ran.code).toBe(0);
    const out = JSON.parse(ran.stdout) as { action: string; status: number; error: string; findings: { category: string; reason: string }[]; reasons: { rule: string; clause: string }[]; forwarded: unknown };
    expect(out).toMatchObject({ action: 'block', status: 403, error: 'EG_BLOCKED_BY_POLICY', forwarded: null });
    expect(out.findings).toEqual([expect.objectContaining({ category: 'pi.id_card', reason: 'no-basis' })]);
    expect(out.reasons[0]!.clause).toMatch(/PIPL/);
    expect(ran.stdout).not.toContain(ID_CARD);
  });

  it('shows a forwarded body only with --show-body', async () => {
    const [plain, json, shown] = await Promise.all([
      cli(request('http://kyc.partner.example/x')),
      cli(request('http://kyc.partner.example/x', '--json')),
      cli(request('http://kyc.partner.example/x', '--show-body')),
    ]);
    expect(plain.stdout).toMatch(/^decision {3}ALLOW\b/m);
    expect(plain.stdout).toMatch(/^basis {6}scc-kyc \(standard_contract\)/m);
    const bytes = Buffer.byteLength(`{"idNo":"${ID_CARD}"}`);
    expect(plain.stdout).toContain(`\nforwarded  POST /x (${bytes} bytes)\n`);
    expect(plain.stdout).not.toContain(ID_CARD);
    expect(JSON.parse(json.stdout)).toMatchObject({ action: 'allow', basis: { id: 'scc-kyc' }, forwarded: { method: 'POST', path: '/x', bytes } });
    expect(json.stdout).not.toContain(ID_CARD);
    expect(shown.stdout).toContain(`body {"idNo":"${ID_CARD}"}`);
  });
});

describe.concurrent('egress-guard schema', () => {
  it('prints the JSON Schema that policies/schema.json holds', async () => {
    const ran = await cli(['schema']);
    expect(ran.code).toBe(0);
    const checkedIn = JSON.parse(readFileSync(new URL('../../policies/schema.json', import.meta.url), 'utf8')) as unknown;
    expect(JSON.parse(ran.stdout)).toEqual(checkedIn);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
