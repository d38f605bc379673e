import { shanghaiDate } from '../config/compile-legal.js';
import type { CompiledPolicy } from '../config/model.js';
import { thresholdsOf } from './plan.js';
import { DEFAULT_ENTITY } from './settings.js';
import type { VolumeStore } from './store.js';

/** One counter as `volume status` and the gauges show it. */
export interface CounterStatus {
  /** Store name: N, S, X, r:N:<recipient>, b:<basis>, … */
  readonly counter: string;
  /** Readable: non_sensitive, sensitive, exempt, recipient:<name>:non_sensitive, basis:<id>, basis:(none). */
  readonly label: string;
  readonly individuals: number;
  readonly approximate: boolean;
  /** The next threshold this counter has not reached (statutory, or a basis's filed figure). */
  readonly threshold: number | null;
  readonly ratio: number | null;
  /** Individuals added per day over the last 30 days (or since 1 January, if sooner). */
  readonly perDay: number;
  /** The day the threshold is reached at that rate, if within this year. */
  readonly projected: string | null;
}

export interface VolumeStatus {
  readonly entity: string;
  readonly year: number;
  readonly today: string;
  readonly store: { readonly kind: string; readonly at: string };
  readonly thresholds: CompiledPolicy['volume']['thresholds'];
  readonly counters: readonly CounterStatus[];
}

export function counterLabel(counter: string): string {
  const cls = (c: string) => (c === 'N' ? 'non_sensitive' : c === 'S' ? 'sensitive' : c === 'X' ? 'exempt' : c);
  if (counter === 'N' || counter === 'S' || counter === 'X') return cls(counter);
  const r = /^r:([NSX]):(.*)$/s.exec(counter);
  if (r) return `recipient:${r[2]}:${cls(r[1]!)}`;
  if (counter === 'b:') return 'basis:(none)';
  if (counter.startsWith('b:')) return `basis:${counter.slice(2)}`;
  return counter;
}

/** The lowest threshold of the counter above its count, or null. */
export function nextThreshold(policy: CompiledPolicy, counter: string, count: number): number | null {
  const spec = thresholdsOf(policy, counter);
  if (!spec) return null;
  return spec.values.find((t) => count < t) ?? spec.values[spec.values.length - 1] ?? null;
}

/** count / next threshold, for the `egress_guard_volume_ratio` gauge (alert rule: ≥ 0.8). */
export function ratioOf(policy: CompiledPolicy, counter: string, count: number): number | null {
  const t = nextThreshold(policy, counter, count);
  return t === null || t === 0 ? null : count / t;
}

const ORDER = (c: string) => (c === 'N' ? 0 : c === 'S' ? 1 : c === 'X' ? 2 : c.startsWith('b:') ? 3 : 4);

export async function volumeStatus(store: VolumeStore, policy: CompiledPolicy, now: Date, year?: number): Promise<VolumeStatus> {
  const today = shanghaiDate(now);
  const currentYear = Number(today.slice(0, 4));
  const y = year ?? currentYear;
  const scope = { year: y, entity: policy.handler.entity ?? DEFAULT_ENTITY };
  const counts = await store.counts(scope);
  // The rate: the last 30 days of this year, or the whole of a past year.
  const end = y === currentYear ? today : `${y}-12-31`;
  const endMs = Date.parse(`${end}T00:00:00Z`);
  const startMs = Math.max(Date.parse(`${y}-01-01T00:00:00Z`), endMs - 29 * 86_400_000);
  const since = new Date(startMs).toISOString().slice(0, 10);
  const days = Math.round((endMs - startMs) / 86_400_000) + 1;
  const daily = await store.daily(scope, since);
  const added = new Map<string, number>();
  for (const d of daily) if (d.day <= end) added.set(d.counter, (added.get(d.counter) ?? 0) + d.added);
  const counters = counts
    .map((c) => {
      const threshold = nextThreshold(policy, c.counter, c.count);
      const perDay = (added.get(c.counter) ?? 0) / days;
      let projected: string | null = null;
      if (y === currentYear && threshold !== null && c.count < threshold && perDay > 0) {
        const at = new Date(Date.parse(`${today}T00:00:00Z`) + Math.ceil((threshold - c.count) / perDay) * 86_400_000).toISOString().slice(0, 10);
        if (at.slice(0, 4) === String(y)) projected = at;
      }
      return {
        counter: c.counter,
        label: counterLabel(c.counter),
        individuals: c.count,
        approximate: c.approximate,
        threshold,
        ratio: threshold === null ? null : c.count / threshold,
        perDay: Math.round(perDay * 100) / 100,
        projected,
      };
    })
    .sort((a, b) => ORDER(a.counter) - ORDER(b.counter) || (a.counter < b.counter ? -1 : 1));
  return { entity: scope.entity, year: y, today, store: { kind: store.kind, at: store.description }, thresholds: policy.volume.thresholds, counters };
}

/** The status as a table for a terminal. */
export function formatStatus(s: VolumeStatus): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const rows = s.counters.map((c) => [
    c.label,
    `${c.approximate ? '≈' : ''}${fmt(c.individuals)}`,
    c.threshold === null ? '-' : fmt(c.threshold),
    c.ratio === null ? '-' : `${(c.ratio * 100).toFixed(1)} %`,
    String(c.perDay),
    c.projected ?? (c.threshold !== null && c.individuals >= c.threshold ? 'reached' : '-'),
  ]);
  const head = ['counter', 'individuals', 'threshold', 'of threshold', 'per day (30 d)', 'projected crossing'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  const out = [
    `entity ${s.entity}, year ${s.year} (Asia/Shanghai), today ${s.today}; store ${s.store.kind} ${s.store.at}`,
    `thresholds: non-sensitive ${fmt(s.thresholds.nonSensitive)} (contract) / ${fmt(s.thresholds.nonSensitiveAssessment)} (assessment); sensitive 1 (contract) / ${fmt(s.thresholds.sensitiveAssessment)} (assessment); alerts at ${Math.round(s.thresholds.alertFraction * 100)} %`,
    '',
    line(head),
    ...rows.map(line),
  ];
  if (rows.length === 0) out.push('(nothing counted this year)');
  if (s.counters.some((c) => c.approximate)) out.push('', '≈ HyperLogLog estimate past volume.store.redis.exact_limit (standard error 0.81 %)');
  return `${out.join('\n')}\n`;
}
