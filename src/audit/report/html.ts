import { basename } from 'node:path';
import { formatBytes } from '../summary.js';
import type { ReportData } from './aggregate.js';
import { actionTimeline, esc, flowMatrix, individualsChart, num } from './svg.js';
import { inventorySection } from '../../inventory/html.js';

/**
 * `audit report`: one self-contained HTML file for a DPO or an auditor. Inline CSS and SVG only,
 * no script, no external resource, so it can be mailed, archived with a filing and opened
 * offline years later, and so that nothing in the trail can run in the reader's browser.
 */

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2329; margin: 24px 32px; max-width: 1500px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
.meta, .note, .empty { color: #5b6670; } .note { font-size: 12px; max-width: 900px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 16px 0; }
.figure { border: 1px solid #d8dde3; border-radius: 6px; padding: 10px 12px; } .figure b { display: block; font-size: 20px; }
.figure.alert b { color: #b03a2e; }
table { border-collapse: collapse; margin: 8px 0; font-size: 12.5px; } th, td { border: 1px solid #d8dde3; padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f2f4f6; } tr.alert td { color: #b03a2e; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.chart { overflow-x: auto; } code { font-size: 12px; }
@media print { body { margin: 0; } .chart { overflow: visible; } }
`;

const list = (items: readonly string[]) => (items.length > 0 ? items.map(esc).join('<br>') : '—');

function figure(label: string, value: string, alert = false): string {
  return `<div class="figure${alert ? ' alert' : ''}"><b>${esc(value)}</b>${esc(label)}</div>`;
}

/** The next statutory band above a count of non-sensitive individuals (2024 Provisions). */
function band(n: number): string {
  if (n < 100_000) return 'below the 100,000 exemption threshold';
  if (n < 1_000_000) return 'standard contract / certification band (100,000–1,000,000)';
  return 'security assessment band (1,000,000 or more)';
}

/** A legal basis as the report shows it: from the policy given with `--policy`. */
export interface ReportBasis {
  readonly id: string;
  readonly type: string;
  readonly reference: string | null;
  readonly recipients: readonly string[];
  readonly validTo: string | null;
  readonly daysLeft: number | null;
  readonly state: 'valid' | 'expiring' | 'expired' | 'not_yet_valid';
}

export function renderReport(data: ReportData, options: { title?: string; generated?: Date; bases?: readonly ReportBasis[] } = {}): string {
  const t = data.totals;
  const title = options.title ?? 'egress-guard: cross-border data flows';
  const period = data.from ? `${data.from} — ${data.to}` : 'no flows in the selected period';
  const links = data.links
    .map(
      (l) => `<tr><td>${list(l.applications)}</td><td>${list(l.sourceIps)}</td><td>${esc(l.host)}:${esc(l.port)}</td><td>${list(l.destinationIps)}</td>` +
        `<td>${esc(l.jurisdiction)}</td><td>${esc(l.recipient)}</td><td>${esc(l.method)}</td><td>${list(l.categories)}</td><td>${list(l.bases)}</td>` +
        `<td class="n">${num(l.flows)}</td><td class="n">${num(l.blocked)}</td><td class="n">${esc(formatBytes(l.bytesOut))}</td><td class="n">${esc(formatBytes(l.bytesIn))}</td>` +
        `<td class="n">${num(l.individuals)}</td><td>${esc(l.first)}<br>${esc(l.last)}</td></tr>`,
    )
    .join('\n');
  const recipients = data.recipients
    .map((r) => `<tr><td>${esc(r.recipient)}</td><td>${list(r.jurisdictions)}</td><td class="n">${r.atLeast ? '≥' : ''}${num(r.individuals)}</td><td class="n">${r.limit === null ? '—' : num(r.limit)}</td><td>${list(r.bases)}</td></tr>`)
    .join('\n');
  const missing = data.missingBasis
    .map((m) => `<tr><td>${esc(m.recipient)}</td><td>${esc(m.jurisdiction)}</td><td>${list(m.categories)}</td><td class="n">${num(m.flows)}</td></tr>`)
    .join('\n');
  const generated = (options.generated ?? new Date()).toISOString();
  const stateText = (b: ReportBasis) =>
    b.state === 'expiring' ? `expires in ${b.daysLeft} days` : b.state === 'expired' ? 'EXPIRED' : b.state === 'not_yet_valid' ? 'not yet valid' : 'valid';
  const bases = [...(options.bases ?? [])]
    .sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity))
    .map((b) => `<tr${b.state === 'valid' ? '' : ' class="alert"'}><td>${esc(b.id)}</td><td>${esc(b.type)}</td><td>${esc(b.reference ?? '—')}</td><td>${list(b.recipients)}</td><td>${esc(b.validTo ?? 'open')}</td><td>${esc(stateText(b))}</td></tr>`)
    .join('\n');
  const basesSection = options.bases === undefined
    ? ''
    : `<section id="bases">
<h2>Legal bases and their expiry</h2>
<p class="note">From the policy given with --policy, as of the day the report was generated (Asia/Shanghai). A basis past its end covers nothing: flows it covered are refused from that day.</p>
${bases ? `<table id="bases-table"><thead><tr><th>basis</th><th>type</th><th>reference</th><th>recipients</th><th>valid to</th><th>state</th></tr></thead><tbody>\n${bases}\n</tbody></table>` : '<p class="empty">The policy declares no legal bases.</p>'}
</section>
`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="egress-guard audit report">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="meta">Period ${esc(period)} (UTC) · ${num(data.files.length)} file${data.files.length === 1 ? '' : 's'} · policy revisions ${esc(data.policyRevisions.join(', ') || '—')} · generated ${esc(generated)}</p>
</header>

<section id="totals">
<div class="figures">
${figure('flows', num(t.flows))}
${figure('flows abroad (or unresolved)', num(t.abroad))}
${figure('blocked', num(t.blocked), t.blocked > 0)}
${figure('redacted', num(t.redacted))}
${figure('monitor mode: would have blocked', num(t.wouldBlock), t.wouldBlock > 0)}
${figure('flows without a legal basis', num(t.basisMissing), t.basisMissing > 0)}
${figure('findings', num(t.findings))}
${figure('bytes sent', formatBytes(t.bytesOut))}
${figure('distinct individuals sent abroad', `${t.atLeast ? '≥' : ''}${num(t.individualsAbroad)}`)}
</div>
<p class="note">Distinct individuals sent abroad: ${esc(band(t.individualsAbroad))}. The thresholds apply per data handler across all its systems from 1 January (Asia/Shanghai) and separately to sensitive personal information; this report counts only the flows in these files.</p>
</section>

<section id="flows">
<h2>Data categories by destination</h2>
<p class="note">Flows that carried each category, by jurisdiction and receiving entity (a flow with several categories counts in each row).</p>
<div class="chart">${flowMatrix(data.matrix)}</div>
</section>

<section id="timeline">
<h2>Blocks and redactions over time</h2>
<div class="chart">${actionTimeline(data.timeline)}</div>
</section>

<section id="individuals">
<h2>Distinct individuals per recipient abroad</h2>
<p class="note">Individuals are counted by keyed hash of one identifier each, over flows that were forwarded (blocked flows sent nothing). The dashed line is the largest individual count filed for the recipient's legal basis, when the events carry one.</p>
<div class="chart">${individualsChart(data.recipients)}</div>
<table id="recipients-table">
<thead><tr><th>recipient</th><th>jurisdictions</th><th>individuals</th><th>basis limit</th><th>bases</th></tr></thead>
<tbody>
${recipients}
</tbody>
</table>
</section>

<section id="links">
<h2>Data links</h2>
<p class="note">One row per destination host, port, transfer method and recipient: the table a filing asks for (domains and addresses at both ends, transfer method, categories, volumes).</p>
<div class="chart">
<table id="links-table">
<thead><tr><th>source applications</th><th>source IPs</th><th>destination</th><th>destination IPs</th><th>jurisdiction</th><th>recipient</th><th>transfer method</th><th>categories</th><th>bases</th><th>flows</th><th>blocked</th><th>sent</th><th>received</th><th>individuals</th><th>first / last</th></tr></thead>
<tbody>
${links}
</tbody>
</table>
</div>
</section>

${inventorySection(data.inventory)}
${basesSection}<section id="missing-basis">
<h2>Flows without a legal basis</h2>
${missing ? `<table id="missing-table"><thead><tr><th>recipient</th><th>jurisdiction</th><th>categories</th><th>flows</th></tr></thead><tbody>\n${missing}\n</tbody></table>` : '<p class="empty">None in this period.</p>'}
</section>

<footer>
<p class="note">Files: ${data.files.map((f) => `<code>${esc(basename(f))}</code>`).join(', ')}.${data.skippedLines > 0 ? ` ${num(data.skippedLines)} unreadable lines were skipped.` : ''} This report does not check the hash chain: run <code>egress-guard audit verify</code> on the same files. The trail holds categories, locations and keyed hashes, never the values that were found.</p>
</footer>
</body>
</html>
`;
}
