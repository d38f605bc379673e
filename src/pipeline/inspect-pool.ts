/**
 * Large request bodies are decoded, parsed and classified on a small pool of worker threads,
 * so that a 16 MiB upload does not stall every other request on the event loop for seconds;
 * small bodies stay inline, where a thread hop would cost more than the work. The body's bytes
 * are transferred to the thread and back, never copied (unless they are a view of a shared
 * allocation). Results are the same as inline: the thread runs the same code (inspectDecoded)
 * with a classifier compiled from the same source (test/unit/pipeline/inspect-pool.test.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Classifier } from '../classify/matcher.js';
import type { CompiledPolicy } from '../config/model.js';
import { TurnBatch } from './turn-batch.js';
import { EgError, type ErrorCode } from '../errors.js';
import { classifierSource, inspectDecoded, sparseLeaves, type BodyInspection, type ClassifierSource, type WorkerReply, type WorkerRequest } from './inspect.js';

export interface InspectPoolSettings {
  /** Worker threads; 0 inspects every body inline. */
  readonly threads: number;
  /** Bodies of at least this many bytes (as received) go to a thread. */
  readonly thresholdBytes: number;
}

export const INSPECT_POOL_DEFAULTS: InspectPoolSettings = Object.freeze({ threads: 1, thresholdBytes: 256 * 1024 });

/** EG_INSPECT_THREADS and EG_INSPECT_THRESHOLD_BYTES, else the defaults. */
export function inspectPoolSettings(env: NodeJS.ProcessEnv = process.env): InspectPoolSettings {
  const read = (name: string, dflt: number, min: number, max: number): number => {
    const v = env[name]?.trim();
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new EgError('EG_CONFIG_INVALID', `${name} "${v}": expected a whole number from ${min} to ${max}`);
    return n;
  };
  return { threads: read('EG_INSPECT_THREADS', INSPECT_POOL_DEFAULTS.threads, 0, 64), thresholdBytes: read('EG_INSPECT_THRESHOLD_BYTES', INSPECT_POOL_DEFAULTS.thresholdBytes, 1, 2 ** 31) };
}

export interface BodyJob {
  readonly raw: Buffer;
  readonly encoding: string | undefined;
  readonly contentType: string | undefined;
  readonly now: Date;
  readonly maxDecodedBytes: number;
}

export interface BodyResult {
  /** The body as received: the same bytes as the job's (a new Buffer when they went to a thread,
   *  whose transfer emptied the job's). */
  readonly raw: Buffer;
  readonly decoded: Buffer;
  /** From a thread, `parsed.leaves` holds only the leaves with findings and their ancestors, at
   *  their own indexes: all that individuals and redaction read. */
  readonly inspection: BodyInspection;
}

export type BodyOutcome = BodyResult | { readonly raw: Buffer; readonly error: Error };

/** The inline path: the same work on the calling thread. */
export function inspectInline(classifier: Classifier, job: BodyJob): BodyOutcome {
  try {
    const { decoded, inspection } = inspectDecoded(classifier, job.raw, job.encoding, job.contentType, job.now, job.maxDecodedBytes);
    return { raw: job.raw, decoded, inspection };
  } catch (err) {
    return { raw: job.raw, error: err as Error };
  }
}

interface Slot {
  readonly worker: Worker;
  busy: number;
}

interface Pending {
  resolve(r: WorkerReply): void;
  reject(err: Error): void;
  slot: Slot;
}

/** The compiled inspect-worker.js; from the sources (tests under vitest), the one in dist/. */
function workerUrl(): URL {
  const here = new URL('./inspect-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/src/pipeline/inspect-worker.js', import.meta.url);
}

export class InspectPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly sources = new WeakMap<CompiledPolicy, ClassifierSource>();
  private nextId = 1;
  private closed = false;

  /** Small bodies are inspected on the event loop, all those read in one turn back to back at
   *  its end: the matcher's code and tables stay warm across them, and the requests' later
   *  stages then also run back to back. ~8 % less CPU per 2 KiB request than inspecting each
   *  body between the other stages of its request (bench/README.md). inspectInline never
   *  throws, so no task can fail. */
  private readonly inline = new TurnBatch<() => void>((task) => task(), () => {});

  constructor(readonly settings: InspectPoolSettings = INSPECT_POOL_DEFAULTS) {}

  /** Called as requests are queued to start at the end of this turn (http-limits.ts): their
   *  inline inspections then run in the same turn (TurnBatch.prime). */
  readonly primeInline = (): void => this.inline.prime();

  /** Whether a body of this size goes to a thread. */
  offloads(bytes: number): boolean {
    return this.settings.threads > 0 && !this.closed && bytes >= this.settings.thresholdBytes;
  }

  /** Decodes, parses and classifies: on a thread when the body is large, else inline. Never
   *  throws: a failure (decode or parse errors are EgErrors, as inline) comes back beside the
   *  body's bytes, which the caller may still forward (uninspectable: allow). */
  async inspect(policy: CompiledPolicy, classifier: Classifier, job: BodyJob): Promise<BodyOutcome> {
    if (!this.offloads(job.raw.length)) return new Promise<BodyOutcome>((resolve) => this.inline.push(() => resolve(inspectInline(classifier, job))));
    let source = this.sources.get(policy);
    if (source === undefined) this.sources.set(policy, (source = classifierSource(policy)));
    const rawBuffer = owned(job.raw);
    const id = this.nextId++;
    const request: WorkerRequest = { id, source, raw: rawBuffer, encoding: job.encoding, contentType: job.contentType, now: job.now.getTime(), maxDecodedBytes: job.maxDecodedBytes };
    let slot: Slot;
    let reply: WorkerReply;
    try {
      slot = this.pick();
      slot.busy += 1;
      if (slot.busy === 1) slot.worker.ref();
      reply = await new Promise<WorkerReply>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, slot });
        slot.worker.postMessage(request, [rawBuffer]);
      });
    } catch (err) {
      // The thread died with the bytes: only a copy made before the transfer could be sent on.
      return { raw: rawBuffer.byteLength === 0 ? Buffer.alloc(0) : Buffer.from(rawBuffer), error: err as Error };
    }
    const raw = Buffer.from(reply.raw);
    if (!reply.ok) {
      const error = reply.code !== null ? new EgError(reply.code as ErrorCode, reply.detail ?? undefined) : new Error(`inspection thread: ${reply.detail ?? 'failed'}`);
      return { raw, error };
    }
    const leaves = sparseLeaves(reply.leafCount, reply.leaves);
    return {
      raw,
      decoded: reply.decoded === null ? raw : Buffer.from(reply.decoded),
      inspection: { parsed: { format: reply.format, leaves, opaque: reply.opaque }, findings: reply.findings },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  /** The least busy thread; threads start on first use, so a gateway that never sees a large
   *  body never starts one. */
  private pick(): Slot {
    if (this.slots.length < this.settings.threads && this.slots.every((s) => s.busy > 0)) return this.spawn();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl());
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      this.done(slot);
      p.resolve(reply);
    });
    // A thread that dies fails its own jobs only; the next large body starts a new one.
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, p] of this.pending) {
        if (p.slot !== slot) continue;
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`inspection thread exited (${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private done(slot: Slot): void {
    slot.busy -= 1;
    // An idle thread does not keep the process alive.
    if (slot.busy === 0) slot.worker.unref();
  }
}

/** An ArrayBuffer holding exactly the body, safe to transfer: the Buffer's own, or a copy when
 *  it is a view into a larger (e.g. pooled socket) allocation that others still use. */
function owned(buf: Buffer): ArrayBuffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer) return buf.buffer;
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return copy;
}
