import type { Action, Mode } from '../config/model.js';

/**
 * Audit event, version 1. One per request (and one per CONNECT tunnel). Holds locations,
 * categories and rule ids — never a detected value. Documented field by field in docs/audit.md.
 */
export interface AuditFinding {
  readonly category: string;
  readonly grade: string;
  readonly location: string;
  readonly rule: string;
  readonly confidence: number;
  readonly action: Action;
}

export interface AuditEvent {
  readonly v: 1;
  readonly kind: 'request' | 'connect';
  readonly decisionId: string;
  readonly time: string;
  readonly policyRevision: string;
  readonly client: { readonly address: string; readonly port: number };
  /** How the request reached the gateway. */
  readonly via: 'forward' | 'gateway' | 'tunnel-http' | 'connect';
  readonly method: string;
  readonly destination: {
    readonly host: string;
    readonly port: number;
    readonly ip: string | null;
    readonly zone: string | null;
    readonly jurisdiction: string | null;
    readonly abroad: boolean | null;
  };
  /** Path with query values removed ("/v1/users?id=&phone="). */
  readonly path: string | null;
  readonly mode: Mode;
  readonly action: Action;
  readonly wouldBe: Action;
  readonly findings: readonly AuditFinding[];
  readonly redacted: readonly string[];
  readonly status: number;
  readonly bytes: { readonly requestIn: number; readonly requestOut: number; readonly response: number };
  readonly durationMs: number;
  readonly error: string | null;
  /** For connect events: "opaque" when bytes were relayed unread, "http" when its requests were
   *  inspected one by one (each with its own request event), null when refused. */
  readonly tunnel?: 'opaque' | 'http' | null;
}
