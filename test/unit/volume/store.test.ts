import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisVolumeStore } from '../../../src/volume/redis.js';
import { SqliteVolumeStore } from '../../../src/volume/sqlite.js';
import { shanghaiYear, type VolumeStore } from '../../../src/volume/store.js';
import { HAVE_REDIS, startRedis, type TestRedis } from '../../integration/redis-server.js';

const scope = { year: 2026, entity: 'Acme (China) Co., Ltd.' };
const day = '2026-03-01';
const h = (i: number) => i.toString(16).padStart(16, '0');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => h(from + i));

/** The contract every store keeps; run against SQLite and a real Redis. */
function storeContract(make: () => Promise<VolumeStore>, after: (s: VolumeStore) => Promise<void> = (s) => s.close()) {
  it('adds members once, counts them per counter, and answers has()', async () => {
    const store = await make();
    try {
      const first = await store.add(scope, day, [{ counter: 'N', members: [h(1), h(2), h(1)], limits: [null, null, null] }, { counter: 'b:x', members: [h(1)], limits: [null] }], true);
      expect(first).toEqual({ ok: true, changes: [{ counter: 'N', before: 0, after: 2 }, { counter: 'b:x', before: 0, after: 1 }] });
      const again = await store.add(scope, '2026-03-02', [{ counter: 'N', members: [h(2), h(3)], limits: [null, null] }], true);
      expect(again).toEqual({ ok: true, changes: [{ counter: 'N', before: 2, after: 3 }] });
      expect(await store.has(scope, 'N', [h(1), h(3), h(9)])).toEqual([true, true, false]);
      expect(await store.counts(scope)).toEqual([
        { counter: 'N', count: 3, approximate: false },
        { counter: 'b:x', count: 1, approximate: false },
      ]);
      expect(await store.daily(scope, '2026-01-01')).toEqual([
        { counter: 'N', day: '2026-03-01', added: 2 },
        { counter: 'b:x', day: '2026-03-01', added: 1 },
        { counter: 'N', day: '2026-03-02', added: 1 },
      ]);
      // Another year and another entity are other counters.
      expect(await store.has({ ...scope, year: 2027 }, 'N', [h(1)])).toEqual([false]);
      expect(await store.counts({ ...scope, entity: 'Other Ltd.' })).toEqual([]);
    } finally {
      await after(store);
    }
  });

  it('refuses atomically past the smallest limit of the new members; known members pass', async () => {
    const store = await make();
    try {
      expect((await store.add(scope, day, [{ counter: 'N', members: range(0, 4), limits: [4, 4, 4, 4] }], true)).ok).toBe(true);
      // Two new members, one of them limited to 5: 4 + 2 > 5.
      const refused = await store.add(scope, day, [{ counter: 'S', members: [h(100)], limits: [null] }, { counter: 'N', members: [h(1), h(10), h(11)], limits: [5, null, 5] }], true);
      expect(refused).toEqual({ ok: false, hit: { counter: 'N', count: 4, fresh: 2, limit: 5 } });
      // Nothing of the refused step was written, not even the counter before the one refused.
      expect(await store.counts(scope)).toEqual([{ counter: 'N', count: 4, approximate: false }]);
      // A known member with a limit already reached still passes; a new one under a larger limit too.
      expect((await store.add(scope, day, [{ counter: 'N', members: [h(0), h(20)], limits: [0, 5] }], true)).ok).toBe(true);
      expect(await store.add(scope, day, [{ counter: 'N', members: [h(21)], limits: [5] }], true)).toEqual({ ok: false, hit: { counter: 'N', count: 5, fresh: 1, limit: 5 } });
      // Without enforcement the limit is recorded past.
      expect(await store.add(scope, day, [{ counter: 'N', members: [h(21)], limits: [5] }], false)).toEqual({ ok: true, changes: [{ counter: 'N', before: 5, after: 6 }] });
    } finally {
      await after(store);
    }
  });

  it('at the real threshold: 99,999 individuals pass without a contract, the 100,000th is refused, known ones still pass', async () => {
    const store = await make();
    try {
      const limit = 99_999; // fewer than 100,000: 2024 Provisions Art. 5(4)
      for (let from = 0; from < limit; from += 5_000) {
        const members = range(from, Math.min(from + 5_000, limit));
        const r = await store.add(scope, day, [{ counter: 'N', members, limits: members.map(() => limit) }], true);
        expect(r.ok).toBe(true);
      }
      expect((await store.counts(scope))[0]).toEqual({ counter: 'N', count: 99_999, approximate: false });
      expect(await store.add(scope, day, [{ counter: 'N', members: [h(limit)], limits: [limit] }], true)).toEqual({ ok: false, hit: { counter: 'N', count: 99_999, fresh: 1, limit } });
      expect(await store.add(scope, day, [{ counter: 'N', members: [h(0), h(99_998)], limits: [limit, limit] }], true)).toEqual({ ok: true, changes: [{ counter: 'N', before: 99_999, after: 99_999 }] });
      // Under a standard contract the same person goes (up to 999,999).
      expect(await store.add(scope, day, [{ counter: 'N', members: [h(limit)], limits: [999_999] }], true)).toEqual({ ok: true, changes: [{ counter: 'N', before: 99_999, after: 100_000 }] });
    } finally {
      await after(store);
    }
  }, 60_000);
}

describe('SQLite volume store', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const make = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-vol-'));
    dirs.push(dir);
    return new SqliteVolumeStore(join(dir, 'sub', 'volume.db'));
  };
  storeContract(make);

  it('keeps its counts across a reopen (restart), in WAL mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-vol-'));
    dirs.push(dir);
    const path = join(dir, 'volume.db');
    const a = new SqliteVolumeStore(path);
    await a.add(scope, day, [{ counter: 'N', members: [h(1), h(2)], limits: [null, null] }], true);
    await a.close();
    const b = new SqliteVolumeStore(path);
    expect(await b.counts(scope)).toEqual([{ counter: 'N', count: 2, approximate: false }]);
    expect(await b.has(scope, 'N', [h(2)])).toEqual([true]);
    await b.close();
    expect(b.healthy()).toBe(false);
  });

  it('two handles on one file (cluster workers) cannot both pass a limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-vol-'));
    dirs.push(dir);
    const path = join(dir, 'volume.db');
    const a = new SqliteVolumeStore(path);
    const b = new SqliteVolumeStore(path);
    const results = await Promise.all([
      a.add(scope, day, [{ counter: 'N', members: [h(1)], limits: [1] }], true),
      b.add(scope, day, [{ counter: 'N', members: [h(2)], limits: [1] }], true),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    await a.close();
    await b.close();
  });
});

describe.runIf(HAVE_REDIS)('Redis volume store (real redis-server)', () => {
  let redis: TestRedis;
  let prefix = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const make = async () => {
    const store = new RedisVolumeStore({ url: redis.url, keyPrefix: `t${prefix++}:`, exactLimit: 1_000_000 });
    await store.ready(5_000);
    return store;
  };
  storeContract(make);

  it('past exact_limit a counter becomes a HyperLogLog within its documented error', async () => {
    const store = new RedisVolumeStore({ url: redis.url, keyPrefix: `hll${prefix++}:`, exactLimit: 1_000 });
    await store.ready(5_000);
    try {
      for (let from = 0; from < 20_000; from += 2_000) {
        const members = range(from, from + 2_000);
        expect((await store.add(scope, day, [{ counter: 'N', members, limits: members.map(() => null) }], true)).ok).toBe(true);
      }
      const [count] = await store.counts(scope);
      expect(count!.approximate).toBe(true);
      // 0.81 % standard error; 3 sigma is under 2.5 %.
      expect(Math.abs(count!.count - 20_000) / 20_000).toBeLessThan(0.025);
      // Past the exact limit membership is unknown: a limit check counts every member as new.
      const r = await store.add(scope, day, [{ counter: 'N', members: [h(1)], limits: [count!.count] }], true);
      expect(r.ok).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('fails at once while Redis is down, and recovers by itself when it is back', async () => {
    const own = await startRedis({ persistent: true });
    const store = new RedisVolumeStore({ url: own.url, keyPrefix: 'r:', exactLimit: 1_000_000 });
    try {
      await store.ready(5_000);
      await store.add(scope, day, [{ counter: 'N', members: [h(1)], limits: [null] }], true);
      await own.kill();
      await expect.poll(() => store.healthy(), { timeout: 5_000 }).toBe(false);
      const started = Date.now();
      await expect(store.add(scope, day, [{ counter: 'N', members: [h(2)], limits: [null] }], true)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_500);
      await own.restart();
      await store.ready(10_000);
      expect(await store.counts(scope)).toEqual([{ counter: 'N', count: 1, approximate: false }]);
      expect(store.dataLost).toBe(false);
    } finally {
      await store.close();
      await own.stop();
    }
  });
});

describe('shanghaiYear', () => {
  it('turns the year at midnight Beijing time', () => {
    expect(shanghaiYear(new Date('2025-12-31T15:59:59Z'))).toBe(2025);
    expect(shanghaiYear(new Date('2025-12-31T16:00:00Z'))).toBe(2026);
  });
});
