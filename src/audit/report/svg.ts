import type { RecipientIndividuals, ReportData } from './aggregate.js';

/**
 * Plain inline SVG charts: no script, no external font, readable in any browser and when
 * printed. Every piece of text from the trail passes through esc().
 */

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const num = (n: number): string => n.toLocaleString('en-US');

/** Rough width at 12px: enough to lay out labels without measuring text. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 12 : 7;
  return w;
}

function clip(s: string, max = 36): string {
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

const label = (x: number, y: number, text: string, attrs = ''): string => `<text x="${x}" y="${y}" ${attrs}>${esc(clip(text))}<title>${esc(text)}</title></text>`;

function svg(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Categories (rows) against jurisdiction · recipient (columns), shaded by flow count. */
export function flowMatrix(matrix: ReportData['matrix']): string {
  const { categories, destinations, counts } = matrix;
  if (categories.length === 0) return '<p class="empty">No findings in this period.</p>';
  const cellW = 52;
  const cellH = 26;
  const left = Math.min(260, Math.max(...categories.map((c) => textWidth(clip(c)))) + 16);
  const colLabels = destinations.map((d) => `${d.jurisdiction} · ${d.recipient}`);
  // Column labels are turned 45°: they reach up and to the right by 0.71 of their length.
  const reach = Math.max(...colLabels.map((l) => textWidth(clip(l)))) * 0.71;
  const top = Math.min(220, reach + 24);
  const width = left + destinations.length * cellW + Math.max(20, reach - cellW);
  const height = top + categories.length * cellH + 10;
  const max = Math.max(1, ...counts.flat());
  const body: string[] = [];
  destinations.forEach((_, j) => {
    const x = left + j * cellW + cellW / 2;
    body.push(label(x, top - 8, colLabels[j]!, `transform="rotate(-45 ${x} ${top - 8})"`));
  });
  categories.forEach((category, i) => {
    const y = top + i * cellH;
    body.push(label(left - 8, y + cellH / 2 + 4, category, 'text-anchor="end"'));
    counts[i]!.forEach((count, j) => {
      const x = left + j * cellW;
      const alpha = count === 0 ? 0 : 0.12 + 0.88 * Math.sqrt(count / max);
      body.push(
        `<rect x="${x + 1}" y="${y + 1}" width="${cellW - 2}" height="${cellH - 2}" fill="#b03a2e" fill-opacity="${alpha.toFixed(3)}" stroke="#ddd"><title>${esc(`${category} → ${colLabels[j]}: ${num(count)} flows`)}</title></rect>`,
      );
      if (count > 0) body.push(`<text x="${x + cellW / 2}" y="${y + cellH / 2 + 4}" text-anchor="middle" fill="${alpha > 0.55 ? '#fff' : '#222'}">${num(count)}</text>`);
    });
  });
  return svg(width, height, 'Flows by data category and destination', body);
}

function bucketLabel(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Stacked bars per time bucket: allowed, redacted, blocked. */
export function actionTimeline(timeline: ReportData['timeline']): string {
  const { buckets, bucketMs } = timeline;
  if (buckets.length === 0) return '<p class="empty">No flows in this period.</p>';
  const left = 56;
  const top = 28;
  const plotH = 200;
  const barW = Math.max(6, Math.min(40, Math.floor(1000 / buckets.length)));
  const width = left + buckets.length * barW + 30;
  const height = top + plotH + 70;
  const max = Math.max(1, ...buckets.map((b) => b.allow + b.redact + b.block));
  const scale = (n: number) => (n / max) * plotH;
  const colours = { allow: '#9aa5b1', redact: '#e0a030', block: '#c0392b' } as const;
  const body: string[] = [
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#666"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 20}" y2="${top + plotH}" stroke="#666"/>`,
  ];
  for (const tick of [0, Math.round(max / 2), max]) {
    const y = top + plotH - scale(tick);
    body.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${num(tick)}</text>`, `<line x1="${left}" y1="${y}" x2="${width - 20}" y2="${y}" stroke="#eee"/>`);
  }
  const every = Math.max(1, Math.ceil(buckets.length / 12));
  buckets.forEach((b, i) => {
    const x = left + i * barW + 1;
    let y = top + plotH;
    for (const action of ['allow', 'redact', 'block'] as const) {
      const h = scale(b[action]);
      if (h <= 0) continue;
      y -= h;
      body.push(`<rect class="bar-${action}" x="${x}" y="${y.toFixed(1)}" width="${barW - 2}" height="${h.toFixed(1)}" fill="${colours[action]}"><title>${esc(`${bucketLabel(b.start, bucketMs)}: ${num(b[action])} ${action}`)}</title></rect>`);
    }
    if (i % every === 0) {
      const lx = x + barW / 2;
      body.push(`<text x="${lx}" y="${top + plotH + 14}" transform="rotate(-35 ${lx} ${top + plotH + 14})" text-anchor="end">${esc(bucketLabel(b.start, bucketMs))}</text>`);
    }
  });
  let lx = left;
  for (const [action, colour] of Object.entries(colours)) {
    body.push(`<rect x="${lx}" y="6" width="12" height="12" fill="${colour}"/>`, `<text x="${lx + 16}" y="16">${action === 'allow' ? 'allowed' : action === 'redact' ? 'redacted' : 'blocked'}</text>`);
    lx += 96;
  }
  return svg(width, height, 'Allowed, redacted and blocked flows over time', body);
}

/** Distinct individuals per recipient, with the basis limit drawn where the events carry one. */
export function individualsChart(recipients: readonly RecipientIndividuals[]): string {
  if (recipients.length === 0) return '<p class="empty">No flows abroad in this period.</p>';
  const rows = recipients.slice(0, 30);
  const left = Math.min(280, Math.max(...rows.map((r) => textWidth(clip(r.recipient)))) + 16);
  const plotW = 640;
  const rowH = 28;
  const width = left + plotW + 170;
  const height = rows.length * rowH + 16;
  const max = Math.max(1, ...rows.map((r) => Math.max(r.individuals, r.limit ?? 0)));
  const scale = (n: number) => (n / max) * plotW;
  const body: string[] = [];
  rows.forEach((r, i) => {
    const y = 8 + i * rowH;
    const ratio = r.limit ? r.individuals / r.limit : 0;
    const fill = r.limit === null ? '#3b6ea8' : ratio > 1 ? '#c0392b' : ratio >= 0.8 ? '#e0a030' : '#3b8a5a';
    body.push(label(left - 8, y + 16, r.recipient, 'text-anchor="end"'));
    body.push(`<rect x="${left}" y="${y + 4}" width="${Math.max(1, scale(r.individuals)).toFixed(1)}" height="${rowH - 10}" fill="${fill}"><title>${esc(`${r.recipient}: ${r.atLeast ? 'at least ' : ''}${num(r.individuals)} individuals`)}</title></rect>`);
    const figure = `${r.atLeast ? '≥' : ''}${num(r.individuals)}${r.limit !== null ? ` of ${num(r.limit)}` : ''}`;
    body.push(`<text x="${left + scale(r.individuals) + 6}" y="${y + 16}">${esc(figure)}</text>`);
    if (r.limit !== null) {
      const x = left + scale(r.limit);
      body.push(`<line class="limit" x1="${x}" y1="${y + 1}" x2="${x}" y2="${y + rowH - 3}" stroke="#222" stroke-width="2" stroke-dasharray="4 2"><title>${esc(`basis limit ${num(r.limit)}`)}</title></line>`);
    }
  });
  return svg(width, height, 'Distinct individuals per recipient', body);
}
