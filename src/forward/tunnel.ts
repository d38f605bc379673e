import { connect, type Socket } from 'node:net';

/**
 * Relays bytes both ways between the client and a new TCP connection to the pinned IP. Resolves
 * when both sides are closed, with the byte counts; a failure to connect rejects before any
 * byte is relayed.
 */
export function openTunnel(
  client: Socket,
  ip: string,
  port: number,
  firstBytes: Buffer,
  connectTimeoutMs: number,
): Promise<{ up: number; down: number; error: string | null }> {
  return new Promise((resolve, reject) => {
    const upstream = connect({ host: ip, port });
    let connected = false;
    let up = firstBytes.length;
    let down = 0;
    let error: string | null = null;
    const timer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), connectTimeoutMs);
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      if (firstBytes.length > 0) upstream.write(firstBytes);
      client.on('data', (chunk: Buffer) => (up += chunk.length));
      upstream.on('data', (chunk: Buffer) => (down += chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected) {
        reject(err);
        return;
      }
      error = err.code ?? 'upstream error';
      client.destroy();
    });
    client.on('error', (err: NodeJS.ErrnoException) => {
      error ??= `client ${err.code ?? 'error'}`;
      upstream.destroy();
    });
    let closed = 0;
    const onClose = () => {
      closed += 1;
      if (closed === 2) resolve({ up, down, error });
    };
    upstream.once('close', () => {
      client.destroy();
      onClose();
    });
    client.once('close', () => {
      upstream.destroy();
      onClose();
    });
  });
}
