import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../../src/config/node-flags.js';

/** deploy/Dockerfile, read as instructions (continuation lines joined, comments dropped). */

const root = new URL('../../../', import.meta.url);
const text = readFileSync(new URL('deploy/Dockerfile', root), 'utf8');

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly body: Instruction[];
}

function instructions(source: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    pending += `${pending ? ' ' : ''}${line.replace(/\\$/, '').trim()}`;
    if (line.endsWith('\\')) continue;
    const [op, ...rest] = pending.split(/\s+/);
    out.push({ op: op!.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  return out;
}

const all = instructions(text);
const args = new Map(all.filter((i) => i.op === 'ARG').map((i) => i.args.split('=') as [string, string]));
const stages: Stage[] = [];
for (const i of all) {
  if (i.op === 'FROM') {
    const [image, as, name] = i.args.split(/\s+/);
    const from = image!.replace(/\$\{(\w+)\}/g, (_m, v: string) => args.get(v) ?? '');
    stages.push({ from, name: as?.toUpperCase() === 'AS' ? name! : null, body: [] });
  } else if (stages.length > 0) {
    stages.at(-1)!.body.push(i);
  }
}
const final = stages.at(-1)!;
const runs = (stage: Stage) => stage.body.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

describe('deploy/Dockerfile', () => {
  it('is multi-stage on the current Node LTS, slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      if (stages.some((o) => o.name === s.from)) continue; // FROM an earlier stage
      const match = /^node:(\d+)-[a-z]*-?slim(@sha256:[0-9a-f]{64})?$/.exec(s.from);
      expect(match, s.from).not.toBeNull();
      const major = Number(match![1]);
      expect(major % 2, 'an LTS line (even major)').toBe(0);
      expect(major).toBeGreaterThanOrEqual(22);
    }
  });

  it('builds in a builder stage: npm ci with dev dependencies, then the TypeScript build', () => {
    const build = stages[0]!;
    expect(runs(build)).toMatch(/npm ci\b/);
    expect(runs(build)).not.toMatch(/--omit=dev/);
    expect(runs(build)).toMatch(/npm run build/);
  });

  it('ships production dependencies only: node_modules come from a stage that dropped dev dependencies, dist from the build', () => {
    const copies = final.body.filter((i) => i.op === 'COPY');
    const modules = copies.find((c) => /node_modules/.test(c.args));
    const from = /--from=(\S+)/.exec(modules?.args ?? '')?.[1];
    expect(from).toBeTruthy();
    const source = stages.find((s) => s.name === from)!;
    expect(runs(source)).toMatch(/npm (prune|ci)[^\n]*--omit=dev/);
    expect(copies.some((c) => /--from=\S+ \/app\/dist/.test(c.args))).toBe(true);
    expect(runs(final)).not.toMatch(/npm (ci|install)/);
  });

  it('runs as a numeric non-root user', () => {
    const users = final.body.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]!;
    expect(user).toMatch(/^\d+$/); // Kubernetes' runAsNonRoot can only verify a numeric USER
    expect(Number(user)).toBeGreaterThan(0);
  });

  it('has a HEALTHCHECK that uses node (no curl in the image) on a script the build produces', () => {
    const health = final.body.find((i) => i.op === 'HEALTHCHECK');
    expect(health).toBeTruthy();
    expect(health!.args).toMatch(/CMD \["node", "dist\/src\/ops\/healthcheck\.js"\]/);
    expect(health!.args).not.toMatch(/curl|wget/);
    expect(existsSync(new URL('src/ops/healthcheck.ts', root))).toBe(true);
  });

  it('is friendly to a read-only root filesystem: nothing written at run time outside a declared volume', () => {
    const entry = final.body.find((i) => i.op === 'ENTRYPOINT')!;
    // not npm, which writes a cache; node with the gateway's V8 flags
    expect(entry.args).toBe(JSON.stringify(['node', ...GATEWAY_NODE_FLAGS, 'dist/src/cli/main.js']).replaceAll(',', ', '));
    expect(existsSync(new URL('src/cli/main.ts', root))).toBe(true);
    expect(final.body.find((i) => i.op === 'VOLUME')?.args).toContain('/var/lib/egress-guard/audit');
    const env = final.body.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/EG_ADMIN_LISTEN=0\.0\.0\.0:9901/);
    expect(final.body.filter((i) => i.op === 'EXPOSE').map((i) => i.args).join(' ')).toMatch(/3128.*9901/);
    expect(all.some((i) => i.op === 'ADD' && /https?:/.test(i.args))).toBe(false);
  });

  it('has a .dockerignore beside it that keeps node_modules, dist and keys out of the context', () => {
    const ignore = readFileSync(new URL('deploy/Dockerfile.dockerignore', root), 'utf8').split('\n');
    for (const entry of ['**/node_modules', 'dist', '.git', '**/*.key']) expect(ignore).toContain(entry);
  });
});
