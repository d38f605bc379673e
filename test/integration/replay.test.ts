import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { runReplay } from '../../src/cli/replay.js';
import { loadPolicyText } from '../../src/config/load.js';
import { replayTrail, type ReplayReport } from '../../src/policy/replay.js';
import { eventually, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from './harness.js';
import { captureIo } from '../unit/audit/helpers.js';

/**
 * What-if replay of a log the real gateway wrote: replayed under the policy it was written
 * with, nothing changes; under a stricter candidate, exactly the flows that the candidate decides
 * differently are reported, and the exit code follows the newly-blocked threshold.
 */

const PHONE = '13812345678';
const ID_CARD = '11010519491231002X';

const CURRENT = `
version: 1
resolve:
  api.acme.example: 127.0.0.1
  hk.partner.example: 127.0.0.1
  svc.internal.cn: 127.0.0.1
client_header: x-egress-client
clients:
  - { id: crm-sync }
  - { id: billing }
destinations:
  - name: domestic
    jurisdiction: CN
    hosts: ["*.cn"]
    inspect: always
  - name: acme
    jurisdiction: US
    recipient: Acme CRM Inc.
    hosts: [api.acme.example]
  - name: partner-hk
    jurisdiction: HK
    recipient: Partner HK Ltd
    hosts: [hk.partner.example]
bases:
  - id: scc-acme
    type: standard_contract
    recipients: [acme]
    categories: [pi.phone, pi.email]
    valid_from: 2024-01-01
`;

/** Stricter for Acme (the contract no longer lists e-mail addresses, which are now refused),
 *  looser for Partner HK (phone numbers go unmasked). */
const CANDIDATE = CURRENT.replace('categories: [pi.phone, pi.email]', 'categories: [pi.phone]')
  .replace('    hosts: [api.acme.example]\n', '    hosts: [api.acme.example]\n    actions:\n      categories: { pi.email: block }\n')
  .replace('    hosts: [hk.partner.example]\n', '    hosts: [hk.partner.example]\n    actions:\n      categories: { pi.phone: allow }\n');

let up: TestUpstream;
let gw: TestGateway;
let agent: ProxyAgent;
let dir: string;
let log: string;
const ids: Record<string, string> = {};

async function send(name: string, app: string, host: string, json?: unknown): Promise<number> {
  const res = await request(`http://${host}:${up.port}/v1/x`, {
    method: json === undefined ? 'GET' : 'POST',
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    headers: { 'content-type': 'application/json', 'x-egress-client': app },
    dispatcher: agent,
  });
  await res.body.text();
  const id = res.headers['x-egress-decision-id'] as string;
  ids[name] = id;
  await eventually(() => gw.audit.events.some((e) => e.decisionId === id));
  return res.statusCode;
}

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(CURRENT);
  agent = new ProxyAgent({ uri: gw.proxyUrl, proxyTunnel: false });
  const statuses = [
    await send('phone', 'crm-sync', 'api.acme.example', { customer: { mobile: PHONE } }),
    await send('phoneEmail', 'crm-sync', 'api.acme.example', { customer: { mobile: PHONE, email: 'li.lei@example.com' } }),
    await send('email', 'billing', 'api.acme.example', { customer: { email: 'han.meimei@example.com' } }),
    await send('hkPhone', 'billing', 'hk.partner.example', { customer: { mobile: PHONE } }),
    await send('domestic', 'crm-sync', 'svc.internal.cn', { customer: { mobile: PHONE } }),
    await send('hkIdCard', 'crm-sync', 'hk.partner.example', { customer: { idNo: ID_CARD } }),
    await send('get', 'crm-sync', 'api.acme.example'),
  ];
  expect(statuses).toEqual([200, 200, 200, 200, 200, 403, 200]);
  dir = mkdtempSync(join(tmpdir(), 'eg-replay-'));
  log = join(dir, 'audit.ndjson');
  writeFileSync(log, `${gw.audit.lines.join('\n')}\n`);
  writeFileSync(join(dir, 'current.yaml'), CURRENT);
  writeFileSync(join(dir, 'candidate.yaml'), CANDIDATE);
});

afterAll(async () => {
  await agent.close();
  await gw.close();
  await up.close();
});

describe('replay', () => {
  it('changes nothing under the policy the log was written with', async () => {
    const report = await replayTrail([log], loadPolicyText(CURRENT, 'current.yaml'), {});
    expect(report).toMatchObject({ events: 7, replayed: 6, changed: 0, unchanged: 6, newlyBlocked: 0, groups: [], flows: [] });
    // The allowed domestic flow was recorded without its findings: counted, not dropped.
    expect(report.notReplayable).toEqual({ 'findings not listed (findingsOmitted)': 1 });
  });

  it('reports exactly the flows a stricter candidate decides differently', async () => {
    const report: ReplayReport = await replayTrail([log], loadPolicyText(CANDIDATE, 'candidate.yaml'), {});
    expect(report).toMatchObject({ events: 7, replayed: 6, changed: 3, unchanged: 3, newlyBlocked: 2, findingsDropped: 0 });
    expect(report.groups).toEqual([
      { change: 'newly_blocked', recipient: 'Acme CRM Inc.', category: 'pi.email', flows: 2, findings: 0, decisionIds: [ids['phoneEmail'], ids['email']] },
      { change: 'redaction_removed', recipient: 'Partner HK Ltd', category: 'pi.phone', flows: 1, findings: 1, decisionIds: [ids['hkPhone']] },
      { change: 'basis_missing', recipient: 'Acme CRM Inc.', category: 'pi.email', flows: 2, findings: 2, decisionIds: [ids['phoneEmail'], ids['email']] },
    ]);
    expect(report.flows.map((f) => [f.decisionId, f.application, f.changes])).toEqual([
      [ids['phoneEmail'], 'crm-sync', [
        { change: 'newly_blocked', category: 'pi.email', location: null, from: 'allow', to: 'block' },
        { change: 'basis_missing', category: 'pi.email', location: '/customer/email', from: 'scc-acme', to: null },
      ]],
      [ids['email'], 'billing', [
        { change: 'newly_blocked', category: 'pi.email', location: null, from: 'allow', to: 'block' },
        { change: 'basis_missing', category: 'pi.email', location: '/customer/email', from: 'scc-acme', to: null },
      ]],
      [ids['hkPhone'], 'billing', [{ change: 'redaction_removed', category: 'pi.phone', location: '/customer/mobile', from: 'redact', to: 'allow' }]],
    ]);
  });

  it('exits 1 past the newly-blocked threshold, 0 within it, 2 on a usage error', async () => {
    const candidate = join(dir, 'candidate.yaml');
    const cases: [Record<string, string>, number][] = [
      [{}, 0],
      [{ maxNewBlocks: '0' }, 1],
      [{ maxNewBlocks: '1' }, 1],
      [{ maxNewBlocks: '2' }, 0],
      [{ maxNewBlocksRatio: '0.3' }, 1],
      [{ maxNewBlocksRatio: '0.34' }, 0],
    ];
    for (const [flags, code] of cases) {
      const run = captureIo();
      expect([flags, await runReplay([log], { policy: candidate, ...flags }, run)]).toEqual([flags, code]);
    }
    const text = captureIo();
    expect(await runReplay([log], { policy: candidate, maxNewBlocks: '1' }, text)).toBe(1);
    const out = text.out();
    expect(out).toContain('events 7: replayed 6, not replayable 1');
    expect(out).toContain('  not replayable: findings not listed (findingsOmitted): 1');
    expect(out).toContain('changed flows 3, unchanged 3; newly blocked 2 (33.3 % of replayed)');
    expect(out).toMatch(/^newly_blocked\s+Acme CRM Inc\.\s+pi\.email\s+2\s+0\s+/m);
    expect(out).toContain('FAIL: 2 newly blocked flows > --max-new-blocks 1');

    const json = captureIo();
    expect(await runReplay([log], { policy: join(dir, 'current.yaml'), maxNewBlocks: '0', json: true }, json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ changed: 0, threshold: { passed: false } });

    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\ndestinations: [{ name: x }]\n');
    const bad = captureIo();
    expect(await runReplay([log], { policy: join(dir, 'bad.yaml') }, bad)).toBe(2);
    expect(bad.err()).toContain('EG_POLICY_INVALID');
    const both = captureIo();
    expect(await runReplay([log], { policy: candidate, maxNewBlocks: '1', maxNewBlocksRatio: '0.1' }, both)).toBe(2);
  });
});
