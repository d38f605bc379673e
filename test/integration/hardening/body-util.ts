import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Shared by the body hardening tests: a proxy client that reports status, error code and body. */

export interface ProxyAnswer {
  readonly status: number;
  readonly code: string | null;
  readonly body: string;
}

export interface ProxyPost {
  readonly headers?: Record<string, string | number>;
  /** Sent as separate writes without Content-Length (Transfer-Encoding: chunked). */
  readonly chunks?: readonly Buffer[];
  readonly body?: Buffer | string;
}

export function proxyPost(proxyPort: number, url: string, post: ProxyPost): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'POST',
      path: url,
      agent: false,
      headers: { host: target.host, ...post.headers },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = res.headers['x-egress-error'];
        resolve({ status: res.statusCode ?? 0, code: typeof code === 'string' ? code : null, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    // The gateway may answer and close before the whole body is written: that is an answer.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (post.chunks) {
      for (const c of post.chunks) req.write(c);
      req.end();
    } else req.end(post.body);
  });
}

/** A raw connection the test writes to step by step, reading everything the gateway sends. */
export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far (latin1). */
  received(): string;
  write(data: string | Buffer): void;
  /** Resolves once `predicate` holds for what was received, or rejects after `giveUpMs`. */
  waitFor(predicate: (text: string) => boolean, giveUpMs?: number): Promise<string>;
  /** Resolves when the gateway closes the connection. */
  closed: Promise<void>;
}

export function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const listeners = new Set<() => void>();
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      for (const l of listeners) l();
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => got,
        write: (data) => socket.write(data),
        closed,
        waitFor: (predicate, giveUpMs = 5_000) =>
          new Promise((ok, fail) => {
            const check = () => {
              if (!predicate(got)) return;
              listeners.delete(check);
              clearTimeout(timer);
              ok(got);
            };
            // A guard against a hanging test, not a timing assertion.
            const timer = setTimeout(() => {
              listeners.delete(check);
              fail(new Error(`not received in time; got: ${JSON.stringify(got.slice(0, 300))}`));
            }, giveUpMs);
            listeners.add(check);
            check();
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** A JSON body of about `bytes` bytes with nothing sensitive in it. */
export function cleanJson(bytes: number): Buffer {
  const items: string[] = [];
  let size = 12;
  for (let i = 0; size < bytes; i++) {
    const item = `{"sku":"SKU-${i}","qty":${i % 7},"note":"plain order line"}`;
    items.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`{"items":[${items.join(',')}]}`);
}

/** A mainland resident ID number with a valid check character (GB 11643), synthetic. */
export const ID_CARD = '11010519491231002X';
