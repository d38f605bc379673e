import { esc, num } from '../audit/report/svg.js';
import { formatBytes } from '../audit/summary.js';
import type { InventoryFlow } from './build.js';

/** The inventory section of `audit report` (src/audit/report/html.ts): every text escaped. */
export function inventorySection(flows: readonly InventoryFlow[] | undefined): string {
  const list = (items: readonly (string | number)[]) => (items.length > 0 ? items.map((i) => esc(String(i))).join('<br>') : '—');
  const rows = (flows ?? [])
    .map((f) => {
      const categories = f.categories.length === 0
        ? '—'
        : f.categories.map((c) => `<b>${esc(c.category)}</b> (${esc(c.grade)}, ${num(c.flows)}): ${c.locations.map((l) => `<code>${esc(l || '(text body)')}</code>`).join(', ')}`).join('<br>');
      const bases = f.bases.length > 0 ? list(f.bases) : f.basisMissing > 0 ? '(missing)' : '—';
      return `<tr${f.basisMissing > 0 ? ' class="alert"' : ''}><td>${esc(f.application)}</td><td>${list(f.sourceAddresses)}</td><td>${esc(f.recipient)}</td><td>${esc(f.jurisdiction)}</td>` +
        `<td>${list(f.domains)}</td><td>${list(f.destinationAddresses)}</td><td>${list(f.methods)}</td><td>${categories}</td><td>${bases}</td>` +
        `<td class="n">${num(f.requests)}</td><td class="n">${num(f.blocked)}</td><td class="n">${f.individualsAtLeast ? '≥' : ''}${num(f.individuals)}</td>` +
        `<td class="n">${esc(formatBytes(f.bytesOut))}</td><td>${esc(f.first)}<br>${esc(f.last)}</td></tr>`;
    })
    .join('\n');
  return `<section id="inventory">
<h2>Data-flow inventory</h2>
<p class="note">One row per source application, recipient and jurisdiction: the domains and addresses it reached, the categories and field locations (array indices as *) of its forwarded flows, the bases they relied on, and distinct individuals. Rows in red carried personal or important data abroad without a basis. <code>egress-guard inventory --csv</code> prints the same table for a filing.</p>
${rows ? `<div class="chart"><table id="inventory-table">
<thead><tr><th>application</th><th>source IPs</th><th>recipient</th><th>jurisdiction</th><th>domains</th><th>destination IPs</th><th>transfer method</th><th>categories and locations</th><th>bases</th><th>requests</th><th>blocked</th><th>individuals</th><th>sent</th><th>first / last</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>` : '<p class="empty">No flows in this period.</p>'}
</section>
`;
}
