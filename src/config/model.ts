import type { CustomRuleSpec } from '../classify/custom.js';
import type { Grade } from '../classify/taxonomy.js';
import type { PolicyIssue } from './issues.js';
import type { HostPattern } from '../destination/host.js';
import type { UpstreamTrust } from '../tls/trust.js';
import type { OperatorCa } from '../tls/ca.js';
import type { LocationScope } from './locations.js';

/**
 * The compiled, frozen domain model of a policy file. The YAML wire format (schema.ts) is kept
 * apart from this model; compile.ts turns one into the other once, at load.
 */
export type Action = 'allow' | 'redact' | 'block';
export type Mode = 'enforce' | 'monitor';
export type RedactModeName = 'mask' | 'partial' | 'hash' | 'drop';
/** What a policy entry says: an action, or `redact` in a named mode. `redact` alone means the
 *  policy's default redaction mode. */
export type Verdict = Action | RedactModeName;

/** Severity order used when several findings meet: the strictest action wins. */
export const ACTION_RANK: Readonly<Record<Action, number>> = Object.freeze({ allow: 0, redact: 1, block: 2 });

export function actionOf(verdict: Verdict): Action {
  return verdict === 'allow' || verdict === 'block' ? verdict : 'redact';
}

export interface ActionTable {
  /** Verdict for a finding whose category and grade have no entry. */
  readonly fallback: Verdict;
  readonly byGrade: ReadonlyMap<Grade, Verdict>;
  /** Category entries win over grade entries. */
  readonly byCategory: ReadonlyMap<string, Verdict>;
}

/** Category ids as written in a basis or catalog: exact ids and "prefix.*" wildcards. */
export interface CategorySet {
  has(category: string): boolean;
  /** As written, for explanations. */
  readonly ids: readonly string[];
}

export type BasisType = 'security_assessment' | 'standard_contract' | 'certification' | 'exemption';
export type Exemption = 'contract_with_individual' | 'hr_management' | 'emergency' | 'transit' | 'ftz_negative_list' | 'small_volume';

/** A legal basis for transfers abroad (DOMAIN §2), compiled. */
export interface LegalBasis {
  readonly id: string;
  readonly type: BasisType;
  readonly exemption: Exemption | null;
  /** Destination names and recipient entities it covers. */
  readonly recipients: ReadonlySet<string>;
  readonly categories: CategorySet;
  /** null: any scenario. */
  readonly scenarios: ReadonlySet<string> | null;
  /** null: any client. */
  readonly clients: ReadonlySet<string> | null;
  readonly maxIndividuals: number | null;
  /** Inclusive, YYYY-MM-DD, in Asia/Shanghai. */
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly reference: string | null;
  /** For the FTZ exemption: data matching this list is not covered. */
  readonly negativeList: Catalog | null;
  /** The field locations the basis was filed for; null or absent: any. A finding it covers at
   *  another location is scope drift (src/policy/drift.ts), not a decision input. */
  readonly locations?: LocationScope | null;
}

export type CatalogKind = 'important' | 'general' | 'negative_list';

export interface CatalogEntry {
  /** "<catalog id>/<entry id>": the rule id in decisions and audit events. */
  readonly rule: string;
  readonly scenario: string | null;
  readonly categories: CategorySet | null;
  /** Normalised field names (normalizeFieldName). */
  readonly fields: ReadonlySet<string> | null;
  /** JSON Pointer segments; "*" matches one segment. */
  readonly paths: readonly (readonly string[])[] | null;
  /** The entry does not apply when the request carries any of these categories. */
  readonly unless: CategorySet | null;
  /** For important catalogs: the grade matched data takes. */
  readonly treatment: 'important' | 'core';
  readonly mode: Mode | null;
}

export interface Catalog {
  readonly id: string;
  readonly kind: CatalogKind;
  readonly source: string | null;
  readonly entries: readonly CatalogEntry[];
}

export interface Client {
  readonly id: string;
  readonly scenario: string | null;
}

export interface RedactionSettings {
  readonly defaultMode: RedactModeName;
  readonly partial: { readonly head: number; readonly tail: number };
  /** HMAC key for `hash`; null when the policy configures none (then no entry may use hash). */
  readonly hashKey: Buffer | null;
  readonly hashLength: number;
}

/** A basis whose validity ends soon, or has ended, or has not begun: reported at load. */
export interface BasisExpiry {
  readonly id: string;
  readonly validTo: string | null;
  readonly validFrom: string;
  /** Days from today until validTo (negative once expired); null without an end date. */
  readonly daysLeft: number | null;
  readonly state: 'valid' | 'expiring' | 'expired' | 'not_yet_valid';
}

export interface Zone {
  readonly name: string;
  /** ISO 3166-1 alpha-2, upper case ("CN", "US", "HK"), or "ZZ" when unknown. */
  readonly jurisdiction: string;
  /** True for every jurisdiction but CN (Hong Kong, Macau and Taiwan are abroad). */
  readonly abroad: boolean;
  readonly mode: Mode;
  /** Whether loopback, private, link-local, metadata and other special-use addresses may be
   *  dialled for this zone (DNS answers and IP literals; static `resolve` entries are trusted). */
  readonly allowSpecialAddresses: boolean;
  /** Opaque CONNECT tunnels (content the gateway cannot read). */
  readonly tunnel: 'allow' | 'block';
  /** TLS inside a CONNECT tunnel: `intercept` terminates it with a leaf signed by the operator
   *  CA and inspects every request; `tunnel` relays it unread (subject to `tunnel`). */
  readonly tls: 'intercept' | 'tunnel';
  /** Bodies that cannot be inspected (binary, undecodable, over the inspection limit). */
  readonly uninspectable: 'allow' | 'block';
  /** For findings with no basis covering them (abroad), or every finding (domestic). */
  readonly actions: ActionTable;
  /** Applied whatever the basis (data minimisation): the stricter of this and the rest wins. */
  readonly always: ActionTable | null;
  /** The receiving legal entity, when named. */
  readonly recipient: string | null;
  /** Ports requests may use; null: any. */
  readonly ports: ReadonlySet<number> | null;
  /** auto: read payloads when a finding could change the outcome; always: also record findings
   *  of flows that are allowed anyway; never: payloads are not read (uninspectable abroad). */
  readonly inspect: 'auto' | 'always' | 'never';
  /** Default scenario of flows to this destination. */
  readonly scenario: string | null;
  /** A foreign judicial or law-enforcement body, or a recipient on the PIPL Art. 42 list: no
   *  data at all (DSL Art. 36, PIPL Arts. 41-42). The reason is kept for explanations. */
  readonly hardBlock: 'judicial' | 'restricted' | null;
  /** Categories certified as non-important for this destination (their important grade drops). */
  readonly nonImportant: CategorySet | null;
  /** Host patterns as normalised ("*.example.com", "api.example.com"); empty for the unknown
   *  zone. For summaries and explanations: lookups use the compiled maps. */
  readonly hosts: readonly string[];
  /** CIDRs in canonical form ("10.20.0.0/16"); empty for the unknown zone. */
  readonly cidrs: readonly string[];
}

/** A TLS origination route (README "HTTPS"): matching cleartext requests go out over TLS. */
export interface OriginationRoute {
  /** Position in `routes`: the first match wins. */
  readonly index: number;
  readonly host: HostPattern | null;
  readonly pathPrefix: string | null;
  /** `host` "*": the host the request named. */
  readonly upstream: { readonly host: string; readonly port: number };
}

/** TLS interception and origination (README "HTTPS"), compiled. */
export interface TlsSettings {
  /** The operator CA; null when the policy names none (then no destination may intercept). */
  readonly ca: OperatorCa | null;
  /** What upstream certificates must chain to: the system store plus extra CA files. */
  readonly upstreamTrust: UpstreamTrust;
  readonly leafValidityMs: number;
  readonly leafCacheSize: number;
  readonly routes: readonly OriginationRoute[];
}

/** Where the yearly counts of distinct individuals are kept (README "Volume thresholds"). */
export type VolumeStoreSettings =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix: string; readonly exactLimit: number; readonly passwordEnv: string | null }
  | { readonly kind: 'memory' };

/** The yearly volume thresholds (DOMAIN §3, 2024 Provisions Arts. 5, 7, 8), compiled. */
export interface VolumeSettings {
  readonly store: VolumeStoreSettings;
  readonly thresholds: {
    /** N from here needs a standard contract, certification or assessment (Art. 5(4)). */
    readonly nonSensitive: number;
    /** N from here needs a security assessment (Art. 7(2)). */
    readonly nonSensitiveAssessment: number;
    /** S from here needs a security assessment (Art. 7(2)); any S needs at least a contract. */
    readonly sensitiveAssessment: number;
    /** Alerts fire when a counter reaches this fraction of a threshold. */
    readonly alertFraction: number;
  };
  /** Count individuals of contract/HR/emergency/transit/FTZ-exempt flows in N and S too. */
  readonly countExemptFlows: boolean;
  /** Store unreachable: refuse flows that need counting (EG_VOLUME_UNAVAILABLE), or allow them. */
  readonly onStoreFailure: 'refuse' | 'allow';
  /** A new individual past a limit: refuse the request (EG_VOLUME_LIMIT), or allow and record. */
  readonly actionOverLimit: 'block' | 'allow';
  /** Known (year, counter, individual) entries kept in memory: they cost no store round-trip. */
  readonly cacheSize: number;
  /** False when no flow abroad can carry personal information under this policy: no store is
   *  opened until one does. */
  readonly needed: boolean;
}

export interface CompiledPolicy {
  /** sha256 (hex, first 16 chars) of the policy source text: carried by every audit event. */
  readonly revision: string;
  /** Path of the file it came from, or "embedded:policies/default.yaml". */
  readonly source: string;
  readonly mode: Mode;
  readonly destinations: readonly Zone[];
  /** Where destinations that match no zone fall. Treated as abroad (fail closed). */
  readonly unknownZone: Zone;
  /** Static name → IP overrides (like curl --resolve), keys normalised host names. */
  readonly resolve: ReadonlyMap<string, string>;
  /** Grade of each known category (built-ins plus operator additions, with switches applied). */
  readonly categoryGrades: ReadonlyMap<string, Grade>;
  /** Operator detection rules, compiled into the classifier with the built-in detectors
   *  (catalog entries that match by field or path are among them). */
  readonly customRules: readonly CustomRuleSpec[];
  /** Rule ids ("custom.<id>") rolled out in monitor mode. */
  readonly monitorRules: ReadonlySet<string>;
  /** The data handler: the legal entity whose exports are counted (DOMAIN §3). */
  readonly handler: { readonly entity: string | null; readonly ciio: boolean; readonly ftz: string | null; readonly expiryWarningDays: number };
  readonly bases: readonly LegalBasis[];
  readonly catalogs: readonly Catalog[];
  readonly clients: readonly Client[];
  /** Header naming the client application (stripped before forwarding), or null. */
  readonly clientHeader: string | null;
  /** Header naming the scenario of a request (stripped before forwarding), or null. */
  readonly scenarioHeader: string | null;
  readonly redaction: RedactionSettings;
  readonly audit: {
    /** refuse: no export abroad while the trail cannot be written (EG_AUDIT_UNAVAILABLE). */
    readonly onAuditFailure: 'refuse' | 'allow';
    /** Allowed domestic flows: full (findings listed), summary (findings counted, not listed),
     *  off (not recorded). Refusals and errors are always recorded in full. */
    readonly domesticDetail: 'full' | 'summary' | 'off';
  };
  readonly volume: VolumeSettings;
  /** Scope drift (src/policy/drift.ts): record it (audit event, metric), or also refuse the
   *  flow (EG_SCOPE_DRIFT). */
  readonly drift: { readonly action: 'record' | 'refuse' };
  /** Client by id, then by source address (most specific CIDR); null when unidentified. */
  clientFor(headerValue: string | undefined, address: string): Client | null;
  /** What `check` reports as warnings, placed file:line:col; computed at load. */
  readonly warnings: readonly PolicyIssue[];
  /** The validity of every basis on `date` (YYYY-MM-DD). */
  basisExpiries(date: string): BasisExpiry[];
  /** Request headers classified like body fields (names or "prefix*"), and those skipped. */
  readonly inspectHeaders: { readonly include: readonly string[]; readonly skip: readonly string[] };
  readonly limits: {
    /** Largest request body buffered for inspection, bytes (encoded, as received). */
    readonly maxBodyBytes: number;
    /** Largest body after content-decoding, bytes. */
    readonly maxDecodedBytes: number;
    /** Request bodies buffered at once by the process, bytes (waiters past it: 503 EG_BUSY). */
    readonly bodyBudgetBytes: number;
    /** Request line and headers of a client request, bytes (431 EG_HEADERS_TOO_LARGE). */
    readonly maxHeaderBytes: number;
    /** Header fields in a client request (431 EG_HEADERS_TOO_LARGE). */
    readonly maxHeaders: number;
    /** Client connections held at once by one process (503 EG_TOO_MANY_CONNECTIONS). */
    readonly maxConnections: number;
    /** Requests received on one connection and not yet answered (429 EG_TOO_MANY_PIPELINED). */
    readonly maxPipelinedRequests: number;
  };
  readonly timeouts: {
    readonly connectMs: number;
    readonly headersMs: number;
    readonly bodyMs: number;
    /** Client side: request line and headers (408 EG_REQUEST_TIMEOUT). */
    readonly requestHeadersMs: number;
    /** Client side: the whole request, body included (408 EG_REQUEST_TIMEOUT). */
    readonly requestMs: number;
    /** Client side: idle time allowed between requests on a kept-alive connection. */
    readonly keepAliveMs: number;
    /** Longest wait for room in limits.bodyBudgetBytes before 503 EG_BUSY. */
    readonly bodyBudgetWaitMs: number;
  };
  /** Zone for a normalised host name (host patterns first), else for the IP (CIDRs), else the
   *  unknown zone. `ip` may be undefined when not resolved yet. */
  lookupZone(host: string, ip: string | undefined): Zone;
  /** Zone by host patterns only, or undefined (used before DNS to decide whether to resolve). */
  zoneForHost(host: string): Zone | undefined;
  /** The operator CA, upstream trust and origination routes (README "HTTPS"). */
  readonly tls: TlsSettings;
}
