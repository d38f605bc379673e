import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { PolicyStatus } from './reload.js';

/** /readyz: a bare flag, or a flag with details shown in the body (the cluster's workers). */
export type Readiness = boolean | { readonly ready: boolean; readonly [detail: string]: unknown };

type Maybe<T> = T | Promise<T>;

export interface AdminOptions {
  /** /readyz: 200 when true, 503 otherwise. May ask other processes (the cluster primary asks
   *  its workers over IPC), hence the promise. */
  readonly ready: () => Maybe<Readiness>;
  /** The running policy and its reload status (/policy). */
  readonly policy: () => Maybe<PolicyStatus | Record<string, unknown>>;
  /** Served at /metrics in the Prometheus text format: a registry, or a function making one at
   *  scrape time (the cluster primary aggregates its workers' registries). */
  readonly metrics?: Registry | (() => Promise<Registry>);
  /** /workers: each process serving the proxy port (pid, readiness, revision, requests). */
  readonly workers?: () => Maybe<unknown>;
  /** /inventory: the data-flow inventory this process has seen since it started
   *  (src/inventory/build.ts); no individual hash, no value. */
  readonly inventory?: () => Maybe<unknown>;
}

const ENDPOINTS = ['/healthz', '/readyz', '/policy', '/metrics', '/inventory', '/workers'];

/** The admin listener: health, readiness, the running policy with its reload status, metrics.
 *  Never reachable through the proxy (its port is one of the gateway's own, refused as a
 *  destination with EG_LOOP_DETECTED). Shows no secret: no key, no request data. */
export function createAdminServer(options: AdminOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      if (res.headersSent) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    };
    const failed = (what: string) => (err: unknown) =>
      send(what === 'readiness' ? 503 : 500, { error: `${what} unavailable`, detail: err instanceof Error ? err.message : String(err) });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
    switch (path) {
      case '/healthz':
        // Alive: the process answers. Readiness (policy, audit, workers) is /readyz.
        return send(200, { status: 'ok' });
      case '/readyz':
        Promise.resolve()
          .then(options.ready)
          .then((r) => {
            if (typeof r === 'boolean') return r ? send(200, { status: 'ready' }) : send(503, { status: 'not ready' });
            const { ready, ...detail } = r;
            return send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...detail });
          })
          .catch(failed('readiness'));
        return;
      case '/metrics': {
        const source = options.metrics;
        if (!source) return send(404, { error: 'not found' });
        Promise.resolve()
          .then(() => (typeof source === 'function' ? source() : source))
          .then(async (registry) => {
            const text = await registry.metrics();
            res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
            res.end(text);
          })
          .catch(failed('metrics collection'));
        return;
      }
      case '/policy':
        // revision, source, mode, loadedAt, reloads {ok, failed}, lastError {at, lines, omitted} | null
        Promise.resolve().then(options.policy).then((p) => send(200, p), failed('policy status'));
        return;
      case '/inventory':
        if (!options.inventory) return send(404, { error: 'not found' });
        Promise.resolve().then(options.inventory).then((i) => send(200, i), failed('inventory'));
        return;
      case '/workers':
        if (!options.workers) return send(404, { error: 'not found' });
        Promise.resolve().then(options.workers).then((w) => send(200, w), failed('worker status'));
        return;
      default:
        return send(404, { error: 'not found', endpoints: ENDPOINTS });
    }
  });
}
