import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditDrift, AuditEvent, AuditFinding } from '../../../src/audit/event.js';
import { aggregateTrail } from '../../../src/audit/report/aggregate.js';
import { renderReport } from '../../../src/audit/report/html.js';
import { auditLineSchema } from '../../../src/audit/schema.js';
import { summariseTrail } from '../../../src/audit/summary.js';
import { listTrailFiles } from '../../../src/audit/trail-files.js';
import { verifyTrail } from '../../../src/audit/verify.js';
import { createChainedAuditSink } from '../../../src/audit/chain-writer.js';
import { runInventory } from '../../../src/cli/inventory.js';
import { compileLocationScope, normaliseLocation } from '../../../src/config/locations.js';
import { buildInventory } from '../../../src/inventory/build.js';
import { csvCell } from '../../../src/inventory/format.js';
import { FIXTURE_KEY } from '../../fixtures/audit/events.js';
import { captureIo, captureLog, tempDir } from '../audit/helpers.js';

const FIXTURE_TRAIL = new URL('../../fixtures/audit/trail/', import.meta.url).pathname;

describe('inventory of the checked-in fixture trail', () => {
  it('is the expected table, row for row', async () => {
    const inventory = await buildInventory(listTrailFiles(FIXTURE_TRAIL), {});
    const table = inventory.flows.map((f) => [
      f.application,
      f.recipient.slice(0, 14),
      f.jurisdiction,
      f.domains.join(' '),
      f.categories.map((c) => `${c.category}:${c.flows}@${c.locations.join('+')}`).join(' '),
      f.bases.join(' '),
      f.basisMissing,
      f.requests,
      f.blocked,
      f.redacted,
      f.individuals,
      f.first,
      f.last,
    ]);
    expect(table).toEqual([
      ['billing', 'Acme CRM Inc.', 'US', 'api.crm.example', 'pi.health:1@/notes pi.name:15@/customer/name pi.phone:15@/customer/mobile', 'sc-2025-001', 0, 15, 0, 0, 15, '2026-01-05T00:34:00.000Z', '2026-01-06T08:52:00.000Z'],
      ['billing', 'Evil & <Co> "L', 'ZZ', 'x.evil.example', '', '', 0, 5, 5, 0, 0, '2026-01-05T00:51:00.000Z', '2026-01-06T00:39:00.000Z'],
      ['billing', 'Partner HK Ltd', 'HK', 'hk.partner.example', 'pi.health:1@/notes pi.name:3@/customer/name pi.phone:6@/customer/mobile', '', 6, 6, 0, 1, 6, '2026-01-05T04:15:00.000Z', '2026-01-06T07:10:00.000Z'],
      ['billing', '上海示例科技有限公司', 'CN', 'svc.internal.cn', 'pi.health:2@/notes pi.phone:14@/customer/mobile', '', 0, 14, 0, 0, 14, '2026-01-05T02:33:00.000Z', '2026-01-06T09:09:00.000Z'],
      ['crm-sync', 'Acme CRM Inc.', 'US', 'api.crm.example', 'pi.phone:14@/customer/mobile', 'sc-2025-001', 0, 14, 0, 7, 14, '2026-01-05T00:17:00.000Z', '2026-01-06T06:53:00.000Z'],
      ['crm-sync', 'Evil & <Co> "L', 'ZZ', 'x.evil.example', '', '', 0, 6, 6, 0, 0, '2026-01-05T06:48:00.000Z', '2026-01-06T08:35:00.000Z'],
      ['crm-sync', 'Partner HK Ltd', 'HK', 'hk.partner.example', 'pi.health:2@/notes pi.id_card:4@/customer/idNo pi.name:4@/customer/name pi.phone:7@/customer/mobile', '', 7, 7, 0, 2, 7, '2026-01-05T00:00:00.000Z', '2026-01-06T01:30:00.000Z'],
      ['crm-sync', '上海示例科技有限公司', 'CN', 'svc.internal.cn', 'pi.id_card:13@/customer/idNo pi.name:13@/customer/name pi.phone:13@/customer/mobile', '', 0, 13, 0, 0, 13, '2026-01-05T01:42:00.000Z', '2026-01-06T08:18:00.000Z'],
      ['support-desk', 'Acme CRM Inc.', 'US', 'api.crm.example', 'pi.health:4@/notes pi.name:14@/customer/name pi.phone:27@/customer/mobile', 'sc-2025-001', 0, 27, 0, 6, 27, '2026-01-05T01:08:00.000Z', '2026-01-06T09:43:00.000Z'],
      ['support-desk', 'Evil & <Co> "L', 'ZZ', 'x.evil.example', '', '', 0, 6, 6, 0, 0, '2026-01-05T02:50:00.000Z', '2026-01-06T04:37:00.000Z'],
      ['support-desk', 'Partner HK Ltd', 'HK', 'hk.partner.example', 'pi.name:3@/customer/name pi.phone:7@/customer/mobile', '', 7, 7, 0, 2, 7, '2026-01-05T01:25:00.000Z', '2026-01-06T04:20:00.000Z'],
    ]);
    expect(inventory.flows.reduce((n, f) => n + f.requests, 0)).toBe(120);
    expect(inventory).toMatchObject({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T09:43:00.000Z', skippedLines: 0 });
  });

  it('is a section of the HTML report, escaped', async () => {
    const data = await aggregateTrail(listTrailFiles(FIXTURE_TRAIL), {});
    expect(data.inventory).toHaveLength(11);
    const html = renderReport(data);
    expect(html).toContain('<section id="inventory">');
    const section = html.slice(html.indexOf('<section id="inventory">'), html.indexOf('</section>', html.indexOf('<section id="inventory">')));
    expect(section.match(/<tr/g)).toHaveLength(12);
    expect(section).toContain('Evil &#38; &#60;Co&#62; &#34;Ltd&#34;');
    expect(section).not.toContain('<script>');
    expect(section).toContain('<code>/customer/idNo</code>');
  });
});

const BASE: AuditEvent = {
  v: 1,
  kind: 'request',
  decisionId: 'd-0',
  time: '2026-03-01T08:00:00.000Z',
  policyRevision: 'r1',
  client: { address: '10.1.0.5', port: 5000, application: 'crm-sync' },
  via: 'forward',
  method: 'POST',
  destination: { host: 'api.acme.example', port: 443, ip: '203.0.113.5', zone: 'acme', jurisdiction: 'US', abroad: true, recipient: 'Acme, Inc.' },
  path: '/v1/c',
  mode: 'enforce',
  action: 'allow',
  wouldBe: 'allow',
  findings: [],
  redacted: [],
  status: 200,
  bytes: { requestIn: 100, requestOut: 100, response: 10 },
  durationMs: 1,
  error: null,
  scenario: 'crm',
  basis: { id: 'scc-1', type: 'standard_contract', reference: null },
  basisMissing: false,
  individuals: { count: 0, hashes: [] },
};

const finding = (category: string, location: string, action: AuditFinding['action'] = 'allow'): AuditFinding => ({ category, grade: category === 'pi.id_card' ? 'sensitive_pi' : 'pi', location, rule: 'r', confidence: 1, action });

/** Six flows: two applications, two recipients, a blocked flow, an array of records, an
 *  unidentified client, a hostile recipient name. */
const SMALL: AuditEvent[] = [
  { ...BASE, decisionId: 'd-1', findings: [finding('pi.phone', '/customers/0/mobile'), finding('pi.phone', '/customers/1/mobile')], individuals: { count: 2, hashes: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] } },
  { ...BASE, decisionId: 'd-2', time: '2026-03-02T08:00:00.000Z', client: { address: '10.1.0.6', port: 5001, application: 'crm-sync' }, destination: { ...BASE.destination, host: 'eu.acme.example', ip: '203.0.113.6' }, findings: [finding('pi.phone', '/customers/0/mobile'), finding('pi.email', '/customers/0/email')], individuals: { count: 1, hashes: ['aaaaaaaaaaaaaaaa'] }, bytes: { requestIn: 200, requestOut: 200, response: 20 } },
  { ...BASE, decisionId: 'd-3', time: '2026-03-03T08:00:00.000Z', action: 'block', wouldBe: 'block', status: 403, error: 'EG_BLOCKED_BY_POLICY', findings: [finding('pi.id_card', '/idNo', 'block')], individuals: { count: 1, hashes: ['cccccccccccccccc'] }, bytes: { requestIn: 50, requestOut: 0, response: 0 } },
  { ...BASE, decisionId: 'd-4', time: '2026-02-28T08:00:00.000Z', client: { address: '10.9.9.9', port: 1, application: null }, action: 'redact', findings: [finding('pi.phone', '?tel', 'redact')], redacted: ['?tel'], individuals: { count: 1, hashes: ['dddddddddddddddd'] } },
  { ...BASE, decisionId: 'd-5', client: { address: '10.1.0.5', port: 5000, application: 'billing' }, destination: { host: 'pay.example', port: 8443, ip: null, zone: 'pay', jurisdiction: 'SG', abroad: true, recipient: '=HYPERLINK("x")' }, via: 'gateway', basis: null, basisMissing: true, findings: [finding('pi.bank_card', 'header:x-card[1]')], individuals: { count: 3, hashes: ['eeeeeeeeeeeeeeee'] } },
  { ...BASE, kind: 'connect', decisionId: 'd-6', via: 'connect', tunnel: 'http', method: 'CONNECT' },
];

describe('inventory CLI over a small trail', () => {
  const dir = tempDir('eg-inventory-');
  const file = join(dir, 'trail.ndjson');
  writeFileSync(file, SMALL.map((e) => JSON.stringify(e)).join('\n') + '\n');

  it('prints the CSV a filing needs, exactly', async () => {
    const streams = captureIo();
    expect(await runInventory([file], { csv: true }, streams)).toBe(0);
    expect(streams.out().split('\r\n')).toEqual([
      'source_application,source_ips,recipient,jurisdiction,abroad,destinations,destination_domains,destination_ips,destination_ports,transfer_methods,categories,field_locations,legal_bases,flows_without_basis,scenarios,requests,blocked,redacted,individuals,bytes_sent,bytes_received,first_seen,last_seen',
      `(unidentified),10.9.9.9,"Acme, Inc.",US,true,acme,api.acme.example,203.0.113.5,443,HTTP forward proxy,pi.phone,pi.phone ?tel,scc-1,0,crm,1,0,1,1,100,10,2026-02-28T08:00:00.000Z,2026-02-28T08:00:00.000Z`,
      `billing,10.1.0.5,"'=HYPERLINK(""x"")",SG,true,pay,pay.example,,8443,gateway route (TLS originated),pi.bank_card,pi.bank_card header:x-card,,1,crm,1,0,0,>=1,100,10,2026-03-01T08:00:00.000Z,2026-03-01T08:00:00.000Z`,
      `crm-sync,10.1.0.5; 10.1.0.6,"Acme, Inc.",US,true,acme,api.acme.example; eu.acme.example,203.0.113.5; 203.0.113.6,443,HTTP forward proxy,pi.email; pi.phone,pi.email /customers/*/email; pi.phone /customers/*/mobile,scc-1,0,crm,3,1,0,2,300,30,2026-03-01T08:00:00.000Z,2026-03-03T08:00:00.000Z`,
      '',
    ]);
  });

  it('prints JSON and a table, honours --since/--until, and refuses --json with --csv', async () => {
    const json = captureIo();
    expect(await runInventory([file], { json: true, since: '2026-03-01', until: '2026-03-02T12:00:00Z' }, json)).toBe(0);
    const parsed = JSON.parse(json.out()) as { flows: { application: string; requests: number; categories: { category: string; grade: string; flows: number; locations: string[] }[] }[] };
    expect(parsed.flows.map((f) => [f.application, f.requests])).toEqual([['billing', 1], ['crm-sync', 2]]);
    expect(parsed.flows[1]!.categories).toEqual([
      { category: 'pi.email', grade: 'pi', flows: 1, locations: ['/customers/*/email'] },
      { category: 'pi.phone', grade: 'pi', flows: 2, locations: ['/customers/*/mobile'] },
    ]);
    const table = captureIo();
    expect(await runInventory([file], {}, table)).toBe(0);
    expect(table.out()).toMatch(/^crm-sync\s+Acme, Inc\.\s+US\s+api\.acme\.example, eu\.acme\.example\s+pi\.email, pi\.phone\s+scc-1\s+3\s+1\s+2 /m);
    const bad = captureIo();
    expect(await runInventory([file], { json: true, csv: true }, bad)).toBe(2);
    expect(bad.err()).toContain('EG_CONFIG_INVALID');
  });
});

describe('drift records in a trail', () => {
  const drift = (i: number, time: string, key: string): AuditDrift => ({
    v: 1,
    kind: 'drift',
    drift: 'location',
    key,
    triggeredBy: `d-${i}`,
    time,
    policyRevision: 'r1',
    client: { address: '10.1.0.5', application: 'crm-sync' },
    destination: { host: 'api.acme.example', zone: 'acme', jurisdiction: 'US', recipient: 'Acme, Inc.' },
    basis: 'scc-1',
    category: 'pi.email',
    location: key.split('|').at(-1)!,
    action: 'record',
    text: `application crm-sync sent pi.email at ${key.split('|').at(-1)} to Acme, Inc. under basis scc-1`,
    clause: null,
  });

  it('are chained, verified, skipped by summary and report, and listed once each by inventory --drift', async () => {
    const dir = tempDir('eg-drift-trail-');
    // Two processes (two writer starts) each wrote the same drift once; a second drift once.
    for (const batch of [
      [SMALL[0]!, drift(1, '2026-03-01T08:00:01.000Z', 'location|crm-sync|scc-1|/customers/*/email'), SMALL[1]!],
      [SMALL[2]!, drift(7, '2026-03-04T08:00:01.000Z', 'location|crm-sync|scc-1|/customers/*/email'), drift(8, '2026-03-04T09:00:00.000Z', 'location|crm-sync|scc-1|/notes')],
    ]) {
      const sink = createChainedAuditSink({ dir, key: FIXTURE_KEY, log: captureLog().log });
      for (const r of batch) sink.write(r);
      await sink.close();
    }
    const files = listTrailFiles(dir);
    expect(await verifyTrail(files, { keys: [FIXTURE_KEY] })).toMatchObject({ valid: true });
    expect(auditLineSchema.safeParse(drift(1, '2026-03-01T08:00:01.000Z', 'k')).success).toBe(true);
    const summary = await summariseTrail(files, ['recipient'], {});
    expect(summary).toMatchObject({ skippedLines: 0, total: { flows: 3 } });
    expect((await aggregateTrail(files, {})).totals.flows).toBe(3);

    const out = captureIo();
    expect(await runInventory([dir], { drift: true }, out)).toBe(0);
    expect(out.out()).toBe(
      '2026-03-01T08:00:01.000Z  location      application crm-sync sent pi.email at /customers/*/email to Acme, Inc. under basis scc-1 [record; 2 records, last 2026-03-04T08:00:01.000Z]\n' +
        '2026-03-04T09:00:00.000Z  location      application crm-sync sent pi.email at /notes to Acme, Inc. under basis scc-1 [record]\n',
    );
    const json = captureIo();
    expect(await runInventory([dir], { drift: true, json: true, since: '2026-03-04' }, json)).toBe(0);
    const log = JSON.parse(json.out()) as { drifts: { key: string; first: string; records: number; triggeredBy: string }[] };
    expect(log.drifts.map((d) => [d.key, d.first, d.records, d.triggeredBy])).toEqual([
      ['location|crm-sync|scc-1|/customers/*/email', '2026-03-04T08:00:01.000Z', 1, 'd-7'],
      ['location|crm-sync|scc-1|/notes', '2026-03-04T09:00:00.000Z', 1, 'd-8'],
    ]);
  });
});

describe('locations', () => {
  it('matches patterns segment by segment, "*" one segment, "x*" by prefix', () => {
    const scope = compileLocationScope(['/customer/mobile', '/customers/*/phone', '?tel', 'header:x-user-*', '']);
    const cases: [string, boolean][] = [
      ['/customer/mobile', true],
      ['/customer/mobile/0', false],
      ['/customers/12/phone', true],
      ['/customers/12/contact/phone', false],
      ['?tel', true],
      ['?mobile', false],
      ['header:x-user-phone', true],
      ['header:x-user-phone[1]', true],
      ['header:authorization', false],
      ['', true],
      ['/customer', false],
    ];
    for (const [location, expected] of cases) expect([location, scope.matches(location)]).toEqual([location, expected]);
    expect(compileLocationScope(['/a/*']).matches('/a')).toBe(false);
  });

  it('normalises array indices and repeated headers', () => {
    expect(normaliseLocation('/customers/12/phone')).toBe('/customers/*/phone');
    expect(normaliseLocation('/payload|json/items/0/id')).toBe('/payload|json/items/*/id');
    expect(normaliseLocation('header:x-id[2]')).toBe('header:x-id');
    expect(normaliseLocation('?tel')).toBe('?tel');
    expect(normaliseLocation('/byPhone/13912345678/name')).toBe('/byPhone/*/name');
  });

  it('quotes CSV cells and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
  });
});
