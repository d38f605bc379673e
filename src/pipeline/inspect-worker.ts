/**
 * An inspection thread (inspect-pool.ts): decodes, parses and classifies large bodies off the
 * gateway's event loop. It compiles its classifier from the same source as the running policy
 * (category grades and custom rules) and keeps the newest few, so requests still in flight under
 * the previous revision after a reload are inspected under it.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { createClassifier, type Classifier } from '../classify/matcher.js';
import { isEgError } from '../errors.js';
import { inspectDecoded, neededLeaves, type ClassifierSource, type WorkerReply, type WorkerRequest } from './inspect.js';

// Below the event loop: where the thread and the loop share a core, the scheduler runs the loop
// first, so small requests are not held up behind a large body. On Linux the nice value is per
// thread (setpriority(2) with who = 0 is this thread only); elsewhere it would lower the whole
// process, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // not permitted in this container: the thread just runs at the process's priority
  }
}

const KEEP = 3;
const classifiers = new Map<string, Classifier>();

function classifierFor(source: ClassifierSource): Classifier {
  let c = classifiers.get(source.revision);
  if (c === undefined) {
    c = createClassifier(new Map(source.categoryGrades), source.customRules);
    classifiers.set(source.revision, c);
    for (const old of classifiers.keys()) if (classifiers.size > KEEP) classifiers.delete(old);
  }
  return c;
}

parentPort!.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply;
  const raw = Buffer.from(msg.raw);
  const transfer: ArrayBuffer[] = [msg.raw];
  try {
    const { decoded, inspection } = inspectDecoded(classifierFor(msg.source), raw, msg.encoding, msg.contentType, new Date(msg.now), msg.maxDecodedBytes);
    // A decoded body that is the received one, or a view of it, travels back inside `raw`.
    const own = decoded === raw ? null : decoded.buffer === msg.raw ? copyOf(decoded) : ownedArrayBuffer(decoded);
    if (own !== null) transfer.push(own);
    reply = {
      id: msg.id,
      ok: true,
      raw: msg.raw,
      decoded: own,
      format: inspection.parsed.format,
      leafCount: inspection.parsed.leaves.length,
      leaves: neededLeaves(inspection.parsed.leaves, inspection.findings),
      opaque: inspection.parsed.opaque ?? [],
      findings: inspection.findings,
    };
  } catch (err) {
    reply = isEgError(err)
      ? { id: msg.id, ok: false, raw: msg.raw, code: err.code, detail: err.detail ?? null }
      : { id: msg.id, ok: false, raw: msg.raw, code: null, detail: (err as Error)?.message ?? String(err) };
  }
  parentPort!.postMessage(reply, transfer);
});

/** The decoded body as an ArrayBuffer of its own, to transfer (a copy only when it is a view). */
function ownedArrayBuffer(buf: Buffer): ArrayBuffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer) return buf.buffer;
  return copyOf(buf);
}

function copyOf(buf: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return copy;
}
