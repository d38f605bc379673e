/**
 * The cost of TLS interception (README "HTTPS"), against plain HTTP inspection, in the same run.
 * Standalone: `npm run build && node dist/bench/tls.js [--duration S] [--rounds N]
 * [--connections C] [--no-pin] [--smoke]`.
 *
 * One gateway process (`serve --workers 1`, audit lines to a file), one sink process (an HTTP
 * and an HTTPS server on loopback; the HTTPS certificate from a CA made here, trusted by the
 * gateway through tls.extra_upstream_ca_files), and this process as the load generator: C
 * closed-loop clients through undici's ProxyAgent, the same 2 KiB JSON body carrying one resident
 * ID number that the destination's policy masks (so every request is read, decided, rewritten
 * and forwarded). Cases, interleaved round by round:
 *
 * - http        http:// through a CONNECT tunnel (cleartext inside: the gateway inspects it) to
 *               the HTTP sink: plain HTTP inspection
 * - intercept   https:// through a CONNECT tunnel: the gateway terminates TLS with a leaf from
 *               the operator CA, inspects, and forwards over verified TLS to the HTTPS sink;
 *               keep-alive on both sides
 * - intercept, new connection per request   as above with `Connection: close`: every request
 *               pays a CONNECT and a client handshake (leaf from the cache, session resumed)
 *
 * Figures per case, the median of the rounds (each round starts with another case): req/s, p50
 * and p99 latency, and the gateway process's CPU time per request (from /proc), the cost that
 * does not depend on what limits the load generator; then the ratios intercept / http. With
 * taskset and ≥ 2 CPUs the gateway gets the last CPU, the sink and the load generator the first
 * (`--no-pin`: none). Results also go to bench/results/tls-<time>.json. BENCH_DEBUG=1 prints the
 * body of a non-200 answer; BENCH_KEEP=1 keeps the temporary directory (policy, audit trail).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProxyAgent, request } from 'undici';
import { createOperatorCa, loadOperatorCa } from '../src/tls/ca.js';
import { mintLeaf, prepareSigner } from '../src/tls/leaf.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SINK_NAME = 'sink.partner.example';
const ID_CARD = '11010519491231002X';

interface Options {
  readonly durationS: number;
  readonly rounds: number;
  readonly connections: number;
}

interface Figure {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
  /** The gateway process's CPU time (user + system) per request, µs: the cost of a request to
   *  the gateway whatever limits the load generator. */
  readonly cpuUsPerRequest: number;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

type CaseName = 'http' | 'intercept' | 'intercept-new-conn';

function parseArgs(argv: readonly string[]): Options & { readonly smoke: boolean } {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const smoke = argv.includes('--smoke');
  return { smoke, durationS: value('--duration', smoke ? 1 : 5), rounds: value('--rounds', smoke ? 1 : 3), connections: value('--connections', 8) };
}

/** A JSON body of about 2 KiB with one ID number (masked by the policy) and filler fields. */
function body(): string {
  const filler = Array.from({ length: 40 }, (_, i) => `"field${i}":"value number ${i} of an ordinary order record"`).join(',');
  return `{"customer":{"idCard":"${ID_CARD}","tier":"gold"},${filler}}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pinnedArgv(cpu: number | null, argv: readonly string[]): string[] {
  return cpu === null ? [...argv] : ['taskset', '-c', String(cpu), ...argv];
}

/** Sink mode (`--sink CERT KEY`): an HTTP and an HTTPS server; prints their ports as JSON. */
async function runSink(certFile: string, keyFile: string): Promise<void> {
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      const text = `{"ok":true,"received":${n}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  };
  const http = createHttpServer({ keepAliveTimeout: 10_000 }, answer);
  const https = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), keepAliveTimeout: 10_000 }, answer);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  process.stdout.write(`${JSON.stringify({ http: (http.address() as AddressInfo).port, https: (https.address() as AddressInfo).port })}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

async function waitReady(adminPort: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      get({ host: '127.0.0.1', port: adminPort, path: '/readyz' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error('the gateway did not become ready');
}

/** C closed-loop clients for `durationS`: every latency kept, req/s over the whole window. */
async function load(send: () => Promise<number>, connections: number, durationS: number, gatewayPid: number): Promise<Figure> {
  const cpuBefore = cpuSeconds(gatewayPid);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationS * 1_000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const status = await send();
          if (status !== 200) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const cpuUsPerRequest = ((cpuSeconds(gatewayPid) - cpuBefore) * 1e6) / Math.max(1, latencies.length);
  return { rps: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), requests: latencies.length, errors, cpuUsPerRequest };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--sink') return runSink(argv[1]!, argv[2]!);
  const options = parseArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'eg-bench-tls-'));
  const children: ChildProcess[] = [];
  const canPin = !argv.includes('--no-pin') && cpus().length >= 2 && spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;
  const serverCpu = canPin ? cpus().length - 1 : null;
  const loadCpu = canPin ? 0 : null;
  if (loadCpu !== null) spawnSync('taskset', ['-pc', String(loadCpu), String(process.pid)], { stdio: 'ignore' });
  try {
    // The operator CA (clients trust it) and a "public" CA for the sink's certificate.
    const operator = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, commonName: 'bench operator CA' });
    const upstreamCa = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, commonName: 'bench upstream CA' });
    const sinkLeaf = await mintLeaf(await prepareSigner(loadOperatorCa(upstreamCa.certPem, upstreamCa.keyPem, { cert: 'upstream', key: 'upstream' })), SINK_NAME, 24 * 3_600_000);
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    };
    const paths = {
      caCert: file('ca.crt', operator.certPem),
      caKey: file('ca.key', operator.keyPem),
      upstreamCa: file('upstream-ca.pem', upstreamCa.certPem),
      sinkCert: file('sink.crt', sinkLeaf.certPem),
      sinkKey: file('sink.key', sinkLeaf.keyPem),
    };

    const sinkArgv = pinnedArgv(loadCpu, [process.execPath, fileURLToPath(import.meta.url), '--sink', paths.sinkCert, paths.sinkKey]);
    const sink = spawn(sinkArgv[0]!, sinkArgv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(sink);
    const ports = await new Promise<{ http: number; https: number }>((resolve, reject) => {
      sink.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as { http: number; https: number }));
      sink.once('exit', (code) => reject(new Error(`the sink exited with ${code}`)));
    });

    const policyPath = file(
      'policy.yaml',
      `version: 1
resolve:
  ${SINK_NAME}: 127.0.0.1
tls:
  ca_cert_file: ${paths.caCert}
  ca_key_file: ${paths.caKey}
  extra_upstream_ca_files: [${paths.upstreamCa}]
destinations:
  - name: bench-partner
    jurisdiction: DE
    hosts: [${SINK_NAME}]
    tls: intercept
    actions:
      categories: { pi.id_card: redact }
`,
    );
    const [proxyPort, adminPort] = [await freePort(), await freePort()];
    const gatewayArgv = pinnedArgv(serverCpu, [
      process.execPath, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--workers', '1',
      '--policy', policyPath, '--listen', `127.0.0.1:${proxyPort}`, '--admin', `127.0.0.1:${adminPort}`,
      '--audit', join(dir, 'audit.ndjson'), '--log-level', 'warn', '--no-watch', '--drain-timeout', '1000',
    ]);
    // In the temporary directory, so that nothing it may write by default (a volume store)
    // lands in the working tree; a fixed audit key keeps its start-up warning out of the output.
    const gateway = spawn(gatewayArgv[0]!, gatewayArgv.slice(1), {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, EG_AUDIT_KEY: randomBytes(32).toString('hex') },
    });
    children.push(gateway);
    await waitReady(adminPort, gateway);

    const proxy = `http://127.0.0.1:${proxyPort}`;
    const payload = body();
    const agents = {
      http: new ProxyAgent({ uri: proxy, connections: options.connections }),
      intercept: new ProxyAgent({ uri: proxy, connections: options.connections, requestTls: { ca: operator.certPem } }),
    };
    const send = (agent: ProxyAgent, url: string, close = false) => async () => {
      // A fresh object per request: undici's ProxyAgent writes `host` into the one it is given.
      const headers: Record<string, string> = close ? { 'content-type': 'application/json', connection: 'close' } : { 'content-type': 'application/json' };
      const res = await request(url, { method: 'POST', body: payload, headers, dispatcher: agent });
      if (res.statusCode !== 200 && process.env['BENCH_DEBUG']) process.stderr.write(`${res.statusCode} ${await res.body.text()}\n`);
      else await res.body.dump();
      return res.statusCode;
    };
    const cases: Record<CaseName, () => Promise<number>> = {
      http: send(agents.http, `http://${SINK_NAME}:${ports.http}/orders`),
      intercept: send(agents.intercept, `https://${SINK_NAME}:${ports.https}/orders`),
      'intercept-new-conn': send(agents.intercept, `https://${SINK_NAME}:${ports.https}/orders`, true),
    };

    // Sanity: every case answers 200 before anything is measured.
    for (const [name, fn] of Object.entries(cases)) {
      const status = await fn();
      if (status !== 200) throw new Error(`case ${name}: status ${status}`);
    }
    // Warm-up (JIT, leaf cache, upstream pools).
    for (const fn of Object.values(cases)) await load(fn, options.connections, Math.min(1, options.durationS), gateway.pid!);

    const figures: Record<CaseName, Figure[]> = { http: [], intercept: [], 'intercept-new-conn': [] };
    const names = Object.keys(cases) as CaseName[];
    for (let round = 0; round < options.rounds; round++) {
      // Each round starts with another case: no case always follows the same one.
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length]!;
        figures[name].push(await load(cases[name], options.connections, options.durationS, gateway.pid!));
      }
    }
    await Promise.all(Object.values(agents).map((a) => a.close()));

    const summary = Object.fromEntries(
      (Object.keys(figures) as CaseName[]).map((name) => {
        const f = figures[name];
        return [name, { rps: median(f.map((x) => x.rps)), p50Ms: median(f.map((x) => x.p50Ms)), p99Ms: median(f.map((x) => x.p99Ms)), requests: f.reduce((n, x) => n + x.requests, 0), errors: f.reduce((n, x) => n + x.errors, 0), cpuUsPerRequest: median(f.map((x) => x.cpuUsPerRequest)) }];
      }),
    ) as Record<CaseName, Figure>;

    const line = (name: string, f: Figure) => `${name.padEnd(38)} ${f.rps.toFixed(0).padStart(8)} ${f.p50Ms.toFixed(2).padStart(9)} ${f.p99Ms.toFixed(2).padStart(9)} ${f.cpuUsPerRequest.toFixed(0).padStart(12)} ${String(f.errors).padStart(7)}`;
    const out: string[] = [
      `TLS interception vs plain HTTP inspection — ${options.connections} connections, ${options.rounds} × ${options.durationS} s per case (median), 2 KiB JSON, ID number masked`,
      `pinning: ${canPin ? `gateway on CPU ${serverCpu}, sink and load on CPU ${loadCpu}` : 'none'}; Node ${process.version}; ${cpus().length} CPUs`,
      `${'case'.padEnd(38)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'gw CPU µs/req'.padStart(12)} ${'errors'.padStart(7)}`,
      line('http (CONNECT, cleartext inspected)', summary.http),
      line('https intercepted (keep-alive)', summary.intercept),
      line('https intercepted (new conn/request)', summary['intercept-new-conn']),
      `intercept / http: req/s ${(summary.intercept.rps / summary.http.rps).toFixed(2)}×, p99 ${(summary.intercept.p99Ms / summary.http.p99Ms).toFixed(2)}×, gateway CPU per request ${(summary.intercept.cpuUsPerRequest / summary.http.cpuUsPerRequest).toFixed(2)}×`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    const results = join(ROOT, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, `tls-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify({ options, summary, rounds: figures }, null, 2)}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    if (process.env['BENCH_KEEP']) process.stderr.write(`kept ${dir}\n`); else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/tls: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
