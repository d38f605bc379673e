import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { dedupeAdd, type AddResult, type CounterAdd, type CounterCount, type DailyCount, type VolumeScope, type VolumeStore } from './store.js';

export interface RedisStoreOptions {
  readonly url: string;
  readonly keyPrefix: string;
  /** Past this many members a counter's set becomes a HyperLogLog (standard error 0.81 %). */
  readonly exactLimit: number;
  readonly password?: string;
  /** Per-command timeout: a Redis that hangs fails requests instead of holding them. */
  readonly commandTimeoutMs?: number;
  readonly log?: Logger;
}

/**
 * One Lua script does the check and the write of a request's counters atomically (Redis runs a
 * script alone), so gateways sharing the store cannot both pass a limit. KEYS: per counter its
 * set, HyperLogLog and daily hash, then the index of counter names. ARGV[1]: JSON
 * {day, exact, enforce, c: [{n: name, m: [members], l: [limits, -1 for none]}]}.
 *
 * Past `exact` members a counter's set is folded into a HyperLogLog and deleted: counts become
 * estimates (standard error 1.04/sqrt(16384) = 0.81 %), and since membership cannot be tested
 * any more, every member of a request counts as possibly new for a limit check (conservative).
 */
const ADD_SCRIPT = `
local p = cjson.decode(ARGV[1])
local n = #p.c
local exact = tonumber(p.exact)
local CHUNK = 1000
local function chunked(cmd, key, list)
  local r = {}
  for i = 1, #list, CHUNK do
    local part = {}
    for j = i, math.min(i + CHUNK - 1, #list) do part[#part + 1] = list[j] end
    local got = redis.call(cmd, key, unpack(part))
    if type(got) == 'table' then for _, v in ipairs(got) do r[#r + 1] = v end end
  end
  return r
end
local state = {}
for i = 1, n do
  local c = p.c[i]
  local set, hll = KEYS[3 * i - 2], KEYS[3 * i - 1]
  local isHll = redis.call('EXISTS', hll) == 1
  local count, fresh, limit = 0, {}, -1
  if isHll then
    count = redis.call('PFCOUNT', hll)
    for j = 1, #c.m do fresh[#fresh + 1] = j end
  else
    count = redis.call('SCARD', set)
    if #c.m > 0 then
      local known = chunked('SMISMEMBER', set, c.m)
      for j = 1, #c.m do if known[j] == 0 then fresh[#fresh + 1] = j end end
    end
  end
  for _, j in ipairs(fresh) do
    local l = tonumber(c.l[j])
    if l >= 0 and (limit < 0 or l < limit) then limit = l end
  end
  if p.enforce and limit >= 0 and count + #fresh > limit then
    return cjson.encode({ ok = false, counter = c.n, count = count, fresh = #fresh, limit = limit })
  end
  state[i] = { hll = isHll, count = count, fresh = fresh }
end
local out = {}
for i = 1, n do
  local c, s = p.c[i], state[i]
  local set, hll, daily = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local after = s.count
  if #s.fresh > 0 then
    local members = {}
    for _, j in ipairs(s.fresh) do members[#members + 1] = c.m[j] end
    if s.hll then
      chunked('PFADD', hll, members)
      after = redis.call('PFCOUNT', hll)
    else
      chunked('SADD', set, members)
      after = s.count + #members
      if after > exact then
        local cursor = '0'
        repeat
          local r = redis.call('SSCAN', set, cursor, 'COUNT', CHUNK)
          cursor = r[1]
          if #r[2] > 0 then redis.call('PFADD', hll, unpack(r[2])) end
        until cursor == '0'
        redis.call('DEL', set)
        after = redis.call('PFCOUNT', hll)
      end
    end
    if after > s.count then redis.call('HINCRBY', daily, p.day, after - s.count) end
  end
  redis.call('SADD', KEYS[3 * n + 1], c.n)
  out[i] = { c.n, s.count, after }
end
return cjson.encode({ ok = true, changes = out })
`;

type ScriptReply = { ok: true; changes: [string, number, number][] } | { ok: false; counter: string; count: number; fresh: number; limit: number };

/**
 * The fleet store: every gateway of the entity shares one Redis. Writes go through one script
 * call per request that has new individuals (auto-pipelined with concurrent requests); requests
 * whose individuals are all known locally make no call at all (see VolumeCounter). The client
 * reconnects by itself; while it is not connected every call fails at once (no offline queue),
 * so the gateway refuses rather than waits. Redis must persist (appendonly yes): a Redis that
 * restarts empty would undercount, which the store detects through an epoch key and logs.
 */
export class RedisVolumeStore implements VolumeStore {
  readonly kind = 'redis' as const;
  readonly description: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #exact: number;
  readonly #log: Logger | undefined;
  #epoch: string | null = null;
  #dataLost = false;
  #closed = false;
  #lastError: string | null = null;

  constructor(options: RedisStoreOptions) {
    this.description = redactUrl(options.url);
    this.#prefix = options.keyPrefix;
    this.#exact = options.exactLimit;
    this.#log = options.log;
    this.#redis = new Redis(options.url, {
      ...(options.password !== undefined ? { password: options.password } : {}),
      protocol: 2,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 2_000,
      // Reconnect forever, backing off to 2 s.
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    });
    this.#redis.defineCommand('egVolumeAdd', { lua: ADD_SCRIPT });
    this.#redis.on('error', (err: Error) => {
      if (err.message === this.#lastError) return;
      this.#lastError = err.message;
      this.#log?.warn({ store: this.description, err: err.message }, 'volume store: Redis connection error');
    });
    this.#redis.on('ready', () => {
      if (this.#lastError !== null) this.#log?.info({ store: this.description }, 'volume store: Redis reachable again');
      this.#lastError = null;
      void this.#checkEpoch();
    });
  }

  /** An epoch key written once: if it changes or vanishes, Redis lost its data (restarted without
   *  persistence, flushed) and every count restarted from zero. */
  async #checkEpoch(): Promise<void> {
    try {
      const key = `${this.#prefix}epoch`;
      await this.#redis.set(key, randomUUID(), 'NX');
      const now = await this.#redis.get(key);
      if (this.#epoch !== null && now !== this.#epoch) {
        this.#dataLost = true;
        this.#log?.error({ store: this.description }, 'volume store: Redis lost its counts (restarted without persistence or flushed); yearly counts restarted from zero and undercount until restored');
      }
      this.#epoch = now;
    } catch {
      // The next ready event checks again.
    }
  }

  /** True once the store has seen Redis come back without the counts it had. */
  get dataLost(): boolean {
    return this.#dataLost;
  }

  #base(scope: VolumeScope): string {
    const tag = createHash('sha256').update(scope.entity).digest('hex').slice(0, 16);
    // The hash tag keeps one entity-year in one slot (Redis Cluster runs the script there).
    return `${this.#prefix}{${scope.year}:${tag}}:`;
  }

  async has(scope: VolumeScope, counter: string, members: readonly string[]): Promise<boolean[]> {
    if (members.length === 0) return [];
    const base = this.#base(scope);
    if ((await this.#redis.exists(`${base}hll:${counter}`)) === 1) return members.map(() => false);
    const known = (await this.#redis.smismember(`${base}set:${counter}`, ...members)) as number[];
    return known.map((k) => k === 1);
  }

  async add(scope: VolumeScope, day: string, adds: readonly CounterAdd[], enforce: boolean): Promise<AddResult> {
    if (adds.length === 0) return { ok: true, changes: [] };
    const base = this.#base(scope);
    const list = adds.map(dedupeAdd);
    const keys = list.flatMap((a) => [`${base}set:${a.counter}`, `${base}hll:${a.counter}`, `${base}daily:${a.counter}`]);
    keys.push(`${base}counters`);
    const arg = JSON.stringify({ day, exact: this.#exact, enforce, c: list.map((a) => ({ n: a.counter, m: a.members, l: a.limits.map((l) => l ?? -1) })) });
    const call = (this.#redis as unknown as { egVolumeAdd(n: number, ...args: string[]): Promise<string> }).egVolumeAdd;
    const reply = JSON.parse(await call.call(this.#redis, keys.length, ...keys, arg)) as ScriptReply;
    if (!reply.ok) return { ok: false, hit: { counter: reply.counter, count: reply.count, fresh: reply.fresh, limit: reply.limit } };
    return { ok: true, changes: reply.changes.map(([counter, before, after]) => ({ counter, before, after })) };
  }

  async counts(scope: VolumeScope): Promise<CounterCount[]> {
    const base = this.#base(scope);
    const counters = (await this.#redis.smembers(`${base}counters`)).sort();
    return Promise.all(
      counters.map(async (counter) => {
        const approximate = (await this.#redis.exists(`${base}hll:${counter}`)) === 1;
        const count = approximate ? await this.#redis.pfcount(`${base}hll:${counter}`) : await this.#redis.scard(`${base}set:${counter}`);
        return { counter, count, approximate };
      }),
    );
  }

  async daily(scope: VolumeScope, sinceDay: string): Promise<DailyCount[]> {
    const base = this.#base(scope);
    const counters = await this.#redis.smembers(`${base}counters`);
    const out: DailyCount[] = [];
    for (const counter of counters) {
      const days = await this.#redis.hgetall(`${base}daily:${counter}`);
      for (const [day, n] of Object.entries(days)) if (day >= sinceDay) out.push({ counter, day, added: Number(n) });
    }
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    return out.sort((a, b) => cmp(a.day, b.day) || cmp(a.counter, b.counter));
  }

  healthy(): boolean {
    return !this.#closed && this.#redis.status === 'ready';
  }

  ready(timeoutMs: number): Promise<void> {
    if (this.healthy()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#redis.off('ready', onReady);
        reject(new Error(`volume store ${this.description} not reachable within ${timeoutMs} ms${this.#lastError ? ` (${this.#lastError})` : ''}`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}
