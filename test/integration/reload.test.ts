import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { BLOCK_PHONE_POLICY, PARTNER_POLICY, startUpstream, type TestUpstream } from './harness.js';
import { spawnServe, tempDirs, until } from './serve-process.js';

const PHONE = '13912345678';

/** PARTNER_POLICY (which would let the phone through, masked) plus a YAML syntax error. */
const SYNTAX_ERROR = `${PARTNER_POLICY}    actions: {categories: {pi.phone: allow}\n`;
/** PARTNER_POLICY with a schema error on line 6 (jurisdiction must be ISO 3166 alpha-2). */
const SCHEMA_ERROR = PARTNER_POLICY.replace('jurisdiction: US', 'jurisdiction: usa');

interface PolicyStatus {
  revision: string;
  source: string;
  loadedAt: string;
  reloads: { ok: number; failed: number };
  lastError: { at: string; lines: string[]; omitted: number } | null;
}

interface Served {
  readonly child: ChildProcess;
  readonly proxy: string;
  readonly admin: string;
  stderr(): string;
  logLines(): { level: number; msg: string; [key: string]: unknown }[];
  policy(): Promise<PolicyStatus>;
  send(): Promise<{ status: number; decisionId: string }>;
  close(): Promise<void>;
}

let running: Served[] = [];
let upstream: TestUpstream | undefined;
const dirs = tempDirs('eg-reload-');

afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
  await upstream?.close();
  upstream = undefined;
  dirs.cleanup();
});

const tempDir = () => dirs.make();

async function serve(policyFile: string, auditFile: string, env: Record<string, string> = {}): Promise<Served> {
  upstream ??= await startUpstream();
  const port = upstream.port;
  const server = await spawnServe(['--policy', policyFile, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', auditFile, '--log-level', 'debug', '--drain-timeout', '500'], { env, timeoutMs: 8_000 });
  const { child, proxy, admin } = server;
  const agent = new ProxyAgent({ uri: `http://${proxy}` });
  const served: Served = {
    child,
    proxy,
    admin,
    stderr: server.stderr,
    logLines: server.logs,
    async policy() {
      const res = await request(`http://${admin}/policy`);
      return (await res.body.json()) as PolicyStatus;
    },
    async send() {
      const res = await request(`http://api.partner.example:${port}/p`, {
        method: 'POST',
        body: `{"mobile":"${PHONE}"}`,
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      });
      await res.body.text();
      return { status: res.statusCode, decisionId: String(res.headers['x-egress-decision-id']) };
    },
    async close() {
      await agent.close();
      await server.stop();
    },
  };
  running.push(served);
  return served;
}

/** Audit events written so far (the file is appended asynchronously). */
function auditEvents(file: string): { kind: string; decisionId: string; policyRevision: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; decisionId: string; policyRevision: string });
}

/** Replaces the file the way editors save: write a sibling, rename it over. */
function saveAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('serve: policy hot reload', () => {
  it('reloads an edited file, ignores unchanged rewrites, keeps the running policy when the file is broken, and audits under the new revision', async () => {
    const dir = tempDir();
    const file = join(dir, 'policy.yaml');
    const auditFile = join(dir, 'audit.ndjson'); // in the watched directory on purpose
    writeFileSync(file, PARTNER_POLICY);
    const gw = await serve(file, auditFile);

    const initial = await gw.policy();
    expect(initial).toMatchObject({ source: file, reloads: { ok: 0, failed: 0 }, lastError: null });
    const enabled = await until(() => gw.logLines().find((l) => l.msg === 'policy reload enabled'), Boolean, 'the reload mode log line');
    expect(enabled).toMatchObject({ sighup: true, watch: 'directory' });
    const first = await gw.send();
    expect(first.status).toBe(200); // the phone is masked, not refused

    // (d) The same bytes written again, and a touch: checked (debug log), not a reload.
    writeFileSync(file, PARTNER_POLICY);
    await until(() => count(gw.stderr(), '"policy file unchanged"'), (n) => n >= 1, 'the unchanged check');
    const seen = count(gw.stderr(), '"policy file unchanged"');
    utimesSync(file, new Date(), new Date(Date.now() + 2_000));
    await until(() => count(gw.stderr(), '"policy file unchanged"'), (n) => n > seen, 'the unchanged check after touch');
    expect(await gw.policy()).toMatchObject({ revision: initial.revision, loadedAt: initial.loadedAt, reloads: { ok: 0, failed: 0 } });

    // (a) The destination now blocks phone numbers.
    saveAtomically(file, BLOCK_PHONE_POLICY);
    const reloaded = await until(() => gw.policy(), (p) => p.revision !== initial.revision, 'the new revision');
    expect(reloaded).toMatchObject({ reloads: { ok: 1, failed: 0 }, lastError: null });
    expect(Date.parse(reloaded.loadedAt)).toBeGreaterThan(Date.parse(initial.loadedAt));
    const blocked = await gw.send();
    expect(blocked.status).toBe(403);
    // The log line goes out after the swap: it may reach the pipe after /policy answered.
    const reloadLog = await until(() => gw.logLines().find((l) => l.msg === 'policy reloaded'), Boolean, 'the reload log line');
    expect(reloadLog).toMatchObject({ level: 30, previous: initial.revision, revision: reloaded.revision, trigger: 'watch' });

    // (e) Each audit event names the revision its request was decided under.
    const events = await until(() => auditEvents(auditFile).filter((e) => e.kind === 'request'), (e) => e.length >= 2, 'two audit events');
    expect(events.find((e) => e.decisionId === first.decisionId)?.policyRevision).toBe(initial.revision);
    expect(events.find((e) => e.decisionId === blocked.decisionId)?.policyRevision).toBe(reloaded.revision);

    // (b) A YAML syntax error: rejected, counted, the running policy (which blocks) stays.
    writeFileSync(file, SYNTAX_ERROR);
    const afterSyntax = await until(() => gw.policy(), (p) => p.reloads.failed === 1, 'the failed reload');
    expect(afterSyntax.revision).toBe(reloaded.revision);
    expect(afterSyntax.reloads.ok).toBe(1);
    expect(afterSyntax.lastError!.lines[0]).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+ \\(syntax\\): `));
    expect((await gw.send()).status).toBe(403);

    // ... and a schema error: the file:line:col, also at error level in the log.
    writeFileSync(file, SCHEMA_ERROR);
    const afterSchema = await until(() => gw.policy(), (p) => p.reloads.failed === 2, 'the second failed reload');
    expect(afterSchema.revision).toBe(reloaded.revision);
    expect(afterSchema.lastError!.lines[0]).toMatch(new RegExp(`^${escape(file)}:6:19 destinations\\[0\\]\\.jurisdiction: `));
    await until(() => gw.logLines().some((l) => l.level === 50 && l.msg === afterSchema.lastError!.lines[0]), Boolean, 'the issue at error level');
    expect((await gw.send()).status).toBe(403);

    // Back to the running content: no reload, and no error left to show.
    saveAtomically(file, BLOCK_PHONE_POLICY);
    const inSync = await until(() => gw.policy(), (p) => p.lastError === null, 'lastError cleared');
    expect(inSync).toMatchObject({ revision: reloaded.revision, reloads: { ok: 1, failed: 2 } });

    // Request data never reaches the operational log.
    expect(gw.stderr()).not.toContain(PHONE);
  });

  it('reloads on SIGHUP (file watching off), and an unchanged file is not a reload', async () => {
    const dir = tempDir();
    const file = join(dir, 'policy.yaml');
    const auditFile = join(dir, 'audit.ndjson');
    writeFileSync(file, PARTNER_POLICY);
    const gw = await serve(file, auditFile, { EG_POLICY_WATCH: 'off' });
    const initial = await gw.policy();
    const enabled = await until(() => gw.logLines().find((l) => l.msg === 'policy reload enabled'), Boolean, 'the reload mode log line');
    expect(enabled).toMatchObject({ sighup: true, watch: 'off' });

    // (c) An edit, then SIGHUP.
    writeFileSync(file, BLOCK_PHONE_POLICY);
    expect((await gw.policy()).revision).toBe(initial.revision);
    gw.child.kill('SIGHUP');
    const reloaded = await until(() => gw.policy(), (p) => p.revision !== initial.revision, 'the SIGHUP reload');
    expect(reloaded.reloads).toEqual({ ok: 1, failed: 0 });
    const reloadLog = await until(() => gw.logLines().find((l) => l.msg === 'policy reloaded'), Boolean, 'the reload log line');
    expect(reloadLog).toMatchObject({ trigger: 'sighup', previous: initial.revision });
    expect((await gw.send()).status).toBe(403);

    // (d) SIGHUP with nothing changed.
    gw.child.kill('SIGHUP');
    await until(() => gw.stderr().includes('policy unchanged: nothing to reload'), Boolean, 'the unchanged SIGHUP');
    expect((await gw.policy()).reloads).toEqual({ ok: 1, failed: 0 });

    // A broken file on SIGHUP: counted each time it is asked for.
    writeFileSync(file, SCHEMA_ERROR);
    gw.child.kill('SIGHUP');
    const failed = await until(() => gw.policy(), (p) => p.reloads.failed === 1, 'the failed SIGHUP reload');
    expect(failed.revision).toBe(reloaded.revision);
    expect(failed.lastError!.lines.join('\n')).toContain(`${file}:6:19`);
    expect((await gw.send()).status).toBe(403);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
