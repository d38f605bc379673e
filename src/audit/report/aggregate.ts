import type { AuditEvent } from '../event.js';
import { isFlow, readEvents, type EventFilter, type Progress, type ReadStats } from '../read.js';
import { InventoryBuilder, type InventoryFlow } from '../../inventory/build.js';

/** One pass over the trail, keeping only the aggregates the report draws. */

export interface Destination {
  readonly jurisdiction: string;
  readonly recipient: string;
}

export interface TimeBucket {
  readonly start: number;
  readonly allow: number;
  readonly redact: number;
  readonly block: number;
}

export interface RecipientIndividuals {
  readonly recipient: string;
  readonly jurisdictions: readonly string[];
  readonly individuals: number;
  readonly atLeast: boolean;
  /** The largest maxIndividuals among the bases its flows carried. */
  readonly limit: number | null;
  readonly bases: readonly string[];
}

/** A row of the data-links table a filing asks for (DOMAIN §7). */
export interface DataLink {
  readonly applications: readonly string[];
  readonly sourceIps: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly destinationIps: readonly string[];
  readonly jurisdiction: string;
  readonly recipient: string;
  readonly method: string;
  readonly categories: readonly string[];
  readonly flows: number;
  readonly blocked: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly individuals: number;
  readonly first: string;
  readonly last: string;
  readonly bases: readonly string[];
}

export interface MissingBasis {
  readonly recipient: string;
  readonly jurisdiction: string;
  readonly categories: readonly string[];
  readonly flows: number;
}

export interface ReportData {
  readonly from: string | null;
  readonly to: string | null;
  readonly files: readonly string[];
  readonly skippedLines: number;
  readonly policyRevisions: readonly string[];
  readonly totals: {
    readonly flows: number;
    readonly abroad: number;
    readonly blocked: number;
    readonly redacted: number;
    /** Monitor-mode flows that enforce mode would have blocked. */
    readonly wouldBlock: number;
    readonly findings: number;
    readonly bytesOut: number;
    readonly individualsAbroad: number;
    readonly atLeast: boolean;
    readonly basisMissing: number;
  };
  readonly matrix: { readonly categories: readonly string[]; readonly destinations: readonly Destination[]; readonly counts: readonly (readonly number[])[] };
  readonly timeline: { readonly bucketMs: number; readonly buckets: readonly TimeBucket[] };
  readonly recipients: readonly RecipientIndividuals[];
  readonly links: readonly DataLink[];
  readonly missingBasis: readonly MissingBasis[];
  /** The data-flow inventory (src/inventory/build.ts): application → recipient. */
  readonly inventory: readonly InventoryFlow[];
}

const HOUR = 3_600_000;
const BUCKETS = [1, 3, 6, 12, 24, 48, 168, 336, 720].map((h) => h * HOUR);
const MAX_BARS = 60;
const MAX_COLUMNS = 20;
const MAX_ROWS = 30;
/** Addresses listed per link; more are counted, not named. */
const MAX_IPS = 20;

const CONNECT_METHODS = {
  opaque: 'CONNECT tunnel, opaque',
  http: 'CONNECT tunnel, HTTP inspected',
  tls: 'CONNECT tunnel, TLS intercepted',
  refused: 'CONNECT tunnel (refused)',
} as const;

export const transferMethod = (e: AuditEvent): string => {
  switch (e.via) {
    case 'forward':
      return 'HTTP forward proxy';
    case 'gateway':
      return 'gateway route (TLS originated)';
    case 'tunnel-http':
      return 'CONNECT tunnel, HTTP inspected';
    case 'tunnel-tls':
      return 'CONNECT tunnel, TLS intercepted, HTTP inspected';
    case 'connect':
      return CONNECT_METHODS[e.tunnel ?? 'refused'];
  }
};

const dest = (e: AuditEvent): Destination => ({ jurisdiction: e.destination.jurisdiction ?? 'ZZ', recipient: e.destination.recipient ?? '(unknown)' });
const destId = (d: Destination) => `${d.jurisdiction}\0${d.recipient}`;
const categoriesOf = (e: AuditEvent) => [...new Set(e.findings.map((f) => f.category))];

class Capped extends Set<string> {
  more = 0;
  override add(value: string): this {
    if (this.has(value)) return this;
    if (this.size >= MAX_IPS) this.more += 1;
    else super.add(value);
    return this;
  }
  list(): string[] {
    const items = [...this].sort();
    return this.more > 0 ? [...items, `+${this.more} more`] : items;
  }
}

interface LinkAcc {
  applications: Set<string>;
  sourceIps: Capped;
  destinationIps: Capped;
  categories: Set<string>;
  bases: Set<string>;
  individuals: Set<string>;
  flows: number;
  blocked: number;
  bytesOut: number;
  bytesIn: number;
  first: string;
  last: string;
  sample: AuditEvent;
}

export class ReportAggregator {
  private from: string | null = null;
  private to: string | null = null;
  private readonly revisions = new Set<string>();
  private readonly totals = { flows: 0, abroad: 0, blocked: 0, redacted: 0, wouldBlock: 0, findings: 0, bytesOut: 0, basisMissing: 0 };
  private readonly abroadHashes = new Set<string>();
  private atLeast = false;
  private readonly matrix = new Map<string, Map<string, number>>();
  private readonly destinations = new Map<string, { d: Destination; flows: number }>();
  private readonly hours = new Map<number, { allow: number; redact: number; block: number }>();
  private readonly recipients = new Map<string, { jurisdictions: Set<string>; hashes: Set<string>; atLeast: boolean; limit: number | null; bases: Set<string> }>();
  private readonly links = new Map<string, LinkAcc>();
  private readonly missing = new Map<string, { d: Destination; categories: Set<string>; flows: number }>();
  private readonly inventory = new InventoryBuilder();

  add(e: AuditEvent): void {
    if (!isFlow(e)) return;
    this.inventory.add(e);
    const t = this.totals;
    t.flows += 1;
    if (e.action === 'block') t.blocked += 1;
    if (e.action === 'redact') t.redacted += 1;
    if (e.mode === 'monitor' && e.wouldBe === 'block' && e.action !== 'block') t.wouldBlock += 1;
    t.findings += e.findings.length;
    t.bytesOut += e.bytes.requestOut;
    this.revisions.add(e.policyRevision);
    if (this.from === null || e.time < this.from) this.from = e.time;
    if (this.to === null || e.time > this.to) this.to = e.time;

    const d = dest(e);
    const id = destId(d);
    const categories = categoriesOf(e);
    const destEntry = this.destinations.get(id) ?? { d, flows: 0 };
    destEntry.flows += 1;
    this.destinations.set(id, destEntry);
    for (const c of categories) {
      const row = this.matrix.get(c) ?? new Map<string, number>();
      row.set(id, (row.get(id) ?? 0) + 1);
      this.matrix.set(c, row);
    }

    const hour = Math.floor(Date.parse(e.time) / HOUR);
    const bucket = this.hours.get(hour) ?? { allow: 0, redact: 0, block: 0 };
    bucket[e.action] += 1;
    this.hours.set(hour, bucket);

    const hashes = e.individuals?.hashes ?? [];
    const partial = e.individuals !== undefined && e.individuals.count > hashes.length;
    // The recipient chart is about data that left: blocked flows sent nothing.
    if (e.destination.abroad !== false) {
      t.abroad += 1;
      if (e.action !== 'block') {
        for (const h of hashes) this.abroadHashes.add(h);
        if (partial) this.atLeast = true;
        const r = this.recipients.get(d.recipient) ?? { jurisdictions: new Set<string>(), hashes: new Set<string>(), atLeast: false, limit: null, bases: new Set<string>() };
        r.jurisdictions.add(d.jurisdiction);
        for (const h of hashes) r.hashes.add(h);
        r.atLeast ||= partial;
        if (e.basis) {
          r.bases.add(e.basis.id);
          const limit = e.basis.maxIndividuals;
          if (typeof limit === 'number') r.limit = Math.max(r.limit ?? 0, limit);
        }
        this.recipients.set(d.recipient, r);
      }
    }
    if (e.basisMissing) {
      t.basisMissing += 1;
      const m = this.missing.get(id) ?? { d, categories: new Set<string>(), flows: 0 };
      m.flows += 1;
      for (const c of categories) m.categories.add(c);
      this.missing.set(id, m);
    }

    const method = transferMethod(e);
    const linkId = JSON.stringify([e.destination.host, e.destination.port, method, d.jurisdiction, d.recipient]);
    let link = this.links.get(linkId);
    if (!link) {
      link = {
        applications: new Set(), sourceIps: new Capped(), destinationIps: new Capped(), categories: new Set(), bases: new Set(),
        individuals: new Set(), flows: 0, blocked: 0, bytesOut: 0, bytesIn: 0, first: e.time, last: e.time, sample: e,
      };
      this.links.set(linkId, link);
    }
    if (e.client.application) link.applications.add(e.client.application);
    link.sourceIps.add(e.client.address);
    if (e.destination.ip) link.destinationIps.add(e.destination.ip);
    for (const c of categories) link.categories.add(c);
    if (e.basis) link.bases.add(e.basis.id);
    if (e.action !== 'block') for (const h of hashes) link.individuals.add(h);
    link.flows += 1;
    if (e.action === 'block') link.blocked += 1;
    link.bytesOut += e.bytes.requestOut;
    link.bytesIn += e.bytes.response;
    if (e.time < link.first) link.first = e.time;
    if (e.time > link.last) link.last = e.time;
  }

  finish(files: readonly string[], skippedLines: number): ReportData {
    const destinations = [...this.destinations.values()].sort((a, b) => b.flows - a.flows || destId(a.d).localeCompare(destId(b.d)));
    const shown = destinations.slice(0, MAX_COLUMNS).map((x) => x.d);
    const rest = destinations.slice(MAX_COLUMNS).map((x) => destId(x.d));
    const columns = rest.length > 0 ? [...shown, { jurisdiction: '…', recipient: `${rest.length} others` }] : shown;
    const rows = [...this.matrix.entries()]
      .map(([category, row]) => ({ category, row, total: [...row.values()].reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total || a.category.localeCompare(b.category))
      .slice(0, MAX_ROWS);
    const counts = rows.map(({ row }) => [
      ...shown.map((d) => row.get(destId(d)) ?? 0),
      ...(rest.length > 0 ? [rest.reduce((sum, id) => sum + (row.get(id) ?? 0), 0)] : []),
    ]);

    return {
      from: this.from,
      to: this.to,
      files,
      skippedLines,
      policyRevisions: [...this.revisions].sort(),
      totals: { ...this.totals, individualsAbroad: this.abroadHashes.size, atLeast: this.atLeast },
      matrix: { categories: rows.map((r) => r.category), destinations: columns, counts },
      timeline: this.timeline(),
      recipients: [...this.recipients.entries()]
        .map(([recipient, r]) => ({
          recipient,
          jurisdictions: [...r.jurisdictions].sort(),
          individuals: r.hashes.size,
          atLeast: r.atLeast,
          limit: r.limit,
          bases: [...r.bases].sort(),
        }))
        .sort((a, b) => b.individuals - a.individuals || a.recipient.localeCompare(b.recipient)),
      links: [...this.links.values()]
        .map((l) => ({
          applications: [...l.applications].sort(),
          sourceIps: l.sourceIps.list(),
          host: l.sample.destination.host,
          port: l.sample.destination.port,
          destinationIps: l.destinationIps.list(),
          jurisdiction: dest(l.sample).jurisdiction,
          recipient: dest(l.sample).recipient,
          method: transferMethod(l.sample),
          categories: [...l.categories].sort(),
          flows: l.flows,
          blocked: l.blocked,
          bytesOut: l.bytesOut,
          bytesIn: l.bytesIn,
          individuals: l.individuals.size,
          first: l.first,
          last: l.last,
          bases: [...l.bases].sort(),
        }))
        .sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction) || a.recipient.localeCompare(b.recipient) || a.host.localeCompare(b.host) || a.port - b.port),
      inventory: this.inventory.flows(),
      missingBasis: [...this.missing.values()]
        .map((m) => ({ recipient: m.d.recipient, jurisdiction: m.d.jurisdiction, categories: [...m.categories].sort(), flows: m.flows }))
        .sort((a, b) => b.flows - a.flows),
    };
  }

  /** Hourly counts regrouped into the narrowest UTC-aligned bucket that keeps the chart readable. */
  private timeline(): ReportData['timeline'] {
    const hours = [...this.hours.keys()];
    if (hours.length === 0) return { bucketMs: HOUR, buckets: [] };
    const first = hours.reduce((a, b) => Math.min(a, b)) * HOUR;
    const last = hours.reduce((a, b) => Math.max(a, b)) * HOUR;
    const bucketMs = BUCKETS.find((b) => Math.floor(last / b) - Math.floor(first / b) < MAX_BARS) ?? BUCKETS.at(-1)!;
    const buckets = new Map<number, { start: number; allow: number; redact: number; block: number }>();
    for (let s = Math.floor(first / bucketMs) * bucketMs; s <= last; s += bucketMs) buckets.set(s, { start: s, allow: 0, redact: 0, block: 0 });
    for (const [hour, counts] of this.hours) {
      const b = buckets.get(Math.floor((hour * HOUR) / bucketMs) * bucketMs)!;
      b.allow += counts.allow;
      b.redact += counts.redact;
      b.block += counts.block;
    }
    return { bucketMs, buckets: [...buckets.values()] };
  }
}

export async function aggregateTrail(files: readonly string[], filter: EventFilter, progress?: Progress): Promise<ReportData> {
  const stats: ReadStats = { chainRecords: 0, skipped: 0 };
  const agg = new ReportAggregator();
  for await (const { event } of readEvents(files, filter, stats, progress)) agg.add(event);
  return agg.finish(files, stats.skipped);
}
