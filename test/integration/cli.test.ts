import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { startUpstream } from './harness.js';
import { BIN, spawnServe } from './serve-process.js';

// The CLI as installed: the built entry point that `npx egress-guard` runs (npm test builds first).
const run = promisify(execFile);

describe('egress-guard check', () => {
  it('prints a summary of the embedded default policy and exits 0', async () => {
    const { stdout } = await run('node', [BIN, 'check', new URL('../../policies/default.yaml', import.meta.url).pathname]);
    expect(stdout).toMatch(/destination domestic: CN/);
    expect(stdout).toMatch(/destination unknown: ZZ, abroad/);
  });

  it('reports every issue as file:line:col and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-check-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\ndestinations:\n  - name: x\n    jurisdiction: usa\n    hosts: ["a.example"]\n    colour: red\n');
    const failed = await run('node', [BIN, 'check', file]).catch((err: { code: number; stderr: string }) => err);
    expect((failed as { code: number }).code).toBe(2);
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toContain(`${file}:4:19 destinations[0].jurisdiction:`);
    expect(stderr).toContain(`${file}:6:5 destinations[0].colour:`);
  });
});

describe('egress-guard scan', () => {
  it('reports findings as JSON, masks with --redact, and applies the policy\'s custom rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-scan-'));
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\ncategories:\n  pi.member_id: { grade: pi }\nrules:\n  - id: member-no\n    category: pi.member_id\n    pattern: "MB[0-9]{8}"\n');
    const body = join(dir, 'body.json');
    writeFileSync(body, '{"member":"MB12345678","contact":{"mobile":"13812345678"},"order":"A-1"}');
    const found = JSON.parse((await run('node', [BIN, 'scan', '--json', '--policy', policy, body])).stdout) as { findings: { category: string; location: string; rule: string }[] };
    expect(found.findings).toContainEqual(expect.objectContaining({ category: 'pi.member_id', location: '/member', rule: 'custom.member-no' }));
    expect(found.findings).toContainEqual(expect.objectContaining({ category: 'pi.phone', location: '/contact/mobile' }));
    const redacted = (await run('node', [BIN, 'scan', '--redact', '--policy', policy, body])).stdout;
    expect(redacted).toBe('{"member":"**********","contact":{"mobile":"***********"},"order":"A-1"}');
  });

  it('speaks the scorer\'s batch protocol, one line out per line in', async () => {
    const child = spawn('node', [BIN, 'scan', '--ndjson'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Also what V8 prints when it does not know a flag the batch sets (src/cli/batch-tiering.ts).
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(
      `${JSON.stringify({ id: 'a', contentType: 'application/json', body: '{"sfzh":"11010519491231002X"}' })}\n${JSON.stringify({ id: 'b', contentType: 'text/plain', body: 'nothing here' })}\n` +
        // A body is a string, decoded already: the charset it was sent in does not apply to it.
        `${JSON.stringify({ id: 'c', contentType: 'text/plain; charset=gbk', body: '序号,姓名,手机\n1,张伟,13812345678\n2,李娜,13912345678' })}\n`,
    );
    await new Promise((resolve) => child.once('exit', resolve));
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; findings: { category: string }[]; redacted: string });
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(lines[0]!.findings.map((f) => f.category)).toContain('pi.id_card');
    expect(lines[0]!.redacted).toBe('{"sfzh":"******************"}');
    expect(lines[1]).toEqual({ id: 'b', findings: [], redacted: 'nothing here' });
    expect(lines[2]!.redacted).toBe('序号,姓名,手机\n1,**,***********\n2,**,***********');
    expect(err).toBe('');
  });
});

describe('egress-guard serve', () => {
  it('serves, answers /healthz, writes audit lines to a file, and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-serve-'));
    const policy = join(dir, 'policy.yaml');
    const auditFile = join(dir, 'audit.ndjson');
    writeFileSync(policy, 'version: 1\nresolve:\n  api.partner.example: 127.0.0.1\ndestinations:\n  - name: partner\n    jurisdiction: US\n    hosts: [api.partner.example]\n');
    const upstream = await startUpstream();
    const served = await spawnServe(['--policy', policy, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', auditFile]);
    const { child, listening } = served;
    try {
      const health = await request(`http://${listening.admin}/healthz`);
      expect(await health.body.json()).toEqual({ status: 'ok' });
      const agent = new ProxyAgent({ uri: `http://${listening.proxy}` });
      const res = await request(`http://api.partner.example:${upstream.port}/p`, {
        method: 'POST',
        body: '{"mobile":"13912345678"}',
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      await agent.close();
      expect(upstream.received.at(-1)!.body.toString()).toBe('{"mobile":"***********"}');
      child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
      const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n');
      const requests = lines.map((l) => JSON.parse(l) as { kind: string; action: string }).filter((e) => e.kind === 'request');
      expect(requests).toEqual([expect.objectContaining({ action: 'redact' })]);
      expect(lines.join('\n')).not.toContain('13912345678');
    } finally {
      child.kill('SIGKILL');
      await upstream.close();
    }
  });

  it('keeps a verifiable hash-chained trail with one event per answered request across SIGTERM under load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-chain-'));
    const policy = join(dir, 'policy.yaml');
    const keyFile = join(dir, 'audit.key');
    const trail = join(dir, 'trail');
    writeFileSync(keyFile, 'ab'.repeat(32), { mode: 0o600 });
    writeFileSync(policy, 'version: 1\nresolve:\n  api.partner.example: 127.0.0.1\ndestinations:\n  - name: partner\n    jurisdiction: US\n    hosts: [api.partner.example]\n');
    const upstream = await startUpstream();
    const served = await spawnServe(['--policy', policy, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit-dir', trail, '--audit-key-file', keyFile]);
    const { child, proxy } = served;
    try {
      const agent = new ProxyAgent({ uri: `http://${proxy}`, connections: 8 });
      const sends = Array.from({ length: 60 }, (_, i) =>
        request(`http://api.partner.example:${upstream.port}/n${i}`, { method: 'POST', body: `{"mobile":"139${String(10000000 + i)}"}`, headers: { 'content-type': 'application/json' }, dispatcher: agent })
          .then(async (res) => {
            await res.body.text();
            return res.headers['x-egress-decision-id'] as string | undefined;
          })
          .catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      const answered = (await Promise.all(sends)).filter((id): id is string => id !== undefined);
      expect(await served.exited).toBe(0);
      await agent.close();
      const verify = await run('node', [BIN, 'audit', 'verify', '--key-file', keyFile, trail]);
      expect(verify.stdout + verify.stderr).not.toMatch(/broken/i);
      const { readdirSync } = await import('node:fs');
      const ids = new Set(
        readdirSync(trail)
          .flatMap((f) => readFileSync(join(trail, f), 'utf8').trimEnd().split('\n'))
          .map((l) => JSON.parse(l) as { kind: string; decisionId?: string })
          .filter((r) => r.kind === 'request')
          .map((r) => r.decisionId),
      );
      for (const id of answered) expect(ids.has(id)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await upstream.close();
    }
  });
});
