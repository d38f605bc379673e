import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_SOURCE, DEFAULT_SNAPSHOT_PATH, loadDefaultPolicyFromSnapshot, readDefaultPolicyText, snapshotOf } from '../../../src/config/default-policy.js';
import { loadPolicyText, validatePolicyText } from '../../../src/config/load.js';
import type { CompiledPolicy } from '../../../src/config/model.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOW = new Date('2026-06-01T04:00:00Z');

/** A package root of its own: package.json, policies/default.yaml (this text) and, when given,
 *  the snapshot file's content. */
function packageWith(text: string, snapshot?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'eg-default-'));
  mkdirSync(join(root, 'policies'));
  mkdirSync(join(root, 'dist'));
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  writeFileSync(join(root, 'policies', 'default.yaml'), text);
  if (snapshot !== undefined) writeFileSync(join(root, DEFAULT_SNAPSHOT_PATH), snapshot);
  return root;
}

function snapshotFor(text: string): string {
  return JSON.stringify(snapshotOf(text, validatePolicyText(text, DEFAULT_POLICY_SOURCE).wire));
}

/** Everything a compiled policy holds that is data (Maps, Sets, RegExps spelled out; functions
 *  are exercised below through what they return). */
function dataOf(policy: CompiledPolicy): string {
  return JSON.stringify(policy, (_key, value: unknown) => {
    if (value instanceof Map) return { map: [...value.entries()] };
    if (value instanceof Set) return { set: [...value] };
    if (value instanceof RegExp) return { re: String(value) };
    if (Buffer.isBuffer(value)) return { buf: value.toString('hex') };
    if (typeof value === 'function') return 'fn';
    return value;
  });
}

describe('the default policy from its build-time snapshot', () => {
  const text = readDefaultPolicyText(ROOT).text;

  it('compiles to the same policy as the full load of policies/default.yaml', () => {
    const fromSnapshot = loadDefaultPolicyFromSnapshot(NOW, packageWith(text, snapshotFor(text)));
    const full = loadPolicyText(text, DEFAULT_POLICY_SOURCE, { now: NOW });
    expect(fromSnapshot).not.toBeNull();
    expect(dataOf(fromSnapshot!)).toBe(dataOf(full));
    expect(fromSnapshot!.revision).toBe(full.revision);
    expect(fromSnapshot!.basisExpiries('2026-06-01')).toEqual(full.basisExpiries('2026-06-01'));
    expect(fromSnapshot!.clientFor(undefined, '10.0.0.1')).toEqual(full.clientFor(undefined, '10.0.0.1'));
  });

  it('is what the build wrote for this checkout (npm test builds first)', () => {
    expect(readFileSync(join(ROOT, DEFAULT_SNAPSHOT_PATH), 'utf8')).toBe(`${snapshotFor(text)}\n`);
  });

  it.each([
    { name: 'no snapshot', snapshot: undefined },
    { name: 'an unreadable snapshot', snapshot: '{"v":1,' },
    { name: 'a snapshot of other text', snapshot: snapshotFor(`${text}\n# edited\n`) },
    { name: 'another snapshot version', snapshot: snapshotFor(text).replace('"v":1', '"v":2') },
  ])('is not used with $name: the caller loads the policy in full', ({ snapshot }) => {
    expect(loadDefaultPolicyFromSnapshot(NOW, packageWith(text, snapshot))).toBeNull();
  });

  it('is not used when the policy has warnings today, which are placed by line in the YAML', () => {
    const expiring =
      'version: 1\ndestinations:\n  - { name: hq, jurisdiction: DE, recipient: Acme GmbH, hosts: [hq.example] }\n' +
      'bases:\n  - { id: soon, type: standard_contract, recipients: [hq], categories: [pi.email], valid_from: 2020-01-01, valid_to: 2026-06-10 }\n';
    expect(loadPolicyText(expiring, DEFAULT_POLICY_SOURCE, { now: NOW }).warnings.length).toBeGreaterThan(0);
    expect(loadDefaultPolicyFromSnapshot(NOW, packageWith(expiring, snapshotFor(expiring)))).toBeNull();
  });

  it('refuses to snapshot a document that JSON would change', () => {
    const wire = validatePolicyText(text, DEFAULT_POLICY_SOURCE).wire;
    expect(snapshotOf(text, { ...wire, version: undefined } as unknown as typeof wire)).toBeNull();
  });
});
