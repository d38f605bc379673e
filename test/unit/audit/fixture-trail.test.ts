import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createChainedAuditSink } from '../../../src/audit/chain-writer.js';
import { listTrailFiles } from '../../../src/audit/trail-files.js';
import { verifyTrail } from '../../../src/audit/verify.js';
import { FIXTURE_KEY, fixtureEvents } from '../../fixtures/audit/events.js';
import { captureLog, records } from './helpers.js';

/**
 * test/fixtures/audit/trail/ was written by the chained sink and is checked in: if a change to
 * canonicalisation or hashing broke trails already on disk, this is the test that says so.
 * Regenerate (only for a deliberate format change): EG_AUDIT_REGEN=1 npx vitest run test/unit/audit/fixture-trail.test.ts
 */
const DIR = new URL('../../fixtures/audit/trail/', import.meta.url).pathname;
const COUNT = 120;

describe('checked-in fixture trail', () => {
  it.runIf(process.env['EG_AUDIT_REGEN'] === '1')('regenerates', async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const events = fixtureEvents(COUNT);
    let i = 0;
    const sink = createChainedAuditSink({
      dir: DIR, key: FIXTURE_KEY, log: captureLog().log, instance: 'fixture', rotate: { maxBytes: 64 * 1024 },
      now: () => new Date(Date.parse(events[Math.min(i, COUNT - 1)]!.time)),
    });
    for (; i < COUNT; i++) sink.write(events[i]!);
    await sink.close();
  });

  it('still verifies, and holds the fixture events', async () => {
    const files = listTrailFiles(DIR);
    expect(files.length).toBeGreaterThan(1);
    expect(readdirSync(DIR)).toHaveLength(files.length);
    const report = await verifyTrail(files, { keys: [FIXTURE_KEY] });
    expect(report).toMatchObject({ valid: true, events: COUNT, closed: true });
    const written = files.flatMap(records).filter((r) => r['kind'] === 'request');
    const stripped = written.map(({ seq: _s, prev: _p, hash: _h, ...rest }) => rest);
    expect(stripped).toEqual(JSON.parse(JSON.stringify(fixtureEvents(COUNT))));
  });
});
