/**
 * Added latency of the yearly volume counters (issue 06), standalone:
 *
 *   npm run build && node dist/bench/volume.js [--requests N]
 *
 * One in-process gateway per store, a loopback upstream, sequential keep-alive requests that
 * each carry one person (a phone number allowed abroad, so it counts). For each store, two
 * workloads: every request a new individual (one atomic store write per request: the worst
 * case) and known individuals (the local cache answers: no store call). The baseline is a
 * store that does nothing (planning and the cache still run), so the difference is what the
 * store adds per request. Redis runs only where `redis-server` is installed; it is started on a
 * free loopback port and stopped after. Prints a table and writes bench/results/volume.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ProxyAgent, request } from 'undici';
import { loadPolicyText } from '../src/config/load.js';
import type { VolumeStoreSettings } from '../src/config/model.js';
import { startGateway } from '../src/server/gateway.js';
import { openVolumeStore } from '../src/volume/open.js';
import type { VolumeStore } from '../src/volume/store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argRequests = process.argv.indexOf('--requests');
const REQUESTS = argRequests > 0 ? Number(process.argv[argRequests + 1]) : 3_000;
const WARMUP = 300;

const noopStore: VolumeStore = {
  kind: 'memory',
  description: 'none (no store call)',
  has: async (_s, _c, members) => members.map(() => false),
  add: async (_s, _d, adds) => ({ ok: true, changes: adds.map((a) => ({ counter: a.counter, before: 0, after: 0 })) }),
  counts: async () => [],
  daily: async () => [],
  healthy: () => true,
  ready: async () => {},
  close: async () => {},
};

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | null> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (!bin) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Row {
  readonly store: string;
  readonly workload: 'new' | 'known';
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly addedMedianMs: number | null;
}

interface Target {
  readonly name: string;
  readonly send: (i: number) => Promise<number>;
  close(): Promise<void>;
}

async function startTarget(name: string, store: (s: VolumeStoreSettings) => VolumeStore, upstreamPort: number, policyVolume: string): Promise<Target> {
  const policy = loadPolicyText(
    `version: 1
handler: { entity: "Bench Co., Ltd." }
resolve: { api.partner.example: 127.0.0.1 }
volume:
${policyVolume}
destinations:
  - name: partner
    jurisdiction: US
    hosts: [api.partner.example]
    actions: { grades: { pi: allow } }
`,
    `bench-${name}.yaml`,
  );
  const gateway = await startGateway({
    policy,
    audit: { write() {}, flush: async () => {}, close: async () => {} },
    log: pino({ level: 'silent' }),
    proxyHost: '127.0.0.1',
    proxyPort: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    individualKey: Buffer.alloc(32, 9),
    volumeStore: store,
  });
  // Absolute-form forward proxying over a kept-alive connection.
  const agent = new ProxyAgent({ uri: `http://127.0.0.1:${gateway.proxyAddress.port}`, proxyTunnel: false });
  return {
    name,
    async send(i: number): Promise<number> {
      const body = `{"orderId":"A-${i}","mobile":"139${String(10_000_000 + i).slice(-8)}"}`;
      const t0 = performance.now();
      const res = await request(`http://api.partner.example:${upstreamPort}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: agent });
      await res.body.text();
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${name}: status ${res.statusCode}`);
      return ms;
    },
    async close() {
      await agent.close();
      await gateway.close(1_000);
    },
  };
}

/** Requests go to the gateways in turn (the order rotating each round), so machine noise falls
 *  on every store alike. */
async function interleaved(targets: readonly Target[], from: number, count: number): Promise<number[][]> {
  const out = targets.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < targets.length; k++) {
      const t = (i + k) % targets.length;
      out[t]!.push(await targets[t]!.send(from + i));
    }
  }
  return out;
}

async function main(): Promise<void> {
  const upstream = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-volume-'));
  const redis = await startRedis();
  const runs: { store: string; open: (s: VolumeStoreSettings) => VolumeStore; volume: string }[] = [
    { store: 'none (baseline)', open: () => noopStore, volume: '  store: { memory: {} }' },
    { store: 'sqlite (embedded)', open: (s) => openVolumeStore(s), volume: `  store: { sqlite: { path: ${join(dir, 'volume.db')} } }` },
    ...(redis ? [{ store: 'redis (loopback)', open: (s: VolumeStoreSettings) => openVolumeStore(s), volume: `  store: { redis: { url: "${redis.url}" } }` }] : []),
  ];
  const rows: Row[] = [];
  const targets: Target[] = [];
  try {
    for (const r of runs) targets.push(await startTarget(r.store, r.open, upstreamPort, r.volume));
    await interleaved(targets, 50_000_000, WARMUP);
    const fresh = await interleaved(targets, 0, REQUESTS);
    // The same people again: known to each gateway's cache.
    const known = await interleaved(targets, 0, REQUESTS);
    const base = { new: quantile(fresh[0]!, 0.5), known: quantile(known[0]!, 0.5) };
    targets.forEach((t, i) => {
      for (const [workload, xs] of [['new', fresh[i]!], ['known', known[i]!]] as const) {
        const medianMs = quantile(xs, 0.5);
        rows.push({ store: t.name, workload, medianMs, p99Ms: quantile(xs, 0.99), addedMedianMs: i === 0 ? null : medianMs - base[workload] });
      }
    });
  } finally {
    for (const t of targets) await t.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    upstream.close();
  }
  const f = (x: number) => `${(x * 1000).toFixed(0)} µs`;
  console.log(`volume counting: ${REQUESTS} sequential requests per workload, one person each, Node ${process.version}`);
  console.log('store               workload  median     p99        added (median)');
  for (const r of rows) console.log(`${r.store.padEnd(19)} ${r.workload.padEnd(9)} ${f(r.medianMs).padEnd(10)} ${f(r.p99Ms).padEnd(10)} ${r.addedMedianMs === null ? '-' : f(r.addedMedianMs)}`);
  if (!redis) console.log('(redis-server not installed: Redis not measured)');
  const out = join(ROOT, 'bench', 'results', 'volume.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ requests: REQUESTS, node: process.version, rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
