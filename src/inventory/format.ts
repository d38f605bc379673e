import { displayWidth, formatBytes } from '../audit/summary.js';
import type { Inventory, InventoryFlow } from './build.js';

/** `egress-guard inventory` output: a terminal table, CSV for a filing's data-links table, JSON. */

/** The CSV columns, in order: what a filing's data-links table asks for (both ends' domain
 *  names and addresses, the transfer method, the categories, the volumes). */
export const CSV_COLUMNS = [
  'source_application',
  'source_ips',
  'recipient',
  'jurisdiction',
  'abroad',
  'destinations',
  'destination_domains',
  'destination_ips',
  'destination_ports',
  'transfer_methods',
  'categories',
  'field_locations',
  'legal_bases',
  'flows_without_basis',
  'scenarios',
  'requests',
  'blocked',
  'redacted',
  'individuals',
  'bytes_sent',
  'bytes_received',
  'first_seen',
  'last_seen',
] as const;

/** RFC 4180 quoting; a text cell a spreadsheet would take for a formula is prefixed with "'". */
export function csvCell(value: string | number | boolean | null): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const join = (items: readonly (string | number)[]) => items.join('; ');

function csvRow(f: InventoryFlow): string[] {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
    source_application: f.application,
    source_ips: join(f.sourceAddresses),
    recipient: f.recipient,
    jurisdiction: f.jurisdiction,
    abroad: f.abroad,
    destinations: join(f.destinations),
    destination_domains: join(f.domains),
    destination_ips: join(f.destinationAddresses),
    destination_ports: join(f.ports),
    transfer_methods: join(f.methods),
    categories: join(f.categories.map((c) => c.category)),
    field_locations: join(f.categories.flatMap((c) => c.locations.map((l) => `${c.category} ${l || '(text body)'}`))),
    legal_bases: join(f.bases),
    flows_without_basis: f.basisMissing,
    scenarios: join(f.scenarios),
    requests: f.requests,
    blocked: f.blocked,
    redacted: f.redacted,
    individuals: f.individualsAtLeast ? `>=${f.individuals}` : f.individuals,
    bytes_sent: f.bytesOut,
    bytes_received: f.bytesIn,
    first_seen: f.first,
    last_seen: f.last,
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c]));
}

/** CRLF line ends (RFC 4180); `bom` adds the UTF-8 byte-order mark spreadsheet programs need to
 *  read Chinese recipient names correctly. */
export function formatInventoryCsv(inventory: Inventory, options: { bom?: boolean } = {}): string {
  const lines = [CSV_COLUMNS.join(','), ...inventory.flows.map((f) => csvRow(f).join(','))];
  return `${options.bom ? '\ufeff' : ''}${lines.join('\r\n')}\r\n`;
}

export function formatInventoryJson(inventory: Inventory): string {
  return `${JSON.stringify(inventory, null, 2)}\n`;
}

/** A terminal table: one row per application × recipient × jurisdiction. */
export function formatInventoryTable(inventory: Inventory): string {
  const header = ['application', 'recipient', 'jurisdiction', 'domains', 'categories', 'bases', 'requests', 'blocked', 'individuals', 'sent', 'first seen', 'last seen'];
  const numeric = new Set([6, 7, 8, 9]);
  const body = inventory.flows.map((f) => [
    f.application,
    f.recipient,
    f.jurisdiction,
    f.domains.join(', '),
    f.categories.map((c) => c.category).join(', ') || '—',
    f.bases.join(', ') || (f.basisMissing > 0 ? '(missing)' : '—'),
    String(f.requests),
    String(f.blocked),
    `${f.individualsAtLeast ? '≥' : ''}${f.individuals}`,
    formatBytes(f.bytesOut),
    f.first,
    f.last,
  ]);
  const table = [header, ...body];
  const widths = header.map((_, i) => Math.max(...table.map((r) => displayWidth(r[i]!))));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - displayWidth(c));
    return numeric.has(i) ? fill + c : c + fill;
  };
  const line = (r: string[]) => r.map(pad).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const period = inventory.from ? `${inventory.from} .. ${inventory.to}` : 'no flows';
  const out = [`period ${period}`, '', line(header), rule, ...body.map(line)];
  const locations = inventory.flows.filter((f) => f.categories.length > 0);
  if (locations.length > 0) {
    out.push('', 'field locations');
    for (const f of locations) {
      out.push(`  ${f.application} → ${f.recipient} (${f.jurisdiction})`);
      for (const c of f.categories) out.push(`    ${c.category} (${c.grade}, ${c.flows} flow${c.flows === 1 ? '' : 's'}): ${c.locations.map((l) => l || '(text body)').join(', ')}`);
    }
  }
  if (inventory.skippedLines > 0) out.push('', `${inventory.skippedLines} unreadable lines skipped (run audit verify)`);
  return `${out.join('\n')}\n`;
}
