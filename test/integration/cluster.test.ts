import { execFile } from 'node:child_process';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, spawnServe, tempDirs, until, type ListeningLine, type ServeProcess, type SpawnServeOptions } from './serve-process.js';
import { GATEWAY_NODE_FLAGS } from '../../src/config/node-flags.js';
import { BLOCK_PHONE_POLICY, PARTNER_POLICY } from './harness.js';

/**
 * `serve --workers 2`, the built CLI as it runs in production (npm test builds first): two
 * worker processes serve one proxy port, the primary's admin listener answers for both
 * (metrics summed, /policy and /readyz over every worker), SIGHUP reaches both, SIGTERM drains
 * both and exits 0, the one audit chain the primary writes verifies, a worker that dies is
 * restarted, and a second SIGTERM ends everything at once.
 */

const run = promisify(execFile);
const PHONE = '13912345678';


interface Listening extends ListeningLine {
  workers: number;
  pids: number[];
}

let running: ServeProcess[] = [];
let servers: Server[] = [];
const dirs = tempDirs('eg-cluster-');

afterEach(async () => {
  for (const { child } of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running = [];
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
  servers = [];
  dirs.cleanup();
});

const tempDir = () => dirs.make();

/** An upstream on loopback: answers at once, or after ?delay=ms. */
async function upstream(): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => res.end('{"ok":true}'), delay);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function serve(args: string[], options: SpawnServeOptions = {}): Promise<ServeProcess & { listening: Listening }> {
  const served = await spawnServe(['--workers', '2', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--drain-timeout', '3000', ...args], options);
  running.push(served);
  return served as ServeProcess & { listening: Listening };
}

/** One forward-proxied POST on a connection of its own (the cluster hands out connections). */
function send(proxy: string, url: string, body = `{"mobile":"${PHONE}"}`): Promise<{ status: number; error: string | undefined; decisionId: string | undefined }> {
  const [host, port] = proxy.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host, port: Number(port), method: 'POST', path: url, agent: false, headers: { host: new URL(url).host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, error: res.headers['x-egress-error'] as string | undefined, decisionId: res.headers['x-egress-decision-id'] as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function adminJson<T = Record<string, unknown>>(admin: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://${admin}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function metric(admin: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://${admin}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `))) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

interface WorkerView {
  worker: number;
  pid: number;
  state: string;
  ready: boolean;
  requests: number;
  inFlight: number;
  restarts: number;
  revision: string;
}
const workers = async (admin: string) => (await adminJson<{ expected: number; ready: number; workers: WorkerView[] }>(admin, '/workers')).body;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --workers 2', () => {
  it("runs its workers with the primary's node flags, and its listening line says how they collect garbage", async () => {
    const gw = await serve(['--no-watch'], { nodeFlags: GATEWAY_NODE_FLAGS });
    expect(gw.listening.gc).toBe('single-threaded');
    // The workers' command lines, where the kernel shows them.
    if (existsSync('/proc/self/cmdline')) {
      for (const pid of gw.listening.pids) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...GATEWAY_NODE_FLAGS]));
    }
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    const plain = await serve(['--no-watch']);
    expect(plain.listening.gc).toBe('parallel');
    plain.child.kill('SIGTERM');
    expect(await plain.exited).toBe(0);
  });

  it('two workers serve one port; metrics add up; SIGHUP reaches both; SIGTERM drains both, exits 0; the audit chain verifies', async () => {
    const dir = tempDir();
    const policy = join(dir, 'policy.yaml');
    const keyFile = join(dir, 'audit.key');
    const trail = join(dir, 'trail');
    writeFileSync(policy, PARTNER_POLICY);
    writeFileSync(keyFile, 'cd'.repeat(32), { mode: 0o600 });
    const port = await upstream();
    const gw = await serve(['--policy', policy, '--audit-dir', trail, '--audit-key-file', keyFile, '--no-watch']);
    const { proxy, admin, pids } = gw.listening;
    expect(gw.listening.workers).toBe(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(gw.child.pid);

    // Both workers take connections (the primary hands them out in turn).
    const first = await workers(admin);
    expect(first).toMatchObject({ expected: 2, ready: 2 });
    expect(first.workers.map((w) => w.pid).sort()).toEqual([...pids].sort());
    for (let i = 0; i < 12; i++) expect((await send(proxy, `http://api.partner.example:${port}/n${i}`)).status).toBe(200);
    const served = await until(() => workers(admin), (w) => w.workers.reduce((n, x) => n + x.requests, 0) === 12, 'twelve requests recorded');
    for (const w of served.workers) expect(w.requests, `worker ${w.worker} (pid ${w.pid})`).toBeGreaterThan(0);

    // /metrics in the primary is the sum over the workers.
    expect(await metric(admin, 'egress_guard_requests_total')).toBe(12);
    expect(await metric(admin, 'egress_guard_requests_total', { action: 'redact', destination: 'partner' })).toBe(12);
    expect(await metric(admin, 'egress_guard_findings_total', { category: 'pi.phone' })).toBe(12);
    expect(await metric(admin, 'egress_guard_stage_duration_seconds_count', { stage: 'forward' })).toBe(12);
    expect(await metric(admin, 'egress_guard_workers_ready')).toBe(2);
    expect(await metric(admin, 'egress_guard_worker_restarts_total')).toBe(0);
    const ready = await adminJson(admin, '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', workers: { expected: 2, ready: 2 }, consistent: true } });
    expect((await adminJson(admin, '/healthz')).body).toEqual({ status: 'ok' });

    // The primary's admin port is one of the gateway's own: refused through the proxy.
    const loop = await send(proxy, `http://127.0.0.1:${admin.split(':')[1]}/metrics`, '{}');
    expect(loop).toMatchObject({ status: 508, error: 'EG_LOOP_DETECTED' });
    await until(() => workers(admin), (w) => w.workers.reduce((n, x) => n + x.requests, 0) === 13, 'the refused request recorded');

    // SIGHUP: the primary reloads the file and every worker takes the new revision.
    const initial = (await adminJson<{ revision: string }>(admin, '/policy')).body.revision;
    writeFileSync(policy, BLOCK_PHONE_POLICY);
    gw.child.kill('SIGHUP');
    const reloaded = await until(
      async () => (await adminJson<{ revision: string; reloads: { ok: number }; consistent: boolean; workers: { revision: string }[] }>(admin, '/policy')).body,
      (p) => p.revision !== initial,
      'the reloaded revision',
    );
    expect(reloaded, JSON.stringify(reloaded)).toMatchObject({ reloads: { ok: 1, failed: 0 }, consistent: true });
    expect(reloaded.workers.map((w) => w.revision)).toEqual([reloaded.revision, reloaded.revision]);
    const before = await workers(admin);
    for (let i = 0; i < 6; i++) expect((await send(proxy, `http://api.partner.example:${port}/b${i}`))).toMatchObject({ status: 403, error: 'EG_BLOCKED_BY_POLICY' });
    const after = await until(() => workers(admin), (w) => w.workers.reduce((n, x) => n + x.requests, 0) === 19, 'six more requests');
    for (const w of after.workers) expect(w.requests, `worker ${w.worker} blocked some`).toBeGreaterThan(before.workers.find((b) => b.worker === w.worker)!.requests);
    expect(await metric(admin, 'egress_guard_policy_reloads_total', { result: 'ok' })).toBe(1);
    expect(await metric(admin, 'egress_guard_requests_total', { action: 'block', destination: 'partner' })).toBe(6);

    // SIGTERM with requests in flight on both workers: they finish, then everything exits 0.
    writeFileSync(policy, PARTNER_POLICY);
    gw.child.kill('SIGHUP');
    await until(async () => (await adminJson<{ revision: string }>(admin, '/policy')).body.revision, (r) => r === initial, 'back to the first revision');
    const slow = Array.from({ length: 4 }, (_, i) => send(proxy, `http://api.partner.example:${port}/slow${i}?delay=700`));
    const busy = await until(() => workers(admin), (w) => w.workers.every((x) => x.inFlight >= 1) && w.workers.reduce((n, x) => n + x.inFlight, 0) === 4, 'requests in flight on both workers');
    expect(busy.workers).toHaveLength(2);
    gw.child.kill('SIGTERM');
    const answers = await Promise.all(slow);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await gw.exited).toBe(0);
    for (const pid of pids) expect(alive(pid), `worker ${pid} gone`).toBe(false);
    const exits = gw.logs().filter((l) => l.msg === 'worker exited');
    expect(exits.map((l) => [l['worker'], l['code'], l['drained']]).sort()).toEqual([[1, 0, true], [2, 0, true]]);
    expect(gw.logs().filter((l) => l.msg === 'worker stopped').map((l) => l['worker']).sort()).toEqual([1, 2]);

    // One writer (the primary): one chain, every answered request in it, closed cleanly.
    const verify = await run(process.execPath, [BIN, 'audit', 'verify', '--json', '--key-file', keyFile, trail]);
    const report = JSON.parse(verify.stdout) as { valid: boolean; events: number; closed: boolean };
    expect(report).toMatchObject({ valid: true, events: 23, closed: true });
    const summary = await run(process.execPath, [BIN, 'audit', 'summary', '--json', '--by', 'jurisdiction', trail]);
    expect(summary.stdout).toContain('"US"');
    expect(gw.stderr()).not.toContain(PHONE);
  });

  it('restarts a worker that dies, and a second SIGTERM ends the primary and every worker at once', async () => {
    const dir = tempDir();
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, PARTNER_POLICY);
    const port = await upstream();
    // A drain that would take 20 s: only the second signal can end it quickly.
    const gw = await serve(['--policy', policy, '--audit', join(dir, 'audit.ndjson'), '--no-watch', '--drain-timeout', '20000']);
    const { proxy, admin, pids } = gw.listening;

    process.kill(pids[0]!, 'SIGKILL');
    // Status asks racing the death: a send on the closing channel once crashed the primary.
    await Promise.all(Array.from({ length: 20 }, () => fetch(`http://${admin}/workers`).then((r) => r.text(), () => '')));
    expect(gw.child.exitCode).toBeNull();
    const restarted = await until(() => workers(admin), (w) => w.ready === 2 && w.workers.every((x) => x.state === 'listening' && x.pid !== pids[0]), 'the restarted worker');
    const slot = restarted.workers.find((w) => w.restarts === 1)!;
    expect(slot).toBeTruthy();
    expect(pids).not.toContain(slot.pid);
    expect(await metric(admin, 'egress_guard_worker_restarts_total')).toBe(1);
    expect((await adminJson(admin, '/readyz')).status).toBe(200);
    const died = gw.logs().find((l) => l.msg === 'worker died unexpectedly; restarting')!;
    expect(died).toMatchObject({ pid: pids[0], signal: 'SIGKILL', restartInMs: 100 });
    expect((await send(proxy, `http://api.partner.example:${port}/after-restart`)).status).toBe(200);

    const current = restarted.workers.map((w) => w.pid);
    const hanging = send(proxy, `http://api.partner.example:${port}/hang?delay=10000`).catch(() => 'reset');
    await until(() => workers(admin), (w) => w.workers.some((x) => x.inFlight === 1), 'the hanging request in flight');
    const started = Date.now();
    gw.child.kill('SIGTERM');
    await until(() => gw.logs().some((l) => l.msg === 'draining'), Boolean, 'the drain');
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await hanging).toBe('reset');
    await until(() => current.filter(alive), (left) => left.length === 0, 'every worker gone', 2_000);
    expect(gw.logs().some((l) => l.msg === 'second signal: exiting now')).toBe(true);
  });
});
