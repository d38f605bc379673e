import { describe, expect, it } from 'vitest';
import { formatIssue, loadPolicyText } from '../../../src/config/load.js';
import { shanghaiDate } from '../../../src/config/compile-legal.js';
import { policyIssues } from './helpers.js';

const BASE = `version: 1
destinations:
  - { name: hq, jurisdiction: DE, recipient: Acme GmbH, hosts: [hq.example] }
  - { name: home, jurisdiction: CN, hosts: [svc.example.cn] }
`;


const warnings = (text: string) => loadPolicyText(text, 'p.yaml').warnings.map(formatIssue);

function daysFromToday(days: number): string {
  return shanghaiDate(new Date(Date.now() + days * 86_400_000));
}

describe('legal sections: errors', () => {
  const cases: Record<string, [string, string]> = {
    'a basis naming no destination or recipient': [
      `bases:\n  - { id: b, type: standard_contract, recipients: [Acme Gmbh], categories: [pi.email], valid_from: 2026-01-01 }\n`,
      'p.yaml:6:52 bases[0].recipients[0]: "Acme Gmbh" is neither a destination name nor a destination\'s recipient; did you mean "Acme GmbH"?',
    ],
    'an unknown category in a basis': [
      `bases:\n  - { id: b, type: standard_contract, recipients: [hq], categories: [pi.emial], valid_from: 2026-01-01 }\n`,
      'p.yaml:6:70 bases[0].categories[0]: unknown category "pi.emial"; did you mean "pi.email"? (new categories are defined under categories)',
    ],
    'an exemption without its kind': [
      `bases:\n  - { id: b, type: exemption, recipients: [hq], categories: [pi.email], valid_from: 2026-01-01 }\n`,
      'p.yaml:6:5 bases[0].exemption: an exemption names its kind: one of contract_with_individual, hr_management, emergency, transit, ftz_negative_list, small_volume',
    ],
    'a basis that ends before it starts': [
      `bases:\n  - { id: b, type: certification, recipients: [hq], categories: [pi.email], valid_from: 2026-01-01, valid_to: 2025-01-01 }\n`,
      'p.yaml:6:111 bases[0].valid_to: ends before it starts (valid_from 2026-01-01)',
    ],
    'a date that is not a calendar date': [
      `bases:\n  - { id: b, type: certification, recipients: [hq], categories: [pi.email], valid_from: 2026-02-30 }\n`,
      'p.yaml:6:89 bases[0].valid_from: 2026-02-30 is not a calendar date',
    ],
    'an FTZ exemption whose negative list is another kind of catalog': [
      `catalogs:\n  - { id: c, kind: important, entries: [{ id: e, category: important.x, fields: [x] }] }\nbases:\n  - { id: b, type: exemption, exemption: ftz_negative_list, negative_list: c, recipients: [hq], categories: [pi.email], valid_from: 2026-01-01 }\n`,
      'p.yaml:8:76 bases[0].negative_list: catalog "c" is of kind important, not negative_list',
    ],
    'an important entry detecting by field without a category': [
      `catalogs:\n  - { id: c, kind: important, entries: [{ id: e, fields: [x] }] }\n`,
      'p.yaml:6:41 catalogs[0].entries[0]: an important-data entry that matches by fields or paths names the category it creates (category: important.<name>)',
    ],
    'hash redaction without a key': [
      `unknown:\n  actions: { grades: { pi: hash } }\n`,
      'p.yaml:1:1 redaction: hash redaction is used but no key is configured: set redaction.hash.key_env or redaction.hash.key_file',
    ],
    'a basis limited to an unknown client': [
      `bases:\n  - { id: b, type: certification, recipients: [hq], categories: [pi.email], clients: [crm], valid_from: 2026-01-01 }\n`,
      'p.yaml:6:87 bases[0].clients[0]: unknown client "crm" (clients are defined under clients)',
    ],
  };
  for (const [sentence, [yaml, line]] of Object.entries(cases)) {
    it(`reports ${sentence} with its position`, () => {
      expect(policyIssues(BASE + yaml)).toContain(line);
    });
  }
});

describe('legal sections: warnings', () => {
  it('reports bases expiring within the warning window, expired and not yet valid', () => {
    const soon = daysFromToday(10);
    const out = warnings(
      BASE +
        `bases:\n` +
        `  - { id: soon, type: standard_contract, recipients: [hq], categories: [pi.email], valid_from: 2020-01-01, valid_to: ${soon} }\n` +
        `  - { id: gone, type: standard_contract, recipients: [hq], categories: [pi.email], valid_from: 2020-01-01, valid_to: 2021-01-01 }\n` +
        `  - { id: later, type: standard_contract, recipients: [hq], categories: [pi.email], valid_from: 2099-01-01 }\n` +
        `  - { id: fine, type: standard_contract, recipients: [hq], categories: [pi.email], valid_from: 2020-01-01, valid_to: 2099-01-01 }\n`,
    );
    expect(out).toEqual([
      expect.stringMatching(/^p\.yaml:6:118 bases\[0\]\.valid_to: basis soon expires in 10 days/),
      expect.stringMatching(/^p\.yaml:7:118 bases\[1\]\.valid_to: basis gone expired on 2021-01-01 and covers nothing/),
      expect.stringMatching(/^p\.yaml:8:97 bases\[2\]\.valid_from: basis later is not valid until 2099-01-01/),
    ]);
  });

  it('reports entries that can never apply', () => {
    const out = warnings(
      BASE +
        `bases:\n` +
        `  - { id: local, type: standard_contract, recipients: [home], categories: [pi.email], valid_from: 2020-01-01 }\n` +
        `  - { id: weak, type: standard_contract, recipients: [hq], categories: [important.genetic], valid_from: 2020-01-01 }\n` +
        `  - { id: small, type: exemption, exemption: small_volume, recipients: [hq], categories: [pi.bank_card], valid_from: 2020-01-01 }\n` +
        `catalogs:\n  - { id: lists, kind: general, entries: [{ id: e, scenario: nowhere, categories: [vehicle.vin] }] }\n` +
        `unknown:\n  actions: { grades: { core: allow } }\n`,
    );
    expect(out.join('\n')).toMatch(/bases\[0\]\.recipients: basis local only names domestic destinations/);
    expect(out.join('\n')).toMatch(/bases\[1\]\.categories\[0\]: basis weak can never cover important\.genetic \(important\): important data needs a security assessment/);
    expect(out.join('\n')).toMatch(/bases\[2\]\.categories\[0\]: basis small can never cover pi\.bank_card/);
    expect(out.join('\n')).toMatch(/catalogs\[0\]\.entries\[0\]\.scenario: no client, destination or basis declares scenario nowhere/);
    expect(out.join('\n')).toMatch(/unknown\.actions\.grades\.core: core data is always blocked abroad/);
  });

  it('reports a destination inside another one with different actions, and not one with the same', () => {
    const text = `version: 1
destinations:
  - { name: wide, jurisdiction: US, hosts: ["*.example.com"], cidrs: [10.0.0.0/8], allow_special_addresses: true }
  - { name: narrow, jurisdiction: US, hosts: [api.example.com], cidrs: [10.1.0.0/16], allow_special_addresses: true, actions: { grades: { pi: block } } }
  - { name: same, jurisdiction: US, hosts: [www.example.com] }
`;
    expect(warnings(text)).toEqual([
      'p.yaml:4:47 destinations[1].hosts[0]: api.example.com is also matched by "*.example.com" of wide; narrow wins (more specific) and the two have different actions',
      'p.yaml:4:73 destinations[1].cidrs[0]: 10.1.0.0/16 lies inside 10.0.0.0/8 of wide; narrow wins (more specific) and the two have different actions',
    ]);
  });
});
