import type { AuditEvent } from '../audit/event.js';
import { isFlow, readEvents, type EventFilter, type Progress, type ReadStats } from '../audit/read.js';
import { transferMethod } from '../audit/report/aggregate.js';
import { GRADE_RANK, type Grade } from '../classify/taxonomy.js';
import { normaliseLocation } from '../config/locations.js';

/**
 * The data-flow inventory: what each client application sends to each recipient, built from
 * audit events alone (categories, locations, hosts, addresses, keyed hashes — never a value).
 * One row per application × recipient × jurisdiction, which is how a filing describes an export
 * (who sends, who receives, where, what, how much) and how it must be re-filed when that changes.
 *
 * - application: `client.application`, else "(unidentified)" (the source addresses are listed);
 * - recipient: `destination.recipient`, else "(unknown)" (the destinations column names the
 *   policy's destinations the flows matched);
 * - categories and their field locations (array indices as "*"), individuals and the bases come
 *   from forwarded flows only: a blocked flow sent nothing, and is counted in `blocked`;
 * - requests, bytes, first and last seen count every flow;
 * - individuals are distinct keyed hashes; `individualsAtLeast` when a producer capped its list.
 *
 * Connect events whose requests were inspected one by one are not counted again (`isFlow`).
 */

export const UNIDENTIFIED_APPLICATION = '(unidentified)';
export const UNKNOWN_RECIPIENT = '(unknown)';

export interface InventoryCategory {
  readonly category: string;
  /** The highest grade it was recorded with. */
  readonly grade: string;
  /** Forwarded flows that carried it. */
  readonly flows: number;
  /** Field locations, array indices as "*"; at most MAX_LISTED, then "+N more". */
  readonly locations: readonly string[];
}

export interface InventoryFlow {
  readonly application: string;
  readonly sourceAddresses: readonly string[];
  readonly recipient: string;
  readonly jurisdiction: string;
  /** null when no flow's destination was resolved. */
  readonly abroad: boolean | null;
  /** The policy's destinations (zones) the flows matched. */
  readonly destinations: readonly string[];
  readonly domains: readonly string[];
  readonly ports: readonly number[];
  readonly destinationAddresses: readonly string[];
  readonly methods: readonly string[];
  readonly categories: readonly InventoryCategory[];
  readonly bases: readonly string[];
  /** Forwarded flows that carried personal or important data abroad with no basis. */
  readonly basisMissing: number;
  readonly scenarios: readonly string[];
  readonly first: string;
  readonly last: string;
  readonly requests: number;
  readonly blocked: number;
  readonly redacted: number;
  readonly individuals: number;
  readonly individualsAtLeast: boolean;
  readonly bytesOut: number;
  readonly bytesIn: number;
}

export interface Inventory {
  readonly from: string | null;
  readonly to: string | null;
  readonly flows: readonly InventoryFlow[];
  readonly skippedLines: number;
}

/** Addresses, domains and locations listed per row; more are counted, not named. */
export const MAX_LISTED = 50;

class Listed {
  readonly items = new Set<string>();
  more = 0;
  constructor(private readonly max = MAX_LISTED) {}
  add(value: string): void {
    if (this.items.has(value)) return;
    if (this.items.size >= this.max) this.more += 1;
    else this.items.add(value);
  }
  list(): string[] {
    const sorted = [...this.items].sort();
    return this.more > 0 ? [...sorted, `+${this.more} more`] : sorted;
  }
}

interface CategoryAcc {
  grade: string;
  flows: number;
  locations: Listed;
}

interface FlowAcc {
  application: string;
  recipient: string;
  jurisdiction: string;
  abroad: boolean | null;
  sources: Listed;
  destinations: Set<string>;
  domains: Listed;
  ports: Set<number>;
  addresses: Listed;
  methods: Set<string>;
  categories: Map<string, CategoryAcc>;
  bases: Set<string>;
  basisMissing: number;
  scenarios: Set<string>;
  first: string;
  last: string;
  requests: number;
  blocked: number;
  redacted: number;
  hashes: Set<string>;
  atLeast: boolean;
  bytesOut: number;
  bytesIn: number;
}

const rank = (grade: string) => GRADE_RANK[grade as Grade] ?? -1;

export interface InventoryOptions {
  /** Distinct individual hashes kept per row (the live inventory bounds its memory); past it
   *  the count is a lower bound. Default: no bound. */
  readonly maxHashesPerRow?: number;
}

export class InventoryBuilder {
  readonly #rows = new Map<string, FlowAcc>();
  readonly #maxHashes: number;
  #from: string | null = null;
  #to: string | null = null;

  constructor(options: InventoryOptions = {}) {
    this.#maxHashes = options.maxHashesPerRow ?? Infinity;
  }

  add(e: AuditEvent): void {
    if (!isFlow(e)) return;
    const application = e.client.application ?? UNIDENTIFIED_APPLICATION;
    const recipient = e.destination.recipient ?? UNKNOWN_RECIPIENT;
    const jurisdiction = e.destination.jurisdiction ?? 'ZZ';
    const id = JSON.stringify([application, recipient, jurisdiction]);
    let row = this.#rows.get(id);
    if (!row) {
      row = {
        application, recipient, jurisdiction, abroad: null, sources: new Listed(), destinations: new Set(), domains: new Listed(), ports: new Set(),
        addresses: new Listed(), methods: new Set(), categories: new Map(), bases: new Set(), basisMissing: 0, scenarios: new Set(),
        first: e.time, last: e.time, requests: 0, blocked: 0, redacted: 0, hashes: new Set(), atLeast: false, bytesOut: 0, bytesIn: 0,
      };
      this.#rows.set(id, row);
    }
    if (this.#from === null || e.time < this.#from) this.#from = e.time;
    if (this.#to === null || e.time > this.#to) this.#to = e.time;
    if (e.destination.abroad !== null) row.abroad = (row.abroad ?? false) || e.destination.abroad;
    row.sources.add(e.client.address);
    if (e.destination.zone) row.destinations.add(e.destination.zone);
    if (e.destination.host) row.domains.add(e.destination.host);
    if (e.destination.port) row.ports.add(e.destination.port);
    if (e.destination.ip) row.addresses.add(e.destination.ip);
    row.methods.add(transferMethod(e));
    if (e.scenario) row.scenarios.add(e.scenario);
    if (e.time < row.first) row.first = e.time;
    if (e.time > row.last) row.last = e.time;
    row.requests += 1;
    row.bytesOut += e.bytes.requestOut;
    row.bytesIn += e.bytes.response;
    if (e.action === 'redact') row.redacted += 1;
    if (e.action === 'block') {
      row.blocked += 1;
      return;
    }
    const seen = new Set<string>();
    for (const f of e.findings) {
      let c = row.categories.get(f.category);
      if (!c) row.categories.set(f.category, (c = { grade: f.grade, flows: 0, locations: new Listed() }));
      if (rank(f.grade) > rank(c.grade)) c.grade = f.grade;
      if (!seen.has(f.category)) {
        seen.add(f.category);
        c.flows += 1;
      }
      c.locations.add(normaliseLocation(f.location));
    }
    for (const b of e.bases ?? (e.basis ? [e.basis] : [])) row.bases.add(b.id);
    if (e.basisMissing) row.basisMissing += 1;
    const individuals = e.individuals;
    if (individuals) {
      for (const h of individuals.hashes) {
        if (row.hashes.size >= this.#maxHashes && !row.hashes.has(h)) row.atLeast = true;
        else row.hashes.add(h);
      }
      if (individuals.count > individuals.hashes.length) row.atLeast = true;
    }
  }

  /** Rows ordered by application, recipient, jurisdiction. */
  flows(): InventoryFlow[] {
    return [...this.#rows.values()]
      .map((r) => ({
        application: r.application,
        sourceAddresses: r.sources.list(),
        recipient: r.recipient,
        jurisdiction: r.jurisdiction,
        abroad: r.abroad,
        destinations: [...r.destinations].sort(),
        domains: r.domains.list(),
        ports: [...r.ports].sort((a, b) => a - b),
        destinationAddresses: r.addresses.list(),
        methods: [...r.methods].sort(),
        categories: [...r.categories.entries()]
          .map(([category, c]) => ({ category, grade: c.grade, flows: c.flows, locations: c.locations.list() }))
          .sort((a, b) => a.category.localeCompare(b.category)),
        bases: [...r.bases].sort(),
        basisMissing: r.basisMissing,
        scenarios: [...r.scenarios].sort(),
        first: r.first,
        last: r.last,
        requests: r.requests,
        blocked: r.blocked,
        redacted: r.redacted,
        individuals: r.hashes.size,
        individualsAtLeast: r.atLeast,
        bytesOut: r.bytesOut,
        bytesIn: r.bytesIn,
      }))
      .sort((a, b) => a.application.localeCompare(b.application) || a.recipient.localeCompare(b.recipient) || a.jurisdiction.localeCompare(b.jurisdiction));
  }

  finish(skippedLines = 0): Inventory {
    return { from: this.#from, to: this.#to, flows: this.flows(), skippedLines };
  }
}

export async function buildInventory(files: readonly string[], filter: EventFilter, progress?: Progress): Promise<Inventory> {
  const stats: ReadStats = { chainRecords: 0, skipped: 0 };
  const builder = new InventoryBuilder();
  for await (const { event } of readEvents(files, filter, stats, progress)) builder.add(event);
  return builder.finish(stats.skipped);
}
