import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `egress-guard serve` as a child process: the built CLI (npm test builds first), as it runs in
 * production. Tests that need the process itself (signals, workers, file watching, exit codes)
 * start it here; the rest use startTestGateway in harness.ts, in-process.
 */

export const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/** The JSON log line serve prints once every listener is up. */
export interface ListeningLine {
  readonly proxy: string;
  readonly admin: string;
  readonly [key: string]: unknown;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly listening: ListeningLine;
  readonly proxy: string;
  readonly admin: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr(): string;
  /** The JSON log lines written so far. */
  logs(): { level: number; msg: string; [key: string]: unknown }[];
  /** SIGTERM (drain), then SIGKILL after `killAfterMs`; resolves once the process is gone. */
  stop(killAfterMs?: number): Promise<number | null>;
}

export interface SpawnServeOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the listening line. */
  readonly timeoutMs?: number;
  /** The CLI entry point to run; default BIN (tsc's output). */
  readonly bin?: string;
  /** Node flags before the entry point, as deploy/ starts it (src/config/node-flags.ts). */
  readonly nodeFlags?: readonly string[];
}

/** Polls `probe` until `ok` holds, failing with what it last saw. */
export async function until<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `serve <args>` with stdout ignored; resolves once it listens, rejects with its stderr if it exits first. */
export async function spawnServe(args: readonly string[], options: SpawnServeOptions = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.bin ?? BIN, 'serve', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await until(
    () => stderr.split('\n').find((l) => l.includes('egress-guard listening')),
    (found) => found !== undefined || child.exitCode !== null,
    'the listening line',
    options.timeoutMs ?? 15_000,
  ).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  if (!line) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
  const listening = JSON.parse(line) as ListeningLine;
  return {
    child,
    listening,
    proxy: listening.proxy,
    admin: listening.admin,
    exited,
    stderr: () => stderr,
    logs: () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string }),
    async stop(killAfterMs = 3_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Temporary directories removed by `cleanup()` (call it in afterEach). */
export function tempDirs(prefix: string): { make(): string; cleanup(): void } {
  let dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      dirs = [];
    },
  };
}
