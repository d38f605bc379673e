/**
 * End to end on loopback, every process pinned (see util.ts `pinning`): wrk on the load CPU;
 * the proxy under test and the sink on the server CPU.
 *
 * Targets, same body, same wrk settings, interleaved:
 * - gateway      `node dist/src/cli/main.js serve` with the default policy plus a `resolve:`
 *                pin of the sink's name (policy.ts): inspection on, destination abroad,
 *                audit lines written to a file
 * - unread       at 2 KiB only, the same gateway with `inspect: never` and `uninspectable: allow`
 *                on the sink's zone (policy.ts): the body is relayed unread, every other stage
 *                runs; what the gateway's request costs apart from reading and inspecting the body
 * - passthrough  the http-proxy forward proxy of servers.ts (no inspection)
 * - forwarder    at 2 KiB only, the gateway's forwarding mechanics without its own work
 *                (servers.ts): a reference for the CPU the gateway's per-request work costs
 * - direct       wrk straight to the sink
 * Bodies: 2 KiB, 64 KiB, 1 MiB clean JSON (forwarded unchanged), and at 2 KiB a mix where every
 * 10th request carries a mobile number the default abroad actions redact.
 * Figures: req/s, p50/p99 latency (wrk --latency), CPU % of one core and peak RSS of the proxy
 * process (from /proc; for "direct", the sink's).
 *
 * Memory: RSS of a fresh proxy process while 1,000 clients upload 1 MiB each, slowly, at once
 * (slow-uploads.ts), for the gateway and for the passthrough.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, get, request } from 'node:http';
import { join } from 'node:path';
import { cleanBody, largeBody, redactableBody } from './corpus.js';
import { benchPolicyText, SINK_HOST } from './policy.js';
import { cpuSeconds, freePort, hasTool, median, pinned, RssSampler, ROOT, sleep, type Pinning } from './util.js';
import type { UploadOutcome } from './slow-uploads.js';
import { GATEWAY_NODE_FLAGS } from '../src/config/node-flags.js';

export interface GatewayBenchOptions {
  readonly seed: number;
  readonly tmpDir: string;
  readonly pin: Pinning;
  /** Seconds per measured wrk run (from 3 s on, a warm-up run of a third of it comes first). */
  readonly durationS: number;
  /** Seconds of load each target gets before its first measured run (at least the warm-up run
   *  above): a fresh gateway process needs ~10 s of traffic before V8 has compiled its paths,
   *  and a gateway runs for days, so its first seconds are not its figure. 0 in smoke runs. */
  readonly firstWarmupS: number;
  /** Interleaved rounds at 2 KiB and for the redacted mix (median); other sizes run once. */
  readonly rounds: number;
  readonly connections: number;
  /** Body sizes to run; 2048 is always first. */
  readonly sizes: readonly number[];
  readonly mix: boolean;
  /** The memory test: uploads, bytes each, deadline. */
  readonly memory: { readonly count: number; readonly bytes: number; readonly chunk: number; readonly intervalMs: number; readonly deadlineMs: number } | null;
  readonly parts: { readonly wrk: boolean; readonly memory: boolean };
  /** The stall test: MiB of the large body (0: skipped), pings every `pingMs`. */
  readonly stall: { readonly bodyMiB: number; readonly pingMs: number; readonly runs: number } | null;
}

export type Target = 'gateway' | 'unread' | 'passthrough' | 'forwarder' | 'direct';

export interface WrkFigure {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  readonly errors: number;
  readonly cpuPct: number;
  readonly rssMiB: number;
}

export interface WrkRow {
  readonly case: string;
  readonly bytes: number;
  readonly connections: number;
  readonly target: Target;
  readonly figure: WrkFigure;
  readonly rounds: number;
}

export interface MemoryRow {
  readonly target: 'gateway' | 'passthrough';
  readonly peakRssMiB: number;
  readonly idleRssMiB: number;
  readonly outcome: UploadOutcome | { readonly error: string };
}

/** One large upload through a proxy while small requests ping through it. */
export interface StallFigure {
  /** The large upload: status (or error) and wall time. */
  readonly status: string;
  readonly uploadMs: number;
  /** The proxy process's own event-loop max delay over the upload (prom-client's
   *  nodejs_eventloop_lag_max_seconds, from perf_hooks.monitorEventLoopDelay); null for the
   *  passthrough, which has no /metrics. */
  readonly loopMaxMs: number | null;
  /** 2 KiB POSTs sent one after another (a new one `pingMs` after the previous answer) while
   *  the upload was in flight. */
  readonly pings: number;
  readonly pingP50Ms: number;
  readonly pingMaxMs: number;
  /** The same pings for 2 s before the upload, without it: what the shared machine alone does to
   *  the event loop and to ping latency. */
  readonly idleLoopMaxMs: number | null;
  readonly idlePingMaxMs: number;
}

export interface StallRow {
  readonly target: 'gateway' | 'gateway, inline' | 'passthrough';
  readonly bodyBytes: number;
  /** The worst of the runs (by event-loop max, else ping max), made after `loadS` of 2 KiB load. */
  readonly figure: StallFigure;
  readonly runs: StallFigure[];
  /** The first large upload into the fresh process, before that load; null when there was none
   *  (smoke runs). */
  readonly cold: StallFigure | null;
  /** Seconds of 2 KiB load (wrk) between the cold upload and the runs. */
  readonly loadS: number;
}

export interface GatewayResult {
  readonly wrk: WrkRow[] | { readonly skipped: string };
  readonly stall: StallRow[] | { readonly skipped: string };
  readonly preflight: Record<string, string>;
  readonly memory: MemoryRow[] | { readonly skipped: string };
  readonly seconds: number;
}

interface Server {
  readonly proc: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

function waitExit(proc: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, ms);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Starts `servers.js sink|passthrough` pinned; it prints {"port":N}. */
async function startBenchServer(pin: Pinning, args: string[]): Promise<Server> {
  const argv = pinned(pin, pin.serverCpu, [process.execPath, join(ROOT, 'dist', 'bench', 'servers.js'), ...args]);
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`${args[0]} did not start`)), 10_000);
    proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve((JSON.parse(buf.slice(0, nl)) as { port: number }).port);
      }
    });
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited (${code})`)));
  });
  return {
    proc,
    port,
    stop: async () => {
      proc.kill('SIGTERM');
      await waitExit(proc, 3_000);
    },
  };
}

/** Starts the product's CLI gateway pinned, waits for /healthz. One process (`--workers 1`,
 *  `serve` defaults to one per CPU): the per-process figure, against the single-process
 *  http-proxy. */
async function startCliGateway(o: GatewayBenchOptions, name: string, extra: { maxBodyMiB?: number; unread?: boolean; env?: Record<string, string> } = {}): Promise<Server & { admin: number }> {
  const policy = join(o.tmpDir, `bench-policy-${name}.yaml`);
  writeFileSync(policy, benchPolicyText({ ...(extra.maxBodyMiB === undefined ? {} : { maxBodyMiB: extra.maxBodyMiB }), unread: extra.unread === true }));
  const port = await freePort();
  const admin = await freePort();
  const argv = pinned(o.pin, o.pin.serverCpu, [
    // Started as deploy/ starts it (src/config/node-flags.ts); the baselines run on plain node.
    process.execPath, ...GATEWAY_NODE_FLAGS, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--workers', '1',
    '--policy', policy, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${admin}`,
    '--audit', join(o.tmpDir, `audit-${name}.ndjson`), '--log-level', 'warn', '--no-watch', '--drain-timeout', '1000',
  ]);
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, EG_POLICY_WATCH: 'off', ...extra.env } });
  const until = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`gateway exited (${proc.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const r = get({ host: '127.0.0.1', port: admin, path: '/healthz', timeout: 500 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      r.on('error', () => resolve(false));
      r.on('timeout', () => r.destroy());
    });
    if (ok) break;
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error('gateway did not become healthy');
    }
    await sleep(100);
  }
  return {
    proc,
    port,
    admin,
    stop: async () => {
      proc.kill('SIGTERM');
      await waitExit(proc, 5_000);
    },
  };
}

/** One request through a proxy: status and the gateway's error code, if any. */
function probe(port: number, target: string, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: target, headers: { host: new URL(target).host, 'content-type': 'application/json', 'content-length': body.length }, agent: false, timeout: 10_000 },
      (res) => {
        let answer = '';
        res.on('data', (c: Buffer) => (answer += c.toString()));
        res.on('end', () => resolve(`${res.statusCode}${res.headers['x-egress-error'] ? ` ${String(res.headers['x-egress-error'])}` : ''} ${answer.slice(0, 60)}`));
      },
    );
    req.on('error', (err) => resolve(`error ${err.message}`));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** The proxy's event-loop max delay since the previous scrape (prom-client resets it on each). */
function loopMaxMs(admin: number): Promise<number | null> {
  return new Promise((resolve) => {
    const r = get({ host: '127.0.0.1', port: admin, path: '/metrics', timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const m = /eventloop_lag_max_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)/.exec(text);
        resolve(m ? Number(m[1]) * 1e3 : null);
      });
    });
    r.on('error', () => resolve(null));
    r.on('timeout', () => r.destroy());
  });
}

/** One keep-alive POST through the proxy; resolves its latency in ms (NaN on failure). */
function ping(port: number, target: string, body: Buffer, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: target, headers: { host: new URL(target).host, 'content-type': 'application/json', 'content-length': body.length }, agent, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : NaN));
      },
    );
    req.on('error', () => resolve(NaN));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** A large upload through the proxy on `port` while 2 KiB requests ping through it. */
async function stallRun(port: number, admin: number | null, target: string, big: Buffer, small: Buffer, pingMs: number): Promise<StallFigure> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await ping(port, target, small, agent);
  const pingWhile = async <T>(work: Promise<T>): Promise<{ result: T; latencies: number[] }> => {
    let done = false;
    const latencies: number[] = [];
    const pinger = (async () => {
      while (!done) {
        latencies.push(await ping(port, target, small, agent));
        await sleep(pingMs);
      }
    })();
    const result = await work;
    done = true;
    await pinger;
    return { result, latencies: latencies.filter((x) => Number.isFinite(x)) };
  };
  if (admin !== null) await loopMaxMs(admin);
  const idle = await pingWhile(sleep(2_000));
  const idleLoop = admin === null ? null : await loopMaxMs(admin);
  const t0 = performance.now();
  const { result: status, latencies: ok } = await pingWhile(probe(port, target, big));
  const uploadMs = performance.now() - t0;
  const loop = admin === null ? null : await loopMaxMs(admin);
  agent.destroy();
  return {
    status: status.slice(0, 40), uploadMs, loopMaxMs: loop, pings: ok.length, pingP50Ms: median(ok), pingMaxMs: ok.length > 0 ? Math.max(...ok) : NaN,
    idleLoopMaxMs: idleLoop, idlePingMaxMs: idle.latencies.length > 0 ? Math.max(...idle.latencies) : NaN,
  };
}

interface WrkJson {
  requests: number;
  durationUs: number;
  statusErrors: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/** One wrk run against `url`; samples the CPU and RSS of `watchPid` meanwhile. */
async function wrk(o: GatewayBenchOptions, url: string, args: string[], seconds: number, connections: number, watchPid: number): Promise<WrkFigure> {
  const argv = pinned(o.pin, o.pin.loadCpu, ['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', join(ROOT, 'bench', 'wrk-post.lua'), url, '--', ...args]);
  const cpu0 = cpuSeconds(watchPid);
  const rss = new RssSampler(watchPid, 200);
  const t0 = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const kill = setTimeout(() => p.kill('SIGKILL'), (seconds + 30) * 1000);
    p.on('exit', (code) => {
      clearTimeout(kill);
      if (code !== 0) reject(new Error(`wrk exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve(stdout);
    });
  });
  const wallS = (performance.now() - t0) / 1e3;
  const cpu = cpuSeconds(watchPid) - cpu0;
  const rssMiB = rss.stop();
  const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
  if (line === undefined) throw new Error(`wrk printed no figures: ${out.slice(0, 300)}`);
  const j = JSON.parse(line) as WrkJson;
  return {
    rps: j.requests / (j.durationUs / 1e6),
    p50Ms: j.p50Us / 1e3,
    p99Ms: j.p99Us / 1e3,
    maxMs: j.maxUs / 1e3,
    requests: j.requests,
    errors: j.statusErrors + j.connectErrors + j.readErrors + j.writeErrors + j.timeouts,
    cpuPct: (cpu / wallS) * 100,
    rssMiB,
  };
}

/** Runs a command to its end (killed after `ms`); its output. */
function runBounded(argv: readonly string[], ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const kill = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

function medianFigure(fs: readonly WrkFigure[]): WrkFigure {
  const m = (k: keyof WrkFigure) => median(fs.map((f) => f[k]));
  return { rps: m('rps'), p50Ms: m('p50Ms'), p99Ms: m('p99Ms'), maxMs: m('maxMs'), requests: m('requests'), errors: Math.max(...fs.map((f) => f.errors)), cpuPct: m('cpuPct'), rssMiB: Math.max(...fs.map((f) => f.rssMiB)) };
}

/** The warm-up run before each case: a third of a measured run, at least 1 s. */
export function warmupSeconds(durationS: number): number {
  return Math.max(1, Math.round(durationS / 3));
}

export async function runGatewayBench(o: GatewayBenchOptions, log: (s: string) => void = () => {}): Promise<GatewayResult> {
  const started = performance.now();
  mkdirSync(o.tmpDir, { recursive: true });
  const preflight: Record<string, string> = {};
  let wrkRows: GatewayResult['wrk'] = { skipped: 'wrk not installed (Debian package wrk)' };
  let memory: GatewayResult['memory'] = { skipped: 'not asked for' };
  let stall: GatewayResult['stall'] = { skipped: 'not asked for' };

  const sink = await startBenchServer(o.pin, ['sink']);
  try {
    const sinkUrl = `http://${SINK_HOST}:${sink.port}/ingest`;
    if (o.parts.wrk && hasTool('wrk')) {
      const gateway = await startCliGateway(o, 'wrk');
      const unread = await startCliGateway(o, 'unread', { unread: true });
      const passthrough = await startBenchServer(o.pin, ['passthrough', `${SINK_HOST}=127.0.0.1`]);
      const forwarder = await startBenchServer(o.pin, ['forwarder', `${SINK_HOST}=127.0.0.1`]);
      try {
        const files = new Map<number, string>();
        for (const size of o.sizes) {
          const f = join(o.tmpDir, `body-${size}.json`);
          writeFileSync(f, cleanBody(o.seed + size, size));
          files.set(size, f);
        }
        const redactFile = join(o.tmpDir, 'body-2048-redact.json');
        writeFileSync(redactFile, redactableBody(o.seed + 1, 2048));
        // Preflight: the clean body is forwarded, the mix body is redacted and forwarded.
        preflight['gateway clean 2 KiB'] = await probe(gateway.port, sinkUrl, readFileSync(files.get(2048)!));
        preflight['gateway mix 2 KiB (redacted)'] = await probe(gateway.port, sinkUrl, readFileSync(redactFile));
        preflight['gateway unread 2 KiB'] = await probe(unread.port, sinkUrl, readFileSync(files.get(2048)!));
        preflight['passthrough clean 2 KiB'] = await probe(passthrough.port, sinkUrl, readFileSync(files.get(2048)!));
        preflight['forwarder clean 2 KiB'] = await probe(forwarder.port, sinkUrl, readFileSync(files.get(2048)!));
        const audit = readFileSync(join(o.tmpDir, 'audit-wrk.ndjson'), 'utf8').trim().split('\n').slice(-2);
        preflight['gateway audit actions'] = audit.map((l) => (JSON.parse(l) as { action?: string }).action ?? '?').join(', ');
        log(`preflight: ${JSON.stringify(preflight)}`);

        const targets: Array<{ target: Target; url: string; reqTarget: string; pid: number }> = [
          { target: 'gateway', url: `http://127.0.0.1:${gateway.port}`, reqTarget: sinkUrl, pid: gateway.proc.pid! },
          { target: 'unread', url: `http://127.0.0.1:${unread.port}`, reqTarget: sinkUrl, pid: unread.proc.pid! },
          { target: 'passthrough', url: `http://127.0.0.1:${passthrough.port}`, reqTarget: sinkUrl, pid: passthrough.proc.pid! },
          { target: 'forwarder', url: `http://127.0.0.1:${forwarder.port}`, reqTarget: sinkUrl, pid: forwarder.proc.pid! },
          { target: 'direct', url: `http://127.0.0.1:${sink.port}`, reqTarget: '/ingest', pid: sink.proc.pid! },
        ];
        const rows: WrkRow[] = [];
        const warmS = warmupSeconds(o.durationS);
        const cases: Array<{ label: string; bytes: number; extra: string[]; rounds: number; connections: number; only?: Target[] }> = [];
        for (const size of o.sizes) {
          const label = size >= 2 ** 20 ? `${size / 2 ** 20} MiB` : `${size / 1024} KiB`;
          const key = size === 2048;
          cases.push({ label, bytes: size, extra: [], rounds: key ? o.rounds : 1, connections: size >= 2 ** 20 ? Math.min(4, o.connections) : o.connections, ...(key ? {} : { only: ['gateway', 'passthrough', 'direct'] as Target[] }) });
        }
        if (o.mix) cases.push({ label: '2 KiB, 10 % redacted', bytes: 2048, extra: [redactFile, '10'], rounds: o.rounds, connections: o.connections, only: ['gateway', 'passthrough'] });
        for (const c of cases) {
          const body = files.get(c.bytes)!;
          const active = targets.filter((t) => c.only === undefined || c.only.includes(t.target));
          // Warm-up (JIT, pools), not counted; smoke runs (1 s) skip it.
          const warm = c === cases[0] ? Math.max(warmS, o.firstWarmupS) : warmS;
          if (o.durationS >= 3) for (const t of active) await wrk(o, t.url, [body, t.reqTarget, ...c.extra], warm, c.connections, t.pid);
          const figs = new Map<Target, WrkFigure[]>();
          for (let r = 0; r < c.rounds; r++) {
            // Every other round in reverse: a drift in the machine's load falls on each target alike.
            for (const t of r % 2 === 0 ? active : [...active].reverse()) {
              const f = await wrk(o, t.url, [body, t.reqTarget, ...c.extra], o.durationS, c.connections, t.pid);
              figs.set(t.target, [...(figs.get(t.target) ?? []), f]);
            }
          }
          for (const t of active) {
            const figure = medianFigure(figs.get(t.target)!);
            rows.push({ case: c.label, bytes: c.bytes, connections: c.connections, target: t.target, figure, rounds: c.rounds });
            log(`${c.label} ${t.target}: ${figure.rps.toFixed(0)} req/s, p50 ${figure.p50Ms.toFixed(2)} ms, p99 ${figure.p99Ms.toFixed(2)} ms, cpu ${figure.cpuPct.toFixed(0)} %, rss ${figure.rssMiB.toFixed(0)} MiB, errors ${figure.errors}`);
          }
        }
        wrkRows = rows;
      } finally {
        await gateway.stop();
        await unread.stop();
        await passthrough.stop();
        await forwarder.stop();
      }
    }

    if (o.parts.wrk && o.stall !== null) {
      const st = o.stall;
      const big = largeBody(o.seed + 77, Math.round(st.bodyMiB * 2 ** 20), false);
      const small = cleanBody(o.seed + 2048, 2048);
      const smallFile = join(o.tmpDir, 'stall-ping.json');
      writeFileSync(smallFile, small);
      // A gateway in service has run its request path many times; a fresh one compiles it while
      // the first upload goes on (V8's compiler threads, at normal priority, share the core with
      // the loop: bench/README.md "Large bodies"). So the target's figure is taken after the same
      // load the throughput cases start with, and the fresh process's first upload is shown
      // beside it.
      const loadS = hasTool('wrk') ? o.firstWarmupS : 0;
      const rows: StallRow[] = [];
      // Threads as configured by default, then every body inline (EG_INSPECT_THREADS=0, what the
      // gateway did before the pool), then the passthrough; one fresh process each.
      const targets: Array<{ target: StallRow['target']; env: Record<string, string> | null }> = [
        { target: 'gateway' as const, env: {} },
        { target: 'gateway, inline' as const, env: { EG_INSPECT_THREADS: '0' } },
        { target: 'passthrough' as const, env: null },
      ];
      for (const t of targets) {
        const server = t.env === null ? await startBenchServer(o.pin, ['passthrough', `${SINK_HOST}=127.0.0.1`]) : await startCliGateway(o, 'stall', { maxBodyMiB: Math.max(32, st.bodyMiB * 2), env: t.env });
        const admin = 'admin' in server ? (server as { admin: number }).admin : null;
        try {
          // Warm-up with a body large enough for the thread, which starts on first use.
          await probe(server.port, sinkUrl, largeBody(o.seed + 78, Math.min(2 ** 20, big.length), false));
          let cold: StallFigure | null = null;
          if (loadS > 0) {
            cold = await stallRun(server.port, admin, sinkUrl, big, small, st.pingMs);
            log(`stall ${t.target}, first upload of a fresh process: ${JSON.stringify(cold)}`);
            await wrk(o, `http://127.0.0.1:${server.port}`, [smallFile, sinkUrl], loadS, o.connections, server.proc.pid!);
          }
          const runs: StallFigure[] = [];
          for (let r = 0; r < st.runs; r++) runs.push(await stallRun(server.port, admin, sinkUrl, big, small, st.pingMs));
          const worse = (a: StallFigure, b: StallFigure) => ((b.loopMaxMs ?? b.pingMaxMs) > (a.loopMaxMs ?? a.pingMaxMs) ? b : a);
          const figure = runs.reduce(worse);
          rows.push({ target: t.target, bodyBytes: big.length, figure, runs, cold, loadS });
          log(`stall ${t.target}: ${JSON.stringify(figure)}`);
        } finally {
          await server.stop();
        }
      }
      stall = rows;
    }

    if (o.parts.memory && o.memory !== null) {
      const m = o.memory;
      const bodyFile = join(o.tmpDir, `upload-${m.bytes}.json`);
      writeFileSync(bodyFile, cleanBody(o.seed + 99, m.bytes));
      const rows: MemoryRow[] = [];
      for (const target of ['gateway', 'passthrough'] as const) {
        const server = target === 'gateway' ? await startCliGateway(o, 'memory') : await startBenchServer(o.pin, ['passthrough', `${SINK_HOST}=127.0.0.1`]);
        try {
          await probe(server.port, sinkUrl, readFileSync(bodyFile)); // warm
          await sleep(300);
          const sampler = new RssSampler(server.proc.pid!, 100);
          const idle = sampler.max;
          const argv = pinned(o.pin, o.pin.loadCpu, [
            process.execPath, join(ROOT, 'dist', 'bench', 'slow-uploads.js'), String(server.port), sinkUrl, bodyFile,
            String(m.count), String(m.chunk), String(m.intervalMs), String(m.deadlineMs),
          ]);
          // Async, so the sampler's timer keeps running while the client works.
          const r = await runBounded(argv, m.deadlineMs + 15_000);
          const peak = sampler.stop();
          let outcome: MemoryRow['outcome'];
          try {
            outcome = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as UploadOutcome;
          } catch {
            outcome = { error: `client failed (${r.code}): ${r.stderr.slice(0, 200)}` };
          }
          rows.push({ target, peakRssMiB: peak, idleRssMiB: idle, outcome });
          log(`memory ${target}: peak RSS ${peak.toFixed(0)} MiB (idle ${idle.toFixed(0)}), ${JSON.stringify(outcome)}`);
        } finally {
          await server.stop();
        }
      }
      memory = rows;
    }
  } finally {
    await sink.stop();
  }
  return { wrk: wrkRows, stall, preflight, memory, seconds: (performance.now() - started) / 1e3 };
}
