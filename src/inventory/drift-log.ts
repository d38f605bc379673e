import type { AuditDrift, DriftKind } from '../audit/event.js';
import { readTrailLines, type EventFilter, type Progress } from '../audit/read.js';
import { auditDriftSchema } from '../audit/schema.js';

/**
 * `egress-guard inventory --drift`: the drift records of a trail, each distinct drift (its `key`)
 * once, with the time it was first seen. A gateway writes each drift once per process, so a
 * fleet, restarts and workers write the same drift several times: `records` counts them.
 */

export interface DriftEntry {
  readonly key: string;
  readonly drift: DriftKind;
  /** First and last time a record of it was written. */
  readonly first: string;
  readonly last: string;
  /** Records of it in the files (one per process that saw it). */
  readonly records: number;
  /** The decision id of the first request that showed it. */
  readonly triggeredBy: string;
  readonly application: string | null;
  readonly recipient: string | null;
  readonly jurisdiction: string;
  readonly host: string;
  readonly basis: string | null;
  readonly category: string | null;
  readonly location: string | null;
  /** refuse when any record of it was written under drift.action refuse. */
  readonly action: 'record' | 'refuse';
  readonly text: string;
}

export interface DriftLog {
  readonly drifts: readonly DriftEntry[];
  readonly skippedLines: number;
}

export async function readDriftLog(files: readonly string[], filter: EventFilter, progress?: Progress): Promise<DriftLog> {
  const byKey = new Map<string, { first: AuditDrift; last: string; records: number; refuse: boolean }>();
  let skipped = 0;
  for await (const { text } of readTrailLines(files, progress)) {
    if (!text.includes('"drift"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      skipped += 1;
      continue;
    }
    if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'drift') continue;
    const parsed = auditDriftSchema.safeParse(value);
    if (!parsed.success) {
      skipped += 1;
      continue;
    }
    const record = parsed.data as AuditDrift;
    const time = Date.parse(record.time);
    if (filter.since !== undefined && time < filter.since) continue;
    if (filter.until !== undefined && time >= filter.until) continue;
    const entry = byKey.get(record.key);
    if (!entry) {
      byKey.set(record.key, { first: record, last: record.time, records: 1, refuse: record.action === 'refuse' });
      continue;
    }
    entry.records += 1;
    entry.refuse ||= record.action === 'refuse';
    if (record.time < entry.first.time) entry.first = record;
    if (record.time > entry.last) entry.last = record.time;
  }
  progress?.finish();
  const drifts = [...byKey.values()]
    .map(({ first: r, last, records, refuse }): DriftEntry => ({
      key: r.key,
      drift: r.drift,
      first: r.time,
      last,
      records,
      triggeredBy: r.triggeredBy,
      application: r.client.application,
      recipient: r.destination.recipient,
      jurisdiction: r.destination.jurisdiction,
      host: r.destination.host,
      basis: r.basis,
      category: r.category,
      location: r.location,
      action: refuse ? 'refuse' : 'record',
      text: r.text,
    }))
    .sort((a, b) => a.first.localeCompare(b.first) || a.key.localeCompare(b.key));
  return { drifts, skippedLines: skipped };
}

export function formatDriftLog(log: DriftLog): string {
  if (log.drifts.length === 0) return 'no scope drift recorded\n';
  const out = log.drifts.map((d) => {
    const seen = d.records > 1 ? `; ${d.records} records, last ${d.last}` : '';
    return `${d.first}  ${d.drift.padEnd(12)}  ${d.text} [${d.action}${seen}]`;
  });
  if (log.skippedLines > 0) out.push('', `${log.skippedLines} unreadable drift lines skipped (run audit verify)`);
  return `${out.join('\n')}\n`;
}
