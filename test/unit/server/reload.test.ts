import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/config/load.js';
import type { CompiledPolicy } from '../../../src/config/model.js';
import { compileRuntime } from '../../../src/pipeline/runtime.js';
import { PolicyFileReloader, PolicyHolder } from '../../../src/server/reload.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { BLOCK_PHONE_POLICY, PARTNER_POLICY, eventually, MemoryAudit } from '../../integration/harness.js';

const PHONE_BODY = '{"mobile":"13912345678"}';

const policy = (text: string, name = 'p.yaml'): CompiledPolicy => loadPolicyText(text, name);

/** A pino logger whose lines land in an array. */
function memoryLog(): { log: pino.Logger; lines: () => { level: number; msg: string }[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines: () => out.map((l) => JSON.parse(l) as { level: number; msg: string }) };
}

describe('PolicyHolder', () => {
  it('swaps in a compiled policy, counts it and reports when it was loaded', () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const holder = new PolicyHolder(policy(PARTNER_POLICY), { now: () => new Date(clock) });
    const first = holder.runtime();
    expect(holder.status()).toEqual({
      revision: first.policy.revision,
      source: 'p.yaml',
      mode: 'enforce',
      loadedAt: '2030-01-01T00:00:00.000Z',
      reloads: { ok: 0, failed: 0 },
      lastError: null,
      warnings: [],
      bases: [],
    });
    clock += 5_000;
    const result = holder.reload(policy(BLOCK_PHONE_POLICY));
    expect(result).toEqual({ ok: true, previous: first.policy.revision, revision: holder.runtime().policy.revision });
    expect(holder.runtime()).not.toBe(first);
    expect(holder.status().loadedAt).toBe('2030-01-01T00:00:05.000Z');
    expect(holder.counters()).toEqual({ ok: 1, failed: 0 });
  });

  it('keeps the running runtime when loading or compiling fails, counts it, and never throws', () => {
    let failCompile = false;
    const holder = new PolicyHolder(policy(PARTNER_POLICY), {
      compile: (p) => {
        if (failCompile) throw new Error('compile exploded');
        return compileRuntime(p);
      },
    });
    const running = holder.runtime();
    const invalid = holder.reload(() => policy('version: 1\ndestinations:\n  - name: x\n    jurisdiction: usa\n    hosts: [a.example]\n', 'bad.yaml'));
    expect(invalid.ok).toBe(false);
    expect(holder.runtime()).toBe(running);
    const lastError = holder.status().lastError;
    expect(lastError?.lines[0]).toMatch(/^bad\.yaml:4:19 destinations\[0\]\.jurisdiction: /);
    expect(lastError?.omitted).toBe(0);

    failCompile = true;
    const broken = holder.reload(policy(BLOCK_PHONE_POLICY));
    expect(broken).toEqual({ ok: false, revision: running.policy.revision, issues: ['Error: compile exploded'] });
    expect(holder.runtime()).toBe(running);
    expect(holder.counters()).toEqual({ ok: 0, failed: 2 });

    failCompile = false;
    expect(holder.reload(policy(BLOCK_PHONE_POLICY)).ok).toBe(true);
    expect(holder.status().lastError).toBeNull();
    expect(holder.counters()).toEqual({ ok: 1, failed: 2 });
  });

  it('keeps the first ten issue lines in lastError and counts the rest', () => {
    const holder = new PolicyHolder(policy(PARTNER_POLICY));
    const zones = Array.from({ length: 12 }, (_, i) => `  - name: z${i}\n    jurisdiction: xx${i}\n    hosts: [h${i}.example]\n`).join('');
    holder.reload(() => policy(`version: 1\ndestinations:\n${zones}`, 'many.yaml'));
    const lastError = holder.status().lastError!;
    expect(lastError.lines).toHaveLength(10);
    expect(lastError.omitted).toBeGreaterThanOrEqual(2);
  });

  it('tells swap listeners the new and the old runtime, and survives a throwing listener', () => {
    const holder = new PolicyHolder(policy(PARTNER_POLICY));
    const seen: string[] = [];
    holder.onSwap(() => {
      throw new Error('listener bug');
    });
    holder.onSwap((current, previous) => seen.push(`${previous.policy.revision}->${current.policy.revision}`));
    const before = holder.runtime().policy.revision;
    const result = holder.reload(policy(BLOCK_PHONE_POLICY));
    expect(result.ok).toBe(true);
    expect(seen).toEqual([`${before}->${holder.runtime().policy.revision}`]);
  });
});

describe('PolicyFileReloader', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function setup() {
    dir = mkdtempSync(join(tmpdir(), 'eg-reloader-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, PARTNER_POLICY);
    const holder = new PolicyHolder(loadPolicyText(PARTNER_POLICY, file));
    const { log, lines } = memoryLog();
    const reloader = new PolicyFileReloader({ path: file, holder, log, loadedText: PARTNER_POLICY });
    return { file, holder, reloader, lines };
  }

  it('reloads on a content change only, by hash', () => {
    const { file, holder, reloader, lines } = setup();
    expect(reloader.check('watch')).toBe('unchanged');
    writeFileSync(file, PARTNER_POLICY);
    expect(reloader.check('watch')).toBe('unchanged');
    expect(reloader.check('sighup')).toBe('unchanged');
    expect(holder.counters()).toEqual({ ok: 0, failed: 0 });
    const before = holder.runtime().policy.revision;
    writeFileSync(file, BLOCK_PHONE_POLICY);
    expect(reloader.check('watch')).toBe('reloaded');
    expect(holder.counters()).toEqual({ ok: 1, failed: 0 });
    const reloaded = lines().find((l) => l.msg === 'policy reloaded') as unknown as { previous: string; revision: string };
    expect(reloaded).toMatchObject({ previous: before, revision: holder.runtime().policy.revision });
    expect(reloader.check('watch')).toBe('unchanged');
  });

  it('rejects an invalid file once per content for the watcher, again on every SIGHUP, and logs each issue', () => {
    const { file, holder, reloader, lines } = setup();
    const running = holder.runtime();
    writeFileSync(file, `${PARTNER_POLICY}bad: [\n`);
    expect(reloader.check('watch')).toBe('failed');
    expect(reloader.check('watch')).toBe('already-rejected');
    expect(holder.counters()).toEqual({ ok: 0, failed: 1 });
    expect(reloader.check('sighup')).toBe('failed');
    expect(holder.counters()).toEqual({ ok: 0, failed: 2 });
    expect(holder.runtime()).toBe(running);
    const errors = lines().filter((l) => l.level === 50);
    const at = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\(syntax\\): `);
    expect(errors.some((l) => at.test(l.msg))).toBe(true);
    expect(errors.some((l) => l.msg === `policy reload rejected: keeping revision ${running.policy.revision}`)).toBe(true);
    expect(holder.status().lastError?.lines[0]).toMatch(at);

    // Back to the running content: no reload, and the rejection no longer applies.
    writeFileSync(file, PARTNER_POLICY);
    expect(reloader.check('watch')).toBe('unchanged');
    expect(holder.status().lastError).toBeNull();
    expect(holder.counters()).toEqual({ ok: 0, failed: 2 });
  });

  it('counts a missing file as a failed reload and keeps the running policy', () => {
    const { file, holder, reloader } = setup();
    rmSync(file);
    expect(reloader.check('watch')).toBe('failed');
    expect(holder.status().lastError?.lines[0]).toMatch(/^EG_POLICY_READ: .*policy\.yaml: ENOENT/);
    expect(reloader.check('watch')).toBe('already-rejected');
    writeFileSync(file, BLOCK_PHONE_POLICY);
    expect(reloader.check('watch')).toBe('reloaded');
    expect(holder.counters()).toEqual({ ok: 1, failed: 1 });
  });
});

describe('gateway.reload', () => {
  let gateway: Gateway | undefined;
  let upstream: Server | undefined;
  afterEach(async () => {
    await gateway?.close(1_000);
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
    gateway = undefined;
    upstream = undefined;
  });

  /** An upstream that holds each response until released. */
  async function holdingUpstream() {
    const received: { body: string; release: () => void }[] = [];
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString(),
          release: () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        });
      });
    });
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    return { port: (upstream.address() as AddressInfo).port, received };
  }

  async function start(audit: MemoryAudit) {
    gateway = await startGateway({
      policy: loadPolicyText(PARTNER_POLICY, 'p.yaml'),
      audit,
      log: pino({ level: 'silent' }),
      proxyHost: '127.0.0.1',
      proxyPort: 0,
      adminHost: '127.0.0.1',
      adminPort: 0,
      individualKey: Buffer.alloc(32, 7),
      lookupHost: async () => {
        throw Object.assign(new Error('no DNS in tests'), { code: 'ENOTFOUND' });
      },
    });
    return gateway;
  }

  /** An absolute-form request through the proxy (the caller sends the body). */
  function send(proxyPort: number, upstreamPort: number, options: { expectContinue?: boolean } = {}) {
    const req = httpRequest({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'POST',
      path: `http://api.partner.example:${upstreamPort}/p`,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(PHONE_BODY), ...(options.expectContinue ? { expect: '100-continue' } : {}) },
    });
    const response = new Promise<{ status: number; decisionId: string; body: string }>((resolve, reject) => {
      req.on('response', (res: IncomingMessage) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, decisionId: String(res.headers['x-egress-decision-id']), body }));
      });
      req.on('error', reject);
    });
    const continued = new Promise<void>((resolve) => req.on('continue', () => resolve()));
    return { req, response, continued };
  }

  it('finishes a request that was forwarded before the swap under the old revision', async () => {
    const audit = new MemoryAudit();
    const up = await holdingUpstream();
    const gw = await start(audit);
    const before = gw.policy.runtime().policy.revision;

    const a = send(gw.proxyAddress.port, up.port);
    a.req.end(PHONE_BODY);
    await eventually(() => up.received.length === 1);
    // Redacted under the first policy, and still waiting for the upstream's answer.
    expect(up.received[0]!.body).toBe('{"mobile":"***********"}');

    const result = gw.reload(loadPolicyText(BLOCK_PHONE_POLICY, 'p.yaml'));
    expect(result.ok).toBe(true);
    const after = gw.policy.runtime().policy.revision;
    expect(after).not.toBe(before);

    const b = send(gw.proxyAddress.port, up.port);
    b.req.end(PHONE_BODY);
    const blocked = await b.response;
    expect(blocked.status).toBe(403);

    up.received[0]!.release();
    const allowed = await a.response;
    expect(allowed.status).toBe(200);
    await eventually(() => audit.events.length === 2);
    const revisionOf = (id: string) => audit.events.find((e) => e.decisionId === id)?.policyRevision;
    expect(revisionOf(allowed.decisionId)).toBe(before);
    expect(revisionOf(blocked.decisionId)).toBe(after);
    expect(up.received).toHaveLength(1);
    expect(gw.policy.status().reloads).toEqual({ ok: 1, failed: 0 });
  });

  it('decides a request whose body arrives after the swap by the policy it started with', async () => {
    const audit = new MemoryAudit();
    const up = await holdingUpstream();
    const gw = await start(audit);
    const before = gw.policy.runtime().policy.revision;

    // "100 Continue" comes once the gateway has taken the request (and its runtime) in hand.
    const a = send(gw.proxyAddress.port, up.port, { expectContinue: true });
    a.req.flushHeaders();
    await a.continued;
    expect(gw.reload(loadPolicyText(BLOCK_PHONE_POLICY, 'p.yaml')).ok).toBe(true);
    a.req.end(PHONE_BODY);
    await eventually(() => up.received.length === 1);
    up.received[0]!.release();
    const answer = await a.response;
    expect(answer.status).toBe(200);
    expect(up.received[0]!.body).toBe('{"mobile":"***********"}');
    await eventually(() => audit.events.length === 1);
    expect(audit.events[0]!.policyRevision).toBe(before);
  });

  it('applies changed upstream timeouts to new requests, and lets requests on the old pool finish', async () => {
    const audit = new MemoryAudit();
    const up = await holdingUpstream();
    const gw = await start(audit);
    const a = send(gw.proxyAddress.port, up.port);
    a.req.end(PHONE_BODY);
    await eventually(() => up.received.length === 1);

    expect(gw.reload(loadPolicyText(`${PARTNER_POLICY}timeouts: {headers: 300ms}\n`, 'p.yaml')).ok).toBe(true);
    const b = send(gw.proxyAddress.port, up.port);
    b.req.end(PHONE_BODY);
    const timedOut = await b.response; // the upstream holds it past the new headers timeout
    expect(timedOut.status).toBe(504);

    up.received[0]!.release(); // the first policy's 30 s still holds for the first request
    expect((await a.response).status).toBe(200);
  });

  it('keeps serving the running policy when the reload fails', async () => {
    const audit = new MemoryAudit();
    const gw = await start(audit);
    const running = gw.policy.runtime();
    const result = gw.reload(() => loadPolicyText('version: 2\n', 'p.yaml'));
    expect(result.ok).toBe(false);
    expect(gw.policy.runtime()).toBe(running);
    expect(gw.policy.status()).toMatchObject({ revision: running.policy.revision, reloads: { ok: 0, failed: 1 } });
    const admin = await fetch(`http://127.0.0.1:${gw.adminAddress.port}/policy`);
    const body = (await admin.json()) as { revision: string; reloads: unknown; lastError: { lines: string[] } };
    expect(body.revision).toBe(running.policy.revision);
    expect(body.reloads).toEqual({ ok: 0, failed: 1 });
    expect(body.lastError.lines[0]).toMatch(/^p\.yaml:1:10 /);
  });
});
