import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/audit/event.js';
import { createAuditSink } from '../../../src/audit/writer.js';

function event(id: string): AuditEvent {
  return {
    v: 1, kind: 'request', decisionId: id, time: '2026-01-01T00:00:00.000Z', policyRevision: 'abc',
    client: { address: '127.0.0.1', port: 1 }, via: 'forward', method: 'POST',
    destination: { host: 'h.example', port: 80, ip: '127.0.0.1', zone: 'z', jurisdiction: 'US', abroad: true },
    path: '/', mode: 'enforce', action: 'allow', wouldBe: 'allow', findings: [], redacted: [], status: 200,
    bytes: { requestIn: 0, requestOut: 0, response: 0 }, durationMs: 1, error: null,
  };
}

describe('audit file sink', () => {
  it('appends one valid JSON line per event and has them on disk after close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eg-audit-')), 'nested', 'audit.ndjson');
    const sink = createAuditSink(file);
    for (let i = 0; i < 100; i++) sink.write(event(`id-${i}`));
    await sink.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(100);
    expect(lines.map((l) => (JSON.parse(l) as AuditEvent).decisionId)).toEqual(Array.from({ length: 100 }, (_, i) => `id-${i}`));
    const again = createAuditSink(file);
    again.write(event('appended'));
    await again.close();
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(101);
  });
});
