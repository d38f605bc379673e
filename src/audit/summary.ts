import { EgError } from '../errors.js';
import type { AuditEvent } from './event.js';
import { SUMMARY_DIMENSIONS, type SummaryDimension } from './dimensions.js';
import { isFlow, readEvents, type EventFilter, type Progress, type ReadStats } from './read.js';

/** `audit summary`: flows, bytes, findings and distinct individuals, grouped. */

export { SUMMARY_DIMENSIONS, type SummaryDimension };

export interface SummaryRow {
  readonly key: Readonly<Partial<Record<SummaryDimension, string>>>;
  readonly flows: number;
  readonly blocked: number;
  readonly redacted: number;
  readonly findings: number;
  /** Bytes sent upstream (after redaction). */
  readonly bytesOut: number;
  /** Bytes of the responses. */
  readonly bytesIn: number;
  /** Distinct individual hashes in the group. */
  readonly individuals: number;
  /** Some events listed fewer hashes than individuals: `individuals` is a lower bound. */
  readonly individualsAtLeast: boolean;
}

export interface Summary {
  readonly by: readonly SummaryDimension[];
  readonly rows: readonly SummaryRow[];
  /** Over all flows, each counted once (rows split by category count a flow in every row). */
  readonly total: SummaryRow;
  readonly from: string | null;
  readonly to: string | null;
  readonly skippedLines: number;
}

export function parseDimensions(value: string | undefined): SummaryDimension[] {
  const names = (value ?? 'jurisdiction,recipient').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(SUMMARY_DIMENSIONS as readonly string[]).includes(name)) {
      throw new EgError('EG_CONFIG_INVALID', `--by ${name}: expected some of ${SUMMARY_DIMENSIONS.join(', ')}`);
    }
  }
  return [...new Set(names)] as SummaryDimension[];
}

/** The values an event has for a dimension: several for `category`, one otherwise. */
export function dimensionValues(event: AuditEvent, dim: SummaryDimension): string[] {
  switch (dim) {
    case 'jurisdiction':
      return [event.destination.jurisdiction ?? '(unresolved)'];
    case 'recipient':
      return [event.destination.recipient ?? '(unknown)'];
    case 'category': {
      const categories = [...new Set(event.findings.map((f) => f.category))].sort();
      return categories.length > 0 ? categories : ['(none)'];
    }
    case 'client':
      return [event.client.application ?? event.client.address];
    case 'basis':
      return [event.basis ? event.basis.id : event.basisMissing ? '(missing)' : '(none)'];
    case 'host':
      return [event.destination.host];
    case 'zone':
      return [event.destination.zone ?? '(none)'];
    case 'action':
      return [event.action];
    case 'scenario':
      return [event.scenario ?? '(none)'];
  }
}

class Group {
  flows = 0;
  blocked = 0;
  redacted = 0;
  findings = 0;
  bytesOut = 0;
  bytesIn = 0;
  atLeast = false;
  readonly hashes = new Set<string>();

  add(event: AuditEvent): void {
    this.flows += 1;
    if (event.action === 'block') this.blocked += 1;
    if (event.action === 'redact') this.redacted += 1;
    this.findings += event.findings.length;
    this.bytesOut += event.bytes.requestOut;
    this.bytesIn += event.bytes.response;
    const individuals = event.individuals;
    if (individuals) {
      for (const h of individuals.hashes) this.hashes.add(h);
      if (individuals.count > individuals.hashes.length) this.atLeast = true;
    }
  }

  row(key: SummaryRow['key']): SummaryRow {
    const { flows, blocked, redacted, findings, bytesOut, bytesIn } = this;
    return { key, flows, blocked, redacted, findings, bytesOut, bytesIn, individuals: this.hashes.size, individualsAtLeast: this.atLeast };
  }
}

function cartesian(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

export async function summariseTrail(files: readonly string[], by: readonly SummaryDimension[], filter: EventFilter, progress?: Progress): Promise<Summary> {
  const groups = new Map<string, { values: string[]; group: Group }>();
  const total = new Group();
  const stats: ReadStats = { chainRecords: 0, skipped: 0 };
  let from: string | null = null;
  let to: string | null = null;
  for await (const { event } of readEvents(files, filter, stats, progress)) {
    if (!isFlow(event)) continue;
    total.add(event);
    if (from === null || event.time < from) from = event.time;
    if (to === null || event.time > to) to = event.time;
    for (const values of cartesian(by.map((d) => dimensionValues(event, d)))) {
      const id = JSON.stringify(values);
      let entry = groups.get(id);
      if (!entry) groups.set(id, (entry = { values, group: new Group() }));
      entry.group.add(event);
    }
  }
  const keyOf = (values: string[]) => Object.fromEntries(by.map((d, i) => [d, values[i]!]));
  const rows = [...groups.values()]
    .map(({ values, group }) => group.row(keyOf(values)))
    .sort((a, b) => b.flows - a.flows || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  return { by, rows, total: total.row({}), from, to, skippedLines: stats.skipped };
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size) return `${(n / size).toFixed(1)} ${unit}`;
  }
  return `${n} B`;
}

/** Columns a terminal gives the text: CJK and full-width characters take two (recipient names
 *  are often Chinese). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    width += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000 ? 2 : 1;
  }
  return width;
}

export function formatSummary(summary: Summary): string {
  const header = [...summary.by, 'flows', 'blocked', 'redacted', 'findings', 'sent', 'received', 'individuals'];
  const cells = (row: SummaryRow, label: string[]) => [
    ...label,
    String(row.flows),
    String(row.blocked),
    String(row.redacted),
    String(row.findings),
    formatBytes(row.bytesOut),
    formatBytes(row.bytesIn),
    `${row.individualsAtLeast ? '≥' : ''}${row.individuals}`,
  ];
  const body = summary.rows.map((row) => cells(row, summary.by.map((d) => row.key[d] ?? '')));
  const totalLabel = summary.by.map((_, i) => (i === 0 ? 'total' : ''));
  const table = [header, ...body, cells(summary.total, totalLabel)];
  const numeric = (i: number) => i >= summary.by.length;
  const widths = header.map((_, i) => Math.max(...table.map((r) => displayWidth(r[i]!))));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - displayWidth(c));
    return numeric(i) ? fill + c : c + fill;
  };
  const line = (r: string[]) => r.map(pad).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const period = summary.from ? `${summary.from} .. ${summary.to}` : 'no flows';
  const out = [`period ${period}`, '', line(header), rule, ...body.map(line), rule, line(table.at(-1)!)];
  if (summary.skippedLines > 0) out.push('', `${summary.skippedLines} unreadable lines skipped (run audit verify)`);
  return `${out.join('\n')}\n`;
}
