import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/config/load.js';
import type { CompiledPolicy } from '../../../src/config/model.js';

const load = (text: string): CompiledPolicy => loadPolicyText(text, 'p.yaml');

const ROUTING = `
version: 1
destinations:
  - name: wide
    jurisdiction: US
    hosts: ["*.example.com"]
    cidrs: [10.0.0.0/8, "2001:db8::/32"]
  - name: eu
    jurisdiction: DE
    hosts: ["*.eu.example.com"]
    cidrs: [10.20.0.0/16, "2001:db8:1::/48"]
  - name: exact
    jurisdiction: SG
    hosts: [api.eu.example.com, example.com]
  - name: domestic
    jurisdiction: CN
    hosts: ["*.cn"]
    cidrs: [10.20.30.0/24]
`;

describe('lookupZone precedence', () => {
  const policy = load(ROUTING);
  const zone = (host: string, ip?: string): string => policy.lookupZone(host, ip).name;

  it('prefers an exact host over any suffix', () => {
    expect(zone('api.eu.example.com')).toBe('exact');
    expect(zone('example.com')).toBe('exact');
  });

  it('prefers the longest matching suffix, at any depth', () => {
    expect(zone('x.eu.example.com')).toBe('eu');
    expect(zone('a.b.c.eu.example.com')).toBe('eu');
    expect(zone('www.example.com')).toBe('wide');
  });

  it('does not match the apex with "*."', () => {
    // *.eu.example.com does not cover eu.example.com itself; *.example.com does.
    expect(zone('eu.example.com')).toBe('wide');
    expect(zone('cn')).toBe('unknown');
    expect(zone('gov.cn')).toBe('domestic');
    expect(zone('notexample.com')).toBe('unknown');
  });

  it('uses host patterns before CIDRs', () => {
    expect(zone('www.gov.cn', '10.1.2.3')).toBe('domestic');
    expect(zone('www.example.com', '10.20.30.40')).toBe('wide');
  });

  it('uses the most specific CIDR for hosts no pattern names', () => {
    expect(zone('internal.corp', '10.1.2.3')).toBe('wide');
    expect(zone('internal.corp', '10.20.1.2')).toBe('eu');
    expect(zone('internal.corp', '10.20.30.40')).toBe('domestic');
    expect(zone('internal.corp', '11.0.0.1')).toBe('unknown');
    expect(zone('internal.corp', '2001:db8::1')).toBe('wide');
    expect(zone('internal.corp', '2001:db8:1:2::1')).toBe('eu');
  });

  it('matches IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(zone('internal.corp', '::ffff:10.20.30.40')).toBe('domestic');
    expect(zone('internal.corp', '::ffff:a14:1e28')).toBe('domestic');
  });

  it('treats an IP literal host as its own address before resolution', () => {
    expect(zone('10.20.1.2', undefined)).toBe('eu');
    expect(zone('2001:db8::5', undefined)).toBe('wide');
  });

  it('falls back to the unknown zone', () => {
    expect(policy.lookupZone('example.org', undefined)).toBe(policy.unknownZone);
    expect(policy.lookupZone('example.org', '203.0.113.1')).toBe(policy.unknownZone);
  });

  it('zoneForHost uses host patterns only', () => {
    expect(policy.zoneForHost('x.eu.example.com')?.name).toBe('eu');
    expect(policy.zoneForHost('10.20.1.2')).toBeUndefined();
    expect(policy.zoneForHost('example.org')).toBeUndefined();
  });

  it('lets a /0 catch every address of its family', () => {
    const all = load('version: 1\ndestinations:\n  - { name: all4, jurisdiction: US, cidrs: [0.0.0.0/0] }\n');
    expect(all.lookupZone('x.test', '8.8.8.8').name).toBe('all4');
    expect(all.lookupZone('x.test', '2001:4860::8888').name).toBe('unknown');
  });

  it('normalises host patterns (case, trailing dot, IDN)', () => {
    const idn = load('version: 1\ndestinations:\n  - { name: z, jurisdiction: CN, hosts: ["*.例子.测试", "API.Example.COM."] }\n');
    expect(idn.destinations[0]?.hosts).toEqual(['*.xn--fsqu00a.xn--0zwm56d', 'api.example.com']);
    expect(idn.lookupZone('www.xn--fsqu00a.xn--0zwm56d', undefined).name).toBe('z');
    expect(idn.lookupZone('api.example.com', undefined).name).toBe('z');
  });
});

describe('zone defaults', () => {
  const policy = load(`
version: 1
mode: monitor
destinations:
  - { name: cn, jurisdiction: CN, hosts: [a.cn] }
  - { name: hk, jurisdiction: HK, hosts: [a.hk], mode: enforce }
  - name: tw
    jurisdiction: TW
    hosts: [a.tw]
    tunnel: allow
    actions: { default: redact, grades: { pi: allow } }
`);
  const [cn, hk, tw] = policy.destinations;

  it('allows everything to CN zones by default', () => {
    expect(cn).toMatchObject({ jurisdiction: 'CN', abroad: false, mode: 'monitor', tunnel: 'allow', uninspectable: 'allow', allowSpecialAddresses: false });
    expect(cn?.actions.fallback).toBe('allow');
    expect(cn?.actions.byGrade.size).toBe(0);
  });

  it('treats Hong Kong, Macau and Taiwan as abroad and fails closed', () => {
    expect(hk).toMatchObject({ abroad: true, mode: 'enforce', tunnel: 'block', uninspectable: 'block' });
    expect(Object.fromEntries(hk?.actions.byGrade ?? [])).toEqual({ core: 'block', important: 'block', sensitive_pi: 'block', pi: 'redact' });
  });

  it('merges zone actions over the defaults key by key', () => {
    expect(tw).toMatchObject({ abroad: true, tunnel: 'allow', uninspectable: 'block' });
    expect(tw?.actions.fallback).toBe('redact');
    expect(Object.fromEntries(tw?.actions.byGrade ?? [])).toEqual({ core: 'block', important: 'block', sensitive_pi: 'block', pi: 'allow' });
  });

  it('makes the unknown zone abroad (ZZ) with abroad defaults', () => {
    expect(policy.unknownZone).toMatchObject({ name: 'unknown', jurisdiction: 'ZZ', abroad: true, mode: 'monitor', tunnel: 'block', hosts: [], cidrs: [] });
  });
});

describe('compiled values', () => {
  const text = `
version: 1
resolve: { API.Partner.Example.: "::ffff:127.0.0.1", v6.example: "2001:DB8:0:0:0:0:0:1" }
categories:
  pi.id_card: { grade: pi }
  pi.member_id: { grade: pi }
  core.map_tiles: { grade: core }
limits: { max_body_bytes: 1024, max_decoded_bytes: 1GiB }
timeouts: { connect: 250, headers: 2m, body: 100ms }
unknown:
  actions:
    categories: { "pi.*": redact, pi.email: allow, "pi.member_id": block }
`;
  const policy = load(text);

  it('applies category definitions and grade switches', () => {
    expect(policy.categoryGrades.get('pi.id_card')).toBe('pi');
    expect(policy.categoryGrades.get('pi.member_id')).toBe('pi');
    expect(policy.categoryGrades.get('core.map_tiles')).toBe('core');
    expect(policy.categoryGrades.get('pi.bank_card')).toBe('sensitive_pi');
  });

  it('expands wildcard categories, exact ids winning', () => {
    const table = policy.unknownZone.actions.byCategory;
    expect(table.get('pi.phone')).toBe('redact');
    expect(table.get('pi.member_id')).toBe('block');
    expect(table.get('pi.email')).toBe('allow');
    expect(table.get('pi.*')).toBe('redact');
    expect(table.has('important.genetic')).toBe(false);
    expect(table.has('vehicle.vin')).toBe(false);
  });

  it('parses sizes and durations', () => {
    expect(policy.limits).toMatchObject({ maxBodyBytes: 1024, maxDecodedBytes: 1024 ** 3 });
    expect(policy.timeouts).toMatchObject({ connectMs: 250, headersMs: 120_000, bodyMs: 100 });
    expect(load('version: 1\n').limits).toMatchObject({ maxBodyBytes: 8 * 1024 ** 2, maxDecodedBytes: 32 * 1024 ** 2 });
    expect(load('version: 1\n').timeouts).toMatchObject({ connectMs: 5_000, headersMs: 30_000, bodyMs: 30_000 });
  });

  it('parses the listener limits, with their defaults', () => {
    const set = load('version: 1\nlimits: { max_header_bytes: 8KiB, max_headers: 50, max_connections: 10, max_pipelined_requests: 4 }\ntimeouts: { request_headers: 2s, request: 1m, keep_alive: 500ms }\n');
    expect(set.limits).toMatchObject({ maxHeaderBytes: 8192, maxHeaders: 50, maxConnections: 10, maxPipelinedRequests: 4 });
    expect(set.timeouts).toMatchObject({ requestHeadersMs: 2_000, requestMs: 60_000, keepAliveMs: 500 });
    expect(load('version: 1\n').limits).toMatchObject({ maxHeaderBytes: 16 * 1024, maxHeaders: 100, maxConnections: 4096, maxPipelinedRequests: 16 });
    expect(load('version: 1\n').timeouts).toMatchObject({ requestHeadersMs: 10_000, requestMs: 120_000, keepAliveMs: 5_000 });
  });

  it('normalises resolve entries', () => {
    expect([...policy.resolve]).toEqual([['api.partner.example', '127.0.0.1'], ['v6.example', '2001:db8::1']]);
  });

  it('derives the revision from the source text', () => {
    expect(policy.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(load(text).revision).toBe(policy.revision);
    expect(load(`${text}\n# edited\n`).revision).not.toBe(policy.revision);
    expect(policy.source).toBe('p.yaml');
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.destinations)).toBe(true);
    expect(Object.isFrozen(policy.unknownZone)).toBe(true);
    expect(Object.isFrozen(policy.limits)).toBe(true);
    expect(() => (policy.resolve as Map<string, string>).set('x', '1.2.3.4')).toThrow(TypeError);
    expect(() => (policy.unknownZone.actions.byGrade as Map<string, string>).clear()).toThrow(TypeError);
    expect(() => (policy.categoryGrades as Map<string, string>).delete('pi.name')).toThrow(TypeError);
  });
});
