import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of a test run goes under one directory, removed when the run ends: the
 * tests make hundreds of them (audit trails, policies, CA keys, bench corpora, the gateways
 * they start), and without this a developer's /tmp kept each run's. os.tmpdir() reads TMPDIR,
 * which the test processes and the gateways they start inherit.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'eg-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
