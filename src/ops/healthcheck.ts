#!/usr/bin/env node
/**
 * Container health check (the Dockerfile's HEALTHCHECK): GET /healthz on the admin listener,
 * exit 0 on 200, 1 otherwise. Node instead of curl, which the image does not carry. The address
 * is EG_ADMIN_LISTEN (what serve reads), or the first argument; an unspecified host (0.0.0.0,
 * ::) is asked on loopback. The path is /healthz, or the second argument (e.g. /readyz).
 */
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';

export function healthcheckTarget(listen: string | undefined): { host: string; port: number } {
  const value = (listen ?? '127.0.0.1:9901').trim();
  const match = /^(?:\[([^\]]+)\]|([^:]*)):?(\d+)$/.exec(value);
  if (!match) throw new Error(`admin address "${value}": expected host:port`);
  let host = match[1] || match[2] || '127.0.0.1';
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return { host, port: Number(match[3]) };
}

export function check(listen: string | undefined, path = '/healthz', timeoutMs = 2_000): Promise<boolean> {
  const { host, port } = healthcheckTarget(listen);
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [address, path] = process.argv.slice(2);
  check(address || process.env['EG_ADMIN_LISTEN'], path ?? '/healthz').then(
    (ok) => process.exit(ok ? 0 : 1),
    () => process.exit(1),
  );
}
