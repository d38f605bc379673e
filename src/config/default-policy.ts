import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EgError } from '../errors.js';
import { compilePolicy } from './compile.js';
import type { CompiledPolicy } from './model.js';
import type { PolicyWire } from './schema.js';
import { packageManifest } from './package-root.js';
import { policyWarnings } from './warnings.js';

/**
 * The policy shipped with the package, and its build-time snapshot. Loading a policy parses YAML
 * and validates it with zod, and loading those two libraries is most of what `scan` spends
 * before its first document; for the embedded default, `npm run build` validates it once
 * (scripts/build.mjs) and writes the result beside the compiled code. This module reads that
 * snapshot without either library, and only while it was made from the very text in
 * policies/default.yaml (its SHA-256): any other text goes through the full load.
 */

export const DEFAULT_POLICY_SOURCE = 'embedded:policies/default.yaml';

export interface DefaultPolicySnapshot {
  readonly v: 1;
  /** SHA-256 (hex) of the policies/default.yaml text it was made from. */
  readonly sha256: string;
  /** The validated document (zod's output, which survives JSON unchanged for this policy: the
   *  build checks it). */
  readonly wire: PolicyWire;
}

/** Where the build writes the snapshot, under the package root. */
export const DEFAULT_SNAPSHOT_PATH = join('dist', 'default-policy.json');

export function readDefaultPolicyText(root = packageRoot()): { path: string; text: string } {
  const path = join(root, 'policies', 'default.yaml');
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new EgError('EG_POLICY_READ', `${DEFAULT_POLICY_SOURCE} (${path}): ${(err as Error).message}`, { cause: err });
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The snapshot of validated policy text (what the build writes), or null when the validated
 *  document would not come back from JSON unchanged. */
export function snapshotOf(text: string, wire: PolicyWire): DefaultPolicySnapshot | null {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(wire)), wire) ? { v: 1, sha256: sha256Hex(text), wire } : null;
}

/**
 * The default policy compiled from the build's snapshot, or null when there is none, it is
 * unreadable, it was made from other text, or the policy has warnings today (they are placed
 * file:line:col, which needs the YAML): the caller then loads the policy in full.
 */
export function loadDefaultPolicyFromSnapshot(now = new Date(), root = packageRoot()): CompiledPolicy | null {
  const { text } = readDefaultPolicyText(root);
  let snapshot: DefaultPolicySnapshot;
  try {
    snapshot = JSON.parse(readFileSync(join(root, DEFAULT_SNAPSHOT_PATH), 'utf8')) as DefaultPolicySnapshot;
  } catch {
    return null;
  }
  if (snapshot.v !== 1 || snapshot.sha256 !== sha256Hex(text)) return null;
  const policy = compilePolicy(snapshot.wire, { text, name: DEFAULT_POLICY_SOURCE });
  return policyWarnings(snapshot.wire, policy, now).length === 0 ? policy : null;
}

export function packageRoot(): string {
  const manifest = packageManifest();
  if (manifest === null) throw new EgError('EG_POLICY_READ', `${DEFAULT_POLICY_SOURCE}: the egress-guard package root was not found`);
  return manifest.root;
}
