import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchPolicyFile, type FileWatcher } from '../../../src/server/watch.js';
import { eventually } from '../../integration/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchPolicyFile', () => {
  let dir: string;
  let watcher: FileWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Directory watch only (no stat poll), short debounce. */
  function watchDir(file: string, options: { debounceMs?: number; maxWaitMs?: number; pollMs?: number } = {}) {
    let calls = 0;
    watcher = watchPolicyFile(file, () => (calls += 1), { debounceMs: 30, pollMs: 0, ...options });
    return () => calls;
  }

  it('fires once for a burst of in-place writes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'a');
    const calls = watchDir(file, { debounceMs: 100 });
    expect(watcher!.watchingDirectory).toBe(true);
    for (let i = 0; i < 5; i++) writeFileSync(file, `a${i}`);
    await eventually(() => calls() === 1);
    await sleep(150);
    expect(calls()).toBe(1);
  });

  it('follows a file replaced by rename, as editors save', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'a');
    const calls = watchDir(file);
    writeFileSync(join(dir, '.policy.yaml.tmp'), 'b');
    renameSync(join(dir, '.policy.yaml.tmp'), file);
    await eventually(() => calls() === 1);
    // Still watching after the inode changed.
    writeFileSync(join(dir, '.policy.yaml.tmp'), 'c');
    renameSync(join(dir, '.policy.yaml.tmp'), file);
    await eventually(() => calls() === 2);
  });

  it('follows a Kubernetes ConfigMap ..data symlink swap', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    mkdirSync(join(dir, '..2030_01_01_v1'));
    writeFileSync(join(dir, '..2030_01_01_v1', 'policy.yaml'), 'a');
    symlinkSync('..2030_01_01_v1', join(dir, '..data'));
    symlinkSync('..data/policy.yaml', join(dir, 'policy.yaml'));
    const calls = watchDir(join(dir, 'policy.yaml'));
    // What the kubelet does: a new timestamped directory, a new link, renamed over ..data.
    mkdirSync(join(dir, '..2030_01_01_v2'));
    writeFileSync(join(dir, '..2030_01_01_v2', 'policy.yaml'), 'b');
    symlinkSync('..2030_01_01_v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..2030_01_01_v1'), { recursive: true });
    await eventually(() => calls() >= 1);
  });

  it('follows in-place edits of a symlink target in the same directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    writeFileSync(join(dir, 'policy-v2.yaml'), 'a');
    symlinkSync('policy-v2.yaml', join(dir, 'policy.yaml'));
    const calls = watchDir(join(dir, 'policy.yaml'));
    writeFileSync(join(dir, 'policy-v2.yaml'), 'b');
    await eventually(() => calls() === 1);
  });

  it('ignores other files in the directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'a');
    const calls = watchDir(file);
    writeFileSync(join(dir, 'audit.ndjson'), 'x\n');
    writeFileSync(join(dir, '.policy.yaml.swp'), 'x');
    await sleep(120);
    expect(calls()).toBe(0);
    // A touch is an event; whether the content changed is the caller's question.
    utimesSync(file, new Date(), new Date(Date.now() + 1_000));
    await eventually(() => calls() === 1);
  });

  it('does not let a steady stream of events postpone the call past maxWaitMs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'a');
    const calls = watchDir(file, { debounceMs: 80, maxWaitMs: 200 });
    const started = Date.now();
    let firstCallAt = 0;
    for (let i = 0; Date.now() - started < 500; i++) {
      writeFileSync(file, `a${i}`);
      if (calls() > 0 && firstCallAt === 0) firstCallAt = Date.now() - started;
      await sleep(20);
    }
    expect(calls()).toBeGreaterThanOrEqual(2);
    expect(firstCallAt).toBeLessThan(400);
  });

  it('polls a symlink target outside the directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'policy.yaml'), 'a');
    symlinkSync(join(dir, 'real', 'policy.yaml'), join(dir, 'conf', 'policy.yaml'));
    const calls = watchDir(join(dir, 'conf', 'policy.yaml'), { pollMs: 25 });
    await sleep(60);
    writeFileSync(join(dir, 'real', 'policy.yaml'), 'bb');
    await eventually(() => calls() >= 1);
  });

  it('stops calling once closed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eg-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'a');
    const calls = watchDir(file, { debounceMs: 50 });
    writeFileSync(file, 'b');
    watcher!.close();
    await sleep(120);
    expect(calls()).toBe(0);
  });
});
