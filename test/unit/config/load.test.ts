import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefaultPolicy, loadPolicyFile, loadPolicyText, PolicyInvalidError } from '../../../src/config/load.js';
import { EgError } from '../../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../../policies/', import.meta.url));

function issueLines(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof PolicyInvalidError) return err.lines();
    throw err;
  }
  throw new Error('expected the policy to be rejected');
}

/** Expected lines are written relative to the fixture, as "line:col path: message". */
function expectIssues(name: string, expected: string[]): void {
  const file = join(FIXTURES, name);
  expect(issueLines(() => loadPolicyFile(file))).toEqual(expected.map((line) => `${file}:${line}`));
}

describe('loadPolicyFile: every issue, with its position', () => {
  it('reports unknown keys at the key, with a hint', () => {
    expectIssues('unknown-key.yaml', [
      '5:5 destinations[0].hots: unknown key; did you mean "hosts"?',
      '6:5 destinations[0].alow_special_addresses: unknown key; did you mean "allow_special_addresses"?',
      '9:3 unknown.colour: unknown key; expected one of jurisdiction, allow_special_addresses, inspect, always, tunnel, tls, uninspectable, mode, actions',
    ]);
  });

  it('reports bad jurisdictions, and a domestic unknown zone', () => {
    expectIssues('bad-jurisdiction.yaml', [
      '4:19 destinations[0].jurisdiction: must be a 2-letter upper-case country code such as CN, US or HK (ZZ when unknown); did you mean "CN"?',
      '7:19 destinations[1].jurisdiction: must be a 2-letter upper-case country code such as CN, US or HK (ZZ when unknown)',
      '10:17 unknown.jurisdiction: the unknown zone is always abroad; list domestic destinations in a zone with jurisdiction CN',
    ]);
  });

  it('reports bad and repeated CIDRs', () => {
    expectIssues('bad-cidr.yaml', [
      '7:9 destinations[0].cidrs[1]: invalid CIDR "10.20.1.0/16": host bits are set; did you mean 10.20.0.0/16?',
      '8:9 destinations[0].cidrs[2]: invalid CIDR "10.0.0.0/33": prefix length must be a number from 0 to 32',
      '9:9 destinations[0].cidrs[3]: invalid CIDR "300.1.2.3/8": "300.1.2.3" is not an IPv4 or IPv6 address',
      '10:9 destinations[0].cidrs[4]: invalid CIDR "fd00::/129": prefix length must be a number from 0 to 128',
      '11:9 destinations[0].cidrs[5]: CIDR 10.20.0.0/16 is already listed at destinations[0].cidrs[0]',
    ]);
  });

  it('reports a duplicate zone name and a host pattern in two zones (after normalisation)', () => {
    expectIssues('duplicate-zone.yaml', [
      '6:11 destinations[1].name: destination name "partner" is already used by destinations[0]',
      '8:13 destinations[1].hosts[0]: host pattern "api.partner.example" is already listed at destinations[0].hosts[0]',
    ]);
  });

  it('reports bad host patterns', () => {
    const star = '"*" is only allowed as a whole leading label, as in "*.example.com"';
    expectIssues('bad-host.yaml', [
      `6:9 destinations[0].hosts[0]: invalid host pattern "*": ${star}`,
      `7:9 destinations[0].hosts[1]: invalid host pattern "a*.example.com": ${star}`,
      `8:9 destinations[0].hosts[2]: invalid host pattern "*.*.example.com": ${star}`,
      '9:9 destinations[0].hosts[3]: invalid host pattern "exa mple.com": it contains a character not allowed in host names',
      '10:9 destinations[0].hosts[4]: invalid host pattern "10.0.0.1": IP addresses go under cidrs (as 10.0.0.1/32)',
      '11:9 destinations[0].hosts[5]: invalid host pattern "-bad.example.com": each dot-separated label needs 1 to 63 letters, digits, "-" or "_", not starting or ending with "-"',
    ]);
  });

  it('reports bad modes, grades, actions and category ids', () => {
    expectIssues('bad-action.yaml', [
      '2:7 mode: must be one of enforce, monitor; did you mean "enforce"?',
      '4:26 categories["pi.member_id"].grade: must be one of general, pi, sensitive_pi, important, core (got "personal")',
      '9:13 destinations[0].tunnel: must be one of allow, block (got "maybe")',
      '11:16 destinations[0].actions.default: must be one of allow, redact, mask, partial, hash, drop, block (got "deny")',
      '12:31 destinations[0].actions.grades.sensitive_pi: must be one of allow, redact, mask, partial, hash, drop, block; did you mean "redact"?',
      '12:39 destinations[0].actions.grades.secret: unknown key; expected one of general, pi, sensitive_pi, important, core',
      '14:9 destinations[0].actions.categories["pi.emial"]: unknown category "pi.emial"; did you mean "pi.email"? (new categories are defined under categories)',
      '17:9 destinations[0].actions.categories["Bad-Id"]: invalid category id "Bad-Id": use lower-case dot-separated names, as "pi.id_card"',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expectIssues('syntax-error.yaml', [
      '6:3 (syntax): Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports every issue of a file with many, in file order', () => {
    expectIssues('many-errors.yaml', [
      '1:10 version: must be 1 (got 2)',
      '4:24 resolve["api.partner.example"]: "not-an-ip" is not an IP address',
      '5:27 limits.max_body_bytes: must be a byte count from 1 to 1073741824, or a whole number with B, KiB, MiB or GiB (as "8MiB")',
      '6:22 timeouts.connect: must be milliseconds from 1 to 3600000, or a whole number with ms, s or m (as "30s")',
      '6:42 timeouts.headers: must be milliseconds from 1 to 3600000, or a whole number with ms, s or m (as "30s")',
      '8:11 destinations[0].name: must be 1 to 63 lower-case letters, digits, "-" or "_", starting with a letter',
      '10:12 destinations[0].hosts: expected a list, got "*.cn"',
      '11:5 destinations[1].name: is required',
      '13:13 destinations[1].cidrs[0]: invalid CIDR "1.2.3.4/24": host bits are set; did you mean 1.2.3.0/24?',
      '14:5 destinations[2]: a destination needs at least one entry under hosts or cidrs',
      '16:1 extra: unknown key; expected one of version, mode, resolve, categories, limits, timeouts, inspect, rules, handler, redaction, clients, client_header, scenario_header, bases, catalogs, restricted, audit, volume, drift, tls, routes, destinations, unknown',
    ]);
  });
});

describe('loadPolicyText', () => {
  const lines = (text: string): string[] => issueLines(() => loadPolicyText(text, 'p.yaml'));

  it('rejects an empty document and a missing version', () => {
    expect(lines('')).toEqual(['p.yaml:1:1 (root): expected a mapping, got an empty value']);
    expect(lines('mode: enforce\n')).toEqual(['p.yaml:1:1 version: is required']);
  });

  it('rejects duplicate keys and reports the reserved zone name', () => {
    expect(lines('version: 1\nversion: 1\n')).toEqual(['p.yaml:2:1 (syntax): Map keys must be unique']);
    expect(lines('version: 1\ndestinations:\n  - { name: unknown, jurisdiction: US, hosts: [a.example] }\n')).toEqual([
      'p.yaml:3:13 destinations[0].name: the name "unknown" is reserved for the unknown section',
    ]);
  });

  it('checks category definitions, resolve entries and limit consistency', () => {
    const text = [
      'version: 1',
      'resolve: { Api.Example: 10.0.0.1, api.example.: 10.0.0.2, 10.0.0.3: 10.0.0.4 }',
      'categories: { "pi.*": { grade: pi }, pi.extra: { grade: pi, note: x } }',
      'limits: { max_decoded_bytes: 1MiB }',
      '',
    ].join('\n');
    expect(lines(text)).toEqual([
      'p.yaml:2:35 resolve["api.example."]: "api.example." is the same host as "Api.Example"',
      'p.yaml:2:59 resolve["10.0.0.3"]: "10.0.0.3" is already an IP address',
      'p.yaml:3:15 categories["pi.*"]: a category definition cannot contain "*"',
      'p.yaml:3:61 categories["pi.extra"].note: unknown key; expected one of grade',
      'p.yaml:4:30 limits.max_decoded_bytes: max_decoded_bytes (1048576) must be at least max_body_bytes (8388608)',
    ]);
  });

  it('throws one PolicyInvalidError (EG_POLICY_INVALID) whose message lists every issue', () => {
    let caught: unknown;
    try {
      loadPolicyText('version: 1\nmode: x\ndestinations: 3\n', 'p.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyInvalidError);
    expect(caught).toBeInstanceOf(EgError);
    const err = caught as PolicyInvalidError;
    expect(err.code).toBe('EG_POLICY_INVALID');
    expect(err.issues.map((i) => [i.line, i.col, i.path])).toEqual([[2, 7, 'mode'], [3, 15, 'destinations']]);
    expect(err.message).toContain('2 issues:\np.yaml:2:7 mode: must be one of enforce, monitor (got "x")\np.yaml:3:15 destinations: expected a list, got 3');
  });
});

describe('reading files', () => {
  it('reports an unreadable file as EG_POLICY_READ with the OS reason', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'eg-policy-')), 'missing.yaml');
    expect(() => loadPolicyFile(missing)).toThrow(expect.objectContaining({ code: 'EG_POLICY_READ', message: expect.stringContaining('ENOENT') }));
    expect(() => loadPolicyFile(tmpdir())).toThrow(expect.objectContaining({ code: 'EG_POLICY_READ', message: expect.stringContaining('EISDIR') }));
  });

  it('names the file it read in issues and in the compiled policy', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eg-policy-')), 'p.yaml');
    writeFileSync(file, '\uFEFFversion: 1\n');
    expect(loadPolicyFile(file).source).toBe(file);
  });

  it('loads the embedded default policy', () => {
    const policy = loadDefaultPolicy();
    expect(policy.source).toBe('embedded:policies/default.yaml');
    expect(policy.mode).toBe('enforce');
    expect(policy.destinations.map((z) => [z.name, z.jurisdiction, z.abroad])).toEqual([['domestic', 'CN', false]]);
    expect(policy.lookupZone('www.gov.cn', undefined).name).toBe('domestic');
    const unknown = policy.lookupZone('api.openai.com', '104.18.0.1');
    expect(unknown).toBe(policy.unknownZone);
    expect(unknown).toMatchObject({ abroad: true, tunnel: 'block', uninspectable: 'block', allowSpecialAddresses: false });
    expect(Object.fromEntries(unknown.actions.byGrade)).toEqual({ core: 'block', important: 'block', sensitive_pi: 'block', pi: 'redact' });
  });

  it('loads the example policies', () => {
    const partner = loadPolicyFile(join(POLICIES, 'examples', 'partner.yaml'));
    expect(partner.lookupZone('api.partner.example', '203.0.113.10').name).toBe('partner-sg');
    expect(partner.resolve.get('api.partner.example')).toBe('203.0.113.10');
  });
});

describe('YAML features', () => {
  const lines = (text: string): string[] => issueLines(() => loadPolicyText(text, 'p.yaml'));

  it('follows anchors and aliases, and reports dangling ones at the alias', () => {
    const text = 'version: 1\ndestinations:\n  - { name: a, jurisdiction: &cn CN, hosts: [a.cn] }\n  - { name: b, jurisdiction: *cn, hosts: [b.cn] }\n';
    expect(loadPolicyText(text, 'p.yaml').destinations.map((z) => z.jurisdiction)).toEqual(['CN', 'CN']);
    expect(lines('version: 1\nmode: *nope\n')).toEqual(['p.yaml:2:7 (syntax): unknown alias *nope']);
  });

  it('rejects custom tags instead of reading them as strings', () => {
    expect(lines('version: 1\nmode: !env MODE\n')).toEqual(['p.yaml:2:7 (syntax): Unresolved tag: !env']);
  });

  it('rejects several documents in one file', () => {
    expect(lines('version: 1\n---\nversion: 1\n')).toEqual([
      'p.yaml:2:1 (syntax): a policy file holds one YAML document; remove the second "---"',
    ]);
  });
});

describe('custom rules and inspected headers', () => {
  it('compiles operator rules and header selections', () => {
    const policy = loadPolicyText(
      'version: 1\ninspect:\n  headers: ["x-user-*"]\nrules:\n  - id: member-no\n    category: pi.member_id\n    pattern: "M[0-9]{9}"\n    fields: [memberNo]\ncategories:\n  pi.member_id: { grade: pi }\n',
      'rules.yaml',
    );
    expect(policy.customRules).toEqual([{ id: 'member-no', category: 'pi.member_id', pattern: 'M[0-9]{9}', fields: ['memberNo'] }]);
    expect(policy.inspectHeaders.include).toEqual(['x-user-*']);
  });

  it('refuses a rule regex that can backtrack catastrophically, at its line', () => {
    let lines: string[] = [];
    try {
      loadPolicyText('version: 1\nrules:\n  - id: bad\n    category: pi.phone\n    pattern: "(a+)+$"\n', 'bad-rule.yaml');
    } catch (err) {
      lines = (err as PolicyInvalidError).lines();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bad-rule\.yaml:5:14 rules\[0\]\.pattern: /);
  });
});
