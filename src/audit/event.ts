import type { Action, Mode } from '../config/model.js';
import type { ThresholdCrossing } from '../volume/plan.js';

/**
 * Audit event, version 1. One per request (and one per CONNECT tunnel). Holds locations,
 * categories, rule ids and keyed hashes — never a detected value. Documented field by field in
 * docs/audit.md; the zod schema in schema.ts mirrors this type and produces docs/audit.schema.json.
 *
 * Fields added after the first release are optional (or nullable) so that producers written
 * before them still compile, and `v` stays 1: readers treat a missing field as "not recorded".
 */
export interface AuditFinding {
  readonly category: string;
  readonly grade: string;
  readonly location: string;
  readonly rule: string;
  readonly confidence: number;
  readonly action: Action;
  /** Id of the basis that covered it, null when none did (absent in events written before 03). */
  readonly basis?: string | null;
  /** Rule id of the deciding reason ("basis:<id>", "no-basis", "core", "category:pi.phone", ...). */
  readonly reason?: string | null;
  /** True when a rule in monitor mode (a detection rule or catalog entry) changed the outcome:
   *  `action` is what was done, `wouldBe` what the monitored rule would have done. */
  readonly monitor?: boolean;
  readonly wouldBe?: Action;
}

/** One reason behind a decision: a rule id, a sentence, and the legal clause it rests on. */
export interface AuditReason {
  readonly rule: string;
  readonly text: string;
  readonly clause: string | null;
}

/** The legal mechanism a flow relies on (DOMAIN §2). */
export type BasisType = 'security_assessment' | 'standard_contract' | 'certification' | 'exemption';

export interface AuditBasis {
  /** The operator's id for the basis, as named in the policy. */
  readonly id: string;
  readonly type: BasisType;
  /** Filing or approval number, contract reference, or the exempting article. */
  readonly reference: string | null;
  /** Individuals the basis covers (the filed figure), when it has one: the report draws it as a
   *  limit against the distinct individuals seen per recipient. */
  readonly maxIndividuals?: number | null;
}

export interface AuditIndividuals {
  /** Distinct individuals whose identifiers the flow carried. */
  readonly count: number;
  /** One keyed hash per individual (individualHash in individual.ts), 16 hex chars. Shorter than
   *  `count` only when the producer capped the list; readers then report a lower bound. */
  readonly hashes: readonly string[];
}

/** What a flow added to the yearly volume counters of its legal entity (DOMAIN §3). */
export interface AuditVolume {
  /** Calendar year (Asia/Shanghai) and legal entity (handler.entity, else "default"). */
  readonly year: number;
  readonly entity: string;
  /** Individuals of this flow counted in each class: non-sensitive (N), sensitive (S), exempt
   *  flows counted apart (X). */
  readonly nonSensitive: number;
  readonly sensitive: number;
  readonly exempt: number;
  /** How much each class counter grew: individuals not counted before this year. */
  readonly added: { readonly nonSensitive: number; readonly sensitive: number; readonly exempt: number };
  /** True when the store could not be reached and the flow went uncounted
   *  (volume.on_store_failure: allow). */
  readonly uncounted?: boolean;
}

/** Milliseconds per stage; null when the stage did not run for this request. */
export interface AuditTimings {
  readonly parseMs: number | null;
  readonly classifyMs: number | null;
  readonly decideMs: number | null;
  readonly forwardMs: number | null;
}

export interface AuditEvent {
  readonly v: 1;
  readonly kind: 'request' | 'connect';
  readonly decisionId: string;
  readonly time: string;
  readonly policyRevision: string;
  readonly client: {
    readonly address: string;
    readonly port: number;
    /** The source application, as identified by the gateway (null when unknown). */
    readonly application?: string | null;
  };
  /** How the request reached the gateway. */
  readonly via: 'forward' | 'gateway' | 'tunnel-http' | 'tunnel-tls' | 'connect';
  readonly method: string;
  readonly destination: {
    readonly host: string;
    readonly port: number;
    readonly ip: string | null;
    readonly zone: string | null;
    readonly jurisdiction: string | null;
    readonly abroad: boolean | null;
    /** The receiving legal entity (null when the policy names none for the destination). */
    readonly recipient?: string | null;
    /** Present when a label of the host mixes scripts as IDN homographs do (Latin with a
     *  Cyrillic "а"); such a host matches no Latin-script policy host. */
    readonly mixedScript?: true;
  };
  /** Path with query values removed ("/v1/users?id=&phone="). */
  readonly path: string | null;
  readonly mode: Mode;
  readonly action: Action;
  readonly wouldBe: Action;
  readonly findings: readonly AuditFinding[];
  /** Findings left out of `findings` (allowed domestic flows at audit.domestic_detail summary). */
  readonly findingsOmitted?: number;
  readonly redacted: readonly string[];
  readonly status: number;
  readonly bytes: { readonly requestIn: number; readonly requestOut: number; readonly response: number };
  readonly durationMs: number;
  readonly error: string | null;
  /** For connect events: "opaque" when bytes were relayed unread, "http" when its requests were
   *  inspected one by one (each with its own request event), "tls" when its TLS was intercepted
   *  and its requests inspected one by one, null when refused. */
  readonly tunnel?: 'opaque' | 'http' | 'tls' | null;
  /** The purpose/scenario the route declares (catalog scenarios, DOMAIN §6). */
  readonly scenario?: string | null;
  /** The legal basis the flow relied on, or null when none applied. */
  readonly basis?: AuditBasis | null;
  /** Every basis relied on, when more than one was (then `basis` is the first). */
  readonly bases?: readonly AuditBasis[];
  /** True when personal or important data left for a destination abroad (allowed, partially
   *  masked or pseudonymised) with no basis covering it; false for blocked flows. */
  readonly basisMissing?: boolean;
  /** The distinct reasons behind the decision, deciding ones first. */
  readonly reasons?: readonly AuditReason[];
  readonly individuals?: AuditIndividuals;
  /** Set for flows abroad that carried identifiable individuals (pipeline). */
  readonly volume?: AuditVolume;
  readonly timings?: AuditTimings;
  /** Set by the chained sink (chain-writer.ts); producers leave them out. */
  readonly seq?: number;
  readonly prev?: string;
  readonly hash?: string;
}

/** First record of every segment (every file, in directory mode) of a chained trail. */
export interface AuditHeader {
  readonly v: 1;
  readonly kind: 'header';
  /** Random id of the chain, fixed at its genesis. */
  readonly chain: string;
  /** 0 for the genesis segment, then +1 per file (or per restart in single-file mode). */
  readonly segment: number;
  /** `seq` of the first event after this header. */
  readonly firstSeq: number;
  /** Identifies the key without revealing it (keyId in chain.ts). */
  readonly keyId: string;
  /** When the chain began: with keyId and chain it derives the genesis value. */
  readonly start: string;
  readonly time: string;
  readonly instance: string;
  /** True when the previous segment ended without a trailer (the writer stopped uncleanly). */
  readonly unclean: boolean;
  readonly prev: string;
  readonly hash: string;
}

/** Last record of a segment the writer closed (rotation or shutdown). */
export interface AuditTrailer {
  readonly v: 1;
  readonly kind: 'trailer';
  readonly chain: string;
  readonly segment: number;
  /** Events in this segment. */
  readonly events: number;
  readonly nextSeq: number;
  /** Events the writer refused in this segment because its backlog was past the bound. */
  readonly dropped: number;
  readonly reason: 'rotate' | 'close';
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
}

/** A yearly volume counter reached `alert_fraction` of a threshold, or the threshold itself
 *  (README "Volume thresholds"). Written once per crossing across a fleet sharing one store. */
export interface AuditThreshold extends ThresholdCrossing {
  readonly v: 1;
  readonly kind: 'threshold';
  /** The decision id of the request whose individuals made the count cross (`count` is the
   *  count after it). */
  readonly triggeredBy: string;
  readonly time: string;
  readonly policyRevision: string;
  readonly entity: string;
  readonly year: number;
  readonly seq?: number;
  readonly prev?: string;
  readonly hash?: string;
}

/** The kinds of scope drift (README "Policy", src/policy/drift.ts). */
export type DriftKind = 'category' | 'location' | 'domain' | 'new_category';

/** A flow went beyond the declared scope of the basis it relied on (a category or field location
 *  the basis does not list), to a domain not seen before for a known recipient, or (monitor mode,
 *  no basis) an application sent a category to a recipient for the first time. Written once per
 *  distinct drift (`key`) per gateway process, by the request that showed it first. */
export interface AuditDrift {
  readonly v: 1;
  readonly kind: 'drift';
  readonly drift: DriftKind;
  /** Identifies the drift across processes and files: `inventory --drift` lists each key once. */
  readonly key: string;
  /** The decision id of the request that showed it. */
  readonly triggeredBy: string;
  readonly time: string;
  readonly policyRevision: string;
  readonly client: { readonly address: string; readonly application: string | null };
  readonly destination: { readonly host: string; readonly zone: string; readonly jurisdiction: string; readonly recipient: string | null };
  /** The basis whose scope was left (category, location), else null. */
  readonly basis: string | null;
  readonly category: string | null;
  /** The field location, array indices as "*" (location drift), else null. */
  readonly location: string | null;
  /** The policy's drift.action for it: refuse means flows showing it are refused (enforce mode). */
  readonly action: 'record' | 'refuse';
  readonly text: string;
  readonly clause: string | null;
  readonly seq?: number;
  readonly prev?: string;
  readonly hash?: string;
}

/** What producers hand to an audit sink. */
export type AuditEntry = AuditEvent | AuditThreshold | AuditDrift;

export type AuditRecord = AuditEvent | AuditThreshold | AuditDrift | AuditHeader | AuditTrailer;

export function isAuditEvent(record: { readonly kind?: unknown }): record is AuditEvent {
  return record.kind === 'request' || record.kind === 'connect';
}

/**
 * `date.toISOString()`, for the `time` of every event: the day's "YYYY-MM-DDT" is kept and the
 * time of day written from the milliseconds, which costs a fraction of toISOString per call.
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  const day = Math.floor(ms / 86_400_000);
  if (day !== isoDay.day) {
    // An invalid Date throws here, as toISOString does (NaN never equals the kept day).
    isoDay.prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    isoDay.day = day;
  }
  let rest = ms - day * 86_400_000;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${isoDay.prefix}${two(hour)}:${two(min)}:${two(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
const isoDay = { day: NaN, prefix: '' };
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
