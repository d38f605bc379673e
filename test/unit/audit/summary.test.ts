import { describe, expect, it } from 'vitest';
import { individualHash } from '../../../src/audit/individual.js';
import { formatSummary, parseDimensions, summariseTrail } from '../../../src/audit/summary.js';
import { FIXTURE_KEY, fixtureEvents } from '../../fixtures/audit/events.js';
import { fixtureTrail, tempDir, writeTrail } from './helpers.js';

describe('audit summary', () => {
  it('groups flows by jurisdiction and recipient with bytes, findings and distinct individuals', async () => {
    const files = await fixtureTrail();
    expect(files.length).toBeGreaterThan(1);
    const events = fixtureEvents();
    const summary = await summariseTrail(files, ['jurisdiction', 'recipient'], {});
    expect(summary.total.flows).toBe(300);
    expect(summary.rows.reduce((n, r) => n + r.flows, 0)).toBe(300);
    const us = summary.rows.find((r) => r.key.jurisdiction === 'US')!;
    const usEvents = events.filter((e) => e.destination.jurisdiction === 'US');
    expect(us.key.recipient).toBe('Acme CRM Inc.');
    expect(us.flows).toBe(usEvents.length);
    expect(us.bytesOut).toBe(usEvents.reduce((n, e) => n + e.bytes.requestOut, 0));
    expect(us.findings).toBe(usEvents.reduce((n, e) => n + e.findings.length, 0));
    expect(us.redacted).toBe(usEvents.filter((e) => e.action === 'redact').length);
    expect(us.individuals).toBe(new Set(usEvents.flatMap((e) => e.individuals!.hashes)).size);
    expect(summary.rows.find((r) => r.key.jurisdiction === 'ZZ')!.blocked).toBe(events.filter((e) => e.destination.jurisdiction === 'ZZ').length);
    expect(summary.from).toBe(events[0]!.time);
    expect(summary.to).toBe(events.at(-1)!.time);
  });

  it('counts a flow in every category it carried, but once in the total', async () => {
    const files = await writeTrail(tempDir(), fixtureEvents(12));
    const summary = await summariseTrail(files, ['category'], {});
    const byCategory = Object.fromEntries(summary.rows.map((r) => [r.key.category, r.flows]));
    expect(byCategory).toEqual({ 'pi.phone': 12, 'pi.name': 6, 'pi.id_card': 2, 'pi.health': 2 });
    expect(summary.total.flows).toBe(12);
  });

  it('takes the union of individual hashes, not a sum of counts', async () => {
    const same = individualHash(FIXTURE_KEY, 'pi.phone', '13800000001');
    const events = fixtureEvents(4).map((e) => ({ ...e, individuals: { count: 1, hashes: [same] } }));
    const summary = await summariseTrail(await writeTrail(tempDir(), events), ['client'], {});
    expect(summary.total.individuals).toBe(1);
    const capped = fixtureEvents(2).map((e) => ({ ...e, individuals: { count: 5, hashes: [same] } }));
    const lower = await summariseTrail(await writeTrail(tempDir(), capped), [], {});
    expect(lower.total).toMatchObject({ individuals: 1, individualsAtLeast: true });
  });

  it('filters by --since and --until, and groups by basis and client', async () => {
    const files = await fixtureTrail();
    const since = Date.parse('2026-01-06T00:00:00Z');
    const until = Date.parse('2026-01-07T00:00:00Z');
    const expected = fixtureEvents().filter((e) => Date.parse(e.time) >= since && Date.parse(e.time) < until);
    const summary = await summariseTrail(files, ['basis', 'client'], { since, until });
    expect(summary.total.flows).toBe(expected.length);
    const keys = summary.rows.map((r) => r.key.basis);
    expect(new Set(keys)).toEqual(new Set(['sc-2025-001', '(missing)', '(none)']));
    expect(new Set(summary.rows.map((r) => r.key.client))).toEqual(new Set(['crm-sync', 'billing', 'support-desk']));
  });

  it('prints an aligned table with a total line', async () => {
    const summary = await summariseTrail(await writeTrail(tempDir(), fixtureEvents(30)), ['jurisdiction'], {});
    const text = formatSummary(summary);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^period 2026-01-05T00:00:00.000Z \.\. /);
    expect(lines[2]).toMatch(/^jurisdiction\s+flows\s+blocked\s+redacted\s+findings\s+sent\s+received\s+individuals$/);
    expect(text).toMatch(/\ntotal\s+30\s/);
  });

  it('rejects unknown dimensions', () => {
    expect(() => parseDimensions('jurisdiction,colour')).toThrow(/--by colour/);
    expect(parseDimensions(undefined)).toEqual(['jurisdiction', 'recipient']);
  });
});

describe('summary table layout', () => {
  it('aligns columns after Chinese recipient names (two terminal columns per character)', async () => {
    const { displayWidth } = await import('../../../src/audit/summary.js');
    expect(displayWidth('上海示例')).toBe(8);
    expect(displayWidth('Acme')).toBe(4);
    const summary = await summariseTrail(await writeTrail(tempDir(), fixtureEvents(12)), ['recipient'], {});
    // Numbers are right-aligned and individuals is the last column: aligned rows end together.
    const rows = formatSummary(summary).split('\n').slice(2).filter(Boolean);
    expect(rows.some((l) => l.includes('上海'))).toBe(true);
    expect(new Set(rows.map(displayWidth)).size).toBe(1);
  });
});
