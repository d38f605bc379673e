import type { Grade } from '../classify/taxonomy.js';
import type { ActionTable, CompiledPolicy, RedactModeName, Verdict, VolumeSettings } from '../config/model.js';
import type { VolumeWire } from '../config/schema.js';

/**
 * The `volume` section compiled, with the defaults from the law (DOMAIN §3). The default store is
 * a SQLite file in the working directory, so `npm start` counts on a fresh machine and the
 * counts survive a restart; production sets an absolute path on a persistent volume, or Redis.
 */
export const VOLUME_DEFAULTS = Object.freeze({
  sqlitePath: 'egress-guard-volume.db',
  keyPrefix: 'egress-guard:volume:',
  /** Every statutory threshold (up to 1,000,000) is checked on exact sets. */
  exactLimit: 1_000_000,
  nonSensitive: 100_000,
  nonSensitiveAssessment: 1_000_000,
  sensitiveAssessment: 10_000,
  alertFraction: 0.8,
  cacheSize: 100_000,
});

/** The counts of a policy that names no `handler.entity` are kept under this name. */
export const DEFAULT_ENTITY = 'default';

type PolicyParts = Pick<CompiledPolicy, 'destinations' | 'unknownZone' | 'bases' | 'monitorRules' | 'categoryGrades'> & { readonly redactDefault: RedactModeName };

export function compileVolume(wire: VolumeWire | undefined, parts: PolicyParts): VolumeSettings {
  const s = wire?.store;
  const store: VolumeSettings['store'] = s?.redis
    ? { kind: 'redis', url: s.redis.url, keyPrefix: s.redis.key_prefix ?? VOLUME_DEFAULTS.keyPrefix, exactLimit: s.redis.exact_limit ?? VOLUME_DEFAULTS.exactLimit, passwordEnv: s.redis.password_env ?? null }
    : s?.memory
      ? { kind: 'memory' }
      : { kind: 'sqlite', path: s?.sqlite?.path ?? VOLUME_DEFAULTS.sqlitePath };
  const t = wire?.thresholds;
  return Object.freeze({
    store: Object.freeze(store),
    thresholds: Object.freeze({
      nonSensitive: t?.non_sensitive ?? VOLUME_DEFAULTS.nonSensitive,
      nonSensitiveAssessment: t?.non_sensitive_assessment ?? VOLUME_DEFAULTS.nonSensitiveAssessment,
      sensitiveAssessment: t?.sensitive_assessment ?? VOLUME_DEFAULTS.sensitiveAssessment,
      alertFraction: t?.alert_fraction ?? VOLUME_DEFAULTS.alertFraction,
    }),
    countExemptFlows: wire?.count_exempt_flows ?? false,
    onStoreFailure: wire?.on_store_failure ?? 'refuse',
    actionOverLimit: wire?.action_over_limit ?? 'block',
    cacheSize: wire?.cache_size ?? VOLUME_DEFAULTS.cacheSize,
    needed: wire !== undefined || mayForwardPi(parts),
  });
}

/** Whether a verdict lets personal information leave in a form that still identifies someone:
 *  allowed, partially masked or pseudonymised (PIPL Art. 73(3)); a full mask or a drop does not. */
export function carriesPi(verdict: Verdict, redactDefault: RedactModeName): boolean {
  if (verdict === 'allow' || verdict === 'partial' || verdict === 'hash') return true;
  return verdict === 'redact' && (redactDefault === 'partial' || redactDefault === 'hash');
}

/** Could any request abroad forward personal information under this policy? A policy with a
 *  `volume` section always counts; one where every destination abroad masks or blocks all PI
 *  (the embedded default) never opens a store. */
function mayForwardPi(p: PolicyParts): boolean {
  if (p.bases.length > 0 || p.monitorRules.size > 0) return true;
  const isPi = (g: Grade | undefined) => g === undefined || g === 'pi' || g === 'sensitive_pi';
  const tableCarries = (table: ActionTable) => {
    for (const g of ['pi', 'sensitive_pi'] as const) if (carriesPi(table.byGrade.get(g) ?? table.fallback, p.redactDefault)) return true;
    for (const [category, v] of table.byCategory) if (isPi(p.categoryGrades.get(category)) && carriesPi(v, p.redactDefault)) return true;
    return false;
  };
  for (const zone of [...p.destinations, p.unknownZone]) {
    if (!zone.abroad || zone.hardBlock !== null) continue;
    if (zone.mode === 'monitor' || tableCarries(zone.actions)) return true;
  }
  return false;
}
