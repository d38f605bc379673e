#!/usr/bin/env node
/**
 * Requests per second of the gateway with `serve --workers 1` and `--workers 2`, on loopback,
 * and the ratio. Standalone (not part of bench/run.ts):
 *
 *   npm run build && node dist/bench/workers.js [--seconds 5] [--connections 32] [--client auto|wrk|undici] [--workers 1,2] [--rounds 3] [--records 10]
 *
 * The gateway is the built CLI, as deployed: forward-proxy requests (absolute-form POSTs with a
 * JSON body of `--records` customer records holding names, mobile numbers and e-mail addresses,
 * about 1.3 KB for the default 10, so every request is parsed, classified, masked, forwarded and
 * audited to a file) to an upstream on loopback that answers at once. Only 2xx answers count. The load comes from
 * another process: wrk when it is installed (C, light on CPU), else a small undici client (this
 * same file with --load), keeping `--connections` requests in flight. The upstream runs in this
 * process. On a machine with few cores the load generator and the upstream compete with the
 * workers for CPU: the figure printed says how many cores there were, and the load average
 * before the run (other work on the machine skews it). Rounds alternate the configurations
 * (1, 2, 1, 2, ...) and the median of each is reported, so a burst of other work hits both.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool } from 'undici';

const SELF = fileURLToPath(import.meta.url);
const CLI = join(SELF, '../../src/cli/main.js');
/** A JSON body of `records` customer records, each with a name, a mobile number and an e-mail
 *  address (all found and masked on the way abroad). */
function body(records: number): string {
  const customers = Array.from({ length: records }, (_, i) => ({
    id: `C-${i}`, name: 'Li Lei', mobile: `139${String(10_000_000 + i)}`, email: `li${i}@example.com`, city: 'Shanghai', note: 'prefers evening delivery',
  }));
  return JSON.stringify({ batch: 'B-1001', customers });
}
let BODY = body(10);
const HOST = 'api.partner.example';

interface Options {
  seconds: number;
  warmup: number;
  connections: number;
  client: 'auto' | 'wrk' | 'undici';
  workers: number[];
  rounds: number;
  records: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 5, warmup: 1, connections: 32, client: 'auto', workers: [1, 2], rounds: 1, records: 10 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds') o.seconds = Number(value);
    else if (flag === '--warmup') o.warmup = Number(value);
    else if (flag === '--connections') o.connections = Number(value);
    else if (flag === '--client') o.client = value as Options['client'];
    else if (flag === '--workers') o.workers = String(value).split(',').map(Number);
    else if (flag === '--rounds') o.rounds = Math.max(1, Number(value));
    else if (flag === '--records') o.records = Math.max(1, Number(value));
    else continue;
    i++;
  }
  return o;
}

// ---- load client (a separate process) ------------------------------------------------------

async function load(proxy: string, url: string, connections: number, seconds: number): Promise<void> {
  const pool = new Pool(`http://${proxy}`, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const host = new URL(url).host;
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: url, body: BODY, headers: { host, 'content-type': 'application/json' } });
        await res.body.dump();
        if (res.statusCode === 200) ok += 1;
        else failed += 1;
      } catch {
        failed += 1;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
  process.stdout.write(`${JSON.stringify({ ok, failed, seconds: elapsed, rps: ok / elapsed, p99Ms: p99 })}\n`);
}

// ---- orchestration -----------------------------------------------------------------------------

const run = promisify(execFile);

async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']).catch((err: { stdout?: string; stderr?: string }) => {
      // wrk --version exits 1 after printing its version.
      if (!/wrk/.test(`${err.stdout ?? ''}${err.stderr ?? ''}`)) throw err;
    });
    return true;
  } catch {
    return false;
  }
}

async function startUpstream(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** CPU seconds (user + system) a process has used so far; null off Linux. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function startGateway(workers: number, dir: string): Promise<{ child: ChildProcess; proxy: string; pids: number[]; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--workers', String(workers), '--policy', join(dir, 'policy.yaml'), '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', join(dir, `audit-w${workers}.ndjson`), '--no-watch', '--drain-timeout', '2000'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, EG_LOG_FORMAT: 'json', EG_LOG_LEVEL: 'info' },
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = await new Promise<{ proxy: string; pids?: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const line = stderr.split('\n').find((l) => l.includes('egress-guard listening'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { proxy: string; pids?: number[] });
      }
    });
    child.once('exit', () => reject(new Error(`gateway exited: ${stderr}`)));
  });
  return {
    child,
    proxy: listening.proxy,
    // The primary (or the single process) and its workers.
    pids: [child.pid!, ...(listening.pids ?? [])],
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

interface Result {
  rps: number;
  failed: number;
  p99Ms: number | null;
  /** Gateway CPU time per answered request, all its processes (ms); null off Linux. */
  cpuMsPerRequest?: number | null;
}

async function measure(client: 'wrk' | 'undici', proxy: string, url: string, connections: number, seconds: number, dir: string, records: number): Promise<Result> {
  if (client === 'wrk') {
    const script = join(dir, 'post.lua');
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.path = "${url}"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["Host"] = "${new URL(url).host}"\nwrk.headers["Content-Type"] = "application/json"\n` +
        'done = function(summary, latency, requests)\n  io.write(string.format("EGRESULT %d %d %d %f\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration, latency:percentile(99)))\nend\n',
    );
    const threads = Math.max(1, Math.min(2, Math.floor(connections / 8)));
    const { stdout } = await run('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', script, `http://${proxy}`], { maxBuffer: 1 << 20 });
    const m = /EGRESULT (\d+) (\d+) (\d+) ([\d.]+)/.exec(stdout);
    if (!m) throw new Error(`unexpected wrk output: ${stdout}`);
    const requests = Number(m[1]);
    const errors = Number(m[2]);
    const durationS = Number(m[3]) / 1e6;
    return { rps: (requests - errors) / durationS, failed: errors, p99Ms: Number(m[4]) / 1000 };
  }
  const { stdout } = await run(process.execPath, [SELF, '--load', proxy, url, String(connections), String(seconds), String(records)], { maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout) as { rps: number; failed: number; p99Ms: number };
  return { rps: r.rps, failed: r.failed, p99Ms: r.p99Ms };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--load') {
    BODY = body(Number(argv[5] ?? 10));
    await load(argv[1]!, argv[2]!, Number(argv[3]), Number(argv[4]));
    return;
  }
  const options = parseArgs(argv);
  BODY = body(options.records);
  const client = options.client === 'auto' ? ((await hasWrk()) ? 'wrk' : 'undici') : options.client;
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-workers-'));
  const upstream = await startUpstream();
  writeFileSync(join(dir, 'policy.yaml'), `version: 1\nresolve:\n  ${HOST}: 127.0.0.1\ndestinations:\n  - name: partner\n    jurisdiction: US\n    hosts: [${HOST}]\n`);
  const url = `http://${HOST}:${upstream.port}/orders`;
  const cores = availableParallelism();
  process.stdout.write(
    `egress-guard workers bench: ${cpus()[0]?.model.trim() ?? 'cpu'}, ${cores} cores available, load average ${loadavg()[0]!.toFixed(2)}, node ${process.version}; client ${client}, ${options.connections} connections, ${options.records} records (${BODY.length} B) per body, ${options.seconds} s per run (+${options.warmup} s warm-up), ${options.rounds} round(s)\n`,
  );
  if (cores < options.workers.at(-1)! + 1) {
    process.stdout.write(`note: ${cores} cores for ${options.workers.at(-1)} workers, the primary, the upstream and the load client: the workers share CPUs with them\n`);
  }
  const results = new Map<number, Result[]>();
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const workers of options.workers) {
        const gw = await startGateway(workers, dir);
        try {
          if (options.warmup > 0) await measure(client, gw.proxy, url, options.connections, options.warmup, dir, options.records);
          const cpu = () => gw.pids.map(cpuSeconds).reduce<number | null>((sum, c) => (sum === null || c === null ? null : sum + c), 0);
          const before = cpu();
          const measured = await measure(client, gw.proxy, url, options.connections, options.seconds, dir, options.records);
          const after = cpu();
          const answered = measured.rps * options.seconds;
          const r = { ...measured, cpuMsPerRequest: before !== null && after !== null && answered > 0 ? ((after - before) * 1000) / answered : null };
          results.set(workers, [...(results.get(workers) ?? []), r]);
          process.stdout.write(
            `round ${round}, --workers ${workers}: ${Math.round(r.rps).toLocaleString('en-US')} req/s${r.p99Ms !== null ? `, p99 ${r.p99Ms.toFixed(1)} ms` : ''}${r.cpuMsPerRequest != null ? `, ${r.cpuMsPerRequest.toFixed(2)} ms CPU/request` : ''}${r.failed ? `, ${r.failed} failed` : ''}\n`,
          );
        } finally {
          const code = await gw.stop();
          if (code !== 0) process.stdout.write(`warning: --workers ${workers} exited with ${code}\n`);
        }
      }
    }
  } finally {
    upstream.server.closeAllConnections();
    upstream.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (rs: Result[]) => {
    const sorted = rs.map((r) => r.rps).sort((x, y) => x - y);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  for (const [workers, rs] of results) process.stdout.write(`--workers ${workers}: ${Math.round(median(rs)).toLocaleString('en-US')} req/s (median of ${rs.length})\n`);
  const [a, b] = options.workers;
  const ra = results.get(a!);
  const rb = results.get(b!);
  if (ra && rb) process.stdout.write(`ratio --workers ${b} / --workers ${a}: ${(median(rb) / median(ra)).toFixed(2)}x\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
