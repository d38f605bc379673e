import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { shanghaiDate } from '../config/compile-legal.js';
import type { BasisExpiry, CompiledPolicy } from '../config/model.js';
import { formatIssue, loadPolicyText, PolicyInvalidError, readPolicyText } from '../config/load.js';
import { isEgError } from '../errors.js';
import { compileRuntime, type Runtime } from '../pipeline/runtime.js';

/** How many issue lines `lastError` keeps (the log has every one). */
const LAST_ERROR_LINES = 10;

/** Reload counters since the process started (the initial load is not a reload). */
export interface ReloadCounters {
  readonly ok: number;
  readonly failed: number;
}

export interface ReloadError {
  /** When the rejected load was attempted (ISO 8601). */
  readonly at: string;
  /** The first issue lines (`file:line:col path: message`, or the read error). */
  readonly lines: readonly string[];
  /** Issue lines beyond `lines`, counted. */
  readonly omitted: number;
}

/** What the admin /policy endpoint shows. */
export interface PolicyStatus {
  readonly revision: string;
  readonly source: string;
  readonly mode: CompiledPolicy['mode'];
  /** When the running policy was loaded (ISO 8601). */
  readonly loadedAt: string;
  readonly reloads: ReloadCounters;
  /** The last rejected reload, while the policy source differs from the running policy; null
   *  once a reload succeeds or the source is back to the running revision. */
  readonly lastError: ReloadError | null;
  /** Warnings of the running policy (file:line:col path: message). */
  readonly warnings: readonly string[];
  /** Every legal basis with its state today (valid, expiring, expired, not_yet_valid). */
  readonly bases: readonly BasisExpiry[];
}

export type ReloadResult =
  | { readonly ok: true; readonly previous: string; readonly revision: string }
  | { readonly ok: false; readonly revision: string; readonly issues: readonly string[] };

/** Issue lines for any load or compile failure: never request data, and policy files hold no
 *  sensitive values. */
export function describeLoadError(err: unknown): string[] {
  if (err instanceof PolicyInvalidError) return err.lines();
  if (isEgError(err)) return [`${err.code}: ${err.detail ?? err.message}`];
  return [err instanceof Error ? `${err.name}: ${err.message}` : String(err)];
}

/**
 * The gateway's current Runtime, swappable. A new policy is compiled beside the running one and
 * swapped in only when compiling succeeds; a request reads `runtime()` once, when it starts, and
 * keeps that Runtime (and so its policy revision) to the end, whatever is swapped meanwhile.
 */
export class PolicyHolder {
  #runtime: Runtime;
  #loadedAt: Date;
  #ok = 0;
  #failed = 0;
  #lastError: ReloadError | null = null;
  readonly #compile: (policy: CompiledPolicy) => Runtime;
  readonly #now: () => Date;
  readonly #listeners: ((current: Runtime, previous: Runtime) => void)[] = [];

  constructor(policy: CompiledPolicy, options: { compile?: (policy: CompiledPolicy) => Runtime; now?: () => Date } = {}) {
    this.#compile = options.compile ?? compileRuntime;
    this.#now = options.now ?? (() => new Date());
    this.#runtime = this.#compile(policy);
    this.#loadedAt = this.#now();
  }

  runtime(): Runtime {
    return this.#runtime;
  }

  /**
   * Loads (when given a function) and compiles the next policy, and swaps it in only if both
   * succeed. Never throws: a failure keeps the running policy, is counted, and becomes
   * `lastError`.
   */
  reload(next: CompiledPolicy | (() => CompiledPolicy)): ReloadResult {
    const previous = this.#runtime;
    let runtime: Runtime;
    try {
      const policy = typeof next === 'function' ? next() : next;
      runtime = this.#compile(policy);
    } catch (err) {
      const issues = describeLoadError(err);
      this.#failed += 1;
      this.#lastError = Object.freeze({
        at: this.#now().toISOString(),
        lines: Object.freeze(issues.slice(0, LAST_ERROR_LINES)),
        omitted: Math.max(0, issues.length - LAST_ERROR_LINES),
      });
      return { ok: false, revision: previous.policy.revision, issues };
    }
    this.#runtime = runtime;
    this.#loadedAt = this.#now();
    this.#ok += 1;
    this.#lastError = null;
    for (const listener of this.#listeners) {
      try {
        listener(runtime, previous);
      } catch {
        // A listener keeps its own errors; the swap has happened.
      }
    }
    return { ok: true, previous: previous.policy.revision, revision: runtime.policy.revision };
  }

  /** The policy source is back to what is running: the last rejection no longer applies. */
  inSync(): void {
    this.#lastError = null;
  }

  /** Called after each swap, with the new and the replaced Runtime. Listeners handle their own
   *  errors (a throw is ignored). */
  onSwap(listener: (current: Runtime, previous: Runtime) => void): void {
    this.#listeners.push(listener);
  }

  counters(): ReloadCounters {
    return { ok: this.#ok, failed: this.#failed };
  }

  status(): PolicyStatus {
    const policy = this.#runtime.policy;
    return {
      revision: policy.revision,
      source: policy.source,
      mode: policy.mode,
      loadedAt: this.#loadedAt.toISOString(),
      reloads: this.counters(),
      lastError: this.#lastError,
      warnings: policy.warnings.map(formatIssue),
      bases: policy.basisExpiries(shanghaiDate(new Date())),
    };
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads a policy file as loadPolicyFile does, returning the text too (its hash tells an
 *  unchanged rewrite from an edit). Throws EG_POLICY_READ or PolicyInvalidError. */
export function readPolicyFile(path: string): { text: string; policy: CompiledPolicy } {
  const text = readPolicyText(path);
  return { text, policy: loadPolicyText(text, path) };
}

export type ReloadTrigger = 'watch' | 'sighup';
export type ReloadOutcome = 'reloaded' | 'unchanged' | 'failed' | 'already-rejected';

/**
 * Reloads a policy file into a PolicyHolder when its content changed. The sha256 of the text
 * decides: a rewrite with the same bytes (touch, a ConfigMap resync) does nothing. A file the
 * watcher already saw rejected is not counted again until it changes; SIGHUP always retries.
 */
export class PolicyFileReloader {
  readonly #path: string;
  readonly #holder: PolicyHolder;
  readonly #log: Logger;
  #loadedHash: string;
  /** Hash (or read error) of the last rejected content. */
  #rejected: string | undefined;
  readonly #onReloaded: ((text: string) => void) | undefined;

  /** `onReloaded` gets the text of each file swapped in (the cluster primary sends it to its
   *  workers, which compile the same bytes). */
  constructor(options: { path: string; holder: PolicyHolder; log: Logger; loadedText: string; onReloaded?: (text: string) => void }) {
    this.#path = options.path;
    this.#holder = options.holder;
    this.#log = options.log;
    this.#loadedHash = sha256(options.loadedText);
    this.#onReloaded = options.onReloaded;
  }

  check(trigger: ReloadTrigger): ReloadOutcome {
    let text: string | undefined;
    let readError: unknown;
    try {
      text = readPolicyText(this.#path);
    } catch (err) {
      readError = err;
    }
    const hash = text !== undefined ? sha256(text) : `read-error:${errCode(readError)}`;
    const running = this.#holder.runtime().policy.revision;
    if (hash === this.#loadedHash) {
      if (this.#rejected !== undefined) {
        this.#log.info({ policy: this.#path, revision: running, trigger }, 'policy file is back to the running revision');
        this.#rejected = undefined;
        this.#holder.inSync();
      } else if (trigger === 'sighup') {
        this.#log.info({ policy: this.#path, revision: running, trigger }, 'policy unchanged: nothing to reload');
      } else {
        this.#log.debug({ policy: this.#path, revision: running, trigger }, 'policy file unchanged');
      }
      return 'unchanged';
    }
    if (trigger === 'watch' && hash === this.#rejected) {
      this.#log.debug({ policy: this.#path, revision: running, trigger }, 'policy file still the rejected one');
      return 'already-rejected';
    }

    const result = this.#holder.reload(() => {
      if (text === undefined) throw readError;
      return loadPolicyText(text, this.#path);
    });
    if (result.ok) {
      this.#loadedHash = hash;
      this.#rejected = undefined;
      this.#onReloaded?.(text!);
      this.#log.info({ policy: this.#path, previous: result.previous, revision: result.revision, trigger }, 'policy reloaded');
      return 'reloaded';
    }
    this.#rejected = hash;
    const { failed } = this.#holder.counters();
    this.#log.error(
      { policy: this.#path, revision: result.revision, trigger, issues: result.issues.length, failed },
      `policy reload rejected: keeping revision ${result.revision}`,
    );
    for (const issue of result.issues) this.#log.error({ policy: this.#path, trigger }, issue);
    return 'failed';
  }
}

function errCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code ?? (err instanceof Error ? err.message : String(err));
}
