import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { PolicyStatus } from './reload.js';

export interface AdminOptions {
  readonly ready: () => boolean;
  /** The running policy and its reload status. */
  readonly policy: () => PolicyStatus;
  /** Served at /metrics in the Prometheus text format. */
  readonly metrics?: Registry;
}

/** The admin listener: health, and the running policy with its reload status. Never reachable
 *  through the proxy (its port is one of the gateway's own, refused as a destination). */
export function createAdminServer(options: AdminOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
    switch (path) {
      case '/healthz':
        return send(200, { status: 'ok' });
      case '/readyz':
        return options.ready() ? send(200, { status: 'ready' }) : send(503, { status: 'not ready' });
      case '/metrics':
        if (!options.metrics) return send(404, { error: 'not found' });
        options.metrics
          .metrics()
          .then((text) => {
            res.writeHead(200, { 'content-type': options.metrics!.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
            res.end(text);
          })
          .catch(() => send(500, { error: 'metrics collection failed' }));
        return;
      case '/policy':
        // revision, source, mode, loadedAt, reloads {ok, failed}, lastError {at, lines, omitted} | null
        return send(200, options.policy());
      default:
        return send(404, { error: 'not found', endpoints: ['/healthz', '/readyz', '/policy', '/metrics'] });
    }
  });
}
