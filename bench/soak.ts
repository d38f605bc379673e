/**
 * Soak: `npm run soak [-- --requests N --concurrency N --max-rss-mib N --json]`, loopback only.
 *
 * Starts the real gateway (`serve --workers 1`, hash-chained audit trail in a temporary
 * directory) and local upstreams, sends N requests at a fixed concurrency through the proxy
 * (undici Pool, absolute-form requests), mixed in a fixed rotation:
 *   allowed     clean JSON abroad, PI to a domestic destination          → 200
 *   redacted    a mobile number / e-mail abroad (also gzip-encoded)       → 200, masked upstream
 *   blocked     a resident ID number abroad                               → 403
 *   malformed   truncated JSON, corrupt gzip abroad                       → 4xx with a code
 *   upstream    an upstream answering 500, one resetting the socket, a closed port → 500/502
 * Then checks, and exits 1 when one fails: the gateway is alive and healthy; every request got
 * an answer; the audit events equal the answers; `audit verify` passes on the trail; the peak
 * RSS (VmRSS, sampled every 100 ms) stayed under the bound; the file descriptors are back to
 * their count before the load once keep-alive sockets are closed; no redacted value reached
 * an upstream.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { isAuditEvent } from '../src/audit/event.js';
import { freePort, RssSampler, rssMiB, ROOT, sleep } from './util.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Options {
  readonly requests: number;
  readonly concurrency: number;
  readonly maxRssMiB: number;
  readonly json: boolean;
  readonly keep: boolean;
}

class UsageError extends Error {}

function options(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      requests: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '256' },
      'max-rss-mib': { type: 'string', default: '512' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
  return {
    requests: int('requests', values.requests, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    maxRssMiB: int('max-rss-mib', values['max-rss-mib'], 16),
    json: values.json ?? false,
    keep: values.keep ?? false,
  };
}

// ---- upstreams ---------------------------------------------------------------------------

// Values the gateway must mask or refuse: if one arrives upstream, redaction failed.
const PHONE = '13912345678';
const EMAIL = 'li.lei@example.org';
const ID_CARD = '11010519491231002X';

interface Upstreams {
  readonly ok: number;
  readonly failing: number;
  readonly resetting: number;
  readonly closed: number;
  /** Requests that reached an upstream carrying a value that should have been masked. */
  readonly leaks: number;
  readonly received: number;
  closeIdle(): void;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function startUpstreams(): Promise<Upstreams> {
  const state = { leaks: 0, received: 0 };
  const ok = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received++;
      const body = Buffer.concat(chunks).toString('latin1');
      const domestic = (req.headers.host ?? '').startsWith('cn.');
      if (!domestic && (body.includes(PHONE) || body.includes(EMAIL) || body.includes(ID_CARD))) state.leaks++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
  });
  const failing = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': 5 });
      res.end('oops\n');
    });
  });
  // Reads the request, then resets the connection instead of answering.
  const resetting = createServer((req) => {
    req.resume();
    req.on('end', () => (req.socket as Socket).resetAndDestroy());
  });
  const servers = [ok, failing, resetting];
  for (const s of servers) s.keepAliveTimeout = 5_000;
  const [okPort, failingPort, resettingPort] = await Promise.all(servers.map(listen));
  // A port that was free a moment ago and has no listener: connection refused.
  const closed = await freePort();
  return {
    ok: okPort!,
    failing: failingPort!,
    resetting: resettingPort!,
    closed,
    get leaks() {
      return state.leaks;
    },
    get received() {
      return state.received;
    },
    closeIdle: () => servers.forEach((s) => s.closeIdleConnections()),
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))))).then(() => {}),
  };
}

// ---- the mix -----------------------------------------------------------------------------

const HOST_ABROAD = 'api.soak.example';
const HOST_DOMESTIC = 'cn.soak.example';

function policyText(): string {
  // Both names are pinned to loopback (`resolve:` entries are the operator's own statement);
  // one is a domestic destination, the other falls in `unknown`: abroad, default actions.
  return `version: 1
mode: enforce
resolve:
  ${HOST_ABROAD}: 127.0.0.1
  ${HOST_DOMESTIC}: 127.0.0.1
destinations:
  - name: domestic
    jurisdiction: CN
    hosts: [${HOST_DOMESTIC}]
    actions:
      default: allow
`;
}

type Kind = 'allowed' | 'redacted' | 'blocked' | 'malformed' | 'upstream';

interface Shot {
  readonly kind: Kind;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function shots(up: Upstreams): Shot[] {
  const json = { 'content-type': 'application/json' };
  const at = (host: string, port: number, path: string) => `http://${host}:${port}${path}`;
  const clean = Buffer.from(JSON.stringify({ order: 'A-1001', items: [{ sku: 'X1', qty: 2 }], note: 'deliver after 6pm' }));
  const withPhone = Buffer.from(JSON.stringify({ name: 'order 7', contact: { mobile: PHONE }, note: 'call first' }));
  const withEmail = Buffer.from(`user=${encodeURIComponent(EMAIL)}&lang=en`);
  const withId = Buffer.from(JSON.stringify({ applicant: { idCard: ID_CARD } }));
  const corruptGzip = gzipSync(clean).subarray(0, 20);
  // Twenty slots: 8 allowed, 4 redacted, 3 blocked, 2 malformed, 3 upstream failures.
  return [
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/orders'), headers: json, body: clean },
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/orders?page=2'), headers: json, body: clean },
    { kind: 'allowed', url: at(HOST_DOMESTIC, up.ok, '/hr'), headers: json, body: withId },
    { kind: 'allowed', url: at(HOST_DOMESTIC, up.ok, '/crm'), headers: json, body: withPhone },
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/ping'), headers: {}, body: Buffer.alloc(0) },
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/orders'), headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(clean) },
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/notes'), headers: { 'content-type': 'text/plain' }, body: Buffer.from('nothing personal here') },
    { kind: 'allowed', url: at(HOST_ABROAD, up.ok, '/orders'), headers: json, body: clean },
    { kind: 'redacted', url: at(HOST_ABROAD, up.ok, '/contacts'), headers: json, body: withPhone },
    { kind: 'redacted', url: at(HOST_ABROAD, up.ok, '/signup'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: withEmail },
    { kind: 'redacted', url: at(HOST_ABROAD, up.ok, '/contacts'), headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(withPhone) },
    { kind: 'redacted', url: at(HOST_ABROAD, up.ok, '/notes'), headers: { 'content-type': 'text/plain' }, body: Buffer.from(`call ${PHONE} tomorrow`) },
    { kind: 'blocked', url: at(HOST_ABROAD, up.ok, '/apply'), headers: json, body: withId },
    { kind: 'blocked', url: at(HOST_ABROAD, up.ok, '/apply'), headers: { 'content-type': 'text/plain' }, body: Buffer.from(`身份证号 ${ID_CARD}`) },
    { kind: 'blocked', url: at(HOST_ABROAD, up.ok, '/apply'), headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(withId) },
    { kind: 'malformed', url: at(HOST_ABROAD, up.ok, '/orders'), headers: json, body: clean.subarray(0, 17) },
    { kind: 'malformed', url: at(HOST_ABROAD, up.ok, '/orders'), headers: { ...json, 'content-encoding': 'gzip' }, body: corruptGzip },
    { kind: 'upstream', url: at(HOST_ABROAD, up.failing, '/orders'), headers: json, body: clean },
    { kind: 'upstream', url: at(HOST_ABROAD, up.resetting, '/orders'), headers: json, body: clean },
    { kind: 'upstream', url: at(HOST_ABROAD, up.closed, '/orders'), headers: json, body: clean },
  ];
}

// ---- the gateway process -------------------------------------------------------------------

interface GatewayProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly proxyPort: number;
  readonly adminPort: number;
  readonly auditDir: string;
  readonly keyFile: string;
  stderrTail(): string;
}

async function startGatewayProcess(dir: string): Promise<GatewayProcess> {
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, policyText());
  const keyFile = join(dir, 'audit.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const auditDir = join(dir, 'trail');
  const [proxyPort, adminPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--workers', '1', '--policy', policyFile, '--no-watch', '--listen', `127.0.0.1:${proxyPort}`, '--admin', `127.0.0.1:${adminPort}`,
      '--audit-dir', auditDir, '--audit-key-file', keyFile, '--log-level', 'warn', '--log-format', 'json'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let tail = '';
  child.stderr!.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-4000)));
  const gw: GatewayProcess = { child, pid: child.pid!, proxyPort, adminPort, auditDir, keyFile, stderrTail: () => tail };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    if ((await adminStatus(adminPort, '/readyz')) === 200) return gw;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the gateway did not become ready in 10 s (exit ${child.exitCode}); its log:\n${tail}`);
}

async function adminStatus(port: number, path: string): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

function stop(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
    child.kill('SIGTERM');
  });
}

/** Request events in the trail (headers, trailers and other records are not answers). */
function countAuditEvents(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir).filter((f) => /\.ndjson(\.gz)?$/.test(f))) {
    const raw = readFileSync(join(dir, name));
    for (const line of (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line) as { kind?: unknown };
      if (isAuditEvent(record)) n++;
    }
  }
  return n;
}

// ---- the run -------------------------------------------------------------------------------

interface Figures {
  requests: number;
  concurrency: number;
  answers: number;
  transportErrors: number;
  byKind: Record<Kind, Record<string, number>>;
  auditEvents: number;
  chainVerified: boolean;
  /** VmRSS when the gateway was ready, before the load. */
  startRssMiB: number;
  maxRssMiB: number;
  fdBefore: number;
  fdAfter: number;
  durationS: number;
  requestsPerS: number;
  upstreamLeaks: number;
  alive: boolean;
  exit: number | string;
}

async function load(pool: Pool, mix: readonly Shot[], opts: Options, f: Figures): Promise<void> {
  let next = 0;
  const step = Math.max(10_000, Math.ceil(opts.requests / 10));
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.requests) return;
      if (!opts.json && i > 0 && i % step === 0) process.stderr.write(`  … ${i} sent, ${f.answers} answered\n`);
      const shot = mix[i % mix.length]!;
      const url = new URL(shot.url);
      try {
        const res = await pool.request({ method: 'POST', path: shot.url, headers: { ...shot.headers, host: url.host }, body: shot.body });
        await res.body.dump();
        f.answers++;
        const key = `${res.statusCode}${typeof res.headers['x-egress-error'] === 'string' ? ` ${res.headers['x-egress-error']}` : ''}`;
        f.byKind[shot.kind][key] = (f.byKind[shot.kind][key] ?? 0) + 1;
      } catch (err) {
        f.transportErrors++;
        const key = `error ${(err as { code?: string }).code ?? (err as Error).message}`;
        f.byKind[shot.kind][key] = (f.byKind[shot.kind][key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'eg-soak-'));
  const up = await startUpstreams();
  let gw: GatewayProcess | undefined;
  try {
    gw = await startGatewayProcess(dir);
    const mix = shots(up);
    const f: Figures = {
      requests: opts.requests, concurrency: opts.concurrency, answers: 0, transportErrors: 0,
      byKind: { allowed: {}, redacted: {}, blocked: {}, malformed: {}, upstream: {} },
      auditEvents: 0, chainVerified: false, startRssMiB: Math.round(rssMiB(gw.pid) * 10) / 10, maxRssMiB: 0, fdBefore: fdCount(gw.pid), fdAfter: NaN,
      durationS: 0, requestsPerS: 0, upstreamLeaks: 0, alive: false, exit: 'running',
    };
    const rss = new RssSampler(gw.pid, 100);
    const pool = new Pool(`http://127.0.0.1:${gw.proxyPort}`, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
    const t0 = performance.now();
    await load(pool, mix, opts, f);
    f.durationS = (performance.now() - t0) / 1000;
    f.requestsPerS = Math.round(opts.requests / f.durationS);
    await pool.close();
    f.alive = gw.child.exitCode === null && (await adminStatus(gw.adminPort, '/healthz')) === 200;
    // Keep-alive sockets on both sides are gone once the client pool and the upstreams' idle
    // connections are closed; the gateway notices within a moment.
    up.closeIdle();
    for (let i = 0; i < 100; i++) {
      f.fdAfter = fdCount(gw.pid);
      if (f.fdAfter <= f.fdBefore) break;
      await sleep(100);
    }
    f.maxRssMiB = Math.round(rss.stop() * 10) / 10;
    f.upstreamLeaks = up.leaks;
    // A clean stop flushes the trail; only then is every event on disk.
    f.exit = await stop(gw.child, 20_000);
    f.auditEvents = countAuditEvents(gw.auditDir);
    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--key-file', gw.keyFile, gw.auditDir], { encoding: 'utf8' });
    f.chainVerified = verify.status === 0;
    const checks: Array<[string, boolean, string]> = [
      ['gateway alive and healthy after the load', f.alive, f.alive ? 'yes' : `no (exit ${gw.child.exitCode})`],
      ['every request answered', f.answers === f.requests && f.transportErrors === 0, `${f.answers}/${f.requests}, ${f.transportErrors} transport errors`],
      ['audit events = answers', f.auditEvents === f.answers, `${f.auditEvents} events, ${f.answers} answers`],
      ['audit verify', f.chainVerified, f.chainVerified ? 'chain valid' : (verify.stdout + verify.stderr).trim().slice(0, 300)],
      ['peak RSS bounded', f.maxRssMiB > 0 && f.maxRssMiB <= opts.maxRssMiB, `${f.maxRssMiB} MiB peak, ${f.startRssMiB} MiB at start (bound ${opts.maxRssMiB} MiB)`],
      ['no fd leaked', f.fdAfter <= f.fdBefore, `${f.fdBefore} before, ${f.fdAfter} after`],
      ['no masked value reached an upstream', f.upstreamLeaks === 0, `${f.upstreamLeaks} leaks`],
      ['clean exit on SIGTERM', f.exit === 0, String(f.exit)],
      ['answers per kind as expected', expectedAnswers(f.byKind), JSON.stringify(f.byKind)],
    ];
    const failed = checks.filter(([, ok]) => !ok);
    if (opts.json) console.log(JSON.stringify({ ...f, checks: checks.map(([name, ok, detail]) => ({ name, ok, detail })) }));
    else {
      console.log(`egress-guard soak: ${f.requests} requests at concurrency ${f.concurrency}, ${f.durationS.toFixed(1)} s (${f.requestsPerS} req/s)`);
      for (const [kind, statuses] of Object.entries(f.byKind)) console.log(`  ${kind.padEnd(10)} ${Object.entries(statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
      for (const [name, ok, detail] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(42)} ${detail}`);
    }
    if (failed.length > 0 && gw.stderrTail()) console.error(`gateway log tail:\n${gw.stderrTail()}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    if (gw && gw.child.exitCode === null) await stop(gw.child, 5_000);
    await up.close();
    if (opts.keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Each kind got the answers its design says, and only those. */
function expectedAnswers(byKind: Figures['byKind']): boolean {
  const only = (kind: Kind, ok: (status: string) => boolean) => Object.keys(byKind[kind]).every(ok);
  return (
    only('allowed', (s) => s === '200') &&
    only('redacted', (s) => s === '200') &&
    only('blocked', (s) => s.startsWith('403 EG_')) &&
    only('malformed', (s) => /^4\d\d EG_/.test(s)) &&
    only('upstream', (s) => s === '500' || /^50[24] EG_/.test(s))
  );
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `soak: ${(err as Error).message}\nusage: npm run soak -- [--requests N] [--concurrency N] [--max-rss-mib N] [--json] [--keep]` : `soak: ${(err as Error).stack ?? String(err)}`);
    process.exit(2);
  },
);
