import type { Grade } from '../classify/taxonomy.js';
import type { Action, Mode } from './model.js';

/**
 * Every policy default in one place, with its unit in the name. A policy file only states
 * where it differs from these. Abroad defaults fail closed (DOMAIN §1: sensitive PI, important
 * and core data do not leave without a basis; Hong Kong, Macau and Taiwan are abroad).
 */
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export interface ZoneDefaults {
  readonly tunnel: 'allow' | 'block';
  readonly uninspectable: 'allow' | 'block';
  readonly actions: {
    readonly default: Action;
    readonly grades: Readonly<Partial<Record<Grade, Action>>>;
  };
}

const DOMESTIC: ZoneDefaults = {
  tunnel: 'allow',
  uninspectable: 'allow',
  actions: { default: 'allow', grades: {} },
};

const ABROAD: ZoneDefaults = {
  tunnel: 'block',
  uninspectable: 'block',
  actions: {
    default: 'allow',
    grades: { core: 'block', important: 'block', sensitive_pi: 'block', pi: 'redact' },
  },
};

export const DEFAULTS = deepFreeze({
  mode: 'enforce' as Mode,
  limits: {
    maxBodyBytes: 8 * MiB,
    maxDecodedBytes: 32 * MiB,
    /** Request bodies buffered for inspection at once, all requests of the process together;
     *  readers past it wait with their sockets paused (src/pipeline/body-budget.ts). */
    bodyBudgetBytes: 64 * MiB,
    /** Request line and headers together (Node's own default). */
    maxHeaderBytes: 16 * KiB,
    maxHeaders: 100,
    /** Client connections held at once per process, CONNECT tunnels included. */
    maxConnections: 4096,
    /** Requests on one connection received but not yet answered. */
    maxPipelinedRequests: 16,
  },
  timeouts: {
    connectMs: 5_000,
    headersMs: 30_000,
    bodyMs: 30_000,
    /** Client side: the request line and headers must arrive within this (slowloris). */
    requestHeadersMs: 10_000,
    /** Client side: the whole request, body included (a body sent drop by drop). */
    requestMs: 120_000,
    /** Client side: an idle kept-alive connection is closed after this. */
    keepAliveMs: 5_000,
    /** A body waiting for room in limits.body_budget_bytes gets 503 EG_BUSY after this. */
    bodyBudgetWaitMs: 30_000,
  },
  /** Request headers whose values are classified like body fields: names, or prefixes ending
   *  in "*". Tracing and forwarding headers carry ids and addresses, never PI, and are skipped. */
  inspect: {
    headers: ['x-*', 'from'],
    skipHeaders: ['x-forwarded-*', 'x-request-id', 'x-correlation-id', 'x-b3-*', 'x-amzn-trace-id', 'x-cloud-trace-context', 'x-datadog-*', 'x-real-ip'],
  },
  /** Jurisdiction of the unknown zone when the file names none ("ZZ": user-assigned, unknown). */
  unknownJurisdiction: 'ZZ',
  /** The one jurisdiction that is not abroad. */
  domesticJurisdiction: 'CN',
  zone: {
    allowSpecialAddresses: false,
    domestic: DOMESTIC,
    abroad: ABROAD,
  },
  /** Bounds on what a policy may set: bodies are buffered in memory for inspection. */
  bounds: {
    maxBytes: 1 * GiB,
    maxTimeoutMs: 60 * 60_000,
  },
});

export const BYTE_UNITS: Readonly<Record<string, number>> = Object.freeze({ B: 1, KiB, MiB, GiB });
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1_000, m: 60_000 });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
