import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { dedupeAdd, freshLimit, type AddResult, type CounterAdd, type CounterChange, type CounterCount, type DailyCount, type VolumeScope, type VolumeStore } from './store.js';

/**
 * The embedded store: one SQLite file (better-sqlite3, WAL), exact. Every add is one IMMEDIATE
 * transaction, so the limit check and the write are atomic even across processes sharing the
 * file (cluster workers on one host). `synchronous = NORMAL` in WAL mode: a crash of the
 * process loses nothing; a power loss may lose the last transactions before the OS flushed
 * them. Calls are synchronous (microseconds) behind the async interface.
 */
export class SqliteVolumeStore implements VolumeStore {
  readonly kind: 'sqlite' | 'memory';
  readonly description: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #total: Database.Statement;
  readonly #setTotal: Database.Statement;
  readonly #addDaily: Database.Statement;
  readonly #has: Database.Statement;
  readonly #addTx: (scope: VolumeScope, day: string, adds: readonly CounterAdd[], enforce: boolean) => AddResult;
  #closed = false;

  /** `path` ":memory:" keeps the counts in this process only (lost on exit). */
  constructor(path: string) {
    this.kind = path === ':memory:' ? 'memory' : 'sqlite';
    this.description = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS members (
        year INTEGER NOT NULL, entity TEXT NOT NULL, counter TEXT NOT NULL, hash TEXT NOT NULL,
        PRIMARY KEY (year, entity, counter, hash)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS totals (
        year INTEGER NOT NULL, entity TEXT NOT NULL, counter TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (year, entity, counter)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS daily (
        year INTEGER NOT NULL, entity TEXT NOT NULL, counter TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (year, entity, counter, day)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
    `);
    this.#insert = db.prepare('INSERT OR IGNORE INTO members (year, entity, counter, hash) VALUES (?, ?, ?, ?)');
    this.#total = db.prepare('SELECT n FROM totals WHERE year = ? AND entity = ? AND counter = ?').pluck();
    this.#setTotal = db.prepare('INSERT INTO totals (year, entity, counter, n) VALUES (?, ?, ?, ?) ON CONFLICT (year, entity, counter) DO UPDATE SET n = excluded.n');
    this.#addDaily = db.prepare('INSERT INTO daily (year, entity, counter, day, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, entity, counter, day) DO UPDATE SET n = n + excluded.n');
    this.#has = db.prepare('SELECT 1 FROM members WHERE year = ? AND entity = ? AND counter = ? AND hash = ?').pluck();

    const run = (scope: VolumeScope, day: string, adds: readonly CounterAdd[], enforce: boolean): AddResult => {
      const { year, entity } = scope;
      const changes: CounterChange[] = [];
      for (const raw of adds) {
        const add = dedupeAdd(raw);
        const before = (this.#total.get(year, entity, add.counter) as number | undefined) ?? 0;
        const inserted = add.members.map((m) => this.#insert.run(year, entity, add.counter, m).changes === 1);
        const { fresh, limit } = freshLimit(add, (i) => inserted[i] === true);
        if (enforce && limit !== null && before + fresh > limit) {
          // Thrown to roll the whole transaction back: nothing of this request is counted.
          throw new LimitRefusal({ counter: add.counter, count: before, fresh, limit });
        }
        if (fresh > 0) {
          this.#setTotal.run(year, entity, add.counter, before + fresh);
          this.#addDaily.run(year, entity, add.counter, day, fresh);
        }
        changes.push({ counter: add.counter, before, after: before + fresh });
      }
      return { ok: true, changes };
    };
    const tx = db.transaction(run);
    this.#addTx = (scope, day, adds, enforce) => {
      try {
        return tx.immediate(scope, day, adds, enforce);
      } catch (err) {
        if (err instanceof LimitRefusal) return { ok: false, hit: err.hit };
        throw err;
      }
    };
  }

  async has(scope: VolumeScope, counter: string, members: readonly string[]): Promise<boolean[]> {
    return members.map((m) => this.#has.get(scope.year, scope.entity, counter, m) !== undefined);
  }

  async add(scope: VolumeScope, day: string, adds: readonly CounterAdd[], enforce: boolean): Promise<AddResult> {
    return this.#addTx(scope, day, adds, enforce);
  }

  async counts(scope: VolumeScope): Promise<CounterCount[]> {
    const rows = this.#db.prepare('SELECT counter, n FROM totals WHERE year = ? AND entity = ? ORDER BY counter').all(scope.year, scope.entity) as { counter: string; n: number }[];
    return rows.map((r) => ({ counter: r.counter, count: r.n, approximate: false }));
  }

  async daily(scope: VolumeScope, sinceDay: string): Promise<DailyCount[]> {
    const rows = this.#db
      .prepare('SELECT counter, day, n FROM daily WHERE year = ? AND entity = ? AND day >= ? ORDER BY day, counter')
      .all(scope.year, scope.entity, sinceDay) as { counter: string; day: string; n: number }[];
    return rows.map((r) => ({ counter: r.counter, day: r.day, added: r.n }));
  }

  healthy(): boolean {
    return !this.#closed && this.#db.open;
  }

  async ready(): Promise<void> {
    if (!this.healthy()) throw new Error(`volume store ${this.description} is closed`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

class LimitRefusal extends Error {
  constructor(readonly hit: { counter: string; count: number; fresh: number; limit: number }) {
    super('volume limit');
  }
}
