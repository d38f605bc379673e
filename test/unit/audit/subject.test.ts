import { describe, expect, it } from 'vitest';
import { findSubject, formatSubject, subjectHashes } from '../../../src/audit/subject.js';
import { FIXTURE_KEY, FIXTURE_PHONE, fixtureEvents } from '../../fixtures/audit/events.js';
import { fixtureTrail } from './helpers.js';

describe('audit subject', () => {
  it('lists every flow that carried the person, however the identifier is written', async () => {
    const files = await fixtureTrail();
    const expected = fixtureEvents().filter((_, i) => i % 37 === 0);
    for (const written of [FIXTURE_PHONE, `+86 ${FIXTURE_PHONE.slice(0, 3)}-${FIXTURE_PHONE.slice(3, 7)}-${FIXTURE_PHONE.slice(7)}`]) {
      const result = await findSubject(files, subjectHashes(FIXTURE_KEY, [written]), {});
      expect(result.flows.map((f) => f.decisionId)).toEqual(expected.map((e) => e.decisionId));
    }
    const result = await findSubject(files, subjectHashes(FIXTURE_KEY, [FIXTURE_PHONE]), {});
    expect(result.flows[0]).toMatchObject({ time: expected[0]!.time, recipient: 'Partner HK Ltd', host: 'hk.partner.example', jurisdiction: 'HK', categories: ['pi.health', 'pi.id_card', 'pi.name', 'pi.phone'] });
    const text = formatSubject(result);
    expect(text).toContain(`flows: ${expected.length}`);
    expect(text).not.toContain(FIXTURE_PHONE);
  });

  it('finds nothing for someone who is not in the trail, and nothing under another key', async () => {
    const files = await fixtureTrail();
    expect((await findSubject(files, subjectHashes(FIXTURE_KEY, ['13700000000']), {})).flows).toEqual([]);
    expect((await findSubject(files, subjectHashes(Buffer.alloc(32, 3), [FIXTURE_PHONE]), {})).flows).toEqual([]);
  });

  it('needs a category for an identifier of no known shape', () => {
    expect(() => subjectHashes(FIXTURE_KEY, ['customer-4711'])).toThrow(/pass --category/);
    expect(subjectHashes(FIXTURE_KEY, ['customer-4711'], 'pi.account_id')).toHaveLength(1);
  });
});
