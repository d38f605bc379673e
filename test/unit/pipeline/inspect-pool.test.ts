import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/config/load.js';
import { compileRuntime } from '../../../src/pipeline/runtime.js';
import { InspectPool, inspectInline, inspectPoolSettings, type BodyJob, type BodyOutcome } from '../../../src/pipeline/inspect-pool.js';
import { individualRecords } from '../../../src/pipeline/individuals.js';
import { toRedactMode } from '../../../src/pipeline/inspect.js';
import { redactBody } from '../../../src/transform/redact.js';

// The inspection thread runs dist/src/pipeline/inspect-worker.js (built by `npm test`).
const POLICY = loadPolicyText(
  `version: 1
categories:
  pi.badge: { grade: pi }
rules:
  - { id: badge, category: pi.badge, pattern: "BDG-[0-9]{6}" }
`,
  'pool-test.yaml',
);
const runtime = compileRuntime(POLICY);
const KEY = Buffer.alloc(32, 3);
const NOW = new Date('2026-06-01T08:00:00Z');
const pool = new InspectPool({ threads: 2, thresholdBytes: 1 });
afterAll(() => pool.close());

const ID = '11010519491231002X';
const PHONE = '13812345678';

function bigJson(records: number): string {
  const rows = Array.from({ length: records }, (_, i) =>
    i % 97 === 5
      ? { id: `ord-${i}`, customer: { name: '王小明', mobile: PHONE, note: `badge BDG-${String(100000 + i)}` }, blob: Buffer.from(JSON.stringify({ idCard: ID })).toString('base64') }
      : { id: `ord-${i}`, sku: `SKU-${i}-A`, ts: 1_780_000_000_000 + i, hash: 'e3b0c44298fc1c149afbf4c8996fb924' },
  );
  return JSON.stringify({ batch: 'b-1', nested: JSON.stringify({ contact: { email: 'li.lei@example.com' } }), rows });
}

const CASES: Array<[string, BodyJob]> = [
  ['small JSON', job(Buffer.from(`{"user":{"idCard":"${ID}","phone":"${PHONE}"}}`), 'application/json')],
  ['form', job(Buffer.from(`name=%E7%8E%8B%E5%B0%8F%E6%98%8E&mobile=${PHONE}&x=1`), 'application/x-www-form-urlencoded')],
  ['~600 KiB JSON with nested, base64 and custom-rule findings', job(Buffer.from(bigJson(4000)), 'application/json')],
  ['gzip-encoded JSON', job(gzipSync(Buffer.from(bigJson(300))), 'application/json', 'gzip')],
  ['a view into a larger allocation', job(Buffer.from(`xx{"phone":"${PHONE}"}yy`).subarray(2, -2), 'application/json')],
];

function job(raw: Buffer, contentType: string, encoding?: string): BodyJob {
  return { raw, encoding, contentType, now: NOW, maxDecodedBytes: 64 * 2 ** 20 };
}

const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Everything the gateway takes from an inspection: findings, the masked body, the individuals
 *  (bodies as digests, so that a difference prints readably). */
function observable(outcome: BodyOutcome) {
  if ('error' in outcome) return { raw: digest(outcome.raw), error: String(outcome.error), code: (outcome.error as { code?: string }).code };
  const { decoded, inspection } = outcome;
  const edits = inspection.findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end, mode: toRedactMode('mask', POLICY.redaction) }));
  return {
    raw: digest(outcome.raw),
    decoded: digest(decoded),
    format: inspection.parsed.format,
    opaque: inspection.parsed.opaque ?? [],
    leafCount: inspection.parsed.leaves.length,
    findings: inspection.findings,
    redacted: digest(redactBody(decoded, inspection.parsed.leaves, edits)),
    individuals: individualRecords(KEY, [{ leaves: inspection.parsed.leaves, findings: inspection.findings }]).map((r) => r.hash),
  };
}

/** The same job, with its own copy of the bytes (the thread path transfers them away). */
function copyOf(j: BodyJob): BodyJob {
  const raw = Buffer.from(j.raw.buffer.slice(0));
  return { ...j, raw: raw.subarray(j.raw.byteOffset, j.raw.byteOffset + j.raw.length) };
}

describe('inspection thread pool', () => {
  it.each(CASES)('gives the same findings, redaction and individuals as inline: %s', async (_name, j) => {
    const inline = observable(inspectInline(runtime.classifier, copyOf(j)));
    const threaded = observable(await pool.inspect(POLICY, runtime.classifier, copyOf(j)));
    expect(threaded).toEqual(inline);
    expect((inline as { findings?: unknown[] }).findings?.length ?? 0).toBeGreaterThan(0);
  });

  it('gives the same errors as inline, with the bytes back to forward', async () => {
    for (const j of [job(Buffer.from('{"broken": '), 'application/json'), job(Buffer.from('not gzip at all'), 'application/json', 'gzip')]) {
      const inline = observable(inspectInline(runtime.classifier, copyOf(j)));
      const threaded = observable(await pool.inspect(POLICY, runtime.classifier, copyOf(j)));
      expect(threaded).toEqual(inline);
      expect(threaded).toMatchObject({ code: expect.stringMatching(/^EG_/), raw: digest(j.raw) });
    }
  });

  it('hands the body to a thread without copying it, and gets it back', async () => {
    const raw = Buffer.from(bigJson(2000));
    const before = Buffer.from(raw);
    const outcome = await pool.inspect(POLICY, runtime.classifier, job(raw, 'application/json'));
    expect(raw.length).toBe(0); // transferred: the caller's view is detached
    expect(outcome.raw.equals(before)).toBe(true);
  });

  it('runs jobs of several policy revisions side by side, each under its own rules', async () => {
    const other = loadPolicyText('version: 1\n', 'plain.yaml');
    const otherRuntime = compileRuntime(other);
    const body = () => job(Buffer.from('{"note":"badge BDG-123456"}'), 'application/json');
    const [a, b] = await Promise.all([pool.inspect(POLICY, runtime.classifier, body()), pool.inspect(other, otherRuntime.classifier, body())]);
    expect(observable(a)).toEqual(observable(inspectInline(runtime.classifier, body())));
    expect(observable(b)).toEqual(observable(inspectInline(otherRuntime.classifier, body())));
    expect(observable(a)).not.toEqual(observable(b));
  });

  it('keeps small bodies inline and reads its settings from the environment', async () => {
    const p = new InspectPool({ threads: 1, thresholdBytes: 1024 });
    expect(p.offloads(1023)).toBe(false);
    expect(p.offloads(1024)).toBe(true);
    expect(new InspectPool({ threads: 0, thresholdBytes: 1 }).offloads(2 ** 30)).toBe(false);
    const raw = Buffer.from(`{"phone":"${PHONE}"}`);
    const outcome = await p.inspect(POLICY, runtime.classifier, job(raw, 'application/json'));
    expect(outcome.raw).toBe(raw);
    await p.close();
    expect(inspectPoolSettings({})).toEqual({ threads: 1, thresholdBytes: 256 * 1024 });
    expect(inspectPoolSettings({ EG_INSPECT_THREADS: '0', EG_INSPECT_THRESHOLD_BYTES: '65536' })).toEqual({ threads: 0, thresholdBytes: 65536 });
    expect(() => inspectPoolSettings({ EG_INSPECT_THREADS: 'two' })).toThrow(/EG_INSPECT_THREADS "two"/);
  });
});
