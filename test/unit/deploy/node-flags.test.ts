import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS, gcMode } from '../../../src/config/node-flags.js';

/** The gateway's node flags (src/config/node-flags.ts) where this repository starts it; the
 *  Dockerfile and the systemd unit are checked in their own tests. */

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

describe('GATEWAY_NODE_FLAGS', () => {
  it('are flags this node accepts and runs with', () => {
    const run = spawnSync(process.execPath, [...GATEWAY_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as string[]).slice(0, GATEWAY_NODE_FLAGS.length)).toEqual([...GATEWAY_NODE_FLAGS]);
  });

  it('start the gateway under `npm start` (the quick start)', () => {
    expect(pkg.scripts.start).toBe(['node', ...GATEWAY_NODE_FLAGS, 'dist/src/cli/main.js', 'serve'].join(' '));
  });

  it('are what gcMode reads', () => {
    expect(gcMode([...GATEWAY_NODE_FLAGS])).toBe('single-threaded');
    expect(gcMode([])).toBe('parallel');
    expect(gcMode(['--max-old-space-size=512'])).toBe('parallel');
  });
});
