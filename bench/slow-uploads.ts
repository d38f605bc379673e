/**
 * The memory test's client (its own process, pinned away from the proxy): N concurrent slow
 * uploads of one body through a forward proxy on loopback, each written in chunks at an
 * interval. Bounded: whatever has not finished by the deadline is destroyed. Prints one JSON
 * line with the outcome.
 *
 *   node dist/bench/slow-uploads.js PORT TARGET_URL BODY_FILE COUNT CHUNK_BYTES INTERVAL_MS DEADLINE_MS
 */
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';

export interface UploadOutcome {
  readonly started: number;
  /** Uploads whose last byte was written (the body fully sent). */
  readonly sent: number;
  readonly completed: number;
  readonly statuses: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly unfinished: number;
  /** From the first connection to the last body byte written, ms. */
  readonly sendMs: number;
  readonly totalMs: number;
}

function main(argv: string[]): void {
  const [portS, target, bodyFile, countS, chunkS, intervalS, deadlineS] = argv;
  if (deadlineS === undefined) {
    process.stderr.write('usage: slow-uploads.js PORT TARGET_URL BODY_FILE COUNT CHUNK_BYTES INTERVAL_MS DEADLINE_MS\n');
    process.exit(2);
  }
  const port = Number(portS);
  const body = readFileSync(bodyFile!);
  const count = Number(countS);
  const chunk = Number(chunkS);
  const interval = Number(intervalS);
  const host = new URL(target!).host;
  const t0 = Date.now();
  let started = 0;
  let sent = 0;
  let completed = 0;
  let lastSent = t0;
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const live = new Set<ClientRequest>();
  const timers = new Set<NodeJS.Timeout>();
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearInterval(t);
    const unfinished = live.size;
    for (const r of live) r.destroy();
    const outcome: UploadOutcome = { started, sent, completed, statuses, errors, unfinished, sendMs: lastSent - t0, totalMs: Date.now() - t0 };
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    process.exit(0);
  };
  const deadline = setTimeout(finish, Number(deadlineS));
  const settle = (req: ClientRequest) => {
    if (!live.delete(req)) return;
    if (live.size === 0 && started === count) {
      clearTimeout(deadline);
      finish();
    }
  };

  const upload = () => {
    started++;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: target,
      headers: { host, 'content-type': 'application/json', 'content-length': body.length },
      agent: false,
    });
    live.add(req);
    req.on('response', (res) => {
      const code = res.headers['x-egress-error'];
      const key = `${res.statusCode}${typeof code === 'string' ? ` ${code}` : ''}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      res.resume();
      res.on('end', () => {
        completed++;
        settle(req);
      });
      res.on('error', () => settle(req));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      errors[code] = (errors[code] ?? 0) + 1;
      settle(req);
    });
    let offset = 0;
    const writeNext = () => {
      if (req.destroyed) return;
      const end = Math.min(body.length, offset + chunk);
      const piece = body.subarray(offset, end);
      offset = end;
      if (offset >= body.length) {
        clearInterval(timer);
        timers.delete(timer);
        req.end(piece, () => {
          sent++;
          lastSent = Date.now();
        });
      } else req.write(piece);
    };
    const timer = setInterval(writeNext, interval);
    timers.add(timer);
    writeNext();
  };

  // Open the connections in batches (the listen backlog is finite), all within ~1 s.
  const batch = 50;
  let opened = 0;
  const opener = setInterval(() => {
    for (let i = 0; i < batch && opened < count; i++, opened++) upload();
    if (opened >= count) clearInterval(opener);
  }, 25);
}

if (process.argv[1] !== undefined && /slow-uploads\.js$/.test(process.argv[1])) main(process.argv.slice(2));
