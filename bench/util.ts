/** Small helpers shared by the bench parts: statistics, /proc readings, pinning, ports. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (dist/bench/util.js → ../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** CPU numbers: the load generator's and the servers'. With one CPU both are 0. */
export interface Pinning {
  readonly available: boolean;
  readonly loadCpu: number;
  readonly serverCpu: number;
}

export function pinning(): Pinning {
  const n = cpus().length;
  const available = hasTool('taskset') && n >= 2;
  // The servers (and the single-core matcher) get the last CPU, the load generator the first.
  return { available, loadCpu: 0, serverCpu: available ? n - 1 : 0 };
}

/** argv prefixed with `taskset -c cpu` when pinning is available. */
export function pinned(p: Pinning, cpu: number, argv: readonly string[]): string[] {
  return p.available ? ['taskset', '-c', String(cpu), ...argv] : [...argv];
}

/** Pins an already running process (the orchestrator itself) to a CPU. */
export function pinSelf(p: Pinning, cpu: number): void {
  if (!p.available) return;
  try {
    execFileSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' });
  } catch {
    // not fatal: figures are still ratios within one run
  }
}

const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS until stopped; keeps the maximum. */
export class RssSampler {
  max = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number, everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  private sample(): void {
    const r = rssMiB(this.pid);
    if (r > this.max) this.max = r;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.max;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly memGiB: number;
}

export function machine(): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1]!.trim();
  } catch {
    // not Linux
  }
  let memGiB = NaN;
  try {
    const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) memGiB = Math.round(Number(m[1]) / 1024 / 1024);
  } catch {
    // not Linux
  }
  return { nproc: cpus().length, cpuModel: model, node: process.version, memGiB };
}
