import { describe, expect, it } from 'vitest';
import { aggregateTrail, ReportAggregator, transferMethod } from '../../../src/audit/report/aggregate.js';
import { renderReport } from '../../../src/audit/report/html.js';
import { esc } from '../../../src/audit/report/svg.js';
import { fixtureEvent, fixtureEvents } from '../../fixtures/audit/events.js';
import { fixtureTrail } from './helpers.js';

async function fixtureReport(): Promise<{ html: string; data: Awaited<ReturnType<typeof aggregateTrail>> }> {
  const data = await aggregateTrail(await fixtureTrail(), {});
  return { data, html: renderReport(data, { generated: new Date('2026-02-01T00:00:00Z') }) };
}

describe('audit report', () => {
  it('is one self-contained HTML file: inline CSS and SVG, no script, no external resource', async () => {
    const { html } = await fixtureReport();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(?:src|href)=/i);
    expect([...html.matchAll(/https?:\/\/[^"\s]*/g)].map((m) => m[0])).toEqual(expect.arrayContaining(['http://www.w3.org/2000/svg']));
    expect(new Set([...html.matchAll(/https?:\/\/[^"\s]*/g)].map((m) => m[0]))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html.match(/<svg /g)).toHaveLength(3);
  });

  it('escapes every text from the trail', async () => {
    const { html } = await fixtureReport();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<Co>');
    expect(html).toContain(esc('Evil & <Co> "Ltd" <script>alert(1)</script>'));
    expect(esc(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('draws the category × destination matrix from the flows', async () => {
    const { data, html } = await fixtureReport();
    const events = fixtureEvents();
    const col = data.matrix.destinations.findIndex((d) => d.jurisdiction === 'US');
    const row = data.matrix.categories.indexOf('pi.phone');
    expect(data.matrix.counts[row]![col]).toBe(events.filter((e) => e.destination.jurisdiction === 'US').length);
    expect(data.matrix.categories[0]).toBe('pi.phone');
    expect(html).toContain(`pi.phone → US · Acme CRM Inc.: ${data.matrix.counts[row]![col]} flows`);
  });

  it('buckets allowed, redacted and blocked flows over time', async () => {
    const { data, html } = await fixtureReport();
    const sum = (k: 'allow' | 'redact' | 'block') => data.timeline.buckets.reduce((n, b) => n + b[k], 0);
    const events = fixtureEvents();
    expect(sum('block')).toBe(events.filter((e) => e.action === 'block').length);
    expect(sum('redact')).toBe(events.filter((e) => e.action === 'redact').length);
    expect(sum('allow') + sum('redact') + sum('block')).toBe(300);
    expect(data.timeline.bucketMs).toBe(3 * 3_600_000);
    expect(html).toContain('class="bar-block"');
    expect(html).toContain('class="bar-redact"');
  });

  it('counts distinct individuals per recipient abroad against the basis limit, leaving out blocked flows', async () => {
    const { data, html } = await fixtureReport();
    const acme = data.recipients.find((r) => r.recipient === 'Acme CRM Inc.')!;
    const sent = fixtureEvents().filter((e) => e.destination.recipient === 'Acme CRM Inc.' && e.action !== 'block');
    expect(acme).toMatchObject({ limit: 120, bases: ['sc-2025-001'], individuals: new Set(sent.flatMap((e) => e.individuals!.hashes)).size });
    expect(data.recipients.find((r) => r.recipient.startsWith('Evil'))).toBeUndefined();
    expect(data.recipients.some((r) => r.jurisdictions.includes('CN'))).toBe(false);
    expect(html).toContain('class="limit"');
    expect(html).toContain(`of 120`);
  });

  it('lists the data links a filing needs: addresses at both ends, method, categories, volumes', async () => {
    const { data, html } = await fixtureReport();
    const link = data.links.find((l) => l.host === 'api.crm.example')!;
    expect(link).toMatchObject({ port: 443, destinationIps: ['203.0.113.10'], jurisdiction: 'US', recipient: 'Acme CRM Inc.', method: 'gateway route (TLS originated)', bases: ['sc-2025-001'] });
    expect(link.applications).toEqual(['billing', 'crm-sync', 'support-desk']);
    expect(link.sourceIps.length).toBeGreaterThan(3);
    expect(link.categories).toContain('pi.phone');
    expect(html).toContain('id="links-table"');
    expect(html.match(/<tr><td>/g)!.length).toBeGreaterThanOrEqual(data.links.length + data.recipients.length);
    expect(html).toContain('203.0.113.10');
    expect(html).toContain('10.0.1.11');
  });

  it('lists flows without a legal basis', async () => {
    const { data, html } = await fixtureReport();
    expect(data.missingBasis.map((m) => m.recipient)).toEqual(['Partner HK Ltd']);
    expect(html).toContain('id="missing-table"');
  });

  it('caps the source addresses it names per link', () => {
    const agg = new ReportAggregator();
    for (let i = 0; i < 30; i++) {
      const e = fixtureEvent(1);
      agg.add({ ...e, client: { ...e.client, address: `10.9.0.${i}` } });
    }
    const [link] = agg.finish([], 0).links;
    expect(link!.sourceIps).toHaveLength(21);
    expect(link!.sourceIps.at(-1)).toBe('+10 more');
  });

  it.each([
    ['opaque', 'CONNECT tunnel, opaque'],
    ['http', 'CONNECT tunnel, HTTP inspected'],
    ['tls', 'CONNECT tunnel, TLS intercepted'],
    [null, 'CONNECT tunnel (refused)'],
  ] as const)('names a CONNECT event with tunnel %s as "%s"', (tunnel, method) => {
    expect(transferMethod({ ...fixtureEvent(1), kind: 'connect', via: 'connect', tunnel })).toBe(method);
  });

  it('renders an empty period without failing', () => {
    const html = renderReport(new ReportAggregator().finish([], 0));
    expect(html).toContain('No flows in this period.');
  });
});
