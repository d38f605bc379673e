import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../../src/config/node-flags.js';

/** deploy/systemd/egress-guard.service, parsed as a unit file (sections, repeated keys). */

const UNIT = new URL('../../../deploy/systemd/egress-guard.service', import.meta.url).pathname;
const text = readFileSync(UNIT, 'utf8');

function parseUnit(source: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`not a unit file line: ${line}`);
    current.set(kv[1]!, [...(current.get(kv[1]!) ?? []), kv[2]!]);
  }
  return sections;
}

const unit = parseUnit(text);
const service = unit.get('Service')!;
const one = (key: string) => service.get(key)?.at(-1);
const env = new Map(
  (service.get('Environment') ?? []).flatMap((e) => e.split(/\s+/)).map((pair) => pair.split('=', 2) as [string, string]),
);

describe('deploy/systemd/egress-guard.service', () => {
  it('has the Unit, Service and Install sections', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unit.get('Unit')!.get('Description')).toBeTruthy();
    expect(unit.get('Unit')!.get('After')).toContain('network-online.target');
    expect(unit.get('Install')!.get('WantedBy')).toContain('multi-user.target');
  });

  it('runs serve from the built CLI and reloads with SIGHUP to the main process', () => {
    expect(one('ExecStart')).toMatch(new RegExp(`^/usr/bin/node ${GATEWAY_NODE_FLAGS.join(' ')} \\S+/dist/src/cli/main\\.js serve$`));
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
  });

  it('stops by SIGTERM to the primary, which drains its workers, within a timeout longer than the drain', () => {
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('KillMode')).toBe('mixed');
    const drainMs = Number(env.get('EG_DRAIN_TIMEOUT_MS'));
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(drainMs / 1000);
    expect(one('Restart')).toBe('on-failure');
  });

  it('is hardened: no new privileges, a read-only system but for the audit directory, no capabilities', () => {
    expect(one('DynamicUser') === 'yes' || one('User') !== undefined).toBe(true);
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    const writable = (service.get('ReadWritePaths') ?? []).flatMap((p) => p.split(/\s+/));
    const auditDir = env.get('EG_AUDIT_DIR')!;
    expect(auditDir).toBeTruthy();
    expect(writable.some((p) => auditDir === p || auditDir.startsWith(`${p}/`))).toBe(true);
    expect(one('RestrictAddressFamilies')).toMatch(/AF_INET AF_INET6/);
  });

  it('keeps the listeners on loopback, writes the chained trail, and takes the key as a credential', () => {
    expect(env.get('EG_LISTEN')).toMatch(/^127\.0\.0\.1:/);
    expect(env.get('EG_ADMIN_LISTEN')).toMatch(/^127\.0\.0\.1:/);
    expect(env.get('EG_AUDIT_KEY_FILE')).toBe('%d/audit.key');
    expect(one('LoadCredential')).toMatch(/^audit\.key:/);
    expect(env.get('EG_POLICY')).toMatch(/^\/etc\/egress-guard\//);
  });
});

// Where systemd's own checker is installed (and node is where ExecStart says), it must be silent.
const analyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    execFileSync('/usr/bin/node', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!analyze)('systemd-analyze verify', () => {
  it('accepts the unit without a warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  });
});
