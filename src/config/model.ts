import type { CustomRuleSpec } from '../classify/custom.js';
import type { Grade } from '../classify/taxonomy.js';

/**
 * The compiled, frozen domain model of a policy file. The YAML wire format (schema.ts) is kept
 * apart from this model; compile.ts turns one into the other once, at load.
 */
export type Action = 'allow' | 'redact' | 'block';
export type Mode = 'enforce' | 'monitor';

/** Severity order used when several findings meet: the strictest action wins. */
export const ACTION_RANK: Readonly<Record<Action, number>> = Object.freeze({ allow: 0, redact: 1, block: 2 });

export interface ActionTable {
  /** Action for a finding whose category and grade have no entry. */
  readonly fallback: Action;
  readonly byGrade: ReadonlyMap<Grade, Action>;
  /** Category entries win over grade entries. */
  readonly byCategory: ReadonlyMap<string, Action>;
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
  /** Bodies that cannot be inspected (binary, undecodable, over the inspection limit). */
  readonly uninspectable: 'allow' | 'block';
  readonly actions: ActionTable;
  /** Host patterns as normalised ("*.example.com", "api.example.com"); empty for the unknown
   *  zone. For summaries and explanations: lookups use the compiled maps. */
  readonly hosts: readonly string[];
  /** CIDRs in canonical form ("10.20.0.0/16"); empty for the unknown zone. */
  readonly cidrs: readonly string[];
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
  /** Operator detection rules, compiled into the classifier with the built-in detectors. */
  readonly customRules: readonly CustomRuleSpec[];
  /** Request headers classified like body fields (names or "prefix*"), and those skipped. */
  readonly inspectHeaders: { readonly include: readonly string[]; readonly skip: readonly string[] };
  readonly limits: {
    /** Largest request body buffered for inspection, bytes (encoded, as received). */
    readonly maxBodyBytes: number;
    /** Largest body after content-decoding, bytes. */
    readonly maxDecodedBytes: number;
  };
  readonly timeouts: {
    readonly connectMs: number;
    readonly headersMs: number;
    readonly bodyMs: number;
  };
  /** Zone for a normalised host name (host patterns first), else for the IP (CIDRs), else the
   *  unknown zone. `ip` may be undefined when not resolved yet. */
  lookupZone(host: string, ip: string | undefined): Zone;
  /** Zone by host patterns only, or undefined (used before DNS to decide whether to resolve). */
  zoneForHost(host: string): Zone | undefined;
}
