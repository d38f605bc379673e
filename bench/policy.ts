/**
 * The gateway's policy in the bench: the embedded default policy (policies/default.yaml) as it
 * is, plus a static `resolve:` entry that pins the sink's name to 127.0.0.1. The name is in no
 * destination, so it falls in `unknown`: abroad, with the default abroad actions (sensitive PI
 * blocked, PI redacted, clean bodies forwarded).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ROOT } from './util.js';

export const SINK_HOST = 'sink.bench.example';

export interface BenchPolicyOptions {
  /** Raises limits.max_body_bytes (and max_decoded_bytes to twice it) for the 16 MiB body. */
  readonly maxBodyMiB?: number;
  /** `inspect: never` and `uninspectable: allow` on the sink's zone: bodies are relayed unread,
   *  everything else (target, destination, decision, audit, metrics) as usual. */
  readonly unread?: boolean;
}

export function benchPolicyText(options: BenchPolicyOptions = {}): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8'));
  doc.set('resolve', { [SINK_HOST]: '127.0.0.1' });
  if (options.maxBodyMiB !== undefined) {
    doc.setIn(['limits', 'max_body_bytes'], `${options.maxBodyMiB}MiB`);
    doc.setIn(['limits', 'max_decoded_bytes'], `${options.maxBodyMiB * 2}MiB`);
  }
  if (options.unread === true) {
    doc.setIn(['unknown', 'inspect'], 'never');
    doc.setIn(['unknown', 'uninspectable'], 'allow');
  }
  return String(doc);
}
