import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isEgError } from '../../../src/errors.js';
import { resolveLogFormat } from '../../../src/ops/log.js';

const run = promisify(execFile);
// The built module (npm test builds first), as serve loads it.
const LOG = new URL('../../../dist/src/ops/log.js', import.meta.url).pathname;

describe('operational log format', () => {
  it('auto is pretty on a terminal and JSON otherwise; json and pretty are taken as said', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('PRETTY', false)).toBe('pretty');
    expect(resolveLogFormat('', false)).toBe('json');
  });

  it('refuses anything else with EG_CONFIG_INVALID', () => {
    let caught: unknown;
    try {
      resolveLogFormat('yaml', false);
    } catch (err) {
      caught = err;
    }
    expect(isEgError(caught) && caught.code).toBe('EG_CONFIG_INVALID');
  });

  // A child process: the logger writes to fd 2, which is then a pipe (not a terminal).
  const emit = async (format: string) => {
    const script = `const { createLogger } = await import(${JSON.stringify(LOG)}); const log = createLogger({ level: 'info', format: ${JSON.stringify(format)}, base: { worker: 2 } }); log.info({ revision: 'abc' }, 'hello from the test'); log.flush();`;
    const { stderr, stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    return { stderr, stdout };
  };

  it('writes one JSON object per line on stderr (nothing on stdout, which may carry the audit trail)', async () => {
    const { stderr, stdout } = await emit('auto');
    expect(stdout).toBe('');
    const line = JSON.parse(stderr.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'hello from the test', service: 'egress-guard', worker: 2, revision: 'abc' });
  });

  it('pretty-prints through pino-pretty when asked', async () => {
    const { stderr } = await emit('pretty');
    expect(stderr).toMatch(/INFO/);
    expect(stderr).toContain('hello from the test');
    expect(() => JSON.parse(stderr.trim())).toThrow();
  });
});
