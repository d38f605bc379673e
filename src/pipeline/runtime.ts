import type { Logger } from 'pino';
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { CompiledPolicy, Zone } from '../config/model.js';
import { createClassifier, type Classifier } from '../classify/matcher.js';
import { zoneNeedsInspection } from '../policy/decide.js';
import { compileHeaderSelector, type HeaderSelector } from './headers-inspect.js';
import type { AuditSink } from '../audit/writer.js';
import type { AuditEntry } from '../audit/event.js';
import type { Upstream } from '../forward/upstream.js';
import type { ResolvedDestination } from '../destination/resolve.js';
import type { VolumeCounter } from '../volume/counter.js';
import type { DriftTracker } from '../policy/drift.js';
import type { InspectPool } from './inspect-pool.js';

/** Everything compiled from one policy: built once at load, swapped whole on reload. */
export interface Runtime {
  readonly policy: CompiledPolicy;
  readonly classifier: Classifier;
  readonly headerSelector: HeaderSelector;
  inspects(zone: Zone): boolean;
}

export function compileRuntime(policy: CompiledPolicy): Runtime {
  const classifier = createClassifier(policy.categoryGrades, policy.customRules);
  const inspecting = new Map<Zone, boolean>();
  for (const zone of [...policy.destinations, policy.unknownZone]) inspecting.set(zone, zoneNeedsInspection(zone));
  return Object.freeze({
    policy,
    classifier,
    // The identity headers name an application and a scenario, never personal data.
    headerSelector: compileHeaderSelector(policy.inspectHeaders.include, [
      ...policy.inspectHeaders.skip,
      ...[policy.clientHeader, policy.scenarioHeader].filter((h): h is string => h !== null),
    ]),
    inspects: (zone: Zone) => inspecting.get(zone) ?? true,
  });
}

/** A CONNECT tunnel whose client speaks HTTP (cleartext, or TLS the gateway terminated): its
 *  requests are bound to this target. */
export interface TunnelBinding {
  readonly destination: ResolvedDestination;
  readonly authority: string;
  /** The client's TLS was terminated by the gateway (`tls: intercept`): requests are forwarded
   *  over TLS to the destination. */
  readonly tls?: boolean;
}

export interface GatewayEnv {
  /** The current runtime; a request keeps the one it started with. */
  readonly runtime: () => Runtime;
  readonly upstream: Upstream;
  readonly audit: AuditSink;
  /** Records the event `make` builds once this turn's requests are answered
   *  (src/pipeline/turn-batch.ts); absent: the event is built and written to `audit` at once. */
  readonly recordLater?: (make: () => AuditEntry | undefined) => void;
  readonly log: Logger;
  /** Ports the gateway listens on (proxy and admin): destinations there would loop. */
  readonly selfPorts: Set<number>;
  readonly tunnels: WeakMap<Socket, TunnelBinding>;
  readonly lookupHost?: (host: string) => Promise<string[]>;
  readonly viaPseudonym: string;
  /** The time decisions are made at (bases are valid by day); `test` and `explain` set it. */
  readonly clock?: () => Date;
  /** Overrides the peer address a request is attributed to (`test` and `explain` only). */
  readonly clientAddressOf?: (req: IncomingMessage) => string | undefined;
  /** Looked-up addresses to treat as public (`test` and `explain` resolve names to a
   *  placeholder that is never dialled). */
  readonly publicAddresses?: ReadonlySet<string>;
  readonly individualKey: Buffer;
  /** The yearly volume counters (README "Volume thresholds"); absent: nothing is counted. */
  readonly volume?: VolumeCounter;
  /** Scope drift per process (src/policy/drift.ts); absent: not checked. */
  readonly drift?: DriftTracker;
  /** Worker threads for large bodies (inspect-pool.ts); absent: every body is inspected inline. */
  readonly inspectPool?: InspectPool;
}
